package imports

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A workbook is a zip of XML: a few kilobytes can unpack to gigabytes, and
// one shared string referenced by every cell of a row is copied once per
// cell when excelize reads the row. checkXLSX measures a workbook from its
// zip directory and one streaming pass over its XML (memory: the lengths of
// the shared strings) before excelize opens it, and refuses one whose data
// could not be converted within bounded memory, or whose data as CSV would
// not fit the file cap a CSV upload has.
const (
	xlsxMaxEntries = 500
	// xlsxInMemory is excelize's UnzipXMLSizeLimit: the shared strings
	// and the sheets stored as xl/worksheets/sheet*.xml spill to temporary
	// files when they are larger; every other part, of any size, is held
	// in memory. xlsxMaxInMemory bounds the parts it holds together.
	xlsxInMemory    = 4 << 20
	xlsxMaxInMemory = 64 << 20
	// xlsxMaxStringBytes is Excel's own limit of 32,767 characters a
	// cell, as UTF-8 bytes at most.
	xlsxMaxStringBytes = 32767 * 4
	// xlsxMaxRowBytes bounds one row's data as excelize hands it over
	// (shared strings expanded); rows over MaxRecordBytes are still read
	// and then invalid, as in a CSV file.
	xlsxMaxRowBytes = 16 << 20
	xlsxMaxRowCells = 16384 // Excel's column limit
)

// xlsxLimits are the bounds that grow with the package's file cap: a
// workbook whose data fits the cap as CSV should convert (an ordinary
// contact list holds about one distinct text per 16 bytes of CSV, and
// unpacks to 10-15 times its CSV), within what one conversion may take.
type xlsxLimits struct {
	unpacked      int64 // all parts together, uncompressed
	sharedStrings int   // 4 bytes of memory a string while it converts (inlineSharedStrings)
}

func xlsxLimitsFor(fileCap int64) xlsxLimits {
	return xlsxLimits{
		unpacked:      min(max(16*fileCap, 256<<20), 2<<30),
		sharedStrings: int(min(max(fileCap/16, 1_000_000), 4_000_000)),
	}
}

// workbookFacts is what checkXLSX learnt on its way through a workbook:
// the sheets the workbook names, and what each sheet part holds.
type workbookFacts struct {
	sheets []bookSheet
	parts  map[string]*sheetFacts // by part name
	// recalc is whether the workbook asks to be recalculated when opened
	// (calcPr fullCalcOnLoad): openpyxl and XlsxWriter write that, with
	// no result or a 0 in each formula cell, as they compute nothing.
	recalc bool
}

// sheetFacts is what one sheet part holds: whether any cell has a value,
// and which columns (0-based) hold a number cell, as a bit set (nil for
// none). A number cell is what Excel stores when a phone number is typed
// as "+4917012345678" or "01701234567": the "+" or the leading 0 is gone.
type sheetFacts struct {
	hasData bool
	numeric []uint64
	// formulas counts the cells that hold a formula, unsaved those of them
	// whose result the file does not hold (no value, or an empty one that
	// is not a text result: Excel saves a result with every formula);
	// firstFormula and firstUnsaved are the first of each ("B2").
	formulas, unsaved          int
	firstFormula, firstUnsaved string
	// downMerges are the sheet's merged ranges that span rows (at most
	// xlsxMaxMerges of them in the workbook), whose value shows beside
	// every row of them.
	downMerges []downMerge
}

// downMerge is a merged range of a sheet that spans rows first to last
// (1-based): its value is the cell in column col (0-based) of row first.
type downMerge struct {
	col         int
	first, last int64
}

// xlsxMaxMerges is the most merged ranges read of a workbook (their
// memory, whatever the number of sheets); a sheet of contacts has a few
// (a company's name beside its people).
const xlsxMaxMerges = 65536

// notComputed returns how many formula cells of the sheet read without
// their result, and the first of them: those with none saved, or every
// one when the workbook was written by a program that leaves computing
// to the spreadsheet (recalc).
func (f *sheetFacts) notComputed(recalc bool) (int, string) {
	switch {
	case f == nil:
		return 0, ""
	case recalc && f.formulas > 0:
		return f.formulas, f.firstFormula
	}
	return f.unsaved, f.firstUnsaved
}

