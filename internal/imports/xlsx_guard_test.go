package imports_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"math"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// workbook builds a minimal XLSX: sst holds the shared strings' <si>
// items, rows the sheet's <row> elements; extra adds further parts.
func workbook(t testing.TB, sst, rows string, extra func(*zip.Writer)) []byte {
	t.Helper()
	return workbookAt(t, "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", sst, rows, extra)
}

// workbookAt is workbook with the sheet stored as the part named part,
// which the workbook's relationship reaches as target.
func workbookAt(t testing.TB, part, target, sst, rows string, extra func(*zip.Writer)) []byte {
	t.Helper()
	return workbookOf(t, part, target, sst, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+rows+`</sheetData></worksheet>`, extra)
}

// workbookOf is workbookAt with the sheet's XML as it is given.
func workbookOf(t testing.TB, part, target, sst, sheet string, extra func(*zip.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, body []byte) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	add("[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`))
	add("_rels/.rels", []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	add("xl/workbook.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	add("xl/_rels/workbook.xml.rels", []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="`+target+`"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`))
	add("xl/sharedStrings.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+sst+`</sst>`))
	add(part, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+sheet))
	if extra != nil {
		extra(zw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zeroParts adds n parts of size zero bytes each, deflated once and
// stored n times as they are (compressing 300 MB in every run would
// take most of the test's time under the race detector).
func zeroParts(t testing.TB, n, size int) func(*zip.Writer) {
	var deflated bytes.Buffer
	fw, err := flate.NewWriter(&deflated, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, size)
	if _, err := fw.Write(zeros); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	sum := crc32.ChecksumIEEE(zeros)
	return func(zw *zip.Writer) {
		for i := range n {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("xl/media/image%d.bin", i), Method: zip.Deflate,
				CRC32: sum, CompressedSize64: uint64(deflated.Len()), UncompressedSize64: uint64(size)})
			if err == nil {
				_, err = w.Write(deflated.Bytes())
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

// lyingPart adds a part of size zero bytes whose zip directory claims it
// unpacks to declared bytes: archive/zip reads a part up to the size its
// directory gives, so a size past what an int64 holds let it read on.
func lyingPart(t testing.TB, size int, declared uint64) func(*zip.Writer) {
	var deflated bytes.Buffer
	fw, err := flate.NewWriter(&deflated, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, size)
	if _, err := fw.Write(zeros); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return func(zw *zip.Writer) {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/media/image1.bin", Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(zeros), CompressedSize64: uint64(deflated.Len()), UncompressedSize64: declared})
		if err == nil {
			_, err = w.Write(deflated.Bytes())
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// sharedRow is a row of n cells that all show shared string 0.
func sharedRow(r, n int) string {
	return fmt.Sprintf(`<row r="%d">`, r) + strings.Repeat(`<c t="s"><v>0</v></c>`, n) + `</row>`
}

// TestXLSXBombs: workbooks of a few kilobytes that unpack or expand to
// gigabytes (one long shared string in every cell, millions of shared
// strings, parts of zeros) are refused from their zip directory and one
// streaming pass, before excelize reads them, with what is too large; a
// workbook whose data as CSV exceeds the package's file cap gets the 413
// a CSV of that size would. A plain workbook still converts.
func TestXLSXBombs(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	free := MustCreateTenant(t, tb.db, "") // 5 MiB file cap
	long := `<si><t>` + strings.Repeat("a", 30_000) + `</t></si>`
	var rows strings.Builder
	for r := 1; r <= 400; r++ { // 400 rows × 30 cells × 30,000 bytes: 360 MB as CSV
		rows.WriteString(sharedRow(r, 30))
	}
	zeros := zeroParts(t, 20, 15<<20)
	tests := []struct {
		name     string
		file     []byte
		wantCode string
		wantText string
	}{
		{"ErrRowExpands", workbook(t, long, sharedRow(1, 600), nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		{"ErrTooManyCells", workbook(t, `<si><t>x</t></si>`, sharedRow(1, 16_385), nil), apperr.EINVALID, "more than 16,384 cells"},
		{"ErrStringOverCellLimit", workbook(t, `<si><t>`+strings.Repeat("é", 70_000)+`</t></si>`, sharedRow(1, 1), nil), apperr.EINVALID, "32,767 characters"},
		{"ErrTooManyStrings", workbook(t, strings.Repeat(`<si/>`, 1_000_001), sharedRow(1, 1), nil), apperr.EINVALID, "more than 1,000,000 distinct texts"},
		{"ErrUnpacksTooFar", workbook(t, `<si><t>x</t></si>`, sharedRow(1, 1), zeros), apperr.EINVALID, "unpacks to more than 256 MiB"},
		// A part whose directory entry claims 2^64-1 bytes (or anything
		// past 2^63) summed as a negative int64: the workbook passed as
		// small, and excelize read the part's real gigabytes into memory.
		{"ErrDeclaredSizeWraps", workbook(t, `<si><t>x</t></si>`, sharedRow(1, 1), lyingPart(t, 16<<20, math.MaxUint64)), apperr.EINVALID, "unpacks to more than 256 MiB"},
		{"ErrDeclaredSizePastInt64", workbook(t, `<si><t>x</t></si>`, sharedRow(1, 1), lyingPart(t, 1<<20, 1<<63)), apperr.EINVALID, "unpacks to more than 256 MiB"},
		{"ErrCSVOverCap", workbook(t, long, rows.String(), nil), apperr.ETOOLARGE, "The workbook's data as CSV is larger than the 5 MiB limit"},
		// excelize holds every part in memory but the shared strings and
		// the sheets named xl/worksheets/sheet*.xml over 4 MiB: 210 MB of
		// embedded files unpack within the 256 MiB bound, not within the
		// 64 MiB a conversion may hold.
		{"ErrLargePartsHeldInMemory", workbook(t, `<si><t>x</t></si>`, sharedRow(1, 1), zeroParts(t, 14, 15<<20)), apperr.EINVALID, "unpack to more than 64 MiB"},
		// excelize reads the sheet the workbook's relationship names,
		// wherever it is stored: each is measured.
		{"ErrRowExpandsInSheetOutsideWorksheets", workbookAt(t, "xl/data.xml", "data.xml", long, sharedRow(1, 600), nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		{"ErrRowExpandsInSheetAtAbsoluteTarget", workbookAt(t, "sheets/s.bin", "/sheets/s.bin", long, sharedRow(1, 600), nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		{"ErrRowExpandsInSheetBesideAWorkbookPartElsewhere", zipOf(t,
			"_rels/.rels", officeRels("wb/book.xml"),
			"wb/book.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
			"wb/_rels/book.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="data.xml"/></Relationships>`,
			"xl/sharedStrings.xml", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+long+`</sst>`,
			"wb/data.xml", `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+sharedRow(1, 600)+`</sheetData></worksheet>`),
			apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		{"ErrRowExpandsInSheetNamedWithBackslashes", workbookAt(t, `xl\worksheets\sheet1.xml`, "worksheets/sheet1.xml", long, sharedRow(1, 600), nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		// excelize reads sheets (and a shared string table over 4 MiB) with
		// xml.Decoder.Token, which keeps an entry for every open element
		// and whose first error ends the sheet without one.
		{"ErrNestedElementsInSheet", workbook(t, `<si><t>x</t></si>`, sharedRow(1, 1)+strings.Repeat("<a>", 1_000_000), nil), apperr.EINVALID, "A sheet of the workbook is damaged"},
		{"ErrNestedElementsInSharedStrings", workbook(t, `<si><t>x</t></si>`+strings.Repeat("<a>", 1_500_000), sharedRow(1, 1), nil), apperr.EINVALID, "shared strings are damaged"},
		// Every other part excelize holds in memory and decodes (styles,
		// the workbook) takes a stack entry for each open element too.
		{"ErrNestedElementsInStyles", workbook(t, `<si><t>x</t></si>`, sharedRow(1, 1), func(zw *zip.Writer) {
			w, err := zw.Create("xl/styles.xml")
			if err == nil {
				_, err = w.Write([]byte(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + strings.Repeat("<a>", 1_000_000)))
			}
			if err != nil {
				t.Fatal(err)
			}
		}), apperr.EINVALID, "nest more than 64 deep"},
		{"ErrEndTagClosesAnotherElement", workbook(t, `<si><t>Email</t></si><si><t>a@b.example</t></si>`,
			sharedRow(1, 1)+`<row r="2"><c t="s"><v>1</v></c></rox>`+sharedRow(3, 1), nil), apperr.EINVALID, "A sheet of the workbook is damaged"},
		// excelize reads the table's own si elements, and the whole text
		// of their t elements: an si nested elsewhere shifted the lengths
		// measured (the long string measured as one byte), and a t closed
		// inside a t ended the text measured early. Both let a row of
		// 18 MB through.
		{"ErrRowExpandsPastStringNestedInTable", workbook(t, `<x><si><t>x</t></si></x>`+long, sharedRow(1, 600), nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		{"ErrRowExpandsPastStringNestedInAString", workbook(t, `<si><t>`+strings.Repeat("a", 30_000)+`</t><x><si/></x></si>`, sharedRow(1, 600), nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		// The index excelize reads is all the text directly inside the
		// cell's v: a v closed inside it ended the index measured, and a
		// comment split it into two indexes measured (1 and 0, not 10).
		{"ErrRowExpandsPastIndexAfterNestedV", workbook(t, long, `<row r="1">`+strings.Repeat(`<c t="s"><v><v/>0</v></c>`, 600)+`</row>`, nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		{"ErrRowExpandsPastIndexAroundNestedV", workbook(t, strings.Repeat(`<si><t>x</t></si>`, 10)+long, `<row r="1">`+strings.Repeat(`<c t="s"><v>1<v/>0</v></c>`, 600)+`</row>`, nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		{"ErrRowExpandsPastIndexSplitByComment", workbook(t, strings.Repeat(`<si><t>x</t></si>`, 10)+long, `<row r="1">`+strings.Repeat(`<c t="s"><v>1<!-- -->0</v></c>`, 600)+`</row>`, nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		{"ErrRowExpandsPastIndexBesideAnElement", workbook(t, strings.Repeat(`<si><t>x</t></si>`, 10)+long, `<row r="1">`+strings.Repeat(`<c t="s"><v><x>1</x>10</v></c>`, 600)+`</row>`, nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		{"ErrRowExpandsPastTextAfterNestedT", workbook(t, `<si><t><t/>`+strings.Repeat("a", 30_000)+`</t></si>`, sharedRow(1, 600), nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		// One table measured, another read: refused.
		{"ErrSecondSharedStringTable", workbook(t, long, sharedRow(1, 600), func(zw *zip.Writer) {
			w, err := zw.Create("xl/extra/sharedStrings.xml")
			if err == nil {
				_, err = w.Write([]byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>`))
			}
			if err != nil {
				t.Fatal(err)
			}
		}), apperr.EINVALID, "more than one shared string table"},
		// excelize reads the workbook part the package's first
		// officeDocument relationship names, and its sheets.
		{"ErrRowExpandsInSheetOfTheFirstWorkbookPart", rewritePart(t, workbookAt(t, "xl/data.xml", "data.xml", long, sharedRow(1, 600), nil), "_rels/.rels", func(s string) string {
			return strings.Replace(s, "</Relationships>", `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`, 1)
		}), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		// A sheet or table cut short ends excelize's reading of it
		// without an error: the rest silently lost.
		{"ErrSheetCutShort", workbookOf(t, "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", `<si><t>x</t></si>`,
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+sharedRow(1, 1), nil), apperr.EINVALID, "A sheet of the workbook is damaged"},
		{"ErrSharedStringsCutShort", rewritePart(t, workbook(t, `<si><t>x</t></si><si><t>y`, sharedRow(1, 1), nil), "xl/sharedStrings.xml", func(s string) string {
			return strings.TrimSuffix(s, "</sst>")
		}), apperr.EINVALID, "shared strings are damaged"},
		{"ErrStringIndexPastTheTable", workbook(t, `<si><t>x</t></si>`, `<row r="1"><c t="s"><v>1</v></c></row>`, nil), apperr.EINVALID, "damaged"},
		{"ErrNegativeStringIndex", workbook(t, `<si><t>x</t></si>`, `<row r="1"><c t="s"><v>-1</v></c></row>`, nil), apperr.EINVALID, "damaged"},
		// excelize reads the last v anywhere in a cell as its value, and
		// a cell inside a cell as part of it.
		{"ErrRowExpandsPastIndexInAnElementOfTheCell", workbook(t, `<si><t>x</t></si>`+long, `<row r="1">`+strings.Repeat(`<c t="s"><v>0</v><x><v>1</v></x></c>`, 600)+`</row>`, nil), apperr.EINVALID, "Row 1 of the workbook holds more than 16 MiB"},
		{"ErrCellInACell", workbook(t, `<si><t>x</t></si>`+long, `<row r="1">`+strings.Repeat(`<c t="s"><c t="n"><v>1</v></c></c>`, 600)+`</row>`, nil), apperr.EINVALID, "A sheet of the workbook is damaged"},
		{"ErrIndexPastAnyIndenting", workbook(t, `<si><t>x</t></si>`, `<row r="1"><c t="s"><v>`+strings.Repeat(" ", 1100)+`0</v></c></row>`, nil), apperr.EINVALID, "damaged"},
		{"ErrDanglingString", workbook(t, `<si><t>x</t></si>`, `<row r="1"><c t="s"><v>7</v></c></row>`, nil), apperr.EINVALID, "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if len(tt.file) > 2<<20 {
				t.Fatalf("the bomb is %d bytes: it should be small", len(tt.file))
			}
			_, err := tb.svc.Upload(tb.ctx, free, imports.UploadParams{FileName: "bomb.xlsx", Body: bytes.NewReader(tt.file), Size: int64(len(tt.file))})
			wantCode(t, err, tt.wantCode, tt.wantText)
		})
	}

	t.Run("OKSheetOutsideWorksheets", func(t *testing.T) {
		t.Parallel()
		file := workbookAt(t, "xl/data.xml", "../xl/./data.xml", `<si><t>Email</t></si><si><t>bo@example.com</t></si>`,
			`<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>1</v></c></row>`, nil)
		imp, err := tb.svc.Upload(tb.ctx, free, imports.UploadParams{FileName: "moved.xlsx", Body: bytes.NewReader(file), Size: int64(len(file))})
		if err != nil {
			t.Fatal(err)
		}
		if imp.RowCount() != 1 || strings.Join(imp.Columns(), ",") != "Email" {
			t.Fatalf("%d rows, columns %q", imp.RowCount(), imp.Columns())
		}
	})

	// Excel may keep a binary index of a sheet beside it, in
	// xl/worksheets/: it is no sheet, and not measured as one.
	t.Run("OKBinaryPartAmongSheets", func(t *testing.T) {
		t.Parallel()
		file := workbook(t, `<si><t>Email</t></si><si><t>bo@example.com</t></si>`,
			`<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>1</v></c></row>`, func(zw *zip.Writer) {
				w, err := zw.Create("xl/worksheets/binaryIndex1.bin")
				if err == nil {
					_, err = w.Write([]byte{0x00, 0xff, '<', 0x01})
				}
				if err != nil {
					t.Fatal(err)
				}
			})
		imp, err := tb.svc.Upload(tb.ctx, free, imports.UploadParams{FileName: "indexed.xlsx", Body: bytes.NewReader(file), Size: int64(len(file))})
		if err != nil {
			t.Fatal(err)
		}
		if imp.RowCount() != 1 {
			t.Fatalf("%d rows", imp.RowCount())
		}
	})

	t.Run("OKPlainWorkbook", func(t *testing.T) {
		t.Parallel()
		file := workbook(t, `<si><t>Email</t></si><si><t>ana@example.com</t></si><si><t>Ünal</t></si>`,
			`<row r="1"><c t="s"><v>0</v></c><c t="inlineStr"><is><t>Name</t></is></c></row>`+
				`<row r="2"><c t="s"><v>1</v></c><c t="s"><v>2</v></c></row>`, nil)
		imp, err := tb.svc.Upload(tb.ctx, free, imports.UploadParams{FileName: "plain.xlsx", Body: bytes.NewReader(file), Size: int64(len(file))})
		if err != nil {
			t.Fatal(err)
		}
		if imp.Format.Kind != imports.KindXLSX || imp.RowCount() != 1 || strings.Join(imp.Columns(), ",") != "Email,Name" {
			t.Fatalf("preflight %+v, columns %q", imp.Format, imp.Columns())
		}
	})
}
