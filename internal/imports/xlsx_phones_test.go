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

// TestXLSXNumberPhones: Excel stores "+4917012345678" or "01701234567"
// typed into a cell as a number, dropping the "+" (a sign) or the leading
// 0, and the sheet reads 4917012345678 or 1701234567. The digits of a
// number cell in the phone column are read as they always were (a
// national number of the region) and also with a "+": when only the
// second reading is a valid number it is the phone; when both are valid
// and differ, the first stays and the row has an ambiguous_phone warning
// naming the other. The same digits in a CSV file (no cell types) read as
// before: only nationally.
func TestXLSXNumberPhones(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	cases := []struct {
		name, region string
		cell         any // as Excel stores it
		want         string
		warning      string // the other reading, for ambiguous_phone; "" for no warning
		csvWant      string // the same digits in a CSV file ("" for invalid)
	}{
		{"PlusDroppedForeignMobile", "US", 4917012345678, "+4917012345678", "", ""},
		{"PlusDroppedUKMobile", "US", 447911123456, "+447911123456", "", ""},
		{"PlusDroppedFrenchMobileDE", "DE", 33612345678, "+4933612345678", "+33612345678", "+4933612345678"},
		{"PlusDroppedFrenchMobile", "GB", 33612345678, "+33612345678", "", ""},
		{"ZeroDroppedNational", "DE", 1701234567, "+491701234567", "", "+491701234567"},
		{"ZeroDroppedUK", "GB", 7911123456, "+447911123456", "", "+447911123456"},
		{"NationalOnly", "US", 2079460000, "+12079460000", "", "+12079460000"},
		{"BothValidKeepsNational", "DE", 4917012345678, "+494917012345678", "+4917012345678", "+494917012345678"},
		{"SameBothWays", "US", 14155552671, "+14155552671", "", "+14155552671"},
		{"TextCellUnchanged", "US", "+4917012345678", "+4917012345678", "", "+4917012345678"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			email := "p" + strings.ToLower(c.name) + "@" + w + ".example"
			body := xlsxBook(t, [][]any{{"Email", "Phone"}, {email, c.cell}}, nil)
			imp := tb.MustUpload(t, tb.tenant, "phones.xlsx", body)
			if imp.Mapping.Columns[1] != imports.FieldPhone {
				t.Fatalf("mapping %v", imp.Mapping.Columns)
			}
			p := imp.Preview(c.region)
			if len(p) != 1 {
				t.Fatalf("preview %+v", p)
			}
			if got := p[0].Values["phone"]; got != c.want {
				t.Errorf("phone %q, want %q (warnings %+v)", got, c.want, p[0].Warnings)
			}
			var other string
			for _, wr := range p[0].Warnings {
				if wr.Code == "ambiguous_phone" && wr.Field == imports.FieldPhone {
					other = wr.Message
				}
			}
			switch {
			case c.warning == "" && len(p[0].Warnings) != 0:
				t.Errorf("warnings %+v, want none", p[0].Warnings)
			case c.warning != "" && !strings.Contains(other, c.warning):
				t.Errorf("warnings %+v, want ambiguous_phone naming %s", p[0].Warnings, c.warning)
			}

			// A CSV file's cells have no type: its digits read nationally.
			csv := tb.MustUpload(t, tb.tenant, "phones.csv", "Email,Phone\n"+email+","+fmt.Sprint(c.cell)+"\n")
			if len(csv.Format.NumericColumns) != 0 {
				t.Errorf("CSV numeric columns %v", csv.Format.NumericColumns)
			}
			cp := csv.Preview(c.region)
			if got := cp[0].Values["phone"]; got != c.csvWant {
				t.Errorf("CSV phone %q, want %q", got, c.csvWant)
			}
			if invalid := len(cp[0].Warnings) == 1 && cp[0].Warnings[0].Code == "invalid_phone"; invalid != (c.csvWant == "") || len(cp[0].Warnings) > 1 {
				t.Errorf("CSV warnings %+v", cp[0].Warnings)
			}
		})
	}
}

