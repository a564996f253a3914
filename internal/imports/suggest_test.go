package imports_test

import (
	"slices"
	"strings"
	"testing"
)

// TestSuggestedMappingOfExports uploads files as CRMs and LinkedIn export
// them and checks the mapping the preflight suggests for their columns.
func TestSuggestedMappingOfExports(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name string
		rows []string
		want []string
	}{
		// LinkedIn's Connections.csv calls the profile link "URL": a
		// header that names a website, but the values are profiles (the
		// contact's strongest key: LinkedIn leaves most emails out), not
		// the company's domain (which would read as linkedin.com).
		{"LinkedInConnections", []string{
			"First Name,Last Name,URL,Email Address,Company,Position,Connected On",
			"Ann,Lee,https://www.linkedin.com/in/ann-lee-1234,,Acme,CTO,12 Mar 2024",
			"Bob,Roe,https://www.linkedin.com/in/bob-roe,bob@roe.example,Foo,CEO,01 Jan 2023",
		}, []string{"first_name", "last_name", "linkedin_url", "email", "company_name", "title", ""}},
		// A website column of websites stays the company's domain.
		{"WebsiteColumn", []string{
			"Email,Company,Website",
			"ann@acme.example,Acme,https://www.acme.example",
			"bob@foo.example,Foo,foo.example",
		}, []string{"email", "company_name", "company_domain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, tt.name+".csv", strings.Join(tt.rows, "\r\n")+"\r\n")
			if !slices.Equal(imp.Mapping.Columns, tt.want) {
				t.Fatalf("mapping of %q:\n got %q\nwant %q", imp.Columns(), imp.Mapping.Columns, tt.want)
			}
		})
	}
}
