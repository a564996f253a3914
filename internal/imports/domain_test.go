package imports_test

import (
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestCompanyDomain: a website column gives the company's domain, but a
// page on a social network or directory (a small business's Facebook page,
// its LinkedIn company page) is not the company's website: its host would
// link the contact to that network's company, whose name replaces the
// row's. Such a value is no domain; the row is imported without one.
func TestCompanyDomain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		website, want string
	}{
		{"https://www.Acme.example/about", "acme.example"},
		{"acme.example", "acme.example"},
		{"http://shop.acme.example:8080/", "shop.acme.example"},
		{"https://www.facebook.com/joespizza", ""},
		{"facebook.com/joespizza/", ""},
		{"https://m.facebook.com/profile.php?id=100", ""},
		{"https://www.linkedin.com/company/acme", ""},
		{"de.linkedin.com/company/acme/about/", ""},
		{"https://twitter.com/acme", ""},
		{"x.com/acme", ""},
		{"https://www.instagram.com/acme.shop/", ""},
		{"https://www.xing.com/pages/acme", ""},
		{"https://github.com/acme", ""},
		// The network's own website is its domain.
		{"https://www.linkedin.com/", "linkedin.com"},
		{"facebook.com", "facebook.com"},
	}
	for _, tt := range tests {
		t.Run(tt.website, func(t *testing.T) {
			t.Parallel()
			header := []string{"Email", "Company", "Website"}
			imp := &imports.Import{
				Header:  header,
				Sample:  []imports.SampleRecord{{Num: 1, Fields: header}, {Num: 2, Fields: []string{"ann@acme.example", "Joe's Pizza", tt.website}}},
				Records: 2,
				Mapping: imports.Mapping{HasHeader: true, Columns: []string{imports.FieldEmail, imports.FieldCompanyName, imports.FieldCompanyDomain}},
			}
			rows := imp.Preview("DE")
			if len(rows) != 1 || !rows[0].Usable {
				t.Fatalf("preview %+v", rows)
			}
			if got := rows[0].Values[imports.FieldCompanyDomain]; got != tt.want {
				t.Fatalf("company domain of %q = %q, want %q", tt.website, got, tt.want)
			}
		})
	}
}
