package imports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// withParts writes a copy of the workbook at name with the parts extra
// adds after its own, and returns the copy's name.
func withParts(t *testing.T, name string, extra func(*zip.Writer)) string {
	t.Helper()
	zr := openZip(t, name)
	copied := filepath.Join(t.TempDir(), "more.xlsx")
	f, err := os.Create(copied)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, p := range zr.File {
		if err := zw.Copy(p); err != nil {
			t.Fatal(err)
		}
	}
	extra(zw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return copied
}

// claimedPart adds a part named name whose zip directory claims it
// unpacks to size bytes (it holds one zero): checkXLSX measures a part by
// its claim.
func claimedPart(t *testing.T, name string, size uint64) func(*zip.Writer) {
	return func(zw *zip.Writer) {
		var deflated bytes.Buffer
		fw, err := flate.NewWriter(&deflated, flate.BestSpeed)
		if err == nil {
			_, err = fw.Write([]byte{0})
		}
		if err == nil {
			err = fw.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE([]byte{0}),
			CompressedSize64: uint64(deflated.Len()), UncompressedSize64: size})
		if err == nil {
			_, err = w.Write(deflated.Bytes())
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// textPart adds a part named name holding body.
func textPart(t *testing.T, name, body string) func(*zip.Writer) {
	return func(zw *zip.Writer) {
		w, err := zw.Create(name)
		if err == nil {
			_, err = io.WriteString(w, body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// unpacked is what the parts of the workbook at name unpack to, and the
// part of it excelize holds in memory.
func unpacked(t *testing.T, name string) (int64, int64) {
	t.Helper()
	return unpackedSizes(openZip(t, name).File)
}

// TestCheckXLSXBounds: each of checkXLSX's bounds lets a workbook at the
// bound through and refuses one past it (a legitimate workbook refused
// by one bound moved by one is as wrong as a bomb let through), and the
// strings' bound grows with the file cap.
func TestCheckXLSXBounds(t *testing.T) {
	t.Parallel()
	const (
		fiveMiB  = 5 << 20 // the Free file cap: 256 MiB unpacked, 1,000,000 texts
		pro      = 64 << 20
		cellText = `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`
	)
	plain := func(t *testing.T) string {
		return paddedWorkbook(t, t.TempDir(), `<si><t>Email</t></si>`, cellText, 0, ' ')
	}
	emoji := strings.Repeat("🙂", 32767) // 32,767 characters of 4 bytes: the longest text a cell holds
	nested := func(n int) string { return strings.Repeat("<a>", n) + strings.Repeat("</a>", n) }
	tests := []struct {
		name  string
		file  func(t *testing.T) string
		limit int64
		want  string // "" for the workbook let through
	}{
		{"OK500Parts", func(t *testing.T) string {
			name := plain(t)
			have := len(openZip(t, name).File)
			return withParts(t, name, func(zw *zip.Writer) {
				for i := range 500 - have {
					textPart(t, fmt.Sprintf("docProps/custom%d.xml", i), "<a/>")(zw)
				}
			})
		}, fiveMiB, ""},
		{"Err501Parts", func(t *testing.T) string {
			name := plain(t)
			have := len(openZip(t, name).File)
			return withParts(t, name, func(zw *zip.Writer) {
				for i := range 501 - have {
					textPart(t, fmt.Sprintf("docProps/custom%d.xml", i), "<a/>")(zw)
				}
			})
		}, fiveMiB, "more than 500 parts"},
		// A sheet part excelize spills to disk: only the sum bounds it.
		{"OKUnpacksToTheBound", func(t *testing.T) string {
			name := plain(t)
			total, _ := unpacked(t, name)
			return withParts(t, name, claimedPart(t, "xl/worksheets/sheet9.bin", uint64(256<<20-total)))
		}, fiveMiB, ""},
		{"ErrUnpacksPastTheBound", func(t *testing.T) string {
			name := plain(t)
			total, _ := unpacked(t, name)
			return withParts(t, name, claimedPart(t, "xl/worksheets/sheet9.bin", uint64(256<<20-total+1)))
		}, fiveMiB, "unpacks to more than 256 MiB"},
		{"OKHeldInMemoryToTheBound", func(t *testing.T) string {
			name := plain(t)
			_, inMemory := unpacked(t, name)
			return withParts(t, name, claimedPart(t, "xl/media/image1.png", uint64(64<<20-inMemory)))
		}, fiveMiB, ""},
		{"ErrHeldInMemoryPastTheBound", func(t *testing.T) string {
			name := plain(t)
			_, inMemory := unpacked(t, name)
			return withParts(t, name, claimedPart(t, "xl/media/image1.png", uint64(64<<20-inMemory+1)))
		}, fiveMiB, "unpack to more than 64 MiB"},
		{"OKLongestText", func(t *testing.T) string {
			return paddedWorkbook(t, t.TempDir(), `<si><t>`+emoji+`</t></si>`, cellText, 0, ' ')
		}, fiveMiB, ""},
		{"ErrTextPastTheLongest", func(t *testing.T) string {
			return paddedWorkbook(t, t.TempDir(), `<si><t>`+emoji+`a</t></si>`, cellText, 0, ' ')
		}, fiveMiB, "longer than the 32,767 characters"},
		// A Japanese workbook's phonetic hints are not part of the text.
		{"OKLongestTextWithPhoneticHint", func(t *testing.T) string {
			return paddedWorkbook(t, t.TempDir(), `<si><t>`+emoji+`</t><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>`, cellText, 0, ' ')
		}, fiveMiB, ""},
		{"OKRowOfEveryColumn", func(t *testing.T) string {
			return paddedWorkbook(t, t.TempDir(), `<si><t>x</t></si>`, `<row r="1">`+strings.Repeat(`<c t="s"><v>0</v></c>`, 16384)+`</row>`, 0, ' ')
		}, fiveMiB, ""},
		// 4,097 cells of 4,094 bytes, each with its delimiter, and the
		// line's end: 16 MiB.
		{"OKRowToTheBound", func(t *testing.T) string {
			return paddedWorkbook(t, t.TempDir(), `<si><t>`+strings.Repeat("a", 4094)+`</t></si>`, `<row r="1">`+strings.Repeat(`<c t="s"><v>0</v></c>`, 4097)+`</row>`, 0, ' ')
		}, pro, ""},
		{"ErrRowPastTheBound", func(t *testing.T) string {
			return paddedWorkbook(t, t.TempDir(), `<si><t>`+strings.Repeat("a", 4095)+`</t></si>`, `<row r="1">`+strings.Repeat(`<c t="s"><v>0</v></c>`, 4097)+`</row>`, 0, ' ')
		}, pro, "holds more than 16 MiB"},
		// The row of "Email" is measured as 7 bytes (its text, a
		// delimiter and a line end; 6 as CSV): let through at a cap of 7,
		// refused by checkXLSX itself, before excelize reads the sheet,
		// at a cap of 5.
		{"OKDataToTheCap", plain, 7, ""},
		{"ErrDataPastTheCap", plain, 5, "too big"},
		{"OKNestedToTheBoundInSheet", func(t *testing.T) string {
			// worksheet, then 63 more
			return paddedWorkbook(t, t.TempDir(), `<si><t>x</t></si>`, cellText+`</sheetData>`+nested(63)+`<sheetData>`, 0, ' ')
		}, fiveMiB, ""},
		{"ErrNestedPastTheBoundInSheet", func(t *testing.T) string {
			return paddedWorkbook(t, t.TempDir(), `<si><t>x</t></si>`, cellText+`</sheetData>`+nested(64)+`<sheetData>`, 0, ' ')
		}, fiveMiB, "A sheet of the workbook is damaged"},
		{"OKNestedToTheBoundInStyles", func(t *testing.T) string {
			return withParts(t, plain(t), textPart(t, "xl/styles.xml", nested(64)))
		}, fiveMiB, ""},
		{"ErrNestedPastTheBoundInStyles", func(t *testing.T) string {
			return withParts(t, plain(t), textPart(t, "xl/styles.xml", nested(65)))
		}, fiveMiB, "nest more than 64 deep"},
		// An empty shared string cell reads as "", and an indented index
		// as the index.
		{"OKEmptyAndIndentedIndexes", func(t *testing.T) string {
			return paddedWorkbook(t, t.TempDir(), `<si><t>x</t></si>`, `<row r="1"><c t="s"><v></v></c><c t="s"><v/></c><c t="s"><v>
				0
			</v></c></row>`, 0, ' ')
		}, fiveMiB, ""},
		// excelize reads a table named in another case as the table.
		{"OKSharedStringsNamedInOtherCase", func(t *testing.T) string {
			body, err := os.ReadFile(plain(t))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(t.TempDir(), "case.xlsx")
			if err := os.WriteFile(name, renamed(t, body, "xl/sharedStrings.xml", "XL/SharedStrings.XML"), 0o600); err != nil {
				t.Fatal(err)
			}
			return name
		}, fiveMiB, ""},
		// A larger package's cap takes more texts than Free's 1,000,000.
		{"OKMoreTextsOnALargerCap", func(t *testing.T) string {
			return paddedWorkbook(t, t.TempDir(), strings.Repeat(`<si/>`, 1_000_001), cellText, 0, ' ')
		}, pro, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tooBig := errors.New("too big")
			_, err := checkXLSX(tt.file(t), tt.limit, tooBig)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("checkXLSX: %v, want the workbook let through", err)
				}
				return
			}
			var refused *apperr.Error
			switch {
			case errors.Is(err, tooBig) && tt.want == tooBig.Error():
			case errors.As(err, &refused) && refused.Code == apperr.EINVALID && strings.Contains(refused.Message, tt.want):
			default:
				t.Fatalf("checkXLSX: %v, want the workbook refused: %s", err, tt.want)
			}
		})
	}
}

// TestCheckXLSXKeepsMergesToTheBound: the merged ranges read of a
// workbook are bounded, the first xlsxMaxMerges of them kept.
func TestCheckXLSXKeepsMergesToTheBound(t *testing.T) {
	t.Parallel()
	merges := `</sheetData><mergeCells>` + strings.Repeat(`<mergeCell ref="A1:A2"/>`, xlsxMaxMerges+1) + `</mergeCells><sheetData>`
	name := paddedWorkbook(t, t.TempDir(), `<si><t>x</t></si>`, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`+merges, 0, ' ')
	facts, err := checkXLSX(name, 64<<20, errors.New("too big"))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(facts.facts("Sheet1").downMerges); got != xlsxMaxMerges {
		t.Fatalf("%d merged ranges kept, want %d", got, xlsxMaxMerges)
	}
}

// TestHeldInMemory: excelize spills the shared strings and the sheets
// stored as xl/worksheets/sheet* to disk when they unpack to more than
// xlsxInMemory, and holds every other part in memory whatever its size.
func TestHeldInMemory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		size uint64
		want bool
	}{
		{"xl/sharedStrings.xml", xlsxInMemory + 1, false},
		{"XL/SHAREDSTRINGS.XML", xlsxInMemory + 1, false},
		{"xl/sharedStrings.xml", xlsxInMemory, true},
		{"xl/worksheets/sheet1.xml", xlsxInMemory + 1, false},
		{`xl\worksheets\sheet2.xml`, xlsxInMemory + 1, false},
		{"xl/worksheets/sheet1.xml", xlsxInMemory, true},
		{"xl/data.xml", xlsxInMemory + 1, true}, // a sheet stored elsewhere
		{"xl/styles.xml", xlsxInMemory + 1, true},
		{"xl/media/image1.png", 1 << 30, true},
	}
	for _, tt := range tests {
		f := &zip.File{FileHeader: zip.FileHeader{Name: tt.name, UncompressedSize64: tt.size}}
		if got := heldInMemory(f); got != tt.want {
			t.Errorf("%s of %d bytes held in memory: %v, want %v", tt.name, tt.size, got, tt.want)
		}
	}
}

// TestCellColumn: a cell reference's column, and the reference of a
// column and row, stay within a sheet's range however long or far the
// input.
func TestCellColumn(t *testing.T) {
	t.Parallel()
	for ref, want := range map[string]int{"A1": 1, "ab12": 28, "XFD1": 16384, "12": 0} {
		if got := cellColumn(ref); got != want {
			t.Errorf("cellColumn(%q) = %d, want %d", ref, got, want)
		}
	}
	// 26 letters would overflow an int: the reading stops past the last
	// column instead.
	if got := cellColumn(strings.Repeat("Z", 26) + "1"); got <= xlsxMaxRowCells {
		t.Errorf("cellColumn of 26 letters = %d, want past column %d", got, xlsxMaxRowCells)
	}
	if got := cellName(3, 2_000_000); got != "C1048576" {
		t.Errorf("cellName(3, 2,000,000) = %q, want the sheet's last row", got)
	}
}
