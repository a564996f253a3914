package contacts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestSearchRankWindow: relevance ranks a match set of up to 2,000
// (rankWindow) matches, and a new search counts its matches up to 10,000
// (totalCap) when the planner takes it for a small one. Here every search's
// word is new to the statistics, which are kept stale (no autovacuum, a
// database of the test's own), so each is planned as a small one. With
// exactly 2,000 matches relevance ranks them all, the contact with the word
// in its name first; with more it pages by id and counts them, so the total
// is the count, not the window's 2,000 nor the planner's estimate. A count
// of exactly 10,000 is the total; one more is 10,000 capped, whether
// relevance counts it after its probe or the name order materializes it.
func TestSearchRankWindow(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	b := &testBundle{ctx: context.Background(), db: d, svc: contacts.NewService(d, []byte("test-cursor-key-0123456789"))}
	b.tenant = MustCreateTenant(t, d, "DE")
	if _, err := d.Pool.Exec(b.ctx, `ALTER TABLE contacts SET (autovacuum_enabled = off)`); err != nil {
		t.Fatal(err)
	}
	// many inserts n contacts of a company named after word, the first
	// (the smallest id) with word as its first name, and returns its id.
	many := func(word string, n int) uuid.UUID {
		b.word = word
		co := b.company(t, CompanyOpts{})
		rows := make([][]any, n)
		for i := range rows {
			first := "Wide"
			if i == 0 {
				first = word
			}
			rows[i] = []any{uuid.Must(uuid.NewV7()), first, fmt.Sprintf("Person%d", i), "test", co}
		}
		b.copyPeople(t, co, rows)
		return rows[0][0].(uuid.UUID)
	}
	atWindow, overWindow, atCap, overCap := dbtest.UniqueWord(), dbtest.UniqueWord(), dbtest.UniqueWord(), dbtest.UniqueWord()
	named := many(atWindow, 2_000)
	many(overWindow, 2_100)
	many(atCap, 10_000)
	many(overCap, 10_001)
	for _, tc := range []struct {
		name, word, sort string
		total            int
		capped           bool
		first            uuid.UUID // uuid.Nil: not ranked
	}{
		{"OKAtTheWindowRanked", atWindow, contacts.SortRelevance, 2_000, false, named},
		{"OKOverTheWindowCounted", overWindow, contacts.SortRelevance, 2_100, false, uuid.Nil},
		{"OKAtTheCapCounted", atCap, contacts.SortRelevance, 10_000, false, uuid.Nil},
		{"OKOverTheCapCounted", overCap, contacts.SortRelevance, 10_000, true, uuid.Nil},
		{"OKAtTheCapByName", atCap, contacts.SortName, 10_000, false, uuid.Nil},
		{"OKOverTheCapByName", overCap, contacts.SortName, 10_000, true, uuid.Nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// What a search planned as a small one runs first: the ranking
			// probe, or the materialized count.
			small := "count(*) OVER ()"
			if tc.sort == contacts.SortName {
				small = "(SELECT count(*) FROM x)"
			}
			var planned bool
			ctx := contacts.WithSQLCapture(b.ctx, func(sql string, _ []any) {
				planned = planned || strings.Contains(sql, small)
			})
			res, err := b.svc.Search(ctx, b.tenant, contacts.SearchParams{Query: tc.word, Sort: tc.sort, PageSize: 10, MaxPageSize: 10})
			if err != nil {
				t.Fatal(err)
			}
			if !planned {
				t.Fatal("the search was not planned as a small one (the planner's estimate was not small), so this test checks nothing")
			}
			if res.Total != tc.total || res.TotalIsEstimate || res.TotalIsCapped != tc.capped || len(res.Items) != 10 || res.NextCursor == "" {
				t.Fatalf("total %d (estimate %v, capped %v), %d items, cursor %q; want %d counted (capped %v), a full page and a next one",
					res.Total, res.TotalIsEstimate, res.TotalIsCapped, len(res.Items), res.NextCursor, tc.total, tc.capped)
			}
			if tc.first != uuid.Nil && res.Items[0].ID != tc.first {
				t.Fatalf("first %s %s, want %s (the word as a first name ranks first)", res.Items[0].FirstName, res.Items[0].ID, tc.first)
			}
		})
	}
}
