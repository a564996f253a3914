package imports_test

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/imports"
)

// FuzzReader feeds arbitrary bytes through preflight (Sniff) and the
// record reader, as an upload and the worker do: neither may panic or
// hang, every record stays within the limits, and every field is valid
// UTF-8 without NUL bytes (so PostgreSQL accepts it). Seeds are in
// testdata/fuzz/FuzzReader; run with
// go test ./internal/imports -run '^$' -fuzz FuzzReader -fuzztime 1m.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"email,name\na@b.co,Zoë\n", "a;b\r\n\"x\r\ny\";\"q\"\"q\"\r\n", "a|b\r1|2\r", "\xEF\xBB\xBFe\n1\n",
		"\xFF\xFEa\x00,\x00b\x00\n\x00", "Jos\xe9,\x80\n", "\"unterminated", ",,,\n\n\n", "a\x00b"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		format, err := imports.Sniff(data[:min(len(data), imports.SniffBytes)], len(data) <= imports.SniffBytes)
		if err != nil || format.Kind != imports.KindCSV {
			return
		}
		rd := format.NewReader(bytes.NewReader(data))
		last := 0
		for n := 0; n < 100_000; n++ {
			rec, err := rd.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if rec.Num <= last {
				t.Fatalf("record numbers go from %d to %d", last, rec.Num)
			}
			last = rec.Num
			if len(rec.Fields) == 0 || len(rec.Fields) > imports.MaxColumns {
				t.Fatalf("record %d has %d fields", rec.Num, len(rec.Fields))
			}
			size := 0
			for _, f := range rec.Fields {
				size += len(f)
				if !utf8.ValidString(f) || strings.IndexByte(f, 0) >= 0 {
					t.Fatalf("record %d: field %q is not storable text", rec.Num, f)
				}
			}
			if size > 3*imports.MaxRecordBytes {
				t.Fatalf("record %d kept %d bytes", rec.Num, size)
			}
			if rec.Problem == "" {
				line := imports.RecordLine(rec.Fields)
				if got := imports.ParseRecordLine(line); !slices.Equal(got, rec.Fields) {
					t.Fatalf("record line round trip: %q → %q → %q", rec.Fields, line, got)
				}
			}
		}
		t.Fatal("more than 100,000 records from a fuzz input")
	})
}
