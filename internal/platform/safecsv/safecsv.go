package safecsv

import (
	"bufio"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Writer writes records as RFC 4180 CSV with every field quoted and
// neutralized (Cell), lines ending in "\n".
type Writer struct {
	// Comma separates fields: ',' unless set (';', '\t' and '|' are what
	// spreadsheets in other locales write).
	Comma byte
	// PlainE164 lists the columns (0-based) whose strict E.164 values
	// (IsE164) are written as they are, without the apostrophe Cell puts
	// before their "+": a program reading the file gets the number as
	// stored, and a spreadsheet can do nothing harmful with a "+" and
	// digits (it reads the cell as a number, dropping the "+"). Any other
	// value in such a column is neutralized as usual.
	PlainE164 []int
	w         *bufio.Writer
	err       error
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
		if !slices.Contains(w.PlainE164, i) || !IsE164(f) {
			f = Cell(f)
		}
		w.w.WriteByte('"')
		w.w.WriteString(strings.ReplaceAll(f, `"`, `""`))
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

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// IsE164 says whether v is a phone number in strict E.164: "+", a digit
// other than 0, then 6 to 14 digits, nothing else.
func IsE164(v string) bool { return e164.MatchString(v) }

// Cell neutralizes a field that a spreadsheet would read as a formula by
// putting an apostrophe before it, which makes the cell text. A field needs
// it when:
//
//   - it starts with a tab or a carriage return (OWASP's "CSV Injection"
//     page lists them with = + - @ as the characters no cell may start
//     with);
//   - its first character after any leading whitespace, control or
//     invisible formatting characters (" =HYPERLINK(…)", "\n=1+1",
//     "\u200b@SUM(…)") is = + - @ or a form of them that NFKC folds to
//     one: fullwidth "＝", small "﹦", superscript "⁺". OWASP names the
//     first character only, but no spreadsheet documents which leading
//     characters it passes over, and a cell trimmed on the way (the
//     "Trim spaces" option of LibreOffice's CSV import, a cleanup, a copy
//     into another sheet) starts with the sign: all of them count. Excel
//     in East Asian locales reads the fullwidth signs as the ASCII ones;
//   - it starts with an apostrophe and would need one without it ("'=1"
//     gets a second), so that Original can always give the text back.
func Cell(v string) string {
	if needsQuote(v) {
		return "'" + v
	}
	return v
}

// Original undoes Cell: it takes the apostrophe off a cell that starts with
// one and whose rest Cell would neutralize, and returns any other cell as it
// is. Original(Cell(v)) == v for every v. An importer reading a file that
// came from a CSV export (an errors.csv fixed and uploaded again) gets the
// values back as they were before the export.
func Original(cell string) string {
	if rest, ok := strings.CutPrefix(cell, "'"); ok && needsQuote(rest) {
		return rest
	}
	return cell
}

func needsQuote(v string) bool {
	for {
		if v == "" {
			return false
		}
		if v[0] == '\t' || v[0] == '\r' {
			return true
		}
		rest, ok := strings.CutPrefix(v, "'")
		if !ok {
			break
		}
		v = rest
	}
	v = strings.TrimLeftFunc(v, skipped)
	if v == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(v)
	s := string(r)
	if r >= utf8.RuneSelf {
		s = norm.NFKC.String(s)
	}
	return s != "" && strings.ContainsRune("=+-@", rune(s[0]))
}

// skipped says whether a spreadsheet may pass over r before it looks for a
// formula's sign: whitespace, control and invisible formatting characters,
// and bytes that are not UTF-8 (Excel reads a file without a byte order mark
// in the local code page, where 0xA0 is a no-break space).
func skipped(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}
