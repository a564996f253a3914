package contacts_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/contacts"
)

// TestSearchTitleBroadPrefix checks that the last word of a title filter
// stays a prefix when the vocabulary holds more words starting with it than
// a prefix may expand to: on real data names and company words push short
// prefixes ("ma") past that, and the filter matched only titles holding
// the very word. The words that make the prefix broad are last names and a
// company name here, which the title filter must not match.
func TestSearchTitleBroadPrefix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.word
	co := b.company(t, CompanyOpts{}) // its name starts with p too
	MustCreateContact(t, b.db, ContactOpts{FirstName: "Lead", LastName: "Senior", Title: "Senior " + p + "lead Engineer", CompanyID: co})
	MustCreateContact(t, b.db, ContactOpts{FirstName: "Ops", LastName: "Manager", Title: p + "ops Manager", CompanyID: co})
	MustCreateContact(t, b.db, ContactOpts{FirstName: "Exact", LastName: "Word", Title: p + " Analyst", CompanyID: co})
	for i := range 70 {
		MustCreateContact(t, b.db, ContactOpts{FirstName: "Name", LastName: fmt.Sprintf("%s%c%c", p, 'a'+i/10, 'a'+i%10),
			Title: "Analyst", CompanyID: co})
	}
	var n int
	if err := b.db.Pool.QueryRow(b.ctx, `SELECT count(DISTINCT term) FROM search_terms WHERE starts_with(term, $1)`, p).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n <= 64 {
		t.Fatalf("the vocabulary has %d words starting with %q, want more than a prefix expands to", n, p)
	}

	tests := []struct {
		name   string
		titles []string
		want   []string
	}{
		{"OKBroadPrefix", []string{p}, []string{"Lead Senior", "Ops Manager", "Exact Word"}},
		{"OKBroadPrefixUpperCase", []string{"  " + strings.ToUpper(p) + " "}, []string{"Lead Senior", "Ops Manager", "Exact Word"}},
		{"OKBroadPrefixLastOfPhrase", []string{"senior " + p}, []string{"Lead Senior"}},
		{"OKBroadPrefixOR", []string{"nobody " + p, p + "op"}, []string{"Ops Manager"}},
		{"OKNarrowPrefix", []string{p + "le"}, []string{"Lead Senior"}},
		{"OKBroadPrefixAnyOrder", []string{"engineer " + p}, []string{"Lead Senior"}},
		{"OKBroadPrefixNotOtherFields", []string{"analyst " + p}, []string{"Exact Word"}},
		{"OKBroadPrefixNoMatch", []string{"director " + p}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := b.search(t, b.tenant, contacts.SearchParams{Filters: contacts.Filters{Titles: tt.titles}})
			got, want := names(res.Items), slices.Clone(tt.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("titles %q: got %q, want %q", tt.titles, got, want)
			}
			if res.Total != len(tt.want) {
				t.Fatalf("titles %q: total = %d, want %d", tt.titles, res.Total, len(tt.want))
			}
		})
	}
}
