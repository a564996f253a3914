package imports

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// paddedWorkbook writes a workbook to a file in dir: its shared string
// table and its sheet are sst and sheet, each with pad bytes of fill
// inserted where "%PAD%" is (written a chunk at a time: the test's own
// memory stays small), stored uncompressed.
func paddedWorkbook(t *testing.T, dir, sst, sheet string, pad int, fill byte) string {
	t.Helper()
	name := filepath.Join(dir, "book.xlsx")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	chunk := bytes.Repeat([]byte{fill}, 1<<20)
	write := func(part, body string) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: part, Method: zip.Store}) // quick to write under the race detector
		if err != nil {
			t.Fatal(err)
		}
		before, after, padded := strings.Cut(body, "%PAD%")
		if _, err := io.WriteString(w, before); err != nil {
			t.Fatal(err)
		}
		for left := pad; padded && left > 0; left -= len(chunk) {
			if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := io.WriteString(w, after); err != nil {
			t.Fatal(err)
		}
	}
	write("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	write("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	write("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	write("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	write("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+sst+`</sst>`)
	write("xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+sheet+`</sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestXLSXGuardReadsTokensInBoundedMemory: Go's XML decoder holds a whole
// token (a text, a comment, a tag with its attributes) in memory before
// checkXLSX can look at it, and so does excelize's after it. A workbook
// of a few hundred kilobytes can unpack to one token of a hundred
// megabytes (white space between two cells, a comment, a value no cell
// could hold): checkXLSX refuses it, reading no more of it than a
// megabyte or so, instead of holding it whole (and letting excelize do
// the same when the token is not data it counts).
func TestXLSXGuardReadsTokensInBoundedMemory(t *testing.T) { // not parallel: it measures the process's allocations
	const pad = 32 << 20
	cell := `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`
	tests := []struct {
		name       string
		sst, sheet string
		fill       byte
		wantText   string
	}{
		{"ErrSpaceBetweenCells", `<si><t>Email</t></si>`, `<row r="1"><c r="A1" t="s"><v>0</v></c>%PAD%</row>`, ' ', "longer than 1 MiB"},
		{"ErrCommentInSheet", `<si><t>Email</t></si>`, cell + `<!--%PAD%-->`, 'x', "longer than 1 MiB"},
		{"ErrAttributeInSheet", `<si><t>Email</t></si>`, `<row r="1" x="%PAD%"><c r="A1" t="s"><v>0</v></c></row>`, 'x', "longer than 1 MiB"},
		{"ErrLongValue", `<si><t>Email</t></si>`, `<row r="1"><c r="A1"><v>%PAD%</v></c></row>`, '7', "longer than 1 MiB"},
		// The decoder hands over the first megabyte as a text of its own.
		{"ErrLongSharedString", `<si><t>%PAD%</t></si>`, cell, 'a', "longer than the 32,767 characters a cell can hold"},
		{"ErrSpaceInSharedStrings", `<si><t>Email</t></si>%PAD%`, cell, ' ', "longer than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := paddedWorkbook(t, t.TempDir(), tt.sst, tt.sheet, pad, tt.fill)
			tooBig := errors.New("too big")
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := checkXLSX(name, 64<<20, tooBig)
			runtime.ReadMemStats(&after)
			var refused *apperr.Error
			if !errors.As(err, &refused) || refused.Code != apperr.EINVALID || !strings.Contains(refused.Message, tt.wantText) {
				t.Fatalf("checkXLSX: %v, want the workbook refused: %s", err, tt.wantText)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
				t.Fatalf("checkXLSX allocated %d MiB reading a token of %d MiB", got>>20, pad>>20)
			}
		})
	}
}
