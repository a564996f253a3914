package safecsv_test

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/platform/safecsv"
)

// TestWriter: every field quoted (a ";" or tab inside one cannot start a
// cell in a spreadsheet that splits on it), formula starts neutralized,
// and what encoding/csv reads back is the neutralized text.
func TestWriter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       []string
		wantLine string
		wantBack []string
	}{
		{"OKPlain", []string{"Ann", "ann@example.com"}, `"Ann","ann@example.com"`, []string{"Ann", "ann@example.com"}},
		{"OKSemicolonFormula", []string{"x;=cmd|' /C calc'!A0;y"}, `"x;=cmd|' /C calc'!A0;y"`, []string{"x;=cmd|' /C calc'!A0;y"}},
		{"OKFormulaStarts", []string{"=1+1", "+49 30", "-2", "@SUM(A1)", "\tx", "\rx"},
			"\"'=1+1\",\"'+49 30\",\"'-2\",\"'@SUM(A1)\",\"'\tx\",\"'\rx\"", []string{"'=1+1", "'+49 30", "'-2", "'@SUM(A1)", "'\tx", "'\rx"}},
		// Excel in East Asian locales reads the fullwidth (and small form)
		// signs as the ASCII ones when a cell starts with them.
		{"OKFullwidthFormulaStarts", []string{"\uff1d1+1", "\uff0b49 30", "\uff0d2", "\uff20SUM(A1)", "\ufe661+1", "\ufe62x", "\ufe63x", "\ufe6bx"},
			"\"'\uff1d1+1\",\"'\uff0b49 30\",\"'\uff0d2\",\"'\uff20SUM(A1)\",\"'\ufe661+1\",\"'\ufe62x\",\"'\ufe63x\",\"'\ufe6bx\"",
			[]string{"'\uff1d1+1", "'\uff0b49 30", "'\uff0d2", "'\uff20SUM(A1)", "'\ufe661+1", "'\ufe62x", "'\ufe63x", "'\ufe6bx"}},
		// A sign after leading whitespace, control or invisible characters:
		// a spreadsheet (or an import option, or a cleanup) that trims them
		// reads a formula.
		{"OKFormulaAfterLeadingSpace", []string{" =HYPERLINK(\"http://x/\")", "\n=1+1", "\u00a0@SUM(A1)", "\u200b-1+2", "\u3000\uff0b1"},
			"\"' =HYPERLINK(\"\"http://x/\"\")\",\"'\n=1+1\",\"'\u00a0@SUM(A1)\",\"'\u200b-1+2\",\"'\u3000\uff0b1\"",
			[]string{"' =HYPERLINK(\"http://x/\")", "'\n=1+1", "'\u00a0@SUM(A1)", "'\u200b-1+2", "'\u3000\uff0b1"}},
		// An apostrophe before what would need one gets another, so that
		// taking one off always gives the original; other text keeps its own.
		{"OKApostropheFormula", []string{"'=1+1", "'til dawn", " x"}, "\"''=1+1\",\"'til dawn\",\" x\"", []string{"''=1+1", "'til dawn", " x"}},
		{"OKFullwidthInsideKept", []string{"a\uff1d1"}, "\"a\uff1d1\"", []string{"a\uff1d1"}},
		{"OKQuotesAndNewlines", []string{`say "hi"`, "two\nlines", ""}, "\"say \"\"hi\"\"\",\"two\nlines\",\"\"", []string{`say "hi"`, "two\nlines", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			w := safecsv.NewWriter(&b)
			if err := w.Write(tt.in); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSuffix(b.String(), "\n"); got != tt.wantLine {
				t.Fatalf("line %q, want %q", got, tt.wantLine)
			}
			r := csv.NewReader(strings.NewReader(b.String()))
			r.LazyQuotes = false
			back, err := r.Read()
			if err != nil || !slices.Equal(back, tt.wantBack) {
				t.Fatalf("read back %q, %v; want %q", back, err, tt.wantBack)
			}
		})
	}
}

// TestWriterDialect: another delimiter separates the quoted fields, and
// the byte order mark comes first, once.
func TestWriterDialect(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	w := safecsv.NewWriter(&b)
	w.Comma = ';'
	if err := w.WriteBOM(); err != nil {
		t.Fatal(err)
	}
	for _, rec := range [][]string{{"Name", "Stadt"}, {"Jürgen", "Köln; Süd"}} {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "\ufeff\"Name\";\"Stadt\"\n\"Jürgen\";\"Köln; Süd\"\n"; b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
}

// TestWriterPlainE164: a column marked PlainE164 keeps its strict E.164
// numbers as they are; anything else there, and E.164 in other columns, is
// neutralized.
func TestWriterPlainE164(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	w := safecsv.NewWriter(&b)
	w.PlainE164 = []int{1}
	for _, rec := range [][]string{
		{"+4930123456", "+4930123456"},
		{"x", "+49 30 123456"},
		{"x", "+0301234567"},
		{"x", "+1234567890123456"},
		{"x", "+1+HYPERLINK(\"http://x/\")"},
		{"x", " +4930123456"},
	} {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\"'+4930123456\",\"+4930123456\"\n" +
		"\"x\",\"'+49 30 123456\"\n" +
		"\"x\",\"'+0301234567\"\n" +
		"\"x\",\"'+1234567890123456\"\n" +
		"\"x\",\"'+1+HYPERLINK(\"\"http://x/\"\")\"\n" +
		"\"x\",\"' +4930123456\"\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
}

// TestIsE164: strict E.164 is "+", a digit other than 0 and 6 to 14 more
// digits (7 to 15 in all); one digit fewer or more is not, so a
// PlainE164 column neutralizes it.
func TestIsE164(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"OKShortest", "+1234567", true},
		{"OKLongest", "+123456789012345", true},
		{"OKTypical", "+4930123456", true},
		{"NoTooShort", "+123456", false},
		{"NoTooLong", "+1234567890123456", false},
		{"NoLeadingZero", "+0234567", false},
		{"NoPlus", "1234567", false},
		{"NoSpace", "+49 30123456", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := safecsv.IsE164(tt.in); got != tt.want {
				t.Fatalf("IsE164(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestCell: what Cell neutralizes and what it keeps as it is. A cell of
// nothing but blanks or invisible characters starts no formula and keeps
// its text; a sign after a control character that is not whitespace
// (which a spreadsheet or a cleanup may drop) is neutralized.
func TestCell(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"OKEmpty", "", ""},
		{"OKBlank", " ", " "},
		{"OKBlanks", " \u00a0\u3000", " \u00a0\u3000"},
		{"OKInvisible", "\u200b", "\u200b"},
		{"OKNewline", "\n", "\n"},
		{"OKApostropheBlank", "' ", "' "},
		{"OKControlThenText", "\x01abc", "\x01abc"},
		{"OKControlThenEquals", "\x01=1+1", "'\x01=1+1"},
		{"OKDeleteThenAt", "\x7f@SUM(A1)", "'\x7f@SUM(A1)"},
		{"OKEscapeThenPlus", "\x1b+1", "'\x1b+1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := safecsv.Cell(tt.in)
			if got != tt.want {
				t.Fatalf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if back := safecsv.Original(got); back != tt.in {
				t.Fatalf("Original(%q) = %q, want %q", got, back, tt.in)
			}
		})
	}
}
