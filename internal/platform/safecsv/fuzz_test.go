package safecsv_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/onecloudai/contacts/internal/platform/safecsv"
)

// spreadsheetTrim is the most a spreadsheet may pass over before it looks
// for a formula's sign: whitespace, control and invisible formatting
// characters, and bytes that are not UTF-8 (read in a legacy code page,
// 0xA0 is a no-break space).
func spreadsheetTrim(s string) string {
	return strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
	})
}

// startsFormula says whether a cell a spreadsheet reads would start a
// formula: a tab or carriage return first (OWASP), or = + - @ in any form
// NFKC folds to them first once trimmed.
func startsFormula(cell string) bool {
	if strings.HasPrefix(cell, "\t") || strings.HasPrefix(cell, "\r") {
		return true
	}
	t := spreadsheetTrim(cell)
	if t == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	f := norm.NFKC.String(string(r))
	return f != "" && strings.ContainsAny(f[:1], "=+-@")
}

// FuzzCell: no neutralized cell starts a formula, even after the trimming
// a spreadsheet may do, and the original is what Original gives back.
// Seeds: testdata/fuzz/FuzzCell.
func FuzzCell(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string) {
		out := safecsv.Cell(v)
		if startsFormula(out) {
			t.Fatalf("Cell(%q) = %q starts a formula", v, out)
		}
		if back := safecsv.Original(out); back != v {
			t.Fatalf("Cell(%q) = %q gives back %q", v, out, back)
		}
		if out != v && out != "'"+v {
			t.Fatalf("Cell(%q) = %q: more than an apostrophe added", v, out)
		}
	})
}

// FuzzWriter: a record written and read back is one quoted cell a field,
// none starting a formula (a phone column's strict E.164 values aside),
// each giving back the original. (encoding/csv would also read it, but
// turns "\r\n" inside a field into "\n"; readQuoted keeps every byte.)
// Seeds: testdata/fuzz/FuzzWriter.
func FuzzWriter(f *testing.F) {
	f.Fuzz(func(t *testing.T, a, b string, semicolon bool) {
		var out strings.Builder
		w := safecsv.NewWriter(&out)
		w.PlainE164 = []int{1}
		if semicolon {
			w.Comma = ';'
		}
		if err := w.Write([]string{a, b}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		rec, ok := readQuoted(out.String(), w.Comma)
		if !ok || len(rec) != 2 {
			t.Fatalf("%q read back as %q", out.String(), rec)
		}
		for i, v := range []string{a, b} {
			if i == 1 && safecsv.IsE164(v) {
				if rec[i] != v {
					t.Fatalf("E.164 %q written as %q", v, rec[i])
				}
				continue
			}
			if startsFormula(rec[i]) {
				t.Fatalf("field %q written as %q, which starts a formula", v, rec[i])
			}
			if back := safecsv.Original(rec[i]); back != v {
				t.Fatalf("field %q written as %q gives back %q", v, rec[i], back)
			}
		}
	})
}

// readQuoted reads one line of fields that are all quoted, "" standing for
// a quote inside, separated by comma and ended by "\n" (Writer's format);
// ok is false for anything else.
func readQuoted(s string, comma byte) (fields []string, ok bool) {
	for {
		if s == "" || s[0] != '"' {
			return fields, false
		}
		var b strings.Builder
		i := 1
		for {
			j := strings.IndexByte(s[i:], '"')
			if j < 0 {
				return fields, false
			}
			b.WriteString(s[i : i+j])
			i += j + 1
			if i < len(s) && s[i] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			break
		}
		fields = append(fields, b.String())
		switch {
		case s[i:] == "\n":
			return fields, true
		case i < len(s) && s[i] == comma:
			s = s[i+1:]
		default:
			return fields, false
		}
	}
}