// numericColumns returns the columns below most that hold a number cell,
// in order.
func (f *sheetFacts) numericColumns(most int) []int {
	var cols []int
	for i := 0; f != nil && i < len(f.numeric)*64 && i < most; i++ {
		if f.numeric[i/64]&(1<<(i%64)) != 0 {
			cols = append(cols, i)
		}
	}
	return cols
}

// facts returns what the sheet of the workbook named name holds (nil when
// checkXLSX did not see it).
func (w *workbookFacts) facts(name string) *sheetFacts {
	if w == nil {
		return nil
	}
	for _, sh := range w.sheets {
		if sh.Name == name {
			return w.parts[sh.Part]
		}
	}
	return nil
}

// checkXLSX checks the workbook at name against the limits above (and
// those of xlsxLimitsFor(limit)) and its data (as CSV, roughly) against
// limit bytes; tooBig is the error for the latter. Returns what it learnt
// about the sheets, or EINVALID naming what is too large, or a damaged
// file.
func checkXLSX(name string, limit int64, tooBig error) (*workbookFacts, error) {
	bounds := xlsxLimitsFor(limit)
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, unsupported("The file is not a readable XLSX workbook (it may be damaged or password-protected).")
	}
	defer zr.Close()
	if len(zr.File) > xlsxMaxEntries {
		return nil, unsupported(fmt.Sprintf("The workbook has more than %d parts; save the sheet as CSV and upload that.", xlsxMaxEntries))
	}
	if err := notAWorkbook(zr.File); err != nil {
		return nil, err
	}
	var sst *zip.File
	for _, f := range zr.File {
		if strings.EqualFold(path.Base(partName(f)), "sharedstrings.xml") {
			if sst != nil {
				return nil, unsupported("The workbook has more than one shared string table.")
			}
			sst = f
		}
	}
	unpacked, inMemory := unpackedSizes(zr.File)
	if unpacked > bounds.unpacked {
		return nil, unsupported(fmt.Sprintf("The workbook unpacks to more than %s; save the sheet as CSV and upload that.", sizeText(bounds.unpacked)))
	}
	if inMemory > xlsxMaxInMemory {
		return nil, tooMuchInMemory()
	}
	sheets, list, recalc, err := workbookSheets(zr.File)
	if err != nil {
		return nil, err
	}
	var lens []int32
	if sst != nil {
		if lens, err = sharedStringLengths(sst, bounds.sharedStrings); err != nil {
			return nil, err
		}
	}
	facts := &workbookFacts{sheets: list, parts: make(map[string]*sheetFacts, len(sheets)), recalc: recalc}
	walked := map[*zip.File]bool{sst: true}
	merges := xlsxMaxMerges
	for _, sh := range sheets {
		sf := &sheetFacts{}
		if err := checkSheet(sh, lens, limit, tooBig, sf, &merges); err != nil {
			return nil, err
		}
		facts.parts[partName(sh)] = sf
		walked[sh] = true
	}
	for _, f := range zr.File {
		if !walked[f] && nestsTooDeep(f) {
			return nil, unsupported(fmt.Sprintf("The workbook's elements nest more than %d deep; it is damaged.", xlsxMaxDepth))
		}
	}
	return facts, nil
}

// heldInMemory reports whether excelize reads the part f into memory: all
// but the shared strings and the sheets stored as xl/worksheets/sheet*,
// which it spills to temporary files when they are larger than
// xlsxInMemory.
func heldInMemory(f *zip.File) bool {
	lower := strings.ToLower(partName(f))
	spills := lower == "xl/sharedstrings.xml" || strings.HasPrefix(lower, "xl/worksheets/sheet")
	return !spills || f.UncompressedSize64 <= xlsxInMemory
}

