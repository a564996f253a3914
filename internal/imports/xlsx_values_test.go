package imports_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// xlsxBook writes a workbook of rows to bytes; style, when set, styles
// cells (by name) with the style it returns for them.
func xlsxBook(t *testing.T, rows [][]any, style func(f *excelize.File) map[string]int) string {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	if style != nil {
		for cell, s := range style(f) {
			if err := f.SetCellStyle("Sheet1", cell, cell, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestXLSXNumbers: a number reads as the spreadsheet holds it. A phone
// number typed into a cell that has any style (a bold column, a border)
// has the General format, which excelize writes with ten significant
// digits (4.917012346E+11), and one in the Scientific format shows three
// (4.92E+11): both read as all their digits. Formats that say how the
// digits look (a zip code's leading zeros, a percentage, a date) still
// apply.
func TestXLSXNumbers(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	body := xlsxBook(t, [][]any{
		{"Email", "Phone", "Zip", "Share", "Since", "Note"},
		{"n1@" + w + ".example", 491701234567, 2134, 0.125, 45000, "Bold"},
		{"n2@" + w + ".example", 491701234568, 2134, 0.5, 45001, true},
		{"n3@" + w + ".example", 491701234569, 90210, 1, 45002, 1234.5678},
	}, func(f *excelize.File) map[string]int {
		must := func(s int, err error) int {
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		bold := must(f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}))
		sci := must(f.NewStyle(&excelize.Style{NumFmt: 11}))
		zip := "00000"
		zipFmt := must(f.NewStyle(&excelize.Style{CustomNumFmt: &zip}))
		pct := must(f.NewStyle(&excelize.Style{NumFmt: 10}))
		date := "yyyy-mm-dd"
		dateFmt := must(f.NewStyle(&excelize.Style{CustomNumFmt: &date}))
		return map[string]int{"B2": bold, "B3": sci, "F2": bold, "F3": bold, "F4": bold, "C2": zipFmt, "C3": zipFmt,
			"D2": pct, "E2": dateFmt}
	})
	imp := tb.MustUpload(t, tb.tenant, "numbers.xlsx", body)
	want := [][]string{
		{"n1@" + w + ".example", "491701234567", "02134", "12.50%", "2023-03-15", "Bold"},
		{"n2@" + w + ".example", "491701234568", "02134", "0.5", "45001", "TRUE"},
		{"n3@" + w + ".example", "491701234569", "90210", "1", "45002", "1234.5678"},
	}
	for i, row := range want {
		if got := strings.Join(imp.Sample[i+1].Fields, "|"); got != strings.Join(row, "|") {
			t.Errorf("row %d reads %q, want %q", i+2, got, strings.Join(row, "|"))
		}
	}
	if imp.Mapping.Columns[1] != imports.FieldPhone {
		t.Fatalf("mapping %v", imp.Mapping.Columns)
	}
	for i, p := range imp.Preview("US") {
		// How a number without its + reads is the phone rule's business
		// (TestXLSXNumberPhones: in the US, with a + in front); the
		// digits are this test's.
		if digits := fmt.Sprintf("4917012345%d", 67+i); !strings.HasSuffix(p.Values["phone"], digits) || len(p.Warnings) != 0 {
			t.Errorf("preview row %d: phone %q, warnings %+v; want it to end in %s", p.Row, p.Values["phone"], p.Warnings, digits)
		}
	}
}

// TestXLSXDates: a date in Excel's default short date format (built-in
// format 14, which Excel shows in the reader's locale: 3/15/2023 in the
// US, 15.03.2023 in Germany) reads as an ISO date, which no locale reads
// the wrong way round (excelize writes 03-15-23), also in a workbook of
// the 1904 date system (Excel for Mac before 2011), whose serial numbers
// count from 1904.
func TestXLSXDates(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	book := func(date1904 bool) string {
		f := excelize.NewFile()
		if date1904 {
			if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
				t.Fatal(err)
			}
		}
		for i, r := range [][]any{{"Email", "Met", "Called"}, {"d1@" + tb.word + ".example", 45000, 45000.75}} {
			if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
				t.Fatal(err)
			}
		}
		date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		if err != nil {
			t.Fatal(err)
		}
		stamp, err := f.NewStyle(&excelize.Style{NumFmt: 22})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", "B2", "B2", date); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", "C2", "C2", stamp); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	tests := []struct {
		name     string
		date1904 bool
		want     string
	}{
		{"OK1900", false, "2023-03-15|2023-03-15 18:00"},
		{"OK1904", true, "2027-03-16|2027-03-16 18:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, "dates.xlsx", book(tt.date1904))
			if got := strings.Join(imp.Sample[1].Fields[1:], "|"); got != tt.want {
				t.Fatalf("dates read %q, want %q", got, tt.want)
			}
		})
	}
}

