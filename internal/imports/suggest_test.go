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
		// Salesforce: a contacts report, the data export's API names, a
		// leads report.
		{"SalesforceContactsReport", []string{
			"First Name,Last Name,Title,Account Name,Email,Phone,Mailing City,Mailing State/Province,Mailing Country",
			"Ann,Lee,CTO,Acme,ann@acme.example,+1 415 555 2671,San Francisco,CA,United States",
		}, []string{"first_name", "last_name", "title", "company_name", "email", "phone", "city", "region", "country"}},
		{"SalesforceDataExport", []string{
			"Id,AccountId,FirstName,LastName,Title,Email,Phone,MobilePhone,MailingCity,MailingState,MailingCountry",
			"0035g00000ABCdeAAH,0015g00000XYZabAAB,Ann,Lee,CTO,ann@acme.example,+1 415 555 2671,,San Francisco,CA,US",
		}, []string{"", "", "first_name", "last_name", "title", "email", "phone", "", "city", "region", "country"}},
		{"SalesforceLeadsReport", []string{
			"First Name,Last Name,Company / Account,Email,State/Province,Country",
			"Ann,Lee,Acme,ann@acme.example,CA,US",
		}, []string{"first_name", "last_name", "company_name", "email", "region", "country"}},
		// HubSpot: its record id has as many digits as a phone number.
		{"HubSpotWithoutPhone", []string{
			"Record ID,First Name,Last Name,Email,Associated Company,Country/Region,State/Region,City,Contact owner",
			"12345678901,Ann,Lee,ann@acme.example,Acme,Germany,Berlin,Berlin,Sam Seller",
			"12345678902,Bob,Roe,bob@foo.example,Foo,Germany,Bayern,München,Sam Seller",
		}, []string{"", "first_name", "last_name", "email", "company_name", "country", "region", "city", ""}},
		{"HubSpotPhones", []string{
			"Record ID,First Name,Last Name,Email,Mobile Phone Number,Job Title,Company Name",
			"12345678901,Ann,Lee,ann@acme.example,+49 151 23456789,CTO,Acme",
		}, []string{"", "first_name", "last_name", "email", "phone", "title", "company_name"}},
		// Outlook, Google Contacts and Dynamics 365 exports.
		{"Outlook", []string{
			"First Name,Last Name,Company,Job Title,Business Phone,Business City,Business State,Business Country/Region,E-mail Address",
			"Ann,Lee,Acme,CTO,+1 415 555 2671,San Francisco,CA,United States,ann@acme.example",
		}, []string{"first_name", "last_name", "company_name", "title", "phone", "city", "region", "country", "email"}},
		// Outlook's full export starts with "Title", the honorific (Mr.,
		// Dr.): the job title is "Job Title", further on.
		{"OutlookHonorificTitle", []string{
			"Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Phone,E-mail Address",
			"Dr.,Ann,,Lee,,Acme,Engineering,CTO,+1 415 555 2671,ann@acme.example",
		}, []string{"", "first_name", "", "last_name", "", "company_name", "department", "title", "phone", "email"}},
		{"GoogleContacts", []string{
			"First Name,Middle Name,Last Name,Organization Name,Organization Title,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value",
			"Ann,,Lee,Acme,CTO,* Work,ann@acme.example,Mobile,+49 151 23456789",
		}, []string{"first_name", "", "last_name", "company_name", "title", "", "email", "", "phone"}},
		{"Dynamics365", []string{
			"Full Name,Company Name,Job Title,Email,Business Phone,Address 1: City,Address 1: State/Province,Address 1: Country/Region",
			"Ann Lee,Acme,CTO,ann@acme.example,+1 415 555 2671,San Francisco,CA,United States",
		}, []string{"full_name", "company_name", "title", "email", "phone", "city", "region", "country"}},
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
