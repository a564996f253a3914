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
			tb.wantPrivateFound(t, admin.token, map[string]any{"query": tt.query, "page_size": 25}, tt.want)
		})
	}
}

// TestSearchCJKInsideWords: Chinese, Japanese and Korean write a title or
// a company as one run of characters ("软件工程师", software engineer;
// "トヨタ自動車株式会社"), which the index held as one word, so a search for
// any part but its start ("工程师", "自動車") found nothing. A word of
// those scripts now finds the contacts whose name, title or company holds
// it anywhere, and only those.
func TestSearchCJKInsideWords(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "cjk-inside")
	contact := func(first, last, title, company string) string {
		return tb.MustPrivateContactAt(t, admin.tenantID, first, last, title, company)
	}
	engineer := contact("伟", "王", "高级软件工程师", "腾讯科技有限公司")
	toyota := contact("太郎", "山田", "営業部長", "トヨタ自動車株式会社")
	samsung := contact("민수", "김", "소프트웨어 엔지니어", "삼성전자 주식회사")
	worker := contact("芳", "李", "工作人员", "阿里巴巴集团")
	tests := []struct {
		query string
		want  []string
	}{
		{"工程师", []string{engineer}},
		{"软件工程", []string{engineer}},
		{"科技", []string{engineer}},
		{"自動車", []string{toyota}},
		{"部長", []string{toyota}},
		{"전자", []string{samsung}},
		{"巴巴集团", []string{worker}},
		{"工", []string{worker}}, // one character: the start of a word only
		{"程工", nil},
		{"集团 工程师", nil},
		{"集团 人员", []string{worker}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			tb.wantPrivateFound(t, admin.token, map[string]any{"query": tt.query, "page_size": 25}, tt.want)
		})
	}
}

// TestSearchSortNameWithoutLastName: sort=name orders by last name, then
// first name. A contact with a first name only ("Cher") sorted before
// every contact with a last name, whatever its name; it sorts by the name
// it has now, among the others, on every page.
func TestSearchSortNameWithoutLastName(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "sort-single-name")
	word := dbtest.UniqueWord()
	contact := func(first, last string) string {
		id := uuid.Must(uuid.NewV7()).String()
		if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, company_name, owner_tenant_id, source)
			VALUES (?, ?, ?, ?, ?, 'import')`, id, first, last, word, admin.tenantID).Error; err != nil {
			t.Fatal(err)
		}
		return id
	}
	// In the order a user expects.
	want := []string{
		contact("Zoe", "Adams"),
		contact("Ann", ""),
		contact("Smith", "Ann"),
		contact("Bob", "Baker"),
		contact("Émile", "Çelik"),
		contact("Cher", ""),
		contact("Zed", "Young"),
	}
	for _, size := range []int{25, 2} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			body := map[string]any{"query": word, "sort": "name", "page_size": size}
			var got []string
			for range 10 {
				page := tb.search(t, admin.token, body)
				for _, c := range page.Items {
					got = append(got, c.ID)
				}
				if page.NextCursor == "" {
					break
				}
				body["cursor"] = page.NextCursor
			}
			if !slices.Equal(got, want) {
				t.Fatalf("by name %v, want %v", got, want)
			}
		})
	}
}

// TestSearchCompanyNamesIgnoreAccents: the company_names filter matched a
// whole name in any case but only with its accents, while the industry,
// region and city filters ignore them: "Societe Generale", as typed on
// a keyboard without accents, found nothing of Société Générale.
func TestSearchCompanyNamesIgnoreAccents(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "company-accents")
	word := dbtest.UniqueWord()
	id := uuid.Must(uuid.NewV7()).String()
	if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, company_name, owner_tenant_id, source)
		VALUES (?, 'Zoë', 'Müller', ?, ?, 'import')`, id, "Société Générale "+word, admin.tenantID).Error; err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Société Générale " + word, "societe generale " + word, "SOCIETE GÉNÉRALE " + word} {
		t.Run(name, func(t *testing.T) {
			page := tb.search(t, admin.token, map[string]any{"filters": map[string]any{"company_names": []string{name}}, "page_size": 5})
			if len(page.Items) != 1 || page.Items[0].ID != id {
				t.Fatalf("%q found %d contacts, want the one of Société Générale", name, len(page.Items))
			}
		})
	}
	if page := tb.search(t, admin.token, map[string]any{"filters": map[string]any{"company_names": []string{"Société " + word}}, "page_size": 5}); len(page.Items) != 0 {
		t.Fatalf("a part of the name found %d contacts; the filter matches whole names", len(page.Items))
	}
}
