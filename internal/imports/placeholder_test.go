package imports_test

import (
	"maps"
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestPlaceholdersAreEmpty: what spreadsheets and database exports write
// for "no value" (NULL, \N, Excel's error values in several languages, a
// dash) is an empty field, not a name, a phone number or a country that
// makes the row invalid.
func TestPlaceholdersAreEmpty(t *testing.T) {
	t.Parallel()
	header := []string{"Email", "First Name", "Last Name", "Company", "Phone", "LinkedIn", "Country"}
	tests := []struct {
		name   string
		fields []string
		want   map[string]string
	}{
		{"SQLNull", []string{"ann@acme.example", "Ann", "Lee", "NULL", "NULL", "null", "NULL"},
			map[string]string{"email": "ann@acme.example", "first_name": "Ann", "last_name": "Lee"}},
		{"MySQLNull", []string{"ann@acme.example", "Ann", "Lee", `\N`, `\N`, `\N`, `\N`},
			map[string]string{"email": "ann@acme.example", "first_name": "Ann", "last_name": "Lee"}},
		{"ExcelErrors", []string{"#N/A", "Ann", "Lee", "Acme", "#VALUE!", "#REF!", "#N/A"},
			map[string]string{"first_name": "Ann", "last_name": "Lee", "company_name": "Acme"}},
		{"GermanExcelErrors", []string{"#NV", "Ann", "Lee", "Acme", "#WERT!", "#BEZUG!", "#NV"},
			map[string]string{"first_name": "Ann", "last_name": "Lee", "company_name": "Acme"}},
		{"NotApplicable", []string{"ann@acme.example", "Ann", "Lee", "n/a", "N/A", "-", "—"},
			map[string]string{"email": "ann@acme.example", "first_name": "Ann", "last_name": "Lee"}},
		// Namibia's code is a country, not "not available".
		{"NamibiaIsACountry", []string{"ann@acme.example", "Ann", "Lee", "", "", "", "NA"},
			map[string]string{"email": "ann@acme.example", "first_name": "Ann", "last_name": "Lee", "country": "NA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := &imports.Import{
				Header:  header,
				Sample:  []imports.SampleRecord{{Num: 1, Fields: header}, {Num: 2, Fields: tt.fields}},
				Records: 2,
				Mapping: imports.Mapping{HasHeader: true, Columns: []string{imports.FieldEmail, imports.FieldFirstName,
					imports.FieldLastName, imports.FieldCompanyName, imports.FieldPhone, imports.FieldLinkedIn, imports.FieldCountry}},
			}
			rows := imp.Preview("DE")
			if len(rows) != 1 {
				t.Fatalf("%d preview rows", len(rows))
			}
			if !rows[0].Usable || !maps.Equal(rows[0].Values, tt.want) {
				t.Fatalf("usable %v, values %q, errors %v; want values %q", rows[0].Usable, rows[0].Values, rows[0].Errors, tt.want)
			}
		})
	}
}
