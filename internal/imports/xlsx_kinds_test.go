package imports_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// zipOf writes parts (name, content, in order) as a zip.
func zipOf(t *testing.T, parts ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// officeRels is a package relationship naming target as its main part.
func officeRels(target string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + target + `"/></Relationships>`
}

// TestXLSXOtherZips: a zip that is not an XLSX workbook (a file saved in
// another format and given the .xlsx name, or an archive) is refused
// saying what it is and how to save it, not as a damaged or
// password-protected workbook; so is a workbook whose sheets are all
// charts.
func TestXLSXOtherZips(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	chartsOnly := func() []byte {
		f := excelize.NewFile()
		if err := f.AddChartSheet("Chart1", &excelize.Chart{Type: excelize.Col,
			Series: []excelize.ChartSeries{{Name: "Sheet1!$A$1", Categories: "Sheet1!$A$2:$A$3", Values: "Sheet1!$B$2:$B$3"}}}); err != nil {
			t.Fatal(err)
		}
		if err := f.DeleteSheet("Sheet1"); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	tests := []struct {
		name string
		file []byte
		msg  string
	}{
		{"ErrOpenDocumentSpreadsheet", zipOf(t, "mimetype", "application/vnd.oasis.opendocument.spreadsheet",
			"content.xml", "<office:document-content/>"), "OpenDocument spreadsheet (.ods)"},
		{"ErrOpenDocumentText", zipOf(t, "mimetype", "application/vnd.oasis.opendocument.text",
			"content.xml", "<office:document-content/>"), "OpenDocument text or presentation"},
		{"ErrBinaryWorkbook", zipOf(t, "_rels/.rels", officeRels("xl/workbook.bin"), "xl/workbook.bin", "\x00\x01"),
			"Excel binary workbook (.xlsb)"},
		{"ErrWordDocument", zipOf(t, "_rels/.rels", officeRels("word/document.xml"), "word/document.xml", "<w:document/>"),
			"Word document"},
		{"ErrPowerPoint", zipOf(t, "_rels/.rels", officeRels("/ppt/presentation.xml"), "ppt/presentation.xml", "<p:presentation/>"),
			"PowerPoint presentation"},
		{"ErrNumbers", zipOf(t, "Index/Document.iwa", "\x00", "Metadata/Properties.plist", "<plist/>"), "Apple Numbers"},
		{"ErrZipArchive", zipOf(t, "contacts.csv", "Email\nz@example.com\n"), "a zip archive"},
		{"ErrChartsOnly", chartsOnly(), "only charts"},
		// A workbook naming no sheet at all holds no charts either.
		{"ErrNoSheets", rewritePart(t, workbook(t, `<si><t>Email</t></si>`, sharedRow(1, 1), nil), "xl/workbook.xml", func(s string) string {
			return strings.Replace(s, `<sheet name="Sheet1" sheetId="1" r:id="rId1"/>`, "", 1)
		}), "The workbook has no sheets."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "book.xlsx", Body: bytes.NewReader(tt.file), Size: -1})
			wantCode(t, err, apperr.EINVALID, tt.msg)
		})
	}
}
