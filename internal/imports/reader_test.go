package imports_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/imports"
)

type readRec struct {
	num     int
	fields  []string
	problem string
}

func readAll(t testing.TB, rd *imports.Reader) []readRec {
	t.Helper()
	var out []readRec
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		out = append(out, readRec{rec.Num, slices.Clone(rec.Fields), rec.Problem})
	}
}

func TestReader(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", imports.MaxRecordBytes+10)
	wide := strings.Repeat("a,", imports.MaxColumns) + "a\n"
	tests := []struct {
		name   string
		in     string
		delim  byte
		crEnds bool
		want   []readRec
	}{
		{"OK", "a,b\n1,2\n", ',', false, []readRec{{1, []string{"a", "b"}, ""}, {2, []string{"1", "2"}, ""}}},
		{"OKNoFinalNewline", "a,b\n1,2", ',', false, []readRec{{1, []string{"a", "b"}, ""}, {2, []string{"1", "2"}, ""}}},
		{"OKCRLF", "a;b\r\n1;2\r\n", ';', false, []readRec{{1, []string{"a", "b"}, ""}, {2, []string{"1", "2"}, ""}}},
		{"OKCROnly", "a|b\r1|2\r", '|', true, []readRec{{1, []string{"a", "b"}, ""}, {2, []string{"1", "2"}, ""}}},
		{"OKLoneCRIsDataWithoutCREnds", "a\rb,c\n", ',', false, []readRec{{1, []string{"a\rb", "c"}, ""}}},
		{"OKTab", "a\tb\n", '\t', false, []readRec{{1, []string{"a", "b"}, ""}}},
		{"OKQuotedNewlinesAndQuotes", "\"line1\nline2\",\"say \"\"hi\"\"\",\"a,b\"\nx,y,z\n", ',', false,
			[]readRec{{1, []string{"line1\nline2", `say "hi"`, "a,b"}, ""}, {2, []string{"x", "y", "z"}, ""}}},
		{"OKQuotedCRLFInside", "\"a\r\nb\",c\r\n", ',', false, []readRec{{1, []string{"a\r\nb", "c"}, ""}}},
		{"OKBlankLinesSkipped", "a\n\n,,\n\"\"\nb\n", ',', false, []readRec{{1, []string{"a"}, ""}, {5, []string{"b"}, ""}}},
		{"OKLazyQuotes", "a\"b,\"c\"d\n", ',', false, []readRec{{1, []string{`a"b`, "cd"}, ""}}},
		{"OKEmptyFields", "a,,c,\n", ',', false, []readRec{{1, []string{"a", "", "c", ""}, ""}}},
		{"OKAccents", "Zoë,Müller\n", ',', false, []readRec{{1, []string{"Zoë", "Müller"}, ""}}},
		{"ErrUnterminatedQuote", "a,\"bc\n", ',', false, []readRec{{1, []string{"a", "bc\n"}, imports.ProblemUnterminated}}},
		{"ErrInvalidUTF8", "a\xff,b\nok\n", ',', false, []readRec{{1, []string{"a\uFFFD", "b"}, imports.ProblemInvalidUTF8}, {2, []string{"ok"}, ""}}},
		// E0 AB | 92 is a valid sequence only with the delimiter taken out.
		{"ErrInvalidUTF8SplitByDelimiter", "a\xe0\xab,\x92\nok\n", ',', false,
			[]readRec{{1, []string{"a\uFFFD", "\uFFFD"}, imports.ProblemInvalidUTF8}, {2, []string{"ok"}, ""}}},
		{"ErrNUL", "a\x00b\nok\n", ',', false, []readRec{{1, []string{"a\uFFFDb"}, imports.ProblemBinary}, {2, []string{"ok"}, ""}}},
		{"ErrNULFirst", "\x00b,c\nok\n", ',', false, []readRec{{1, []string{"\uFFFDb", "c"}, imports.ProblemBinary}, {2, []string{"ok"}, ""}}},
		// One problem a record, the first met: a record flagged while it
		// was read keeps its problem, and otherwise its fields are looked
		// at in order.
		{"ErrNULThenInvalidUTF8", "\x00,\xff\nok\n", ',', false, []readRec{{1, []string{"\uFFFD", "\uFFFD"}, imports.ProblemBinary}, {2, []string{"ok"}, ""}}},
		{"ErrInvalidUTF8ThenNUL", "\xff,\x00\nok\n", ',', false, []readRec{{1, []string{"\uFFFD", "\uFFFD"}, imports.ProblemInvalidUTF8}, {2, []string{"ok"}, ""}}},
		{"ErrUnterminatedWithNULAndInvalidUTF8", "a\n\"b\x00c\xff", ',', false,
			[]readRec{{1, []string{"a"}, ""}, {2, []string{"b\uFFFDc\uFFFD"}, imports.ProblemUnterminated}}},
		// A quote opened on the last line and never closed holds nothing,
		// yet it is a row the file meant to have: flagged, not skipped as
		// a blank line.
		{"ErrUnterminatedEmptyQuote", "a\n\"", ',', false, []readRec{{1, []string{"a"}, ""}, {2, []string{""}, imports.ProblemUnterminated}}},
		{"ErrTooLongThenNextRow", "a," + long + "\nnext\n", ',', false, nil},
		{"ErrTooManyFields", wide + "b\n", ',', false, nil},
		{"EmptyInput", "", ',', false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readAll(t, imports.NewReader(strings.NewReader(tt.in), tt.delim, tt.crEnds))
			switch tt.name {
			case "ErrTooLongThenNextRow":
				if len(got) != 2 || got[0].problem != imports.ProblemTooLong || got[1].fields[0] != "next" || got[1].num != 2 {
					t.Fatalf("got %d records: %v / %v", len(got), got[0].problem, got[len(got)-1].fields)
				}
				if n := len(got[0].fields[0]) + len(got[0].fields[1]); n > imports.MaxRecordBytes {
					t.Fatalf("kept %d bytes of a too-long record", n)
				}
				return
			case "ErrTooManyFields":
				if len(got) != 2 || got[0].problem != imports.ProblemTooManyFields || len(got[0].fields) != imports.MaxColumns ||
					got[1].fields[0] != "b" {
					t.Fatalf("got %d records, problem %q, %d fields", len(got), got[0].problem, len(got[0].fields))
				}
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d records %v, want %v", len(got), got, tt.want)
			}
			for i := range got {
				if got[i].num != tt.want[i].num || !slices.Equal(got[i].fields, tt.want[i].fields) || got[i].problem != tt.want[i].problem {
					t.Fatalf("record %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestReaderSkip(t *testing.T) {
	t.Parallel()
	rd := imports.NewReader(strings.NewReader("h\n1\n\n3\n4\n"), ',', false)
	if err := rd.Skip(3); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, rd)
	if len(got) != 2 || got[0].num != 4 || got[0].fields[0] != "3" {
		t.Fatalf("after Skip(3): %+v", got)
	}
	// Past the end: nothing left to read, which is not an error.
	rd = imports.NewReader(strings.NewReader("h\n1\n"), ',', false)
	if err := rd.Skip(5); err != nil {
		t.Fatalf("Skip(5) of 2 records: %v", err)
	}
	if got := readAll(t, rd); len(got) != 0 {
		t.Fatalf("after Skip(5) of 2 records: %+v", got)
	}
}

func TestRecordLineRoundTrip(t *testing.T) {
	t.Parallel()
	for _, fields := range [][]string{{"a", "b"}, {"a,b", `"q"`, "line\nbreak", "cr\ronly", ""}, {"", "x"}, {"Zoë"}} {
		line := imports.RecordLine(fields)
		if got := imports.ParseRecordLine(line); !slices.Equal(got, fields) {
			t.Fatalf("round trip of %q via %q = %q", fields, line, got)
		}
	}
}

// TestParseRecordLineAllocatesTheLine: errors.csv and the records pages
// parse one stored line per reported row. The parser used to take a file
// reader's 64 KiB buffer for each line, so a 50,000-row errors.csv
// allocated and cleared 3 GB (twice: the header's width is read first)
// and took seconds. A short line now costs about its own size. The bound
// (a quarter of the old buffer per line, over 1,000 lines) leaves room for
// what parallel tests allocate meanwhile.
func TestParseRecordLineAllocatesTheLine(t *testing.T) {
	t.Parallel()
	line := imports.RecordLine([]string{"Jane", "Doe", "not-an-email", "Acme, Inc."})
	long := imports.RecordLine([]string{strings.Repeat("x", 70<<10), "y"})
	for _, c := range []struct {
		line string
		want []string
	}{{line, []string{"Jane", "Doe", "not-an-email", "Acme, Inc."}}, {long, []string{strings.Repeat("x", 70<<10), "y"}}} {
		if got := imports.ParseRecordLine(c.line); !slices.Equal(got, c.want) {
			t.Fatalf("ParseRecordLine(%.20q) = %.60q, want %.60q", c.line, got, c.want)
		}
	}
	const n = 1000
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		if got := imports.ParseRecordLine(line); len(got) != 4 {
			t.Fatalf("ParseRecordLine = %q", got)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > 16<<10 {
		t.Fatalf("ParseRecordLine of a %d-byte line allocated %d bytes a call", len(line), per)
	}
}

func TestSniff(t *testing.T) {
	t.Parallel()
	manyAccents := strings.Repeat("Zoë,Müller,José\n", 20)
	tests := []struct {
		name     string
		in       []byte
		encoding string
		delim    string
		line     string
		kind     string
		errMsg   string
		decoded  string // a substring of the decoded text
	}{
		{"UTF8", []byte("email,name\na@b.co,Zoë\n"), imports.EncodingUTF8, ",", imports.LineLF, imports.KindCSV, "", "Zoë"},
		{"UTF8BOMSemicolon", append([]byte{0xEF, 0xBB, 0xBF}, "email;name\r\na@b.co;Zoë\r\n"...), imports.EncodingUTF8BOM, ";",
			imports.LineCRLF, imports.KindCSV, "", "email;name"},
		{"UTF16LETab", utf16Of("email\tname\r\na@b.co\tZoë\r\n", false, true), imports.EncodingUTF16LE, "\t", imports.LineCRLF, imports.KindCSV, "", "Zoë"},
		{"UTF16BE", utf16Of("email,name\na@b.co,José\n", true, true), imports.EncodingUTF16BE, ",", imports.LineLF, imports.KindCSV, "", "José"},
		{"Windows1252", []byte("email,name\na@b.co,Jos\xe9 \x80\n"), imports.EncodingWindows1252, ",", imports.LineLF, imports.KindCSV, "", "José €"},
		{"UTF8WithOneBadByte", []byte(manyAccents + "bad\xff,x\n"), imports.EncodingUTF8, ",", imports.LineLF, imports.KindCSV, "", "Müller"},
		{"Pipe", []byte("a|b|c\n1|2|3\n"), imports.EncodingUTF8, "|", imports.LineLF, imports.KindCSV, "", ""},
		{"SemicolonWithCommasInValues", []byte("name;company\nAnn;Acme, Inc\nBo;Foo, Bar, Baz\n"), imports.EncodingUTF8, ";", imports.LineLF, imports.KindCSV, "", ""},
		{"CROnly", []byte("a,b\r1,2\r3,4\r"), imports.EncodingUTF8, ",", imports.LineCR, imports.KindCSV, "", ""},
		{"SingleColumn", []byte("email\na@b.co\n"), imports.EncodingUTF8, ",", imports.LineLF, imports.KindCSV, "", ""},
		{"XLSX", []byte("PK\x03\x04rest"), "", "", "", imports.KindXLSX, "", ""},
		{"ErrEmpty", nil, "", "", "", "", "empty", ""},
		{"ErrBinaryGarbage", []byte("\x01\x02\x03\x00\xff\xfe\x10garbage\x00\x00\x07\x08"), "", "", "", "", "binary", ""},
		{"ErrPNG", []byte("\x89PNG\r\n\x1a\n...."), "", "", "", "", "not a CSV", ""},
		{"ErrLegacyXLS", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "", "", "", "", ".xls", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := imports.Sniff(tt.in, true)
			if tt.errMsg != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errMsg) {
					t.Fatalf("err = %v, want one saying %q", err, tt.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Kind != tt.kind || (tt.kind == imports.KindCSV && (f.Encoding != tt.encoding || f.Delimiter != tt.delim || f.LineEnding != tt.line)) {
				t.Fatalf("format = %+v, want %s %q %s %s", f, tt.encoding, tt.delim, tt.line, tt.kind)
			}
			if tt.decoded != "" {
				text, err := io.ReadAll(f.Decode(bytes.NewReader(tt.in)))
				if err != nil || !strings.Contains(string(text), tt.decoded) || !utf8.Valid(text) && tt.encoding != imports.EncodingUTF8 {
					t.Fatalf("decoded %q (%v), want it to hold %q", text, err, tt.decoded)
				}
				if strings.HasPrefix(string(text), "\uFEFF") {
					t.Fatal("the byte order mark was not removed")
				}
			}
		})
	}
}

// BenchmarkParseRecordLine parses one stored row, as errors.csv and the
// records pages do for each reported row (docs/PERFORMANCE.md, "Big
// tenant").
func BenchmarkParseRecordLine(b *testing.B) {
	line := imports.RecordLine([]string{"Jane", "Doe", "not-an-email", "Acme, Inc.", "+49 30 1234567", "Berlin"})
	b.ReportAllocs()
	for b.Loop() {
		if len(imports.ParseRecordLine(line)) != 6 {
			b.Fatal("fields")
		}
	}
}