// TestXLSXNumberPhonesRun: the import stores the recovered number, keeps
// the national reading of an ambiguous one with a warning on its record,
// and the import remembers which columns held number cells.
func TestXLSXNumberPhonesRun(t *testing.T) {
	t.Parallel()
	tb := setup(t) // the tenant's region is DE
	w := tb.word
	body := xlsxBook(t, [][]any{
		{"Email", "Phone", "Name"},
		{"r1@" + w + ".example", 14155552671, "Ann"},  // +1 415 555 2671 without its +
		{"r2@" + w + ".example", 4917012345678, "Bo"}, // valid in DE as typed, and with a +
		{"r3@" + w + ".example", "030 1234567", "Cy"}, // text
		{"r4@" + w + ".example", 1701234567, "Dee"},   // 0170 1234567 without its 0
	}, nil)
	imp := tb.MustUpload(t, tb.tenant, "phones.xlsx", body)
	got, err := tb.svc.Get(tb.ctx, tb.tenant, imp.ID)
	if err != nil || fmt.Sprint(got.Format.NumericColumns) != "[1]" {
		t.Fatalf("numeric columns %v (%v), want [1]", got.Format.NumericColumns, err)
	}
	done := tb.MustRun(t, tb.tenant, imp.ID, false)
	if done.Counts.Created != 4 || done.Counts.WithWarnings != 1 {
		t.Fatalf("counts %+v, want 4 created, 1 with warnings", done.Counts)
	}
	recs := tb.records(t, tb.tenant, imp.ID)
	if ws := recs[3].Warnings; len(ws) != 1 || ws[0].Code != "ambiguous_phone" || !strings.Contains(ws[0].Message, "+4917012345678") {
		t.Errorf("row 3 warnings %+v", ws)
	}
	// errors.csv says the phone was imported, to be checked; a workbook's
	// is comma-separated UTF-8 with the byte order mark Excel needs.
	var b strings.Builder
	if err := tb.svc.WriteErrorsCSV(tb.ctx, tb.tenant, imp.ID, &b); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "Row 3 was imported with these values to check. Phone: 4917012345678 was a number cell") ||
		strings.Contains(out, "imported without") || !strings.HasPrefix(out, "\uFEFF") {
		t.Errorf("errors.csv:\n%s", out)
	}
	want := map[string]string{"r1": "+14155552671", "r2": "+494917012345678", "r3": "+49301234567", "r4": "+491701234567"}
	for local, phone := range want {
		var stored string
		if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT phone FROM contacts WHERE email = $1`, local+"@"+w+".example").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != phone {
			t.Errorf("%s phone %q, want %q", local, stored, phone)
		}
	}
}

// TestXLSXNumberPhonesOtherSheet: the number cells are those of the sheet
// read, found by its name also when the name holds XML's special
// characters.
func TestXLSXNumberPhonesOtherSheet(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	f := excelize.NewFile()
	if _, err := f.NewSheet(`R&D "<1>"`); err != nil {
		t.Fatal(err)
	}
	for sheet, rows := range map[string][][]any{
		"Sheet1":    {{"Phone", "Email"}, {"+1 415 555 2671", "a@" + tb.word + ".example"}},
		`R&D "<1>"`: {{"Email", "Name", "Phone"}, {"b@" + tb.word + ".example", "Bo", 4917012345678}},
	} {
		for i, r := range rows {
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ sheet, numeric string }{{"", "[]"}, {`R&D "<1>"`, "[2]"}} {
		imp, err := tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "b.xlsx", Body: bytes.NewReader(b.Bytes()), Size: -1, Sheet: c.sheet})
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(imp.Format.NumericColumns); got != c.numeric {
			t.Errorf("sheet %q: numeric columns %s, want %s", c.sheet, got, c.numeric)
		}
	}
}

// TestXLSXNumericColumns: the columns whose phones may have lost a "+" or
// a leading 0 are those holding a number cell: one without a type, as
// Excel writes it, or of type "n", as LibreOffice does; not a formula's
// text, a boolean, an error or a blank value. A column past those read
// is not one, and a cell named past Excel's last column is no number of
// a column at all.
func TestXLSXNumericColumns(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	header := `<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c><c r="B1" t="inlineStr"><is><t>Phone</t></is></c></row>`
	tests := []struct {
		name, cells string // row 2's
		want        string
	}{
		{"NumberWithoutType", `<c r="B2"><v>4917012345678</v></c>`, "[1]"},
		{"NumberWithoutReference", `<c><v>4917012345678</v></c>`, "[1]"}, // the cell after A2
		{"NumberOfTypeN", `<c r="B2" t="n"><v>4917012345678</v></c>`, "[1]"},
		{"FormulaText", `<c r="B2" t="str"><f>"4917012345678"</f><v>4917012345678</v></c>`, "[]"},
		{"Boolean", `<c r="B2" t="b"><v>1</v></c>`, "[]"},
		{"Error", `<c r="B2" t="e"><v>#N/A</v></c>`, "[]"},
		{"BlankValue", `<c r="B2"><v> </v></c>`, "[]"},
		{"PastTheColumnsRead", `<c r="B2" t="inlineStr"><is><t>+4917012345678</t></is></c><c r="ALM2"><v>1</v></c>`, "[]"}, // column 1,001
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			row := `<row r="2"><c r="A2" t="inlineStr"><is><t>n@` + tb.word + `.example</t></is></c>` + tt.cells + `</row>`
			file := workbook(t, "", header+row, nil)
			imp, err := tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "n.xlsx", Body: bytes.NewReader(file), Size: -1})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(imp.Format.NumericColumns); got != tt.want {
				t.Fatalf("numeric columns %s, want %s", got, tt.want)
			}
		})
	}

	// Facts are kept by the part's name as excelize gives it.
	t.Run("NumberInSheetNamedWithBackslashes", func(t *testing.T) {
		t.Parallel()
		row := `<row r="2"><c r="A2" t="inlineStr"><is><t>b@` + tb.word + `.example</t></is></c><c r="B2"><v>4917012345678</v></c></row>`
		file := workbookAt(t, `xl\worksheets\sheet1.xml`, "worksheets/sheet1.xml", "", header+row, nil)
		imp, err := tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "n.xlsx", Body: bytes.NewReader(file), Size: -1})
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(imp.Format.NumericColumns); got != "[1]" {
			t.Fatalf("numeric columns %s, want [1]", got)
		}
	})

	t.Run("ErrPastExcelsLastColumn", func(t *testing.T) {
		t.Parallel()
		file := workbook(t, "", header+`<row r="2"><c r="XFE2"><v>1</v></c></row>`, nil)
		_, err := tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "n.xlsx", Body: bytes.NewReader(file), Size: -1})
		wantCode(t, err, apperr.EINVALID, "not a readable XLSX workbook")
	})
}
