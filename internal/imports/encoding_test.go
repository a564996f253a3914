package imports_test

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestEncodingDetection covers how a file's bytes become text: UTF-8,
// UTF-8 with stray Windows-1252 bytes (a file pieced together from mixed
// sources, as Excel exports often are), Windows-1252 and the byte order
// mark cases. Each input goes through Sniff, Decode and the record reader.
func TestEncodingDetection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		encoding string
		text     string // the decoded text, exactly
		fields   []string
		problem  string // of the last record
	}{
		{name: "PureUTF8", in: "name,city\nZoë Müller,Zürich\n", encoding: imports.EncodingUTF8,
			text: "name,city\nZoë Müller,Zürich\n", fields: []string{"Zoë Müller", "Zürich"}},
		{name: "ASCII", in: "name,city\nAnn Lee,Oslo\n", encoding: imports.EncodingUTF8,
			text: "name,city\nAnn Lee,Oslo\n", fields: []string{"Ann Lee", "Oslo"}},
		{name: "UTF8WithStrayWindows1252Bytes", in: "name,note\nZoë Müller,it\x92s \x96 fine\n", encoding: imports.EncodingUTF8,
			text: "name,note\nZoë Müller,it’s – fine\n", fields: []string{"Zoë Müller", "it’s – fine"}},
		{name: "StrayBytesOutnumberUTF8", in: "name,note\nZoë,\x93a\x94 \x96 b\x92s \x85\n", encoding: imports.EncodingUTF8,
			text: "name,note\nZoë,“a” – b’s …\n", fields: []string{"Zoë", "“a” – b’s …"}},
		{name: "StrayByteNextToUTF8", in: "name\n\x92Zoë\x96\n", encoding: imports.EncodingUTF8,
			text: "name\n’Zoë–\n", fields: []string{"’Zoë–"}},
		{name: "TruncatedSequenceAtEnd", in: "name\nZoë,\xC3", encoding: imports.EncodingUTF8,
			text: "name\nZoë,Ã", fields: []string{"Zoë", "Ã"}},
		{name: "SurrogateAndOverlong", in: "name\nZoë \xED\xA0\x80 \xC0\xAF\n", encoding: imports.EncodingUTF8,
			text: "name\nZoë í\u00a0€ À¯\n", fields: []string{"Zoë í\u00a0€ À¯"}},
		{name: "EncodedReplacementCharacterKept", in: "name\nZo\uFFFD ë\n", encoding: imports.EncodingUTF8,
			text: "name\nZo\uFFFD ë\n", fields: []string{"Zo\uFFFD ë"}},
		{name: "PureWindows1252", in: "name,note\nJos\xe9 M\xfcller,it\x92s \x96 fine\n", encoding: imports.EncodingWindows1252,
			text: "name,note\nJosé Müller,it’s – fine\n", fields: []string{"José Müller", "it’s – fine"}},
		{name: "Windows1252UndefinedByte", in: "name\nJos\xe9\x81\n", encoding: imports.EncodingWindows1252,
			text: "name\nJosé\uFFFD\n", fields: []string{"José\uFFFD"}},
		{name: "BOM", in: "\xEF\xBB\xBFname\nZoë Müller\n", encoding: imports.EncodingUTF8BOM,
			text: "name\nZoë Müller\n", fields: []string{"Zoë Müller"}},
		// A byte order mark declares UTF-8: stray bytes stay as they are
		// and their record is invalid, as before.
		{name: "BOMWithStrayBytes", in: "\xEF\xBB\xBFname\nZoë it\x92s\n", encoding: imports.EncodingUTF8BOM,
			text: "name\nZoë it\x92s\n", fields: []string{"Zoë it\uFFFDs"}, problem: imports.ProblemInvalidUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := imports.Sniff([]byte(tt.in), true)
			if err != nil {
				t.Fatal(err)
			}
			if f.Encoding != tt.encoding {
				t.Fatalf("encoding %s, want %s", f.Encoding, tt.encoding)
			}
			text, err := io.ReadAll(f.Decode(strings.NewReader(tt.in)))
			if err != nil || string(text) != tt.text {
				t.Fatalf("decoded %q (%v), want %q", text, err, tt.text)
			}
			// A byte at a time: sequences split across reads come out whole.
			text, err = io.ReadAll(f.Decode(iotest.OneByteReader(strings.NewReader(tt.in))))
			if err != nil || string(text) != tt.text {
				t.Fatalf("decoded a byte at a time %q (%v), want %q", text, err, tt.text)
			}
			var last imports.Record
			rd := f.NewReader(strings.NewReader(tt.in))
			for {
				rec, err := rd.Read()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				last = imports.Record{Num: rec.Num, Fields: slices.Clone(rec.Fields), Problem: rec.Problem}
			}
			if !slices.Equal(last.Fields, tt.fields) || last.Problem != tt.problem {
				t.Fatalf("last record %q %q, want %q %q", last.Fields, last.Problem, tt.fields, tt.problem)
			}
		})
	}
}

