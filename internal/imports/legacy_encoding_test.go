package imports_test

import (
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/onecloudai/contacts/internal/imports"
)

// encodeIn writes s in a single-byte code page (test inputs: every
// character is in it).
func encodeIn(t testing.TB, cm *charmap.Charmap, s string) string {
	t.Helper()
	out, err := cm.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return out
}

// TestDetectLegacyEncoding covers files without a byte order mark that are
// not UTF-8: which single-byte code page their high bytes read as most
// plausibly (Windows-1252 unless another reads far better), and that
// UTF-8 and byte order marks are detected as before.
func TestDetectLegacyEncoding(t *testing.T) {
	t.Parallel()
	polish := "imię,nazwisko,email\nŁukasz,Dąbrowski,lukasz@example.pl\nZofia,Wiśniewska,zofia@example.pl\n" +
		"Grzegorz,Żółkiewski,g@example.pl\nAgnieszka,Kowalczyk,a@example.pl\n"
	czech := "jméno;příjmení;email\nJiří;Dvořák;jiri@example.cz\nPetr;Černý;petr@example.cz\n" +
		"Jana;Kučerová;jana@example.cz\nTomáš;Růžička;tomas@example.cz\nEva;Němcová;eva@example.cz\n"
	hungarian := "név\nErdős Pál\nKőváry Gyöngyi\nSzűcs Ödön\nNagy Zoltán\n"
	russian := "Имя,Фамилия,Email\nИван,Петров,ivan@example.ru\nМария,Смирнова,maria@example.ru\n" +
		"Дмитрий,Кузнецов,d@example.ru\nОльга,Чернышёва,o@example.ru\n"
	western := "prénom,nom,ville\nJosé,Müller,Zürich\nFrançoise,Lefèvre,Besançon\nHélène,Dürr,Genève\n" +
		"René,Strauß,Köln\nNiccolò,Università,Forlì\nSøren,Østergård,Århus\nJoão,Conceição,Évora\nÍñigo,Núñez,Peña\n"
	tests := []struct {
		name     string
		in       string
		encoding string
		want     string // the decoded text
	}{
		{name: "Windows1250Polish", in: encodeIn(t, charmap.Windows1250, polish), encoding: imports.EncodingWindows1250, want: polish},
		{name: "Windows1250OneName", in: encodeIn(t, charmap.Windows1250, "name\nŁukasz Dąbrowski\n"),
			encoding: imports.EncodingWindows1250, want: "name\nŁukasz Dąbrowski\n"},
		{name: "Windows1250Czech", in: encodeIn(t, charmap.Windows1250, czech), encoding: imports.EncodingWindows1250, want: czech},
		{name: "Windows1250Hungarian", in: encodeIn(t, charmap.Windows1250, hungarian), encoding: imports.EncodingWindows1250, want: hungarian},
		{name: "Windows1251Russian", in: encodeIn(t, charmap.Windows1251, russian), encoding: imports.EncodingWindows1251, want: russian},
		{name: "ISO88592Polish", in: encodeIn(t, charmap.ISO8859_2, polish), encoding: imports.EncodingISO88592, want: polish},
		{name: "Windows1252Western", in: encodeIn(t, charmap.Windows1252, western), encoding: imports.EncodingWindows1252, want: western},
		{name: "Windows1252French", in: encodeIn(t, charmap.Windows1252, "nom\nCrème brûlée\nCœur de Lion\n"),
			encoding: imports.EncodingWindows1252, want: "nom\nCrème brûlée\nCœur de Lion\n"},
		// A price is no Polish word: "£100" stays a pound sign.
		{name: "Windows1252Pounds", in: encodeIn(t, charmap.Windows1252, "item,price\na,£100\nb,£250\nc,£75\nd,£5\n"),
			encoding: imports.EncodingWindows1252, want: "item,price\na,£100\nb,£250\nc,£75\nd,£5\n"},
		// Too little to tell: Windows-1252, as before.
		{name: "Windows1252Ambiguous", in: encodeIn(t, charmap.Windows1250, "name\nKučera\n"),
			encoding: imports.EncodingWindows1252, want: "name\nKuèera\n"},
		{name: "Windows1252Italian", in: encodeIn(t, charmap.Windows1252, "città\nNiccolò\nUniversità\nForlì\nperché più\n"),
			encoding: imports.EncodingWindows1252, want: "città\nNiccolò\nUniversità\nForlì\nperché più\n"},
		{name: "Windows1252Quotes", in: "note\nit\x92s \x93quoted\x94 \x96 fine\x85\n", encoding: imports.EncodingWindows1252,
			want: "note\nit’s “quoted” – fine…\n"},
		{name: "UTF8Polish", in: polish, encoding: imports.EncodingUTF8, want: polish},
		{name: "UTF8Russian", in: russian, encoding: imports.EncodingUTF8, want: russian},
		{name: "BOMPolish", in: "\xEF\xBB\xBF" + polish, encoding: imports.EncodingUTF8BOM, want: polish},
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
			got, err := io.ReadAll(f.Decode(strings.NewReader(tt.in)))
			if err != nil || string(got) != tt.want {
				t.Fatalf("decoded %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

// TestDecodeEncodings reads a name in each encoding a user may choose.
func TestDecodeEncodings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		encoding string
		in       string
		want     string
	}{
		{imports.EncodingUTF8, "Zoë", "Zoë"},
		{imports.EncodingUTF8, "\xEF\xBB\xBFZoë", "Zoë"}, // chosen for a file with a mark: the mark goes
		{imports.EncodingUTF8BOM, "\xEF\xBB\xBFZoë", "Zoë"},
		{imports.EncodingUTF16LE, "Z\x00o\x00\xEB\x00", "Zoë"},
		{imports.EncodingUTF16BE, "\x00Z\x00o\x00\xEB", "Zoë"},
		{imports.EncodingWindows1252, "Zo\xEB \x80", "Zoë €"},
		{imports.EncodingWindows1250, "\xA3ukasz D\xB9browski", "Łukasz Dąbrowski"},
		{imports.EncodingWindows1251, "\xC8\xE2\xE0\xED", "Иван"},
		{imports.EncodingISO88591, "Zo\xEB", "Zoë"},
		{imports.EncodingISO88592, "\xA3ukasz D\xB1browski", "Łukasz Dąbrowski"},
		{imports.EncodingISO885915, "\xA4 \xBD", "€ œ"},
		{imports.EncodingMacintosh, "Zo\x91 M\x9Fller", "Zoë Müller"},
	}
	for _, tt := range tests {
		if !imports.ValidEncoding(tt.encoding) {
			t.Errorf("%s is not a valid encoding", tt.encoding)
		}
		f := imports.Format{Kind: imports.KindCSV, Encoding: tt.encoding}
		got, err := io.ReadAll(f.Decode(strings.NewReader(tt.in)))
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: decoded %q (%v), want %q", tt.encoding, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "latin1", "UTF-8", "windows-1253", "utf-32"} {
		if imports.ValidEncoding(bad) {
			t.Errorf("%q is a valid encoding", bad)
		}
	}
}

// BenchmarkSniffLegacy sniffs a full 64 KiB sample of a Windows-1250
// file: the scoring reads it once per candidate code page.
func BenchmarkSniffLegacy(b *testing.B) {
	line := encodeIn(b, charmap.Windows1250, "lukasz@example.pl,Łukasz,Dąbrowski,Główny księgowy,Żabka Polska sp. z o.o.,Kraków\n")
	sample := []byte(strings.Repeat(line, imports.SniffBytes/len(line)+1)[:imports.SniffBytes])
	b.SetBytes(int64(len(sample)))
	for b.Loop() {
		f, err := imports.Sniff(sample, false)
		if err != nil || f.Encoding != imports.EncodingWindows1250 {
			b.Fatalf("%+v %v", f, err)
		}
	}
}
