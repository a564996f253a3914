package imports

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// TestConvertXLSXInlinesALargeTable: a workbook whose shared string table
// excelize would spill (over xlsxInMemory) converts through a copy with
// the strings inline, to the same CSV; one with a small table is opened
// as it is.
func TestConvertXLSXInlinesALargeTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		note    int // the bytes of each row's note
		table   string
		inlined bool
	}{
		{"SmallTable", 100, "xl/sharedStrings.xml", false},
		{"LargeTable", 100_000, "xl/sharedStrings.xml", true},                 // 4.5 MB of XML
		{"LargeTableNamedInOtherCase", 100_000, "xl/SharedStrings.xml", true}, // excelize reads it too
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name := filepath.Join(t.TempDir(), "book.xlsx")
			var want strings.Builder
			if err := os.WriteFile(name, renamed(t, peopleWorkbook(t, 45, tt.note, &want), "xl/sharedStrings.xml", tt.table), 0o600); err != nil {
				t.Fatal(err)
			}
			if sst := excelizeSharedStrings(openZip(t, name).File); (sst.UncompressedSize64 > xlsxInMemory) != tt.inlined {
				t.Fatalf("table of %d bytes: the case does not test what it says", sst.UncompressedSize64)
			}
			opened, _, err := forExcelize(name, "", 256<<20)
			if err != nil {
				t.Fatal(err)
			}
			if opened != name {
				os.Remove(opened)
			}
			if got := opened != name; got != tt.inlined {
				t.Fatalf("inlined %v, want %v", got, tt.inlined)
			}
			var csv bytes.Buffer
			sc, err := convertXLSX(name, &csv, 256<<20, io.ErrShortWrite, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if csv.String() != want.String() || sc.records != 46 {
				t.Fatalf("converted %d records, want 46; CSV equal: %v", sc.records, csv.String() == want.String())
			}
		})
	}
}

// renamed is the workbook body with its part from named to.
func renamed(t testing.TB, body []byte, from, to string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		h := f.FileHeader
		if h.Name == from {
			h.Name = to
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := f.OpenRaw()
		if err == nil {
			_, err = io.Copy(w, raw)
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

// TestForExcelizeOpensTheCopyWithinItsSize: the inline copy's sheets hold
// the texts, and can unpack to more than the workbook did; excelize is
// told to open it within what it unpacks to, not within the workbook's
// bound (it would refuse the copy), and a copy whose parts excelize holds
// in memory come to more than xlsxMaxInMemory is refused.
func TestForExcelizeOpensTheCopyWithinItsSize(t *testing.T) {
	t.Parallel()
	name := filepath.Join(t.TempDir(), "book.xlsx")
	var want strings.Builder
	if err := os.WriteFile(name, peopleWorkbook(t, 45, 100_000, &want), 0o600); err != nil {
		t.Fatal(err)
	}
	opened, limit, err := forExcelize(name, t.TempDir(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if opened == name {
		t.Fatal("the workbook was not inlined")
	}
	if total, _ := unpackedSizes(openZip(t, opened).File); limit < total {
		t.Fatalf("opened within %d bytes, the copy unpacks to %d", limit, total)
	}

	held := withParts(t, paddedWorkbook(t, t.TempDir(), `<si><t>x</t></si>`, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, 0, ' '),
		claimedPart(t, "xl/data.xml", xlsxMaxInMemory)) // a sheet stored outside xl/worksheets/
	if _, err := copySize(held); err == nil || !strings.Contains(err.Error(), "unpack to more than 64 MiB") {
		t.Fatalf("copySize: %v, want the copy refused", err)
	}
}

func openZip(t testing.TB, name string) *zip.ReadCloser {
	t.Helper()
	zr, err := zip.OpenReader(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zr.Close() })
	return zr
}

// peopleWorkbook is a workbook of a header and rows people, six distinct
// shared strings each (a note of note bytes among them), and writes the
// CSV it converts to into want.
func peopleWorkbook(t testing.TB, rows, note int, want *strings.Builder) []byte {
	t.Helper()
	var sst, sheet strings.Builder
	header := []string{"email", "first name", "last name", "company", "title", "note"}
	for r := 0; r <= rows; r++ {
		fields := header
		if r > 0 {
			fields = []string{fmt.Sprintf("p%d@example%d.com", r, r%97), fmt.Sprintf("Ann %d", r), fmt.Sprintf("Lee-%d", r),
				fmt.Sprintf("Acme & Co %d", r), fmt.Sprintf("Head of <Sales> %d", r), fmt.Sprintf("%d: %s", r, strings.Repeat("met at the fair; ", note/17))}
		}
		fmt.Fprintf(&sheet, `<row r="%d">`, r+1)
		for c, f := range fields {
			fmt.Fprintf(&sst, `<si><t>%s</t></si>`, strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(f))
			fmt.Fprintf(&sheet, `<c r="%c%d" t="s"><v>%d</v></c>`, 'A'+c, r+1, r*len(fields)+c)
		}
		sheet.WriteString(`</row>`)
		want.WriteString(RecordLine(fields) + "\n")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + sst.String() + `</sst>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheet.String() + `</sheetData></worksheet>`},
	} {
		w, err := zw.Create(part.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, part.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var benchXLSXRows = flag.Int("xlsx-rows", 300_000, "rows of the workbook BenchmarkConvertXLSX converts")

// BenchmarkConvertXLSX converts a workbook of -xlsx-rows people with six
// distinct shared strings a row (its table is what excelize would spill)
// and reports the process's peak RSS while converting (Linux), e.g.
//
//	go test -run '^$' -bench ConvertXLSX -benchtime 1x ./internal/imports/ -args -xlsx-rows 800000
func BenchmarkConvertXLSX(b *testing.B) {
	var csv strings.Builder
	name := filepath.Join(b.TempDir(), "book.xlsx")
	if err := os.WriteFile(name, peopleWorkbook(b, *benchXLSXRows, 17, &csv), 0o600); err != nil {
		b.Fatal(err)
	}
	csv.Reset()
	debug.FreeOSMemory() // the workbook was built in memory
	b.ResetTimer()
	for b.Loop() {
		// Peak RSS from here: /proc/self/clear_refs resets VmHWM.
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		sc, err := convertXLSX(name, io.Discard, 512<<20, io.ErrShortWrite, "", nil)
		if err != nil {
			b.Fatal(err)
		}
		if sc.records != *benchXLSXRows+1 {
			b.Fatalf("%d records", sc.records)
		}
		if status, err := os.ReadFile("/proc/self/status"); err == nil {
			for line := range strings.Lines(string(status)) {
				if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					n, _ := strconv.Atoi(strings.Fields(kb)[0])
					b.ReportMetric(float64(n)/1024, "peak-RSS-MB")
				}
			}
		}
	}
}
