package imports_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestReaderRecordBytesBound: a record may hold MaxRecordBytes bytes of
// field data (the delimiters and quotes around them do not count); one
// byte more makes it too long, and the record after it is read as it is.
func TestReaderRecordBytesBound(t *testing.T) {
	t.Parallel()
	const max = imports.MaxRecordBytes
	x := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name    string
		in      string
		problem string
		lengths []int // of the first record's fields, when it has no problem
	}{
		{"OKExactly", "a," + x(max-1) + "\nnext\n", "", []int{1, max - 1}},
		{"OKExactlyQuoted", `"` + x(max-1) + `","b"` + "\nnext\n", "", []int{max - 1, 1}},
		{"OKExactlyDoubledQuote", `"` + x(max-1) + `"""` + "\nnext\n", "", []int{max}},
		{"ErrOneOver", "a," + x(max) + "\nnext\n", imports.ProblemTooLong, nil},
		{"ErrOneOverQuoted", `"` + x(max) + `",b` + "\nnext\n", imports.ProblemTooLong, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readAll(t, imports.NewReader(strings.NewReader(tt.in), ',', false))
			if len(got) != 2 {
				t.Fatalf("got %d records, want 2", len(got))
			}
			if got[0].problem != tt.problem {
				t.Fatalf("problem %q, want %q", got[0].problem, tt.problem)
			}
			if tt.lengths != nil {
				lengths := make([]int, len(got[0].fields))
				for i, f := range got[0].fields {
					lengths[i] = len(f)
				}
				if !slices.Equal(lengths, tt.lengths) {
					t.Fatalf("field lengths %v, want %v", lengths, tt.lengths)
				}
			}
			if next := got[1]; next.num != 2 || next.problem != "" || !slices.Equal(next.fields, []string{"next"}) {
				t.Fatalf("the record after it: %+v", next)
			}
		})
	}
}

// TestReaderFirstProblemReported: of a record both too wide and too long,
// the problem met first is the one reported: a record found too wide is
// not read on (and so never found too long); one found too long while it
// still had room for fields is too long. The upload then says which
// (more than 1,000 columns, or a first row too long to be a header).
func TestReaderFirstProblemReported(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		problem string
	}{
		// 1,001 fields of 1,000 bytes fit in MaxRecordBytes; the 1,002nd
		// would take the record past it.
		{"TooWideFirst", strings.Repeat(strings.Repeat("y", 1000)+",", imports.MaxColumns+1) + strings.Repeat("z", 100_000),
			imports.ProblemTooManyFields},
		// The 954th field of 1,100 bytes takes the record past it.
		{"TooLongFirst", strings.Repeat(strings.Repeat("y", 1100)+",", imports.MaxColumns+1) + "z", imports.ProblemTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readAll(t, imports.NewReader(strings.NewReader(tt.in+"\nnext\n"), ',', false))
			if len(got) != 2 || got[0].problem != tt.problem {
				t.Fatalf("got %d records, the first with problem %q; want %q", len(got), got[0].problem, tt.problem)
			}
			if got[1].problem != "" || !slices.Equal(got[1].fields, []string{"next"}) {
				t.Fatalf("the record after it: %+v", got[1])
			}
		})
	}
}

// failingSource gives data, then fails with err (a chunk that could not
// be read from the database, a dropped network read).
type failingSource struct {
	data string
	err  error
}

func (s *failingSource) Read(p []byte) (int, error) {
	if s.data == "" {
		return 0, s.err
	}
	n := copy(p, s.data)
	s.data = s.data[n:]
	return n, nil
}

// TestReaderSourceError: a source that fails is an error of Read, never
// the end of the file (which would drop the rest of the rows silently),
// and every later Read returns it too.
func TestReaderSourceError(t *testing.T) {
	t.Parallel()
	cause := errors.New("chunk 3: connection reset")
	rd := imports.NewReader(&failingSource{data: "a,b\n1,2\n3,", err: cause}, ',', false)
	for i, want := range []string{"a", "1"} {
		rec, err := rd.Read()
		if err != nil || rec.Fields[0] != want {
			t.Fatalf("record %d: %q, %v", i+1, rec.Fields, err)
		}
	}
	for range 2 {
		rec, err := rd.Read()
		if !errors.Is(err, cause) || errors.Is(err, io.EOF) {
			t.Fatalf("after the source failed: %+v, %v; want its error", rec, err)
		}
	}
}

// emptyReads is a source that answers every other Read with no bytes and
// no error, which io.Reader allows, and otherwise one byte at a time.
type emptyReads struct {
	data  string
	empty bool
}

func (s *emptyReads) Read(p []byte) (int, error) {
	if s.empty = !s.empty; s.empty {
		return 0, nil
	}
	if s.data == "" {
		return 0, io.EOF
	}
	p[0] = s.data[0]
	s.data = s.data[1:]
	return 1, nil
}

// TestReaderEmptyReads: a source's empty reads are waited out, not taken
// for data or for the end.
func TestReaderEmptyReads(t *testing.T) {
	t.Parallel()
	const in = "a,\"b\r\nc\"\r\n1,\"say \"\"hi\"\"\"\r\n\r\n2,x"
	want := readAll(t, imports.NewReader(strings.NewReader(in), ',', false))
	got := readAll(t, imports.NewReader(&emptyReads{data: in}, ',', false))
	if len(got) != 3 || len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].num != want[i].num || !slices.Equal(got[i].fields, want[i].fields) || got[i].problem != want[i].problem {
			t.Fatalf("record %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
