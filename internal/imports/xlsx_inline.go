package imports

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// A large shared string table costs excelize about 100 bytes of memory a
// string, even when it spills the table to a temporary file (an offset
// pair a string, in a slice of slices): a workbook of 4 million strings
// peaked at 460 MB converting (docs/PERFORMANCE.md).
// Before excelize opens a workbook whose table it would spill,
// inlineSharedStrings rewrites the workbook so that it never reads the
// table: the texts go to a temporary file of their own with 4 bytes a
// string in memory, and every sheet's shared-string cell is written out
// as an inline string holding its text. excelize reads an inline string
// as it reads a shared one (the same text, formatted the same), so the
// CSV is the same.

// errSharedStringIndex is a sheet's reference to a string the table does
// not hold (checkXLSX refuses such a sheet as damaged before).
var errSharedStringIndex = errors.New("imports: shared string index out of range")

// forExcelize returns the name of the workbook for excelize to open, and
// the unzip size limit to open it with, given the workbook at name that
// passed checkXLSX and its limit unpacked: the workbook itself, or when
// excelize would spill its shared string table, a copy of it with the
// strings inline (in dir; the caller removes it when it is not name).
func forExcelize(name, dir string, unpacked int64) (string, int64, error) {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return "", 0, err
	}
	defer zr.Close()
	sst := excelizeSharedStrings(zr.File)
	if sst == nil || sst.UncompressedSize64 <= xlsxInMemory {
		return name, unpacked, nil
	}
	copied, err := inlineCopy(&zr.Reader, sst, dir)
	if err != nil {
		return "", 0, err
	}
	// The copy's sheets hold the texts now: the data checkXLSX measured.
	total, err := copySize(copied)
	if err != nil {
		os.Remove(copied)
		return "", 0, err
	}
	return copied, max(unpacked, total), nil
}

// copySize is what the inline copy at name unpacks to; EINVALID when
// excelize would hold more than xlsxMaxInMemory of it in memory (sheets
// stored outside xl/worksheets/ grew by their texts).
func copySize(name string) (int64, error) {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	total, inMemory := unpackedSizes(zr.File)
	if inMemory > xlsxMaxInMemory {
		return 0, tooMuchInMemory()
	}
	return total, nil
}

// excelizeSharedStrings is the shared string table excelize reads, nil
// when the workbook files has none.
func excelizeSharedStrings(files []*zip.File) *zip.File {
	for _, f := range files {
		if strings.EqualFold(partName(f), "xl/sharedStrings.xml") {
			return f
		}
	}
	return nil
}

// inlineCopy writes a copy of the workbook zr with the strings of its
// shared string table sst inline in every sheet, and returns its name.
func inlineCopy(zr *zip.Reader, sst *zip.File, dir string) (string, error) {
	sheets, _, _, err := workbookSheets(zr.File)
	if err != nil {
		return "", err
	}
	return inlineSharedStrings(zr, dir, sst, sheets)
}

