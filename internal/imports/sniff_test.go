package imports_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/onecloudai/contacts/internal/imports"
)

// utf16Of is s in UTF-16 (big endian when big), with a byte order mark
// when bom.
func utf16Of(s string, big, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if big {
			b = binary.BigEndian.AppendUint16(b, u)
		} else {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
	}
	return b
}

// rowsWith is 20 rows "ab,c" (100 characters) of which the first n have
// c in place of the b.
func rowsWith(n int, c string) string {
	var b strings.Builder
	for i := range 20 {
		if i < n {
			b.WriteString("a" + c + ",c\n")
		} else {
			b.WriteString("ab,c\n")
		}
	}
	return b.String()
}

// TestSniffRefuses: what preflight refuses before reading a row, and
// with which reason: documents, images and archives by their first
// bytes, UTF-32, and binary data (a NUL anywhere in the sample, or more
// than 2% of control characters).
func TestSniffRefuses(t *testing.T) {
	t.Parallel()
	table := "name,email\nAnn Lee,ann@example.com\nBo Roe,bo@example.com\n"
	const document = "looks like a binary document"
	tests := []struct {
		name string
		in   []byte
		want string // in the reason
	}{
		// Each magic number before text that would otherwise read as a
		// table (Windows-1252 for the bytes above ASCII).
		{"PDF", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + table), document},
		{"PNG", []byte("\x89PNG" + table), document},
		{"GIF", []byte("GIF89a" + table), document},
		{"JPEG", []byte("\xFF\xD8\xFF\xE0" + table), document},
		{"Gzip", []byte("\x1F\x8B" + table), document},
		{"Bzip2", []byte("BZh91AY" + table), document},
		{"XZ", []byte("\xFD7zXZ" + table), document},
		{"RAR", []byte("Rar!" + table), document},
		{"7z", []byte("7z\xBC\xAF" + table), document},
		{"UTF32LE", append([]byte{0xFF, 0xFE, 0, 0}, 'a', 0, 0, 0, ',', 0, 0, 0, 'b', 0, 0, 0), "UTF-32"},
		{"UTF32BE", append([]byte{0, 0, 0xFE, 0xFF}, 0, 0, 0, 'a', 0, 0, 0, ',', 0, 0, 0, 'b'), "UTF-32"},
		{"OneNULInText", []byte(strings.Repeat(table, 3) + "\x00"), "binary data"},
		{"TwoBytesWithANUL", []byte("a\x00"), "binary data"},
		{"FivePercentControlCharacters", []byte(rowsWith(5, "\x07")), "binary data"},
		{"FivePercentDeletes", []byte(rowsWith(5, "\x7F")), "binary data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := imports.Sniff(tt.in, true)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Sniff = %+v, %v; want an error saying %q", f, err, tt.want)
			}
		})
	}
}

