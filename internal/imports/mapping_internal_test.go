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
