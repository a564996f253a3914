package contacts_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// FuzzSearchQuery runs searches of arbitrary free text and title filters
// against the database, with and without the corrections overlay and in
// every sort: the text becomes tsqueries (quoted phrases, prefixes, trigram
// neighbours, CJK splits and bigrams), and whatever a user types, the
// answer is results or a 422 naming the field, never a query PostgreSQL
// refuses (a 500); the next page of an answer is one too. Seeds are in
// testdata/fuzz/FuzzSearchQuery; run with
// go test ./internal/contacts -run '^$' -fuzz FuzzSearchQuery -fuzztime 1m.
func FuzzSearchQuery(f *testing.F) {
	d := dbtest.Shared(f)
	svc := contacts.NewService(d, []byte("test-cursor-key-0123456789"))
	tenant := MustCreateTenant(f, d, "DE")
	// The domain is unique, and the package's database outlives a run (go
	// test -count=N): this run's own.
	co := MustCreateCompany(f, d, CompanyOpts{Name: "Fuzzquery O'Brien & Söhne GmbH", Domain: "fuzzquery-" + uuid.NewString()[:8] + ".example"})
	for _, c := range []ContactOpts{
		{FirstName: "Zoë", LastName: "O'Brien", Title: "Vice President, R&D", Country: "DE"},
		{FirstName: "伟", LastName: "王", Title: "软件工程师", Country: "CN"},
		{FirstName: "太郎", LastName: "山田", Title: "Software Engineer (C++/C#)", Country: "JP"},
		{FirstName: "Jon", LastName: "Smith-Jones", Title: `Head of "Growth" \ Sales`, Country: "US"},
	} {
		c.CompanyID = co
		MustCreateContact(f, d, c)
	}
	for _, q := range []string{"jon smi", `"vice president" r&d`, "王伟", "工程师", "o'brien", `a\b':* | !(x) <-> y`, "“vice” „president", "c++ c#", ""} {
		f.Add(q, "", uint8(0), false)
	}
	f.Add("", "software eng", uint8(1), true)
	f.Add("fuzzquery", "软件工程", uint8(2), false)
	sorts := []string{contacts.SortRelevance, contacts.SortName, contacts.SortUpdated}
	f.Fuzz(func(t *testing.T, query, title string, sort uint8, noCorrections bool) {
		p := contacts.SearchParams{Query: query, Sort: sorts[int(sort)%len(sorts)], PageSize: 2, NoCorrections: noCorrections}
		if title != "" {
			p.Filters.Titles = []string{title}
		}
		res, err := svc.Search(context.Background(), tenant, p)
		if err != nil {
			if !apperr.Is(err, apperr.EINVALID) {
				t.Fatalf("Search(%q, title %q, %s): %v, want results or EINVALID", query, title, p.Sort, err)
			}
			return
		}
		if res.NextCursor == "" {
			return
		}
		p.Cursor = res.NextCursor
		if _, err := svc.Search(context.Background(), tenant, p); err != nil {
			t.Fatalf("Search(%q, title %q, %s), next page: %v", query, title, p.Sort, err)
		}
	})
}