// inlineSharedStrings writes a copy of the workbook zr, with the shared
// strings of its sheets inline and its
// shared string table sst empty, to a temporary file in dir and returns
// that file's name.
func inlineSharedStrings(zr *zip.Reader, dir string, sst *zip.File, sheets []*zip.File) (string, error) {
	texts, err := spillSharedStrings(sst, dir)
	if err != nil {
		return "", err
	}
	defer texts.close()
	out, err := os.CreateTemp(dir, "contacts-xlsx-*.xlsx")
	if err != nil {
		return "", err
	}
	ok := false
	defer func() {
		if !ok {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	bw := bufio.NewWriterSize(out, 1<<16)
	zw := zip.NewWriter(bw)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	for _, f := range zr.File {
		switch {
		case f == sst:
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
			if err != nil {
				return "", err
			}
			if _, err := io.WriteString(w, xml.Header+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>`); err != nil {
				return "", err
			}
		case slices.Contains(sheets, f):
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
			if err != nil {
				return "", err
			}
			if err := inlineSheet(f, w, texts); err != nil {
				return "", err
			}
		default:
			if err := zw.Copy(f); err != nil {
				return "", err
			}
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	if err := bw.Flush(); err != nil {
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	ok = true
	return out.Name(), nil
}

// sharedTexts is a shared string table on disk: string i is the bytes
// from ends[i-1] (0 for the first) to ends[i] of file.
type sharedTexts struct {
	file *os.File
	ends []uint32 // the table unpacks to at most 2 GiB (xlsxLimitsFor)
	buf  []byte
}

func (s *sharedTexts) text(i int) ([]byte, error) {
	if i < 0 || i >= len(s.ends) {
		return nil, errSharedStringIndex
	}
	var start uint32
	if i > 0 {
		start = s.ends[i-1]
	}
	n := int(s.ends[i] - start)
	if cap(s.buf) < n {
		s.buf = make([]byte, n)
	}
	s.buf = s.buf[:n]
	if _, err := s.file.ReadAt(s.buf, int64(start)); err != nil {
		return nil, err
	}
	return s.buf, nil
}

func (s *sharedTexts) close() {
	s.file.Close()
	os.Remove(s.file.Name())
}

// spillSharedStrings writes the text of each string of the table sst to a
// temporary file in dir. A string's text is what excelize makes of it
// (xlsxSI.String before it unescapes _xHHHH_, which it does to inline
// strings too): its own t element (the last, as Go's XML decoding keeps
// the last), then the t element of each run; phonetic runs are left out.
func spillSharedStrings(sst *zip.File, dir string) (*sharedTexts, error) {
	rc, err := sst.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	file, err := os.CreateTemp(dir, "contacts-sst-*")
	if err != nil {
		return nil, err
	}
	s := &sharedTexts{file: file}
	ok := false
	defer func() {
		if !ok {
			s.close()
		}
	}()
	w := bufio.NewWriterSize(file, 1<<16)
	var (
		open     []sstElement // the elements open, the table's own first
		own, run []byte
		runs     []byte
		end      uint32
	)
	dec := xml.NewDecoder(rc)
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := sstOther
			if len(open) > 0 {
				e = open[len(open)-1].child(t.Name.Local, len(open))
			}
			open = append(open, e)
			switch e {
			case sstString:
				own, runs = own[:0], runs[:0]
			case sstText:
				own = own[:0]
			case sstRunText:
				run = run[:0]
			}
		case xml.EndElement:
			if len(open) == 0 {
				continue
			}
			switch open[len(open)-1] {
			case sstRun:
				runs = append(runs, run...)
				run = run[:0]
			case sstString:
				n, _ := w.Write(own)
				m, _ := w.Write(runs)
				end += uint32(n + m)
				s.ends = append(s.ends, end)
			}
			open = open[:len(open)-1]
		case xml.CharData:
			if len(open) == 0 {
				continue
			}
			switch open[len(open)-1] {
			case sstText:
				own = append(own, t...)
			case sstRunText:
				run = append(run, t...)
			}
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	ok = true
	return s, nil
}

// sstElement is what an element of a shared string table is to
// spillSharedStrings.
type sstElement uint8

const (
	sstOther   sstElement = iota
	sstString             // si
	sstText               // si/t: the string's own text
	sstRun                // si/r
	sstRunText            // si/r/t
)

// child is what the element named local, at depth depth (the table's
// own is 1), is inside e.
func (e sstElement) child(local string, depth int) sstElement {
	switch {
	case depth == 1 && local == "si":
		return sstString
	case e == sstString && local == "t":
		return sstText
	case e == sstString && local == "r":
		return sstRun
	case e == sstRun && local == "t":
		return sstRunText
	}
	return sstOther
}

// tapReader hands the XML decoder its input a byte at a time (a decoder
// given an io.ByteReader reads no further ahead than it needs) and keeps
// the bytes it read, so that each token's own bytes can be copied out
// unchanged.
type tapReader struct {
	r    *bufio.Reader
	kept []byte
	base int64 // the input offset of kept[0]
}

func (t *tapReader) ReadByte() (byte, error) {
	b, err := t.r.ReadByte()
	if err == nil {
		t.kept = append(t.kept, b)
	}
	return b, err
}

func (t *tapReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.kept = append(t.kept, p[:n]...)
	return n, err
}

// upTo returns the bytes kept up to the input offset off; they are valid
// until forget.
func (t *tapReader) upTo(off int64) []byte { return t.kept[:off-t.base] }

// forget drops the bytes kept up to the input offset off (the decoder may
// have read one byte further, which it reads again).
func (t *tapReader) forget(off int64) {
	t.kept = t.kept[:copy(t.kept, t.kept[off-t.base:])]
	t.base = off
}

// inlineSheet copies the sheet f to w, byte for byte but for its shared
// string cells: such a cell's type becomes inlineStr and its value, the
// string's index, becomes an is element holding the string's text.
func inlineSheet(f *zip.File, w io.Writer, texts *sharedTexts) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	bw := bufio.NewWriterSize(w, 1<<16)
	tap := &tapReader{r: bufio.NewReaderSize(rc, 1<<16)}
	dec := xml.NewDecoder(tap)
	var cell sharedCell
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		off := dec.InputOffset()
		raw := tap.upTo(off)
		keep, err := cell.rewrite(bw, tok, raw, texts)
		if err == nil && keep {
			_, err = bw.Write(raw)
		}
		if err != nil {
			return err
		}
		tap.forget(off)
	}
	if _, err := bw.Write(tap.kept); err != nil {
		return err
	}
	return bw.Flush()
}

// sharedCell is where inlineSheet is in a shared string cell.
type sharedCell struct {
	in, inV bool
	depth   int    // the elements open inside the cell
	vDepth  int    // depth inside the value's v element
	prefix  string // the cell element's namespace prefix
	index   []byte // the value: the string's index
}

// rewrite writes to w what replaces the sheet's token tok (whose bytes are
// raw), or reports that raw stays as it is.
func (c *sharedCell) rewrite(w *bufio.Writer, tok xml.Token, raw []byte, texts *sharedTexts) (keep bool, err error) {
	// The index is what excelize reads: the text directly inside a v
	// element in the cell (the last, if more than one); elements inside
	// that v are dropped with it (a v closed inside it left the rest of
	// the v in the copy, which ended excelize's reading of the sheet
	// there).
	switch t := tok.(type) {
	case xml.StartElement:
		switch {
		case !c.in && t.Name.Local == "c" && xmlAttr(t, "t") == "s" && !selfClosing(raw):
			c.in, c.prefix, c.depth = true, t.Name.Space, 0
			writeStartTag(w, t)
			return false, nil
		case !c.in:
			return true, nil
		}
		c.depth++
		switch {
		case c.inV:
			return false, nil
		case t.Name.Local == "v":
			c.inV, c.vDepth, c.index = true, c.depth, c.index[:0]
			return false, nil
		}
	case xml.CharData:
		if c.inV {
			if c.depth == c.vDepth {
				c.index = append(c.index, t...)
			}
			return false, nil
		}
	case xml.EndElement:
		switch {
		case !c.in:
			return true, nil
		case c.depth == 0: // the cell's own
			c.in = false
			return true, nil
		}
		if c.depth--; !c.inV {
			return true, nil
		}
		if c.depth >= c.vDepth {
			return false, nil
		}
		c.inV = false
		if len(c.index) == 0 { // excelize reads an empty value as ""
			return false, nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(string(c.index)))
		if err != nil {
			return false, errSharedStringIndex
		}
		text, err := texts.text(i)
		if err != nil {
			return false, err
		}
		p := c.prefix
		if p != "" {
			p += ":"
		}
		fmt.Fprintf(w, `<%sis><%st xml:space="preserve">`, p, p)
		if err := xml.EscapeText(w, text); err != nil {
			return false, err
		}
		fmt.Fprintf(w, `</%st></%sis>`, p, p)
		return false, nil
	}
	return true, nil
}

// selfClosing reports whether raw is an empty-element tag (<c .../>).
func selfClosing(raw []byte) bool {
	return len(raw) >= 2 && string(raw[len(raw)-2:]) == "/>"
}

// writeStartTag writes the start tag of a shared string cell t as an
// inline string cell's.
func writeStartTag(w *bufio.Writer, t xml.StartElement) {
	w.WriteByte('<')
	writeName(w, t.Name)
	for _, a := range t.Attr {
		value := a.Value
		if a.Name.Space == "" && a.Name.Local == "t" {
			value = "inlineStr"
		}
		w.WriteByte(' ')
		writeName(w, a.Name)
		w.WriteString(`="`)
		xml.EscapeText(w, []byte(value))
		w.WriteByte('"')
	}
	w.WriteByte('>')
}

func writeName(w *bufio.Writer, n xml.Name) {
	if n.Space != "" {
		w.WriteString(n.Space)
		w.WriteByte(':')
	}
	w.WriteString(n.Local)
}
