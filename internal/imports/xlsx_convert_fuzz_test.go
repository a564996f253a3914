package imports

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// FuzzConvertXLSX converts a workbook of the shared string items sst and
// the sheet rows rows, any XML, as an upload does: when checkXLSX accepts
// it, the conversion succeeds or refuses it with a problem for the user
// (never a server error), every sample field is text PostgreSQL stores
// (the preview is jsonb: a cell's _x0000_ escape failed the upload with a
// 500), and the CSV the worker reads holds the records the preview shows.
// Seeds are in testdata/fuzz/FuzzConvertXLSX; run with
// go test ./internal/imports -run '^$' -fuzz FuzzConvertXLSX -fuzztime 1m -fuzzminimizetime 100x.
func FuzzConvertXLSX(f *testing.F) {
	for _, rows := range []string{
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>`,
		`<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" t="s"><v>6</v></c><c r="D2" t="s"><v>7</v></c></row>`,
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1.2E+10</v></c><c r="C1" t="inlineStr"><is><t>in_x0000_line</t></is></c><c r="D1" t="b"><v>1</v></c><c r="E1" t="str"><f>A1</f><v>x</v></c></row>`,
		`<row r="1"><c r="A1" t="s"><v>8</v></c></row><row r="3"><c r="B3" t="s"><v>0</v></c></row>`,
	} {
		f.Add(fuzzSST+`<si><t>a_x0000_b</t></si>`, rows)
	}
	tooBig := errors.New("too big")
	f.Fuzz(func(t *testing.T, sst, rows string) {
		if len(sst)+len(rows) > 8<<10 {
			return
		}
		name := paddedWorkbook(t, t.TempDir(), sst, rows, 0, 0)
		facts, err := checkXLSX(name, 5<<20, tooBig)
		if err != nil {
			return
		}
		var csv bytes.Buffer
		sc, err := convertXLSX(name, &csv, 5<<20, tooBig, "", facts)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) && err != tooBig {
				t.Fatalf("convertXLSX: %v, want a refusal for the user", err)
			}
			return
		}
		rd := NewReader(&csv, ',', false)
		for _, s := range sc.sample {
			for _, v := range s.Fields {
				if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
					t.Fatalf("sample record %d: field %q is not storable text", s.Num, v)
				}
			}
			rec, err := rd.Read()
			if err != nil {
				t.Fatalf("the CSV ends (%v) before sample record %d", err, s.Num)
			}
			if rec.Num != s.Num || rec.Problem != s.Problem {
				t.Fatalf("the worker reads record %d as record %d with problem %q, the preview with %q", s.Num, rec.Num, rec.Problem, s.Problem)
			}
			if rec.Problem == ProblemTooLong {
				continue // the reader keeps the first MiB, the preview the start of each field
			}
			got := make([]string, len(rec.Fields))
			for i, v := range rec.Fields {
				got[i] = shorten(v, maxSampleField)
			}
			if !slices.Equal(got, s.Fields) {
				t.Fatalf("the worker reads record %d as %q, the preview as %q", s.Num, got, s.Fields)
			}
		}
		if len(sc.sample) < sampleRecords {
			if rec, err := rd.Read(); !errors.Is(err, io.EOF) {
				t.Fatalf("the worker reads record %d (%q) the preview does not show", rec.Num, rec.Fields)
			}
		}
	})
}
