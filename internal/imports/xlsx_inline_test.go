package imports_test

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/onecloudai/contacts/internal/imports"
)

// sheetRows reads the first sheet of the workbook at name as excelize
// hands it to the conversion.
func sheetRows(t *testing.T, name string) ([][]string, error) {
	t.Helper()
	f, err := excelize.OpenFile(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var got [][]string
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		got = append(got, cols)
	}
	return got, rows.Error()
}

// partText is the unpacked text of the part named name of the workbook at
// file.
func partText(t *testing.T, file, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestInlineSharedStringsReadsTheSame: a workbook whose shared strings are
// written inline into its sheets (what convertXLSX does when excelize
// would spill a large table, at ~100 bytes of memory a string) reads, cell
// for cell, as the workbook itself does.
func TestInlineSharedStringsReadsTheSame(t *testing.T) {
	t.Parallel()
	const main = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	sst := `<extLst><si><t>not one of the table's</t></si></extLst>` + // not a string: excelize reads the table's own
		`<si><t>email</t></si>` + // 0
		`<si><t xml:space="preserve">  Ann &amp; &lt;Bo&gt; "Lee"  </t></si>` + // 1
		`<si><r><rPr><b/></rPr><t>Jo</t></r><r><t xml:space="preserve">sé </t></r><r><t>Müller</t></r></si>` + // 2: rich text
		`<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>` + // 3: phonetic hint left out
		`<si><t>line one&#10;line two&#13;&#10;three	tab</t></si>` + // 4
		`<si><t>carriage_x000D_return and _x005F_x0041_</t></si>` + // 5: excelize's escapes
		`<si/>` + // 6
		`<si><t/></si>` + // 7
		`<si><t>a@b.example</t></si>` + // 8
		`<si><t>🙂 ünïcödé</t></si>` + // 9
		`<si><t>first</t><t>last</t></si>` + // 10: Go's XML decoding keeps the last
		`<si><r><t>run</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh><r><rPr><b/></rPr></r></si>` // 11: a run without text after a hint
	row := func(cells string) string { return `<row r="1">` + cells + `</row>` }
	tests := []struct {
		name  string
		sheet string
	}{
		{"EveryKindOfString", `<worksheet ` + main + `><sheetData>` +
			row(`<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c>`) +
			`<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" t="s"><v>6</v></c><c r="D2" t="s"><v>7</v></c><c r="E2" t="s"><v> 9 </v></c><c r="F2" t="s"><v>10</v></c><c r="G2" t="s"><v>11</v></c></row>` +
			`</sheetData></worksheet>`},
		{"MixedWithOtherCells", `<worksheet ` + main + `><sheetData>` +
			row(`<c r="A1" t="s"><v>8</v></c><c r="B1"><v>1.2E+10</v></c><c r="C1" t="inlineStr"><is><t>inline</t></is></c><c r="D1" t="b"><v>1</v></c><c r="E1" t="str"><f>A1</f><v>a@b.example</v></c>`) +
			`<row r="3"><c r="C3" t="s" s="0"><f>A1</f><v>8</v></c></row>` +
			`</sheetData></worksheet>`},
		{"EmptyAndSelfClosingCells", `<worksheet ` + main + `><sheetData>` +
			row(`<c r="A1" t="s"/><c r="B1" t="s"></c><c r="C1" t="s"><v></v></c><c r="D1" t="s"><v/></c><c r="E1" t="s"><v>8</v></c>`) +
			`<row r="2"><c r="A2" t="s"/></row><row r="3"><c r="A3" t="s"><v>8</v></c></row>` +
			`</sheetData></worksheet>`},
		// The index is the text directly inside the cell's own v: a v
		// closed inside it left the rest of it in the copy, and
		// excelize's reading of the copy ended there (row 2 lost).
		{"ElementsInTheValue", `<worksheet ` + main + `><sheetData>` +
			row(`<c r="A1" t="s"><v><v/>8</v></c><c r="B1" t="s"><v>1<!-- -->0</v></c><c r="C1" t="s"><v><x>1</x>9<v>2</v></v></c><c r="D1" t="s"><v>0</v><x><v>5</v></x></c>`) +
			`<row r="2"><c r="A2" t="s"><v>0</v></c></row>` +
			`</sheetData></worksheet>`},
		{"PrefixedNamespace", `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
			`<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t='s'><x:v>2</x:v></x:c></x:row>` +
			`</x:sheetData></x:worksheet>`},
		{"CommentsAndProcessingInstructions", `<worksheet ` + main + `><!-- a comment --><sheetData>` +
			row(`<c r="A1" t="s"><v>1<!-- mid --></v></c><?pi data?><c r="B1" t="s" ><v>4</v></c>`) +
			`</sheetData></worksheet>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			name := filepath.Join(dir, "book.xlsx")
			if err := os.WriteFile(name, workbookOf(t, "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", sst, tt.sheet, nil), 0o600); err != nil {
				t.Fatal(err)
			}
			want, err := sheetRows(t, name)
			if err != nil {
				t.Fatal(err)
			}
			copied, err := imports.InlineSharedStrings(name)
			if err != nil {
				t.Fatal(err)
			}
			defer os.Remove(copied)
			got, err := sheetRows(t, copied)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("inline copy reads\n%q\nthe workbook reads\n%q", got, want)
			}
			sheet := partText(t, copied, "xl/worksheets/sheet1.xml")
			if strings.Contains(sheet, `<v>8</v>`) || strings.Contains(sheet, `<x:v>0</x:v>`) {
				t.Fatalf("a shared string cell was left as it was:\n%s", sheet)
			}
			// excelize reads on past some damage, not all of it.
			for dec := xml.NewDecoder(strings.NewReader(sheet)); ; {
				if _, err := dec.Token(); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatalf("the copy's sheet is not well-formed: %v\n%s", err, sheet)
				}
			}
			if table := partText(t, copied, "xl/sharedStrings.xml"); strings.Contains(table, "<si") {
				t.Fatalf("the copy's shared string table still holds strings:\n%s", table)
			}
		})
	}
}

// TestInlineSharedStringsRefusesAMissingString: a cell naming a string the
// table does not hold is refused (checkXLSX refuses such a workbook as
// damaged before; the copy does not make up a text either).
func TestInlineSharedStringsRefusesAMissingString(t *testing.T) {
	t.Parallel()
	name := filepath.Join(t.TempDir(), "book.xlsx")
	if err := os.WriteFile(name, workbook(t, `<si><t>only</t></si>`, `<row r="1"><c r="A1" t="s"><v>1</v></c></row>`, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	copied, err := imports.InlineSharedStrings(name)
	if err == nil {
		os.Remove(copied)
		t.Fatal("the copy was written")
	}
	if !errors.Is(err, imports.ErrSharedStringIndex) {
		t.Fatalf("error %v, want the missing string", err)
	}
}
