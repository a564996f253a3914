package imports

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// spilledRows reads the first rows of the first sheet of the workbook at
// name as excelize reads a workbook whose shared string table it spills
// to a temporary file (the workbooks inlineSharedStrings rewrites); a
// row number far down the sheet would have it read a million empty rows.
func spilledRows(name string) ([][]string, error) {
	f, err := excelize.OpenFile(name, excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 1})
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
	for len(got) < 100 && rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		got = append(got, cols)
	}
	return got, rows.Error()
}

// FuzzInlineSharedStrings builds a workbook of the shared string items
// sst and the sheet rows rows, any XML: when checkXLSX accepts it and
// excelize reads it, the copy with the strings inline is written (or
// refused as damaged) without panicking, and excelize reads the copy. It
// need not read as the workbook does: XML no spreadsheet writes (a
// repeated attribute, an inline string in a shared string cell, an item
// outside the table's top level) may read differently, as the seeds
// named so show; FuzzInlineSharedStringsText checks the texts of valid
// workbooks. Seeds are in testdata/fuzz/FuzzInlineSharedStrings; run with
// go test ./internal/imports -run '^$' -fuzz FuzzInlineSharedStrings -fuzztime 1m -fuzzminimizetime 100x
// (an input takes milliseconds: minimizing for the default minute stalls
// the run).
func FuzzInlineSharedStrings(f *testing.F) {
	for _, rows := range []string{
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>`,
		`<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" t="s"><v>6</v></c><c r="D2" t="s"><v> 7 </v></c></row>`,
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1.2E+10</v></c><c r="C1" t="inlineStr"><is><t>inline</t></is></c><c r="D1" t="b"><v>1</v></c><c r="E1" t="str"><f>A1</f><v>x</v></c></row>`,
		`<row r="1"><c r="A1" t="s"/><c r="B1" t="s"></c><c r="C1" t="s"><v></v></c><c r="D1" t="s"><v/></c><c r="E1" t="s" s="0"><f>A1</f><v>1</v></c></row>`,
		`<!-- a comment --><row r="1"><c r="A1" t="s"><v>1<!-- mid --></v></c><?pi data?><c r="B1" t='s' ><v>4</v></c></row>`,
	} {
		f.Add(fuzzSST, rows)
	}
	f.Fuzz(func(t *testing.T, sst, rows string) {
		if len(sst)+len(rows) > 8<<10 {
			return
		}
		dir := t.TempDir()
		name := paddedWorkbook(t, dir, sst, rows, 0, 0)
		if _, err := checkXLSX(name, 5<<20, errors.New("too big")); err != nil {
			return
		}
		want, err := spilledRows(name)
		if err != nil {
			return
		}
		zr, err := zip.OpenReader(name)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		copied, err := inlineCopy(&zr.Reader, excelizeSharedStrings(zr.File), dir)
		if err != nil {
			return // refused as damaged
		}
		defer os.Remove(copied)
		if _, err := spilledRows(copied); err != nil {
			t.Fatalf("reading the inline copy: %v (the workbook reads %q)", err, want)
		}
	})
}

// fuzzSST is a shared string table of every kind of string.
const fuzzSST = `<si><t>email</t></si><si><t xml:space="preserve">  Ann &amp; &lt;Bo&gt; "Lee"  </t></si>` +
	`<si><r><rPr><b/></rPr><t>Jo</t></r><r><t xml:space="preserve">sé </t></r><r><t>Müller</t></r></si>` +
	`<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>` +
	`<si><t>line one&#10;line two&#13;&#10;three	tab</t></si><si><t>carriage_x000D_return and _x005F_x0041_</t></si><si/><si><t/></si>`

// FuzzInlineSharedStringsText writes texts, split at "|" into strings
// (each split at "^" into rich text runs), as a workbook's shared string
// table, well-formed as a spreadsheet writes it, and cells, one a byte,
// as shared string cells (the byte picks the string) of rows of four,
// some with a style or a formula: the copy with the strings inline must
// read, cell for cell, as the workbook does. Seeds are in
// testdata/fuzz/FuzzInlineSharedStringsText; run with
// go test ./internal/imports -run '^$' -fuzz FuzzInlineSharedStringsText -fuzztime 1m -fuzzminimizetime 100x.
func FuzzInlineSharedStringsText(f *testing.F) {
	f.Add("email|  Ann & <Bo> \"Lee\"  |Jo^sé ^Müller|line one\nline two\r\nthree\ttab|carriage_x000D_return and _x005F_x0041_||東京", []byte{0, 1, 2, 3, 4, 5, 6, 7})
	f.Add("\r|\r\n| |_x|_x00|_xD800_|\u00a0x\u00a0|]]>|&amp;", []byte{8, 7, 6, 5, 4, 3, 2, 1, 0, 200})
	f.Fuzz(func(t *testing.T, texts string, cells []byte) {
		if len(texts) > 8<<10 || len(cells) > 400 {
			return
		}
		strs := strings.Split(texts, "|")
		var sst, rows strings.Builder
		for _, s := range strs {
			sst.WriteString("<si>")
			if runs := strings.Split(s, "^"); len(runs) > 1 {
				for _, r := range runs {
					sst.WriteString(`<r><rPr><b/></rPr><t xml:space="preserve">`)
					xml.EscapeText(&sst, []byte(r))
					sst.WriteString("</t></r>")
				}
			} else {
				sst.WriteString(`<t xml:space="preserve">`)
				xml.EscapeText(&sst, []byte(s))
				sst.WriteString("</t>")
			}
			sst.WriteString("</si>")
		}
		for i, b := range cells {
			r, col := i/4+1, 'A'+rune(i%4)
			if i%4 == 0 {
				fmt.Fprintf(&rows, `<row r="%d">`, r)
			}
			attrs := ""
			switch b % 3 {
			case 1:
				attrs = ` s="0"`
			case 2:
				attrs = ` s="0"><f>"x"</f`
			}
			fmt.Fprintf(&rows, `<c r="%c%d" t="s"%s><v>%d</v></c>`, col, r, attrs, int(b)%len(strs))
			if i%4 == 3 || i == len(cells)-1 {
				rows.WriteString("</row>")
			}
		}
		dir := t.TempDir()
		name := paddedWorkbook(t, dir, sst.String(), rows.String(), 0, 0)
		if _, err := checkXLSX(name, 5<<20, errors.New("too big")); err != nil {
			t.Fatalf("checkXLSX refuses a valid workbook: %v", err)
		}
		want, err := spilledRows(name)
		if err != nil {
			t.Fatalf("excelize: %v", err)
		}
		zr, err := zip.OpenReader(name)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		copied, err := inlineCopy(&zr.Reader, excelizeSharedStrings(zr.File), dir)
		if err != nil {
			t.Fatalf("inline copy: %v (excelize reads %q)", err, want)
		}
		defer os.Remove(copied)
		got, err := spilledRows(copied)
		if err != nil {
			t.Fatalf("reading the inline copy: %v (the workbook reads %q)", err, want)
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("the inline copy reads\n%q\nthe workbook reads\n%q", got, want)
		}
	})
}
