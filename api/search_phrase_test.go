package api

import (
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"
)

// TestSearchQuotedPhrase: a phrase in quotes ("vice president") matched as
// separate words anywhere in the name, title and company, so it found
// "President and Vice Chair" and a Mr Vice whose title is President. It
// matches the words adjacent, in that order, within one field now; the
// words outside quotes match as before, and an unbalanced quote is
// ignored.
func TestSearchQuotedPhrase(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "phrase")
	contact := func(first, last, title, company string) string {
		id := uuid.Must(uuid.NewV7()).String()
		if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, title, company_name, owner_tenant_id, source)
			VALUES (?, ?, ?, ?, ?, ?, 'import')`, id, first, last, title, company, admin.tenantID).Error; err != nil {
			t.Fatal(err)
		}
		return id
	}
	vp := contact("Ann", "Lee", "Vice President of Sales", "Acme")
	hyphen := contact("Raj", "Patel", "Vice-President, Marketing", "Globex")
	inverse := contact("Tom", "Ward", "President and Vice Chair", "Initech")
	across := contact("Bob", "Vice", "President", "Umbrella") // "vice" ends the name, "president" starts the title
	head := contact("Eva", "Stone", "Head of Sales", "Hooli") //
	headEng := contact("Kai", "Berg", "Head of Sales Engineering", "Hooli")
	_ = contact("Mia", "Rossi", "Director of Sales", "Engineering Partners") // "sales" ends the title, "engineering" starts the company
	engineer := contact("伟", "王", "高级软件工程师", "腾讯科技有限公司")

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"OKPhrase", `"vice president"`, []string{vp, hyphen}},
		{"OKPhraseCaseAndSpacing", `"  Vice   PRESIDENT "`, []string{vp, hyphen}},
		{"OKTypographicQuotes", "“vice president”", []string{vp, hyphen}},
		{"OKUnquotedWordsAnywhere", `vice president`, []string{vp, hyphen, inverse, across}},
		{"OKWrongOrder", `"president vice"`, nil},
		{"OKThreeWords", `"head of sales"`, []string{head, headEng}},
		{"OKNotAcrossFields", `"sales engineering"`, []string{headEng}},
		{"OKNameInOrder", `"ann lee"`, []string{vp}},
		{"OKNameOtherOrder", `"lee ann"`, nil},
		{"OKPhraseAndWord", `"vice president" sal`, []string{vp}},
		{"OKWordAndPhrase", `mark "vice president"`, []string{hyphen}},
		{"OKTwoPhrases", `"head of" "sales engineering"`, []string{headEng}},
		{"OKWholeWordsInQuotes", `"vice pres"`, nil},
		{"OKNoTyposInQuotes", `"vise president"`, nil},
		{"OKOneQuotedWordWhole", `"pres"`, nil},
		{"OKOneQuotedWord", `"president"`, []string{vp, hyphen, inverse, across}},
		{"OKUnbalancedQuoteIgnored", `"vice president`, []string{vp, hyphen, inverse, across}},
		{"OKUnbalancedAfterPhrase", `"head of" sales"`, []string{head, headEng}},
		{"OKCJKInQuotesAsWithout", `"工程师"`, []string{engineer}},
		{"OKOnlyQuotes", `""`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := tb.search(t, admin.token, map[string]any{"query": tt.query, "page_size": 25, "sort": "updated"})
			var got []string
			for _, c := range page.Items {
				if c.Private {
					got = append(got, c.ID)
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Fatalf("%s found %v, want %v", tt.query, got, want)
			}
		})
	}

	// A corrected title is matched as the tenant sees it, phrase and all.
	// (Pages are sorted by update: the contacts made here come first.)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+inverse+"/corrections", admin.token,
		map[string]string{"field": "title", "value": "Senior Vice President"}), 201)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+vp+"/corrections", admin.token,
		map[string]string{"field": "title", "value": "President, Vice Chair of Sales"}), 201)
	page := tb.search(t, admin.token, map[string]any{"query": `"vice president"`, "page_size": 25, "sort": "updated"})
	var got []string
	for _, c := range page.Items {
		if c.Private {
			got = append(got, c.ID)
		}
	}
	slices.Sort(got)
	if want := slices.Sorted(slices.Values([]string{hyphen, inverse})); !slices.Equal(got, want) {
		t.Fatalf("after corrections %q found %v, want %v", `"vice president"`, got, want)
	}
}