// TestXLSXNULEscape: a workbook writes a NUL character in a cell as the
// escape _x0000_, which excelize decodes; the upload stored it in the
// preview (jsonb) and failed with a 500 ("unsupported Unicode escape
// sequence"). The cell reads without it, in the preview as in the import.
func TestXLSXNULEscape(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	email := "nul@" + tb.word + ".example"
	body := workbook(t, `<si><t>Em_x0000_ail</t></si><si><t>Name</t></si><si><t>nul@_x0000_`+tb.word+`.example</t></si><si><t>Ann_x0000_ Lee</t></si>`,
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`+
			`<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>`, nil)
	imp := tb.MustUpload(t, tb.tenant, "nul.xlsx", string(body))
	if got := fmt.Sprint(imp.Sample); got != "[{1 [Email Name] } {2 ["+email+" Ann Lee] }]" {
		t.Fatalf("sample %s", got)
	}
	if done := tb.MustRun(t, tb.tenant, imp.ID, false); done.Counts.Created != 1 {
		t.Fatalf("counts %+v, want 1 created", done.Counts)
	}
	var first, last string
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT first_name, last_name FROM contacts WHERE email = $1`, email).Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	if first != "Ann" || last != "Lee" {
		t.Fatalf("stored %q %q, want Ann Lee", first, last)
	}
}

// TestXLSXRowTooLong: a row of more than 1 MiB of text is previewed as
// the import reads it, too long (the preview showed it as a row the run
// then refused), as a CSV file's is.
func TestXLSXRowTooLong(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	long := strings.Repeat("a", 30_000)
	body := workbook(t, `<si><t>Email</t></si><si><t>`+long+`</t></si><si><t>ok@`+tb.word+`.example</t></si>`,
		`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`+
			`<row r="2">`+strings.Repeat(`<c t="s"><v>1</v></c>`, 36)+`</row>`+ // 1.08 MB
			`<row r="3"><c r="A3" t="s"><v>2</v></c></row>`, nil)
	imp := tb.MustUpload(t, tb.tenant, "long.xlsx", string(body))
	if len(imp.Sample) != 3 || imp.Sample[1].Problem != imports.ProblemTooLong || imp.Sample[2].Problem != "" {
		t.Fatalf("sample problems %q %q, want %q for row 2 only", imp.Sample[1].Problem, imp.Sample[2].Problem, imports.ProblemTooLong)
	}
	if done := tb.MustRun(t, tb.tenant, imp.ID, false); done.Counts.Created != 1 || done.Counts.Invalid != 1 {
		t.Fatalf("counts %+v, want 1 created, 1 invalid", done.Counts)
	}
	header := workbook(t, `<si><t>`+long+`</t></si>`, sharedRow(1, 36), nil)
	_, err := tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "long.xlsx", Body: bytes.NewReader(header), Size: int64(len(header))})
	wantCode(t, err, apperr.EINVALID, "The first row is longer than 1 MiB; this does not look like a file with a header.")
}

// TestXLSXNumbersStyledAsExcelizeReadsThem: a number reads in full also
// when its style says General or Scientific in the way excelize reads it:
// a custom format's formatCode16 (Excel's newer code, which excelize
// prefers to formatCode), or a cell format without a numFmtId (General).
func TestXLSXNumbersStyledAsExcelizeReadsThem(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	styled := func(t *testing.T, style *excelize.Style, edit func(string) string) []byte {
		body := xlsxBook(t, [][]any{{"Email", "Phone"}, {"s@" + tb.word + ".example", 491701234567}}, func(f *excelize.File) map[string]int {
			s, err := f.NewStyle(style)
			if err != nil {
				t.Fatal(err)
			}
			return map[string]int{"B2": s}
		})
		return rewritePart(t, []byte(body), "xl/styles.xml", edit)
	}
	fixed := "0"
	tests := []struct {
		name string
		body func(t *testing.T) []byte
	}{
		{"ScientificFormatCode16", func(t *testing.T) []byte {
			return styled(t, &excelize.Style{CustomNumFmt: &fixed}, func(s string) string {
				return strings.Replace(s, `formatCode="0"`, `formatCode="0" xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main" x16r2:formatCode16="0.00E+00"`, 1)
			})
		}},
		{"NoNumFmtID", func(t *testing.T) []byte {
			return styled(t, &excelize.Style{Font: &excelize.Font{Bold: true}}, func(s string) string {
				return strings.ReplaceAll(s, ` numFmtId="0"`, "")
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, "styled.xlsx", string(tt.body(t)))
			if got := imp.Sample[1].Fields[1]; got != "491701234567" {
				t.Fatalf("the phone reads %q, want 491701234567", got)
			}
		})
	}
}
