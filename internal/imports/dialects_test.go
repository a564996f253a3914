package imports_test

import (
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestCSVDialects: the shapes of CSV that spreadsheets and exporters
// write read as their table: Excel's "sep=;" line (with a byte order
// mark, CRLF and a delimiter after every field), a delimiter ending
// every line, tab-separated values with quoted fields that hold tabs,
// commas, quotes and line breaks, and line endings of all three kinds in
// one file.
func TestCSVDialects(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	tests := []struct {
		name, body string
		delimiter  string
		lineEnding string
		columns    string
		names      []string // full_name of each preview row
	}{
		{"ExcelSepLine", "\xEF\xBB\xBFsep=;\r\nEmail;Full Name;\r\ns1@" + w + ".example;Zoë Müller;\r\ns2@" + w + ".example;Bo Kim;\r\n",
			";", imports.LineCRLF, "Email|Full Name|Column 3", []string{"Zoë Müller", "Bo Kim"}},
		{"TrailingDelimiter", "Email,Full Name,\nt1@" + w + ".example,Ann Lee,\nt2@" + w + ".example,Bo Kim,\n",
			",", imports.LineLF, "Email|Full Name|Column 3", []string{"Ann Lee", "Bo Kim"}},
		{"TSVWithQuotes", "Email\tFull Name\tNote\n\"q1@" + w + ".example\"\t\"Ann \"\"Nan\"\" Lee\"\t\"a\tb, c; d\"\n" +
			"\"q2@" + w + ".example\"\t\"Bo Kim\"\t\"line one\nline two\"\n",
			"\t", imports.LineLF, "Email|Full Name|Note", []string{`Ann "Nan" Lee`, "Bo Kim"}},
		{"MixedLineEndings", "Email,Full Name\r\nx1@" + w + ".example,Ann Lee\nx2@" + w + ".example,Bo Kim\rx3@" + w + ".example,Cy Park\r\n",
			",", imports.LineMixed, "Email|Full Name", []string{"Ann Lee", "Bo Kim", "Cy Park"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, tt.name+".csv", tt.body)
			if imp.Format.Delimiter != tt.delimiter || imp.Format.LineEnding != tt.lineEnding {
				t.Fatalf("format %+v", imp.Format)
			}
			if got := strings.Join(imp.Columns(), "|"); got != tt.columns || imp.RowCount() != len(tt.names) {
				t.Fatalf("columns %q, %d rows", got, imp.RowCount())
			}
			prev := imp.Preview("DE")
			if len(prev) != len(tt.names) {
				t.Fatalf("preview %+v", prev)
			}
			for i, p := range prev {
				first, last, _ := strings.Cut(tt.names[i], " ")
				if !p.Usable || p.Values["first_name"] != first || p.Values["last_name"] != last {
					t.Errorf("preview row %d: %+v, want %s", p.Row, p, tt.names[i])
				}
			}
		})
	}
}
