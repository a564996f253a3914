package imports_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/imports"
)

// FuzzRecordLine encodes fields, split at "|" from arbitrary text, as a
// workbook's rows are written for the worker and as a record's raw line is
// stored: text PostgreSQL keeps (valid UTF-8 without NUL bytes) reads back
// field for field, both through ParseRecordLine (the records pages,
// errors.csv) and through the reader the worker runs over a converted
// workbook, so what an import stores is what its preview showed. Seeds are
// in testdata/fuzz/FuzzRecordLine; run with
// go test ./internal/imports -run '^$' -fuzz FuzzRecordLine -fuzztime 1m.
func FuzzRecordLine(f *testing.F) {
	for _, s := range []string{"a|b", `a,b|"q"|line` + "\n" + `break|cr` + "\r" + `only|`, "|x", "Zoë", ` "x" | y`, "\r\n|\n\r", `"`, `""|`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return
		}
		fields := strings.Split(s, "|")
		if len(fields) > imports.MaxColumns || len(s) > imports.MaxRecordBytes {
			return
		}
		line := imports.RecordLine(fields)
		blank := strings.Trim(s, "|") == ""
		if got := imports.ParseRecordLine(line); !blank && !slices.Equal(got, fields) {
			t.Fatalf("ParseRecordLine(RecordLine(%q)) = %q (line %q)", fields, got, line)
		}
		for _, crEnds := range []bool{false, true} {
			rd := imports.NewReader(strings.NewReader(line+"\n"), ',', crEnds)
			rec, err := rd.Read()
			if blank {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("blank record %q read as %+v, %v", fields, rec, err)
				}
				continue
			}
			if err != nil || rec.Num != 1 || rec.Problem != "" || !slices.Equal(rec.Fields, fields) {
				t.Fatalf("record %q written as %q reads as %+v, %v (crEnds %v)", fields, line, rec, err, crEnds)
			}
			if rec, err := rd.Read(); !errors.Is(err, io.EOF) {
				t.Fatalf("record %q written as %q reads a second record %+v, %v", fields, line, rec, err)
			}
		}
	})
}
