package imports_test

import (
	"slices"
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestHeaderToggleFitsColumns: whether the first row is a header decides
// the file's width when the header is narrower or wider than the data
// rows. Switching it with the columns of the width shown so far (what the
// wizard sends) fits them to the new width instead of refusing the
// mapping: columns past the new width are dropped with the match keys
// only they mapped, new ones are ignored. Other widths are still refused.
func TestHeaderToggleFitsColumns(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	tests := []struct {
		name      string
		body      string
		hasHeader bool // the guess
		columns   []string
		keys      []string
		// the mapping after switching the header choice
		wantColumns []string
		wantKeys    []string
		wantErr     bool
	}{
		{"OKHeaderNarrowerOff", "Email,Name\nann@" + w + ".example,Ann,Acme\nbob@" + w + ".example,Bob,Acme\n", true,
			[]string{"email", "full_name"}, []string{"email"},
			[]string{"email", "full_name", ""}, []string{"email"}, false},
		{"OKFirstRowNarrowerOn", "ann@" + w + ".example,Ann\nbob@" + w + ".example,Bob,https://linkedin.com/in/bob-" + w + "\n", false,
			[]string{"email", "full_name", "linkedin_url"}, []string{"linkedin_url", "email"},
			[]string{"email", "full_name"}, []string{"email"}, false},
		{"ErrWrongWidth", "Email,Name\nann@" + w + ".example,Ann,Acme\n", true,
			[]string{"email"}, []string{"email"}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, "ragged.csv", tt.body)
			if imp.Mapping.HasHeader != tt.hasHeader {
				t.Fatalf("header guessed %v, want %v", imp.Mapping.HasHeader, tt.hasHeader)
			}
			m := imp.Mapping
			m.Columns, m.MatchKeys = tt.columns, tt.keys
			if _, err := tb.svc.SetMapping(tb.ctx, tb.tenant, imp.ID, m); err != nil && !tt.wantErr {
				t.Fatalf("mapping before the switch: %v", err)
			}
			m.HasHeader = !tt.hasHeader
			got, err := tb.svc.SetMapping(tb.ctx, tb.tenant, imp.ID, m)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("columns %q accepted", got.Mapping.Columns)
				}
				return
			}
			if err != nil {
				t.Fatalf("switching the header: %v", err)
			}
			if got.Mapping.HasHeader == tt.hasHeader || !slices.Equal(got.Mapping.Columns, tt.wantColumns) ||
				!slices.Equal(got.Mapping.MatchKeys, tt.wantKeys) {
				t.Fatalf("mapping %+v, want columns %q keys %q", got.Mapping, tt.wantColumns, tt.wantKeys)
			}
			if n := len(got.Columns()); n != len(tt.wantColumns) {
				t.Fatalf("%d columns named, want %d", n, len(tt.wantColumns))
			}
			// And back again.
			m = got.Mapping
			m.HasHeader = tt.hasHeader
			back, err := tb.svc.SetMapping(tb.ctx, tb.tenant, imp.ID, m)
			if err != nil {
				t.Fatalf("switching back: %v", err)
			}
			if len(back.Mapping.Columns) != len(tt.columns) || back.Mapping.Columns[0] != imports.FieldEmail {
				t.Fatalf("switched back: %+v", back.Mapping)
			}
		})
	}
}
