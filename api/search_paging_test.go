package api

import (
	"testing"

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