// TestSniffReads: how preflight reads a file it accepts: its encoding
// (UTF-16 with or without a byte order mark, a sample cut inside a
// character), line endings (breaks inside quoted fields do not count),
// delimiter (the one that splits the records most consistently into the
// most fields, or the one Excel's "sep=" line names) and the lines above
// the table (at most five).
func TestSniffReads(t *testing.T) {
	t.Parallel()
	const (
		lf, crlf, none = imports.LineLF, imports.LineCRLF, imports.LineNone
		utf8, utf8BOM  = imports.EncodingUTF8, imports.EncodingUTF8BOM
	)
	notes := func(n int) string {
		return strings.Repeat("Exported from the CRM\n", n)
	}
	tests := []struct {
		name     string
		in       []byte
		complete bool
		encoding string
		delim    string
		line     string
		skip     int
		decoded  string // a substring of the decoded text
	}{
		// A byte order mark decides, whatever the text: names in Cyrillic
		// have no zero byte for the guess without one to go by.
		{"UTF16LECyrillic", utf16Of("Имя,Город\nАнна,Москва\n", false, true), true, imports.EncodingUTF16LE, ",", lf, 0, "Анна"},
		{"UTF16BECyrillic", utf16Of("Имя,Город\nАнна,Москва\n", true, true), true, imports.EncodingUTF16BE, ",", lf, 0, "Москва"},
		// Without a mark, text whose characters are 40% ASCII is UTF-16.
		{"UTF16LEWithoutBOMFortyPercentASCII", utf16Of(strings.Repeat("Ан,н\n", 20), false, false), true, imports.EncodingUTF16LE, ",", lf, 0, "Ан,н"},
		// The sample's end cut the first character above ASCII in two.
		{"SequenceCutByTheSampleEnd", []byte("email,name\nann@example.com,Zo\xC3"), false, utf8, ",", lf, 0, ""},
		// A header cut there inside a character is still the header.
		{"HeaderCutByTheSampleEnd", []byte("\xEF\xBB\xBFContacts\nEmail,N\xF0\x9F\x98"), false, utf8BOM, ",", lf, 1, ""},
		// Up to 2% of control characters (their rows are invalid); form
		// feeds are text.
		{"TwoPercentControlCharacters", []byte(rowsWith(1, "\x07")[:50]), true, utf8, ",", lf, 0, ""},
		{"FormFeeds", []byte(rowsWith(5, "\f")), true, utf8, ",", lf, 0, ""},
		{"CRLFWithLFInQuotedField", []byte("name,note\r\nAnn,\"line 1\nline 2\"\r\nBo,x\r\n"), true, utf8, ",", crlf, 0, ""},
		{"LFWithCRInQuotedField", []byte("name,note\nAnn,\"line 1\rline 2\"\nBo,x\n"), true, utf8, ",", lf, 0, ""},
		{"LFAndCRLF", []byte("a,b\r\n1,2\n3,4\r\n"), true, utf8, ",", lf, 0, ""},
		{"OneLineWithoutBreak", []byte("email,name"), true, utf8, ",", none, 0, ""},
		// A row with a comma in a value does not make it one column.
		{"RaggedComma", []byte("Email,Company\na@example.com,Acme, Inc\nb@example.com,Foo\n"), true, utf8, ",", lf, 0, ""},
		// Both split every row evenly: the one giving more fields.
		{"SemicolonWithACommaInEveryRow", []byte("Last, First;Email;City\nLee, Ann;ann@example.com;Berlin\nRoe, Bo;bo@example.com;Paris\n"),
			true, utf8, ";", lf, 0, ""},
		// The delimiter is judged past the title lines.
		{"SemicolonBelowTwoTitleLines", []byte(notes(2) + "Email;Name\na@example.com;Ann\nb@example.com;Bo\n"), true, utf8, ";", lf, 2, ""},
		// Capitals and CRLF, as Excel writes it too.
		{"SepLineSingleColumn", []byte("SEP=;\r\nEmail\r\na@example.com\r\nb@example.com\r\n"), true, utf8, ";", crlf, 1, ""},
		// Above a header naming no field we know.
		{"SepLineAboveUnknownHeader", []byte("sep=;\nKundennr;Notiz\n1;x\n2;y\n"), true, utf8, ";", lf, 1, ""},
		// Not a delimiter we read: the line is a note.
		{"SepLineOtherCharacter", []byte("sep=:\nEmail,Name\na@example.com,Ann\n"), true, utf8, ",", lf, 1, ""},
		{"FiveLinesAboveTheHeader", []byte(notes(5) + "Email,Name\na@example.com,Ann\n"), true, utf8, ",", lf, 5, ""},
		{"SixLinesAboveTheHeader", []byte(notes(6) + "Email,Name\na@example.com,Ann\n"), true, utf8, ",", lf, 0, ""},
		// A title whose second cell holds a blank is a title of one value.
		{"TitleWithABlankCell", []byte("Report 2024, \nEmail,Kundennr\na@example.com,1\n"), true, utf8, ",", lf, 1, ""},
		// A line of blanks between the title and the header.
		{"BlankLineUnderTheTitle", []byte("Contacts export\n , \nEmail,Name\na@example.com,Ann\n"), true, utf8, ",", lf, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := imports.Sniff(tt.in, tt.complete)
			if err != nil {
				t.Fatal(err)
			}
			if f.Kind != imports.KindCSV || f.Encoding != tt.encoding || f.Delimiter != tt.delim || f.LineEnding != tt.line || f.SkipRecords != tt.skip {
				t.Fatalf("format %+v, want %s %q %s, %d records skipped", f, tt.encoding, tt.delim, tt.line, tt.skip)
			}
			if tt.decoded != "" {
				text, err := io.ReadAll(f.Decode(bytes.NewReader(tt.in)))
				if err != nil || !strings.Contains(string(text), tt.decoded) {
					t.Fatalf("decoded %q (%v), want it to hold %q", text, err, tt.decoded)
				}
			}
		})
	}
}
