package api

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestSearchPagesWhileVocabularyGrows: every page of a search continues
// after the last one, whatever the data does meanwhile. A contact with a
// new word that the query's words start (an import, another user's edit)
// changed the vocabulary the query expands through; relevance ranks were
// computed over that expansion, so every rank shifted between pages and the
// next page started over with contacts already shown.
func TestSearchPagesWhileVocabularyGrows(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	for _, sort := range []string{"relevance", "name", "updated"} {
		t.Run(sort, func(t *testing.T) {
			admin := tb.MustSignup(t, "paging-"+sort)
			word := dbtest.UniqueWord()
			want := map[string]bool{}
			for _, suffix := range []string{"a", "b", "c", "d", "e", "f"} {
				want[tb.MustPrivateContact(t, admin.tenantID, "Ann", word+suffix)] = true
			}
			body := map[string]any{"query": word, "sort": sort, "page_size": 2}
			page := tb.search(t, admin.token, body)
			seen := map[string]int{}
			for range 10 { // six contacts, and a few more, in pages of two
				for _, c := range page.Items {
					seen[c.ID]++
				}
				if page.NextCursor == "" {
					break
				}
				// A new word starting with the query's word, between pages.
				tb.MustPrivateContact(t, admin.tenantID, "Ann", word+"z"+dbtest.UniqueWord())
				body["cursor"] = page.NextCursor
				page = tb.search(t, admin.token, body)
			}
			for id, n := range seen {
				if n > 1 {
					t.Errorf("contact %s shown on %d pages", id, n)
				}
			}
			for id := range want {
				if seen[id] == 0 {
					t.Errorf("contact %s on no page", id)
				}
			}
		})
	}
}

// TestSearchTotalOfBroadWords: a query of one- and two-letter words only
// ("a m") is planned as a large match set, so its total was the planner's
// estimate even when the facets beside it had counted every match: the
// page said "about 1 result" above facets counting 30, and 30 rows to
// scroll through. Facets that saw every match give the exact total.
func TestSearchTotalOfBroadWords(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "broad-total")
	city := dbtest.UniqueWord()
	const n = 30
	for i := range n {
		if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, seniority, city, owner_tenant_id, source)
			VALUES (?, ?, 'Mayer', 'manager', ?, ?, 'import')`, uuid.Must(uuid.NewV7()), fmt.Sprintf("Ann%d", i), city, admin.tenantID).Error; err != nil {
			t.Fatal(err)
		}
	}
	body := map[string]any{"query": "a m", "filters": map[string]any{"cities": []string{city}}, "page_size": 2, "facets": true}
	page := tb.search(t, admin.token, body)
	if page.Facets == nil || page.Facets.IsCapped || len(page.Facets.Seniority) != 1 || page.Facets.Seniority[0].Count != n {
		t.Fatalf("facets %+v, want %d managers counted", page.Facets, n)
	}
	if page.Total != n || page.TotalIsEstimate || page.TotalIsCapped {
		t.Fatalf("total %d (estimate %v, capped %v), want exactly %d", page.Total, page.TotalIsEstimate, page.TotalIsCapped, n)
	}
	walked := len(page.Items)
	for page.NextCursor != "" {
		body["cursor"] = page.NextCursor
		page = tb.search(t, admin.token, body)
		walked += len(page.Items)
		if page.Total != n || page.TotalIsEstimate {
			t.Fatalf("a later page's total %d (estimate %v), want the first page's %d", page.Total, page.TotalIsEstimate, n)
		}
	}
	if walked != n {
		t.Fatalf("pages held %d contacts, want %d", walked, n)
	}
}

// TestSearchQueryWithoutWords: free text with no word in it (punctuation,
// symbols, emoji) matches nothing, as a titles filter of punctuation does.
// It was dropped instead, so "🚀" or "!!!" answered the whole database as
// if those were its matches.
func TestSearchQueryWithoutWords(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "no-words")
	if all := tb.search(t, admin.token, map[string]any{"query": "   ", "page_size": 1}); all.Total == 0 {
		t.Fatal("a blank query found nothing; want every contact")
	}
	for _, q := range []string{"!!!", "🚀", "—", "&", `\`, "' - '", ":*"} {
		t.Run(q, func(t *testing.T) {
			page := tb.search(t, admin.token, map[string]any{"query": q, "page_size": 5, "facets": true})
			if len(page.Items) != 0 || page.Total != 0 || page.NextCursor != "" || len(page.Facets.Seniority) != 0 {
				t.Fatalf("%q: %d items, total %d, facets %+v; want nothing", q, len(page.Items), page.Total, page.Facets)
			}
		})
	}
}

// TestSearchCJKFullName: Chinese, Japanese and Korean names are written
// without a space between family and given name ("王伟", "山田太郎"), while a
// contact keeps them in two fields, which the index holds as two words. The
// whole name as written found nothing; it finds the contact now, and only
// contacts with both parts.
func TestSearchCJKFullName(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "cjk")
	wang := tb.MustPrivateContact(t, admin.tenantID, "伟", "王")
	tb.MustPrivateContact(t, admin.tenantID, "芳", "王")
	kim := tb.MustPrivateContact(t, admin.tenantID, "민수", "김")
	yamada := tb.MustPrivateContact(t, admin.tenantID, "太郎", "山田")
	whole := tb.MustPrivateContact(t, admin.tenantID, "王伟明", "")
	tests := []struct {
		query string
		want  []string
	}{
		{"王伟", []string{wang, whole}},
		{"伟王", []string{wang}},
		{"김민수", []string{kim}},
		{"山田太郎", []string{yamada}},
		{"山田", []string{yamada}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			page := tb.search(t, admin.token, map[string]any{"query": tt.query, "page_size": 25})
			var got []string
			for _, c := range page.Items {
				if c.Private {
					got = append(got, c.ID)
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Fatalf("%q found %v, want %v", tt.query, got, want)
			}
		})
	}
}