// partName is the name excelize gives the part f (backslashes as slashes).
func partName(f *zip.File) string { return strings.ReplaceAll(f.Name, `\`, "/") }

// unpackedSizes returns what the parts files unpack to together, and the
// part of it excelize holds in memory. A part's size is what the zip
// directory claims, which archive/zip then holds the part to; the sums
// saturate at math.MaxInt64, so that a claim past what an int64 holds
// (2^64-1 wrapped to -1) cannot make a workbook look small.
func unpackedSizes(files []*zip.File) (total, inMemory int64) {
	for _, f := range files {
		total = addSizes(total, f.UncompressedSize64)
		if heldInMemory(f) {
			inMemory = addSizes(inMemory, f.UncompressedSize64)
		}
	}
	return total, inMemory
}

// addSizes is sum + size, or math.MaxInt64 when that is more (sum is
// never negative).
func addSizes(sum int64, size uint64) int64 {
	if size > uint64(math.MaxInt64-sum) {
		return math.MaxInt64
	}
	return sum + int64(size)
}

func tooMuchInMemory() error {
	return unsupported(fmt.Sprintf("The workbook's parts other than its large sheets unpack to more than %s; save the sheet as CSV and upload that.", sizeText(xlsxMaxInMemory)))
}

// workbookSheets returns the parts of files that excelize may read as
// sheets: those the workbook names (bookSheets), and the parts under
// xl/worksheets/; the sheets the workbook names, in order; and whether it
// asks to be recalculated when opened (workbookFacts.recalc).
func workbookSheets(files []*zip.File) ([]*zip.File, []bookSheet, bool, error) {
	parts := make(map[string]*zip.File, len(files))
	for _, f := range files {
		parts[partName(f)] = f
	}
	named, list, recalc, err := bookSheets(parts)
	if err != nil {
		return nil, nil, false, err
	}
	var sheets []*zip.File
	for _, f := range files {
		name := partName(f)
		lower := strings.ToLower(name)
		if named[name] || strings.HasPrefix(lower, "xl/worksheets/") && path.Ext(lower) == ".xml" {
			sheets = append(sheets, f)
		}
	}
	return sheets, list, recalc, nil
}

// nestsTooDeep reports whether the part f (any part: excelize decodes the
// ones it reads whatever their names, and Go's XML decoder keeps an entry
// for every open element) nests elements deeper than xlsxMaxDepth before
// its end or its first syntax error, where excelize's reading stops too.
func nestsTooDeep(f *zip.File) bool {
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	depth := 0
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return false
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > xlsxMaxDepth {
				return true
			}
		case xml.EndElement:
			depth--
		}
	}
}

// Relationship types of the workbook part, transitional and strict.
var officeDocumentTypes = map[string]bool{
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument": true,
	"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument":             true,
}

// bookSheet is one sheet the workbook part names: its name, the part
// excelize reads it from, and whether it is hidden.
type bookSheet struct {
	Name, Part string
	Hidden     bool
}

// bookSheets returns the names of the parts excelize reads as the
// workbook's sheets, wherever they are stored: the package relationship
// names the workbook part, the workbook's sheets name relationships of
// the workbook's own relationship part, and their targets are resolved
// against the workbook's folder (or the package root when absolute); and
// the sheets in workbook order (each with the last part its relationship
// names); and whether the workbook asks to be recalculated when opened.
func bookSheets(parts map[string]*zip.File) (map[string]bool, []bookSheet, bool, error) {
	named := map[string]bool{}
	var book string
	var recalc bool
	err := walkXML(parts["_rels/.rels"], func(t xml.StartElement) {
		if t.Name.Local == "Relationship" && book == "" && officeDocumentTypes[xmlAttr(t, "Type")] {
			book = strings.TrimPrefix(xmlAttr(t, "Target"), "/")
		}
	})
	if err != nil || book == "" {
		return named, nil, false, err
	}
	dir := path.Dir(book)
	var ids []string
	var list []bookSheet
	if err := walkXML(parts[book], func(t xml.StartElement) {
		if t.Name.Local == "calcPr" {
			v := xmlAttr(t, "fullCalcOnLoad")
			recalc = v == "1" || v == "true"
		}
		if t.Name.Local != "sheet" {
			return
		}
		for _, a := range t.Attr {
			if a.Name.Local == "id" && a.Name.Space != "" {
				ids = append(ids, a.Value)
				state := xmlAttr(t, "state")
				list = append(list, bookSheet{Name: xmlAttr(t, "name"), Hidden: state == "hidden" || state == "veryHidden"})
			}
		}
	}); err != nil {
		return nil, nil, false, err
	}
	targets := map[string][]string{}
	rels := strings.TrimPrefix(path.Join(dir, "_rels", path.Base(book)+".rels"), "/")
	if err := walkXML(parts[rels], func(t xml.StartElement) {
		if t.Name.Local == "Relationship" {
			id := xmlAttr(t, "Id")
			targets[id] = append(targets[id], xmlAttr(t, "Target"))
		}
	}); err != nil {
		return nil, nil, false, err
	}
	for i, id := range ids {
		for _, target := range targets[id] {
			name := path.Join(dir, target)
			if strings.HasPrefix(target, "/") {
				name = path.Clean(target)
			}
			name = strings.TrimPrefix(name, "/")
			named[name] = true
			list[i].Part = name
		}
	}
	return named, list, recalc, nil
}

// walkXML calls fn with each start element of the part f (none when f is
// nil).
func walkXML(f *zip.File, fn func(xml.StartElement)) error {
	if f == nil {
		return nil
	}
	damaged := unsupported("The workbook's structure is damaged.")
	rc, err := f.Open()
	if err != nil {
		return damaged
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return damaged
		}
		if t, ok := tok.(xml.StartElement); ok {
			fn(t)
		}
	}
}

// xmlAttr is the value of t's attribute named local ("" without one).
func xmlAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// sharedStringLengths reads the shared string table once and returns the
// length of each string's text; more than most strings are refused.
func sharedStringLengths(f *zip.File, most int) ([]int32, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, unsupported("The workbook's shared strings cannot be read.")
	}
	defer rc.Close()
	var lens []int32
	// A string is an si element of the table's own (excelize reads no
	// other, and an si elsewhere would shift the indexes measured); its
	// text is all there is inside its t elements but for phonetic hints,
	// counted by the elements open (<t><t/>text</t> is text).
	inSI := false
	inText, inPhonetic := 0, 0
	cur := 0
	damaged := unsupported("The workbook's shared strings are damaged.")
	var nest xmlNesting
	dec := newBoundedDecoder(rc)
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) && nest.closed() {
			return lens, nil
		}
		if errors.Is(err, errTokenTooLong) {
			return nil, tokenTooLong()
		}
		if err != nil || !nest.track(tok) {
			return nil, damaged
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "si" && len(nest.open) == 2: // in the table's root
				if len(lens) == most {
					return nil, unsupported(fmt.Sprintf("The workbook has more than %s distinct texts; save the sheet as CSV and upload that.", thousands(int64(most))))
				}
				inSI, cur = true, 0
			case !inSI:
			case t.Name.Local == "t":
				inText++
			case t.Name.Local == "rPh": // phonetic hints are not part of the text
				inPhonetic++
			}
		case xml.EndElement:
			switch {
			case t.Name.Local == "si" && len(nest.open) == 1:
				lens = append(lens, int32(cur))
				inSI = false
			case !inSI:
			case t.Name.Local == "t":
				inText--
			case t.Name.Local == "rPh":
				inPhonetic--
			}
		case xml.CharData:
			if inText > 0 && inPhonetic == 0 {
				if cur += len(t); cur > xlsxMaxStringBytes {
					return nil, unsupported(fmt.Sprintf("Text %s of the workbook is longer than the 32,767 characters a cell can hold.", thousands(int64(len(lens)+1))))
				}
			}
		}
	}
}

// checkSheet walks a worksheet's rows, adding up what each row's cells
// hold (a shared string by its length), and refuses a row over the row
// limits or a sheet whose data would not fit limit bytes as CSV. It notes
// in facts whether a cell holds a value and which columns hold numbers.
func checkSheet(f *zip.File, lens []int32, limit int64, tooBig error, facts *sheetFacts, mergesLeft *int) error {
	rc, err := f.Open()
	if err != nil {
		return unsupported("A sheet of the workbook cannot be read.")
	}
	defer rc.Close()
	dec := newBoundedDecoder(rc)
	var (
		total              int64
		row, cells         int64
		rowNum             int64
		shared, inV, inStr bool
		number             bool // the cell is a number (no type, or "n")
		col                int  // the cell's column, 1-based, as excelize counts it
		rowRef             int64
		// The cell's formula: whether it has one, whether it has a value
		// element and whether that holds anything, and whether its type
		// is a text result (t="str"), whose value may be empty.
		formula, hasV, valued, text bool
		// A shared string cell's index is what excelize reads: the text
		// directly inside a v element in the cell (indexDepth: the
		// elements open with it), however it is split by comments or
		// other elements; excelize reads the last such v, and each is
		// measured. A cell inside a cell, which excelize reads as part
		// of the outer one, is refused.
		inCell     bool
		inIndex    bool
		indexDepth int
		index      []byte
	)
	damaged := unsupported("A sheet of the workbook is damaged.")
	var nest xmlNesting
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) && nest.closed() {
			return nil
		}
		if errors.Is(err, errTokenTooLong) {
			return tokenTooLong()
		}
		if err != nil || !nest.track(tok) {
			return damaged
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				rowNum++
				row, cells, col = 1, 0, 0 // the line end
				rowRef = rowNum
				if r, err := strconv.ParseInt(xmlAttr(t, "r"), 10, 64); err == nil && r > 0 {
					rowRef = r
				}
			case "c":
				if cells++; cells > xlsxMaxRowCells {
					return unsupported(fmt.Sprintf("Row %s of the workbook has more than %s cells.", thousands(rowNum), thousands(xlsxMaxRowCells)))
				}
				if inCell {
					return damaged
				}
				inCell = true
				row++ // the delimiter
				shared, number = false, true
				formula, hasV, valued, text = false, false, false, false
				col++
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "t":
						shared, number, text = a.Value == "s", a.Value == "n", a.Value == "str"
					case "r":
						if c := cellColumn(a.Value); c > 0 {
							col = c
						}
					}
				}
			case "mergeCell":
				if m, ok := parseDownMerge(xmlAttr(t, "ref")); ok && *mergesLeft > 0 {
					facts.downMerges = append(facts.downMerges, m)
					*mergesLeft--
				}
			case "f":
				formula = true
			case "v":
				inV, hasV = true, true
				if shared && !inIndex {
					inIndex, indexDepth, index = true, len(nest.open), index[:0]
				}
			case "t": // inline string text
				inStr = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
				if !inIndex || len(nest.open) != indexDepth-1 {
					break
				}
				inIndex = false
				if len(index) == 0 { // excelize reads an empty value as ""
					break
				}
				i, err := strconv.Atoi(strings.TrimSpace(string(index)))
				if err != nil || i < 0 || i >= len(lens) {
					return damaged
				}
				row += int64(lens[i])
				facts.hasData = facts.hasData || lens[i] > 0
			case "t":
				inStr = false
			case "c":
				inCell = false
				if formula {
					facts.formula(hasV && (valued || text), col, rowRef)
				}
			case "row":
				if row > xlsxMaxRowBytes {
					return unsupported(fmt.Sprintf("Row %s of the workbook holds more than %s; save the sheet as CSV and upload that.", thousands(rowNum), sizeText(xlsxMaxRowBytes)))
				}
				if total += row; total > limit {
					return tooBig
				}
			}
		case xml.CharData:
			switch {
			case inIndex && len(nest.open) == indexDepth:
				if index = append(index, t...); len(index) > 1024 { // digits, and room for indenting
					return damaged
				}
			case inV && shared: // inside an element in the value: not read
			case inV || inStr:
				row += int64(len(t))
				if len(bytes.TrimSpace(t)) == 0 {
					break
				}
				valued = valued || inV
				facts.hasData = true
				if inV && number && col >= 1 && col <= xlsxMaxRowCells {
					if facts.numeric == nil {
						facts.numeric = make([]uint64, xlsxMaxRowCells/64)
					}
					facts.numeric[(col-1)/64] |= 1 << ((col - 1) % 64)
				}
			}
		}
	}
}

// parseDownMerge reads a merged range's reference ("B2:C5") as the range
// down its first column; ok is false for a range of one row or a
// reference that is none.
func parseDownMerge(ref string) (downMerge, bool) {
	from, to, ok := strings.Cut(ref, ":")
	if !ok {
		return downMerge{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(from)
	c2, r2, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil || r2 <= r1 || c2 < c1 {
		return downMerge{}, false
	}
	return downMerge{col: c1 - 1, first: int64(r1), last: int64(r2)}, true
}

// formula counts a formula cell at column col (1-based) of row rowNum,
// whose result the file holds or not (saved).
func (f *sheetFacts) formula(saved bool, col int, rowNum int64) {
	f.formulas++
	if f.firstFormula == "" {
		f.firstFormula = cellName(col, rowNum)
	}
	if !saved {
		if f.unsaved++; f.firstUnsaved == "" {
			f.firstUnsaved = cellName(col, rowNum)
		}
	}
}

// cellName is the reference of the cell at column col (1-based) of row
// rowNum, such as "AB12" ("" when out of a sheet's range).
func cellName(col int, rowNum int64) string {
	name, _ := excelize.CoordinatesToCellName(col, int(min(rowNum, excelize.TotalRows)))
	return name
}

// cellColumn is the column (1-based) of a cell reference such as "AB12",
// 0 when it has none.
func cellColumn(ref string) int {
	col := 0
	for i := 0; i < len(ref) && col <= xlsxMaxRowCells; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	return col
}

// xlsxMaxDepth is the deepest a sheet's or shared string table's elements
// may nest: Excel's go about 8 deep.
const xlsxMaxDepth = 64

// xmlNesting checks what xml.Decoder.Token checks and RawToken does not:
// that each end tag closes the element open, and that none is left open
// at the end. excelize reads sheets and a spilled shared string table
// with Token, which stops at the first error without one (the rest of the
// sheet silently lost) and keeps an entry for every open element (a few
// kilobytes of zip can nest millions); elements nested deeper than
// xlsxMaxDepth are refused as well.
type xmlNesting struct{ open []xml.Name }

// track follows tok and reports whether the XML is still sound.
func (n *xmlNesting) track(tok xml.Token) bool {
	switch t := tok.(type) {
	case xml.StartElement:
		if len(n.open) == xlsxMaxDepth {
			return false
		}
		n.open = append(n.open, t.Name)
	case xml.EndElement:
		if len(n.open) == 0 || n.open[len(n.open)-1] != t.Name {
			return false
		}
		n.open = n.open[:len(n.open)-1]
	}
	return true
}

// closed reports whether every element was closed.
func (n *xmlNesting) closed() bool { return len(n.open) == 0 }

// xlsxMaxTokenBytes bounds one XML token (a text, a comment, a tag with
// its attributes) of a sheet or of the shared string table. Go's XML
// decoder holds a whole token in memory before it hands it over, and
// excelize's does when it reads the sheet, so a token of a hundred
// megabytes, a few hundred kilobytes zipped, costs hundreds of megabytes
// however little data it holds. The longest text a cell can hold, 32,767
// characters each written as a character reference of up to 10 bytes, is
// a third of the bound.
const xlsxMaxTokenBytes = 1 << 20

// errTokenTooLong is what a boundedDecoder's input answers once a token
// runs past xlsxMaxTokenBytes.
var errTokenTooLong = errors.New("imports: XML token too long")

func tokenTooLong() error {
	return unsupported(fmt.Sprintf("The workbook holds a text, comment or tag longer than %s, more than a cell can hold; it is damaged.", sizeText(xlsxMaxTokenBytes)))
}

// boundedDecoder is an XML decoder whose RawToken fails with
// errTokenTooLong instead of reading a token longer than
// xlsxMaxTokenBytes.
type boundedDecoder struct {
	dec *xml.Decoder
	in  *tokenInput
}

func newBoundedDecoder(r io.Reader) *boundedDecoder {
	in := &tokenInput{r: r}
	return &boundedDecoder{dec: xml.NewDecoder(in), in: in}
}

func (d *boundedDecoder) RawToken() (xml.Token, error) {
	tok, err := d.dec.RawToken()
	d.in.mark = d.dec.InputOffset()
	return tok, err
}

// tokenInput is a decoder's input that fails once the decoder has read
// more than xlsxMaxTokenBytes past the end of its last token (mark; the
// decoder reads ahead a buffer of 4 KiB).
type tokenInput struct {
	r          io.Reader
	read, mark int64
}

func (t *tokenInput) Read(p []byte) (int, error) {
	if t.read-t.mark > xlsxMaxTokenBytes {
		return 0, errTokenTooLong
	}
	n, err := t.r.Read(p)
	t.read += int64(n)
	return n, err
}
