package imports_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestXLSXSheetOfBlanksIsEmpty: a sheet whose cells hold only empty texts
// (shared or inline) or blanks holds no data: the workbook opening on it
// reads its first sheet with data instead.
func TestXLSXSheetOfBlanksIsEmpty(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	file := workbook(t, `<si/><si><t></t></si><si><t>Email</t></si><si><t>d@`+tb.word+`.example</t></si>`,
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t xml:space="preserve">  </t></is></c></row>`,
		func(zw *zip.Writer) {
			w, err := zw.Create("xl/worksheets/sheet2.xml")
			if err == nil {
				_, err = w.Write([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
					`<row r="1"><c r="A1" t="s"><v>2</v></c></row><row r="2"><c r="A2" t="s"><v>3</v></c></row></sheetData></worksheet>`))
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	file = rewritePart(t, file, "xl/workbook.xml", func(s string) string {
		return strings.Replace(s, "</sheets>", `<sheet name="Data" sheetId="2" r:id="rId3"/></sheets>`, 1)
	})
	file = rewritePart(t, file, "xl/_rels/workbook.xml.rels", func(s string) string {
		return strings.Replace(s, "</Relationships>", `<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>`, 1)
	})
	imp, err := tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "blank.xlsx", Body: bytes.NewReader(file), Size: -1})
	if err != nil {
		t.Fatal(err)
	}
	if imp.Format.Sheet != "Data" || imp.RowCount() != 1 {
		t.Fatalf("read sheet %q, %d rows; want Data, 1 row", imp.Format.Sheet, imp.RowCount())
	}
}