// TestEncodingMixedAcrossBuffers decodes a long mixed file whose UTF-8
// sequences and stray bytes fall on every offset of the decoder's and the
// reader's buffers, through reads of many sizes.
func TestEncodingMixedAcrossBuffers(t *testing.T) {
	t.Parallel()
	var in, want bytes.Buffer
	in.WriteString("name,note\n")
	want.WriteString("name,note\n")
	for i := range 20000 {
		pad := strings.Repeat("x", i%7)
		in.WriteString(pad + "Zoë Müller 𝄞," + pad + "it\x92s \x96 ok\n")
		want.WriteString(pad + "Zoë Müller 𝄞," + pad + "it’s – ok\n")
	}
	f, err := imports.Sniff(in.Bytes()[:imports.SniffBytes], false)
	if err != nil {
		t.Fatal(err)
	}
	if f.Encoding != imports.EncodingUTF8 || f.Delimiter != "," || f.LineEnding != imports.LineLF {
		t.Fatalf("format %+v", f)
	}
	for _, size := range []int{1, 2, 3, 5, 4095, 4096, 4097, 65535, 1 << 20} {
		got, err := io.ReadAll(f.Decode(&chunkReader{b: in.Bytes(), size: size}))
		if err != nil || !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("reads of %d bytes: %v, %d bytes decoded, want %d", size, err, len(got), want.Len())
		}
	}
	rd := f.NewReader(&chunkReader{b: in.Bytes(), size: 3})
	n := 0
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n++; n > 1 && (rec.Problem != "" || !strings.HasSuffix(rec.Fields[0], "Zoë Müller 𝄞") || !strings.HasSuffix(rec.Fields[1], "it’s – ok")) {
			t.Fatalf("record %d: %q %q", rec.Num, rec.Fields, rec.Problem)
		}
	}
	if n != 20001 {
		t.Fatalf("%d records", n)
	}
}

// chunkReader returns b in reads of at most size bytes.
type chunkReader struct {
	b    []byte
	size int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.size)], c.b)
	c.b = c.b[n:]
	return n, nil
}

// BenchmarkEncodingDecodeUTF8 reads records of a UTF-8 file through the
// decoder (which repairs stray Windows-1252 bytes) and straight from the
// bytes, as the reader read UTF-8 before.
func BenchmarkEncodingDecodeUTF8(b *testing.B) {
	line := "ann.lee@example.com,Zoë,Müller,Head of Sales,Acme GmbH,+49 30 1234567\n"
	data := []byte(strings.Repeat(line, (8<<20)/len(line)))
	f := imports.Format{Kind: imports.KindCSV, Encoding: imports.EncodingUTF8, Delimiter: ",", LineEnding: imports.LineLF}
	for _, bc := range []struct {
		name   string
		decode func(io.Reader) io.Reader
	}{{"Decode", f.Decode}, {"Raw", func(r io.Reader) io.Reader { return r }}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				rd := imports.NewReader(bc.decode(bytes.NewReader(data)), ',', false)
				for {
					if _, err := rd.Read(); err != nil {
						if !errors.Is(err, io.EOF) {
							b.Fatal(err)
						}
						break
					}
				}
			}
		})
	}
}
