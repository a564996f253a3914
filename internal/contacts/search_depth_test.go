package contacts_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestPagesEndAtTheCappedTotal: further pages of a search cost no unit of
// searches_per_month, so a search's pages went on for as long as there were
// matches, and one search (an empty query, say) paged through the whole
// shared database. A company's people, which cost no search at all, did the
// same. Both now end after 10,000 contacts, as many as a total counts: past
// that a narrower search shows the rest.
func TestPagesEndAtTheCappedTotal(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t) // 10,050 shared contacts: a database of its own
	b := &testBundle{ctx: context.Background(), db: d, svc: contacts.NewService(d, []byte("test-cursor-key-0123456789")),
		word: dbtest.UniqueWord()}
	b.tenant = MustCreateTenant(t, d, "DE")
	co := b.company(t, CompanyOpts{})
	const n, limit = 10_050, 10_000
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{uuid.Must(uuid.NewV7()), "Deep", fmt.Sprintf("Person%05d", i), "test", co}
	}
	b.copyPeople(t, co, rows)
	if _, err := d.Pool.Exec(b.ctx, `ANALYZE contacts`); err != nil {
		t.Fatal(err)
	}

	// walk pages with next until it gives no cursor; it answers the page's
	// contacts and the next cursor.
	walk := func(t *testing.T, next func(cursor string) ([]contacts.Contact, string)) {
		t.Helper()
		seen := map[uuid.UUID]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 2*limit/999+2 {
				t.Fatalf("still a next page after %d pages, %d contacts", pages, len(seen))
			}
			items, nc := next(cursor)
			if len(items) == 0 {
				t.Fatalf("page %d is empty: the page before it gave a cursor to nothing", pages+1)
			}
			for _, c := range items {
				if seen[c.ID] {
					t.Fatalf("contact %s on two pages", c.ID)
				}
				seen[c.ID] = true
			}
			if nc == "" {
				break
			}
			cursor = nc
		}
		if len(seen) != limit {
			t.Errorf("the pages showed %d contacts, want %d of the %d matches", len(seen), limit, n)
		}
	}
	// A company of exactly as many contacts as a count counts: all of
	// them counted, not capped, and paged to the last.
	full := b.company(t, CompanyOpts{Name: "Full " + b.word, Domain: "full." + b.word + ".example"})
	rows = make([][]any, limit)
	for i := range rows {
		rows[i] = []any{uuid.Must(uuid.NewV7()), "Full", fmt.Sprintf("Person%05d", i), "test", full}
	}
	b.copyPeople(t, full, rows)
	t.Run("CompanyOfExactlyTheCap", func(t *testing.T) {
		t.Parallel()
		walk(t, func(cursor string) ([]contacts.Contact, string) {
			res, err := b.svc.GetCompany(b.ctx, b.tenant, full, contacts.PageParams{PageSize: 1000, MaxPageSize: 1000, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			if res.ContactCount != limit || res.ContactCountCapped {
				t.Fatalf("contact_count %d (capped %v), want %d not capped", res.ContactCount, res.ContactCountCapped, limit)
			}
			return res.Contacts, res.NextContactsCursor
		})
	})
	for _, size := range []int{1000, 999} { // pages that end at the limit, and a last page cut to it
		for _, sort := range []string{contacts.SortRelevance, contacts.SortName, contacts.SortUpdated} {
			t.Run(fmt.Sprintf("Search/%s/%d", sort, size), func(t *testing.T) {
				t.Parallel()
				walk(t, func(cursor string) ([]contacts.Contact, string) {
					res, err := b.svc.Search(b.ctx, b.tenant, contacts.SearchParams{Query: "deep", Sort: sort,
						PageSize: size, MaxPageSize: 1000, Cursor: cursor})
					if err != nil {
						t.Fatal(err)
					}
					if res.Total != limit || !res.TotalIsCapped {
						t.Fatalf("total %d (capped %v), want %d capped", res.Total, res.TotalIsCapped, limit)
					}
					return res.Items, res.NextCursor
				})
			})
		}
		t.Run(fmt.Sprintf("Company/%d", size), func(t *testing.T) {
			t.Parallel()
			walk(t, func(cursor string) ([]contacts.Contact, string) {
				res, err := b.svc.GetCompany(b.ctx, b.tenant, co, contacts.PageParams{PageSize: size, MaxPageSize: 1000, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				if res.ContactCount != limit || !res.ContactCountCapped {
					t.Fatalf("contact_count %d (capped %v), want %d capped", res.ContactCount, res.ContactCountCapped, limit)
				}
				return res.Contacts, res.NextContactsCursor
			})
		})
	}
}
