package imports_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// rewritePart returns the workbook body with the text of its part name
// passed through edit.
func rewritePart(t *testing.T, body []byte, name string, edit func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		text, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			text = []byte(edit(string(text)))
		}
		w, err := zw.Create(f.Name)
		if err == nil {
			_, err = w.Write(text)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestXLSXFormulasWithoutResult: a workbook keeps each formula's last
// result next to it, and that result is what the import reads. Programs
// that write workbooks without a spreadsheet (openpyxl, XlsxWriter,
// excelize) leave it out, or write 0 and ask for a recalculation on open
// (calcPr fullCalcOnLoad): such cells read as empty or 0. The preflight
// counts them and names the first, so that the user can open and save the
// workbook instead of importing blanks; a workbook saved by a spreadsheet
// (a result with every formula, an empty text result included) has none.
func TestXLSXFormulasWithoutResult(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	header := `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`
	sst := `<si><t>Email</t></si><si><t>Name</t></si><si><t>Title</t></si><si><t>a@` + tb.word + `.example</t></si>`
	recalcAs := func(b []byte, fullCalcOnLoad string) []byte {
		return rewritePart(t, b, "xl/workbook.xml", func(s string) string {
			return strings.Replace(s, "</sheets>", `</sheets><calcPr calcId="124519" fullCalcOnLoad="`+fullCalcOnLoad+`"/>`, 1)
		})
	}
	recalc := func(b []byte) []byte { return recalcAs(b, "1") }
	excelized := func() []byte { // excelize writes a formula with no value
		f := excelize.NewFile()
		for cell, v := range map[string]string{"A1": "Email", "B1": "Name", "A2": "x@" + tb.word + ".example"} {
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.SetCellFormula("Sheet1", "B2", `PROPER("ann lee")`); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	tests := []struct {
		name      string
		body      []byte
		wantCount int
		wantFirst string
	}{
		{"SavedBySpreadsheet", workbook(t, sst, header+`<row r="2"><c r="A2" t="s"><v>3</v></c>`+
			`<c r="B2" t="str"><f>PROPER("ann lee")</f><v>Ann Lee</v></c><c r="C2" t="str"><f>""</f><v></v></c>`+
			`<c r="D2"><f>1+1</f><v>2</v></c><c r="E2" t="b"><f>TRUE()</f><v>1</v></c></row>`, nil), 0, ""},
		{"NoFormulas", workbook(t, sst, header+`<row r="2"><c r="A2" t="s"><v>3</v></c></row>`, nil), 0, ""},
		{"NoResults", workbook(t, sst, header+`<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="str"><f>A2</f><v>kept</v></c></row>`+
			`<row r="5"><c r="A5" t="s"><v>3</v></c><c r="C5"><f>1+1</f><v/></c>`+ // openpyxl: an empty value
			`<c r="D5" t="str"><f>A5</f></c><c r="E5"><f t="shared" ref="E5:E6" si="0">A5</f></c></row>`+
			`<row r="6"><c r="E6"><f t="shared" si="0"/></c></row>`, nil), 4, "C5"},
		{"ExcelizeWritten", excelized(), 1, "B2"},
		{"RecalculatedOnOpen", recalc(workbook(t, sst, header+`<row r="2"><c r="A2" t="s"><v>3</v></c>`+
			`<c r="B2"><f>1+1</f><v>0</v></c><c r="C2" t="str"><f>A2</f><v></v></c></row>`, nil)), 2, "B2"},
		{"RecalculatedOnOpenSaidAsTrue", recalcAs(workbook(t, sst, header+`<row r="2"><c r="A2" t="s"><v>3</v></c>`+
			`<c r="B2"><f>1+1</f><v>0</v></c></row>`, nil), "true"), 1, "B2"}, // an xsd:boolean
		{"RecalculatedWithoutFormulas", recalc(workbook(t, sst, header+`<row r="2"><c r="A2" t="s"><v>3</v></c></row>`, nil)), 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			imp := tb.MustUpload(t, tb.tenant, "f.xlsx", string(tc.body))
			got, err := tb.svc.Get(tb.ctx, tb.tenant, imp.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct {
				count int
				first string
			}{{imp.Format.FormulasWithoutResult, imp.Format.FirstFormulaWithoutResult},
				{got.Format.FormulasWithoutResult, got.Format.FirstFormulaWithoutResult}} {
				if f.count != tc.wantCount || f.first != tc.wantFirst {
					t.Errorf("formulas without result %d, first %q; want %d, %q", f.count, f.first, tc.wantCount, tc.wantFirst)
				}
			}
		})
	}
	csv := tb.MustUpload(t, tb.tenant, "f.csv", "Email,Name\na@"+tb.word+".example,=1+1\n")
	if csv.Format.FormulasWithoutResult != 0 || csv.Format.FirstFormulaWithoutResult != "" {
		t.Errorf("CSV: %+v", csv.Format)
	}
}
