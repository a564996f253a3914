package imports

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"path"
	"strings"
)

// Messages for zips that are not XLSX workbooks: a file saved in another
// format and given the .xlsx name (or just an archive) would otherwise be
// called a damaged or password-protected workbook.
const (
	msgODS        = "The file is an OpenDocument spreadsheet (.ods), not an XLSX workbook; save it as .xlsx (File > Save As, Excel 2007-365) or as CSV and upload that."
	msgOpenDoc    = "The file is an OpenDocument text or presentation, not a spreadsheet; upload the contacts as a CSV or XLSX file."
	msgXLSB       = "The file is an Excel binary workbook (.xlsb), which is not supported; save it as .xlsx (Excel Workbook) or CSV and upload that."
	msgWord       = "The file is a Word document, not a spreadsheet; upload the contacts as a CSV or XLSX file."
	msgPowerPoint = "The file is a PowerPoint presentation, not a spreadsheet; upload the contacts as a CSV or XLSX file."
	msgNumbers    = "The file is an Apple Numbers document, not an XLSX workbook; export it as Excel or CSV (File > Export To) and upload that."
	msgZip        = "The file is a zip archive, not an XLSX workbook; unzip it and upload the CSV or XLSX file inside."
	msgChartsOnly = "The workbook holds only charts, no sheet of cells; upload the workbook that holds the chart's data."
)

// Relationship type of a chart sheet (a sheet that is one chart),
// transitional and strict.
var chartsheetTypes = map[string]bool{
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet": true,
	"http://purl.oclc.org/ooxml/officeDocument/relationships/chartsheet":             true,
}

// notAWorkbook returns EINVALID saying what the zip files is when it is
// not an XLSX workbook with a sheet of cells (an OpenDocument file, an
// .xlsb, a Word or PowerPoint file, an Apple Numbers document, an archive,
// a workbook of chart sheets only); nil when it is one, or when it is a
// workbook damaged in a way excelize finds.
func notAWorkbook(files []*zip.File) error {
	parts := make(map[string]*zip.File, len(files))
	lower := make(map[string]bool, len(files))
	for _, f := range files {
		parts[partName(f)] = f
		lower[strings.ToLower(partName(f))] = true
	}
	if f := parts["mimetype"]; f != nil {
		if kind := mimetype(f); strings.HasPrefix(kind, "application/vnd.oasis.opendocument.") {
			if strings.Contains(kind, "spreadsheet") {
				return unsupported(msgODS)
			}
			return unsupported(msgOpenDoc)
		}
	}
	// The workbook part is where excelize looks for it: the package
	// relationship's target, xl/workbook.xml without one.
	book := ""
	_ = walkXML(parts["_rels/.rels"], func(t xml.StartElement) {
		if t.Name.Local == "Relationship" && book == "" && officeDocumentTypes[xmlAttr(t, "Type")] {
			book = strings.TrimPrefix(xmlAttr(t, "Target"), "/")
		}
	})
	if book == "" {
		book = "xl/workbook.xml"
	}
	lowerBook := strings.ToLower(book)
	switch {
	case strings.HasSuffix(lowerBook, ".bin"):
		return unsupported(msgXLSB)
	case strings.HasPrefix(lowerBook, "word/"):
		return unsupported(msgWord)
	case strings.HasPrefix(lowerBook, "ppt/"):
		return unsupported(msgPowerPoint)
	case !lower[lowerBook] && !lower[path.Clean(lowerBook)] && !lower["xl/workbook.xml"]:
		if lower["index/document.iwa"] {
			return unsupported(msgNumbers)
		}
		return unsupported(msgZip)
	}
	if chartsOnly(parts, book) {
		return unsupported(msgChartsOnly)
	}
	return nil
}

// mimetype is the start of an OpenDocument file's mimetype part.
func mimetype(f *zip.File) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 128))
	return strings.TrimSpace(string(b))
}

// chartsOnly reports whether every sheet the workbook part book names is
// a chart sheet (none when it names none: excelize says so).
func chartsOnly(parts map[string]*zip.File, book string) bool {
	var ids []string
	if err := walkXML(parts[book], func(t xml.StartElement) {
		if t.Name.Local != "sheet" {
			return
		}
		for _, a := range t.Attr {
			if a.Name.Local == "id" && a.Name.Space != "" {
				ids = append(ids, a.Value)
			}
		}
	}); err != nil || len(ids) == 0 {
		return false
	}
	types := map[string]string{}
	rels := strings.TrimPrefix(path.Join(path.Dir(book), "_rels", path.Base(book)+".rels"), "/")
	if err := walkXML(parts[rels], func(t xml.StartElement) {
		if t.Name.Local == "Relationship" {
			types[xmlAttr(t, "Id")] = xmlAttr(t, "Type")
		}
	}); err != nil {
		return false
	}
	for _, id := range ids {
		if !chartsheetTypes[types[id]] {
			return false
		}
	}
	return true
}
