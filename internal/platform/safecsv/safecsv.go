package safecsv

import (
	"bufio"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Writer writes records as RFC 4180 CSV with every field quoted and
// neutralized (Cell), lines ending in "\n".
type Writer struct {
	// Comma separates fields: ',' unless set (';', '\t' and '|' are what
	// spreadsheets in other locales write).
	Comma byte
	w     *bufio.Writer
	err   error
}

// NewWriter returns a Writer buffering to w; call Flush at the end.
func NewWriter(w io.Writer) *Writer { return &Writer{Comma: ',', w: bufio.NewWriter(w)} }

// WriteBOM starts the output with a UTF-8 byte order mark, which tells
// Excel that the file is UTF-8 (without it, Excel reads the local code
// page and mangles accents). Call it before the first record.
func (w *Writer) WriteBOM() error {
	if w.err == nil {
		_, w.err = w.w.WriteString("\ufeff")
	}
	return w.err
}

// Write writes one record.
func (w *Writer) Write(record []string) error {
	if w.err != nil {
		return w.err
	}
	for i, f := range record {
		if i > 0 {
			w.w.WriteByte(w.Comma)
		}
		w.w.WriteByte('"')
		w.w.WriteString(strings.ReplaceAll(Cell(f), `"`, `""`))
		w.err = w.w.WriteByte('"')
	}
	if w.err == nil {
		w.err = w.w.WriteByte('\n')
	}
	return w.err
}

// Flush writes what is buffered and returns the first error met.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.w.Flush()
	return w.err
}

// Cell neutralizes a field that a spreadsheet would read as a formula: one
// that starts with = + - @, a tab or a carriage return, or with a fullwidth
// or small form of = + - @ ("＝", "﹦"), which Excel in East Asian locales
// reads as the sign itself.
func Cell(v string) string {
	if v == "" {
		return v
	}
	r, _ := utf8.DecodeRuneInString(v)
	if r >= utf8.RuneSelf {
		if s := norm.NFKC.String(string(r)); len(s) == 1 {
			r = rune(s[0])
		}
	}
	if strings.ContainsRune("=+-@\t\r", r) {
		return "'" + v
	}
	return v
}
