package imports

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestMappingValidate: a mapping needs one key a row can be known by
// (an email, a LinkedIn URL, or a name with the company); match keys
// default to every mapped key in the default order, and each listed one
// must be known, once, and mapped; the options take their defaults and
// their stored forms; only a platform import names a source, and only a
// tenant import a list.
func TestMappingValidate(t *testing.T) {
	t.Parallel()
	list := uuid.New()
	tests := []struct {
		name     string
		m        Mapping
		platform bool
		fields   []string // the fields of the error, nil for none
		check    func(t *testing.T, m Mapping)
	}{
		{"OKLinkedInOnly", Mapping{Columns: []string{"", FieldLinkedIn}}, false, nil, func(t *testing.T, m Mapping) {
			if !slices.Equal(m.MatchKeys, []string{KeyLinkedIn}) {
				t.Errorf("match keys %q", m.MatchKeys)
			}
		}},
		{"OKFullNameAndCompany", Mapping{Columns: []string{FieldCompanyName, FieldFullName}}, false, nil, func(t *testing.T, m Mapping) {
			if !slices.Equal(m.MatchKeys, []string{KeyNameCompany}) {
				t.Errorf("match keys %q", m.MatchKeys)
			}
		}},
		{"OKDefaultKeysInOrder", Mapping{Columns: []string{FieldCompanyName, FieldLinkedIn, FieldLastName, FieldFirstName, FieldEmail}},
			false, nil, func(t *testing.T, m Mapping) {
				if !slices.Equal(m.MatchKeys, MatchKeys) {
					t.Errorf("match keys %q", m.MatchKeys)
				}
			}},
		{"OKKeysAsListed", Mapping{Columns: []string{FieldEmail, FieldLinkedIn}, MatchKeys: []string{KeyLinkedIn, KeyEmail}},
			false, nil, func(t *testing.T, m Mapping) {
				if !slices.Equal(m.MatchKeys, []string{KeyLinkedIn, KeyEmail}) {
					t.Errorf("match keys %q", m.MatchKeys)
				}
			}},
		{"ErrNameWithoutCompany", Mapping{Columns: []string{FieldFullName, FieldPhone}}, false, []string{"columns", "match_keys"}, nil},
		{"ErrFirstNameOnly", Mapping{Columns: []string{FieldFirstName, FieldCompanyName}}, false, []string{"columns", "match_keys"}, nil},
		{"ErrUnknownField", Mapping{Columns: []string{FieldEmail, "shoe_size"}}, false, []string{"columns[1]"}, nil},
		{"ErrFieldTwice", Mapping{Columns: []string{FieldEmail, FieldEmail}}, false, []string{"columns[1]"}, nil},
		{"ErrUnknownKey", Mapping{Columns: []string{FieldEmail}, MatchKeys: []string{"phone"}}, false, []string{"match_keys[0]"}, nil},
		{"ErrKeyTwice", Mapping{Columns: []string{FieldEmail}, MatchKeys: []string{KeyEmail, KeyEmail}}, false, []string{"match_keys[1]"}, nil},
		{"ErrKeyNotMapped", Mapping{Columns: []string{FieldEmail}, MatchKeys: []string{KeyNameCompany}}, false, []string{"match_keys[0]"}, nil},
		{"OKModeDefault", Mapping{Columns: []string{FieldEmail}}, false, nil, func(t *testing.T, m Mapping) {
			if m.Mode != ModeCreateAndUpdate {
				t.Errorf("mode %q", m.Mode)
			}
		}},
		{"OKUpdateOnly", Mapping{Columns: []string{FieldEmail}, Mode: ModeUpdateOnly}, false, nil, nil},
		{"ErrMode", Mapping{Columns: []string{FieldEmail}, Mode: "merge"}, false, []string{"mode"}, nil},
		{"OKRegionAsCode", Mapping{Columns: []string{FieldEmail}, DefaultRegion: "germany"}, false, nil, func(t *testing.T, m Mapping) {
			if m.DefaultRegion != "DE" {
				t.Errorf("default region %q", m.DefaultRegion)
			}
		}},
		{"ErrRegion", Mapping{Columns: []string{FieldEmail}, DefaultRegion: "Narnia"}, false, []string{"default_region"}, nil},
		{"OKPlatformSourceDefault", Mapping{Columns: []string{FieldEmail}}, true, nil, func(t *testing.T, m Mapping) {
			if m.Source != "platform_import" {
				t.Errorf("source %q", m.Source)
			}
		}},
		{"OKPlatformSource", Mapping{Columns: []string{FieldEmail}, Source: "verified"}, true, nil, nil},
		{"ErrPlatformSource", Mapping{Columns: []string{FieldEmail}, Source: "manual"}, true, []string{"source"}, nil},
		{"ErrPlatformList", Mapping{Columns: []string{FieldEmail}, ListID: &list}, true, []string{"list_id"}, nil},
		{"ErrTenantSource", Mapping{Columns: []string{FieldEmail}, Source: "vendor"}, false, []string{"source"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := tt.m
			err := m.validate(len(m.Columns), tt.platform)
			var fields []string
			if ae := (*apperr.Error)(nil); errors.As(err, &ae) {
				for _, f := range ae.Fields {
					fields = append(fields, f.Field)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(fields, tt.fields) {
				t.Fatalf("error fields %q (%v), want %q", fields, err, tt.fields)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

// TestColumnNames labels columns by the header's names, made unique
// whatever their case and filled in where empty, or by number.
func TestColumnNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		header    []string
		n         int
		hasHeader bool
		want      []string
	}{
		{"OKRepeatedNames", []string{"Email", "email", "Email"}, 3, true, []string{"Email", "email (2)", "Email (3)"}},
		{"OKEmptyAndMissing", []string{"", "  First   Name "}, 3, true, []string{"Column 1", "First Name", "Column 3"}},
		{"OKNoHeader", []string{"Email", "Name"}, 2, false, []string{"Column 1", "Column 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := columnNames(tt.header, tt.n, tt.hasHeader); !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestGuessHeader: the first record is a header when one of its names is
// a known one, or when none of its values looks like data (an email, a
// LinkedIn URL, seven digits or more that are half the value or more).
func TestGuessHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		records [][]string
		want    bool
	}{
		{"OKEmpty", nil, true},
		{"OKKnownName", [][]string{{"Email", "Name"}, {"ann@acme.example", "Ann"}}, true},
		{"OKKnownNameBesideData", [][]string{{"Phone", "0049 30 1234567"}}, true},
		{"OKNoDataInFirst", [][]string{{"Foo", "Bar"}, {"ann@acme.example", "Ann"}}, true},
		{"NoEmailFirst", [][]string{{"ann@acme.example", "Ann"}}, false},
		{"NoLinkedInFirst", [][]string{{"Ann", "linkedin.com/in/ann-lee"}}, false},
		{"NoSevenDigits", [][]string{{"Ann", "1234567"}}, false},
		{"OKSixDigits", [][]string{{"Ann", "123456"}}, true},
		{"NoDigitsHalf", [][]string{{"Ann", "1234567abcdefg"}}, false},
		{"OKDigitsUnderHalf", [][]string{{"Ann", "1234567abcdefgh"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := guessHeader(tt.records); got != tt.want {
				t.Fatalf("guessHeader(%q) = %v, want %v", tt.records, got, tt.want)
			}
		})
	}
}

// TestIDColumn: a header naming a record identifier ends in "id" after
// something that is not a letter, or in a capital "I" with "d".
func TestIDColumn(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{"Id": true, "ID": true, "Record ID": true, "AccountId": true, "contact_id": true,
		"Paid": false, "Valid": false, "I": false, "": false, " id ": true} {
		if got := idColumn(name); got != want {
			t.Errorf("idColumn(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestSuggestByContent maps a column without a known header by its sample
// values when most of them (80%) read as one field, never an empty
// column, and keeps the match keys of the mapped fields (email when none
// is).
func TestSuggestByContent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		names     []string
		hasHeader bool
		rows      [][]string
		want      []string
		wantKeys  []string
	}{
		{"OKFourInFive", []string{"Column 1"}, false, [][]string{{"a@acme.example"}, {"b@acme.example"}, {"c@acme.example"},
			{"d@acme.example"}, {"n/a"}}, []string{"email"}, []string{KeyEmail}},
		{"OKThreeInFiveIsNot", []string{"Column 1"}, false, [][]string{{"a@acme.example"}, {"b@acme.example"}, {"c@acme.example"},
			{"x"}, {"y"}}, []string{""}, []string{KeyEmail}},
		{"OKEmptyColumnUnmapped", []string{"Notes", "Email"}, true, [][]string{{"", "a@acme.example"}, {" ", "b@acme.example"}},
			[]string{"", "email"}, []string{KeyEmail}},
		{"OKNameAndCompanyKey", []string{"Name", "Company"}, true, [][]string{{"Ann Lee", "Acme"}},
			[]string{"full_name", "company_name"}, []string{KeyNameCompany}},
		{"OKNoKeyMapped", []string{"Notes"}, true, [][]string{{"hello"}}, []string{""}, []string{KeyEmail}},
		{"OKLinkedInByContent", []string{"Profile", "Email"}, true, [][]string{{"linkedin.com/in/ann-lee", "a@acme.example"}},
			[]string{"linkedin_url", "email"}, []string{KeyEmail, KeyLinkedIn}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := suggest(tt.names, tt.hasHeader, tt.rows)
			if !slices.Equal(m.Columns, tt.want) || !slices.Equal(m.MatchKeys, tt.wantKeys) {
				t.Fatalf("columns %q keys %q, want %q %q", m.Columns, m.MatchKeys, tt.want, tt.wantKeys)
			}
		})
	}
}

// TestFitColumns fits columns given for the other header choice to the
// file's width, dropping the match keys only the dropped columns mapped;
// a key that was never mapped stays for validate to refuse, and columns
// of any other width are left as they are.
func TestFitColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		m        Mapping
		old, n   int
		want     []string
		wantKeys []string
	}{
		{"OKNarrower", Mapping{Columns: []string{FieldEmail, "", FieldLinkedIn}, MatchKeys: []string{KeyLinkedIn, KeyEmail}}, 3, 2,
			[]string{FieldEmail, ""}, []string{KeyEmail}},
		{"OKWider", Mapping{Columns: []string{FieldEmail}, MatchKeys: []string{KeyEmail}}, 1, 2,
			[]string{FieldEmail, ""}, []string{KeyEmail}},
		{"OKUnmappedKeyStays", Mapping{Columns: []string{FieldEmail, FieldFullName, ""}, MatchKeys: []string{KeyNameCompany, KeyEmail}},
			3, 2, []string{FieldEmail, FieldFullName}, []string{KeyNameCompany, KeyEmail}},
		{"OKOtherWidthLeft", Mapping{Columns: []string{FieldEmail, "", "", ""}, MatchKeys: []string{KeyEmail}}, 3, 2,
			[]string{FieldEmail, "", "", ""}, []string{KeyEmail}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := tt.m
			m.fitColumns(tt.old, tt.n)
			if !slices.Equal(m.Columns, tt.want) || !slices.Equal(m.MatchKeys, tt.wantKeys) {
				t.Fatalf("columns %q keys %q, want %q %q", m.Columns, m.MatchKeys, tt.want, tt.wantKeys)
			}
		})
	}
}
