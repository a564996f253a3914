package api

import (
	"net/http"
	"strings"
	"testing"
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
		return tb.MustPrivateContactAt(t, admin.tenantID, first, last, title, company)
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
		// Twelve phrases take part, as twelve words do; the rest are left out.
		{"OKFirstTwelvePhrases", strings.Repeat(`"ann lee" `, 12) + `"no such phrase"`, []string{vp}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb.wantPrivateFound(t, admin.token, map[string]any{"query": tt.query, "page_size": 25, "sort": "updated"}, tt.want)
		})
	}

	// A corrected title is matched as the tenant sees it, phrase and all.
	// (Pages are sorted by update: the contacts made here come first.)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+inverse+"/corrections", admin.token,
		map[string]string{"field": "title", "value": "Senior Vice President"}), 201)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+vp+"/corrections", admin.token,
		map[string]string{"field": "title", "value": "President, Vice Chair of Sales"}), 201)
	tb.wantPrivateFound(t, admin.token, map[string]any{"query": `"vice president"`, "page_size": 25, "sort": "updated"}, []string{hyphen, inverse})
}

// TestSearchTitlesCJKInsideWords: the titles filter matched a Chinese,
// Japanese or Korean word only at the start of a title word ("软件" found
// 软件工程师, "工程师" did not), as those scripts run a title together. A
// word of two or more such characters now matches anywhere inside a word
// of the title, and only of the title: not the name or the company, whose
// words the bigram tags hold too.
func TestSearchTitlesCJKInsideWords(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "titles-cjk")
	contact := func(first, last, title, company string) string {
		return tb.MustPrivateContactAt(t, admin.tenantID, first, last, title, company)
	}
	engineer := contact("伟", "王", "高级软件工程师", "腾讯科技有限公司")
	manager := contact("太郎", "山田", "営業部長", "トヨタ自動車株式会社")
	engCompany := contact("芳", "李", "经理", "工程师咨询有限公司") // 工程师 in the company only
	seniorEng := contact("Ann", "Lee", "Senior 工程师", "Acme")
	tests := []struct {
		name   string
		titles []string
		want   []string
	}{
		{"OKInside", []string{"工程师"}, []string{engineer, seniorEng}},
		{"OKMiddle", []string{"软件"}, []string{engineer}},
		{"OKWhole", []string{"営業部長"}, []string{manager}},
		{"OKEnd", []string{"部長"}, []string{manager}},
		{"OKNotInCompany", []string{"咨询"}, nil},
		{"OKNotInName", []string{"山田"}, nil},
		{"OKNotAcrossFields", []string{"师腾"}, nil},
		{"OKWithLatinWord", []string{"senior 工程师"}, []string{seniorEng}},
		{"OKLatinWordMustMatch", []string{"junior 工程师"}, nil},
		{"OKOr", []string{"部長", "nobody 工程师"}, []string{manager}},
		{"OKOrLatin", []string{"经理", "senior"}, []string{engCompany, seniorEng}},
		{"OKOneCharacterIsStart", []string{"高"}, []string{engineer}},
		{"OKOneCharacterNotInside", []string{"级"}, nil},
		// The check's words are written into the SQL: quotes and
		// backslashes stay text.
		{"OKQuotesStayText", []string{`工程师 x'); DROP TABLE contacts; --\`, `工程师 o'b\'`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb.wantPrivateFound(t, admin.token, map[string]any{"filters": map[string]any{"titles": tt.titles}, "page_size": 25, "sort": "updated"}, tt.want)
		})
	}

	// A corrected title is matched as the tenant sees it.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+manager+"/corrections", admin.token,
		map[string]string{"field": "title", "value": "首席工程师"}), 201)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+engineer+"/corrections", admin.token,
		map[string]string{"field": "title", "value": "经理"}), 201)
	tb.wantPrivateFound(t, admin.token, map[string]any{"filters": map[string]any{"titles": []string{"工程师"}}, "page_size": 25, "sort": "updated"}, []string{manager, seniorEng})
}
