package api

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/migrations"
)

// TestMain loads a small deterministic shared contact database into the
// package's database before any test runs (Seed refuses a non-empty one,
// and some tests add contacts of their own).
//
// Unless benchmarks run, it also makes password hashes cheap: the API
// tests sign up and sign in hundreds of times, and at the production cost
// (identity.HashParams, 28 ms a hash) that was four fifths of the package's
// CPU time. What the tests check of a password (right or wrong, throttled,
// the same answer for an unknown email) does not depend on the cost; the
// benchmarks (BenchmarkPasswordHash, the sign-in ones) measure the
// production one.
func TestMain(m *testing.M) {
	flag.Parse()
	if flag.Lookup("test.bench").Value.String() == "" {
		identity.HashParams = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	}
	d, err := dbtest.SharedDB()
	if err == nil {
		_, err = contacts.Seed(context.Background(), d, contacts.SeedOpts{Contacts: 3000, Companies: 300, Seed: 7})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "api tests: seed contacts:", err)
		os.Exit(1)
	}
	code := m.Run()
	if code == 0 {
		code = checkMatrix()
	}
	os.Exit(code)
}

// MustSeedContacts documents that a test reads the seeded contacts (loaded
// by TestMain).
func (tb *testBundle) MustSeedContacts(t testing.TB) { t.Helper() }

// MustPrivateContact inserts a contact visible only to tenantID.
func (tb *testBundle) MustPrivateContact(t testing.TB, tenantID, first, last string) string {
	t.Helper()
	return tb.MustPrivateContactAt(t, tenantID, first, last, "Private Title", "")
}

// MustPrivateContactAt inserts a contact private to tenantID with a title
// and a company name and returns its id.
func (tb *testBundle) MustPrivateContactAt(t testing.TB, tenantID, first, last, title, company string) string {
	t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, title, company_name, owner_tenant_id, source)
		VALUES (?, ?, ?, ?, ?, ?, 'import')`, id, first, last, title, company, tenantID).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// privateIDs are the ids of the tenant's own private contacts on page,
// sorted.
func privateIDs(page SearchResponse) []string {
	var ids []string
	for _, c := range page.Items {
		if c.Private {
			ids = append(ids, c.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// wantPrivateFound fails t unless the search body finds, of the tenant's
// private contacts, exactly want (in any order).
func (tb *testBundle) wantPrivateFound(t *testing.T, token string, body map[string]any, want []string) {
	t.Helper()
	got := privateIDs(tb.search(t, token, body))
	if w := slices.Sorted(slices.Values(want)); !slices.Equal(got, w) {
		t.Fatalf("%v found %v, want %v", body, got, w)
	}
}

// search runs a search and decodes the page.
func (tb *testBundle) search(t testing.TB, token string, body any) SearchResponse {
	t.Helper()
	rec := tb.req(t, http.MethodPost, "/api/v1/contacts/search", token, body)
	wantStatus(t, rec, http.StatusOK)
	return decode[SearchResponse](t, rec)
}

func TestSearchContacts(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "search")
	other := tb.MustSignup(t, "search-other")

	page := tb.search(t, admin.token, map[string]any{"query": "engineer", "page_size": 5, "facets": true})
	if len(page.Items) != 5 || page.NextCursor == "" || page.Total < 5 || page.Facets == nil {
		t.Fatalf("page 1: %d items, total %d, cursor %q, facets %v", len(page.Items), page.Total, page.NextCursor, page.Facets)
	}
	// Keyset pages never repeat a contact.
	seen := map[string]bool{}
	for _, c := range page.Items {
		seen[c.ID] = true
	}
	next := tb.search(t, admin.token, map[string]any{"query": "engineer", "page_size": 5, "facets": true, "cursor": page.NextCursor})
	for _, c := range next.Items {
		if seen[c.ID] {
			t.Fatalf("contact %s on two pages", c.ID)
		}
	}

	tests := []struct {
		name       string
		token      string
		body       any
		wantStatus int
		wantField  string
	}{
		{"OKFiltersOnly", admin.token, map[string]any{"filters": map[string]any{"seniorities": []string{"director", "vp"}, "has_email": true}, "page_size": 3}, 200, ""},
		{"OKSortName", admin.token, map[string]any{"sort": "name", "page_size": 3}, 200, ""},
		{"ErrUnknownFilter", admin.token, map[string]any{"filters": map[string]any{"shoe_size": []string{"42"}}}, 422, "shoe_size"},
		{"ErrFilterType", admin.token, map[string]any{"filters": map[string]any{"titles": "cto"}}, 422, "filters.titles"},
		{"ErrBadSeniority", admin.token, map[string]any{"filters": map[string]any{"seniorities": []string{"emperor"}}}, 422, "filters.seniorities[0]"},
		{"ErrQueryTooLong", admin.token, map[string]any{"query": strings.Repeat("ä", 201)}, 422, "query"},
		{"ErrPageSizeZero", admin.token, map[string]any{"page_size": 0}, 422, "page_size"},
		{"ErrPageSizeAboveMax", admin.token, map[string]any{"page_size": 26}, 422, "page_size"},
		{"ErrBadSort", admin.token, map[string]any{"sort": "random"}, 422, "sort"},
		{"ErrTamperedCursor", admin.token, map[string]any{"query": "engineer", "page_size": 5, "facets": true, "cursor": page.NextCursor[:len(page.NextCursor)-2] + "xx"}, 400, ""},
		{"ErrCursorOfOtherQuery", admin.token, map[string]any{"query": "sales", "page_size": 5, "cursor": page.NextCursor}, 400, ""},
		{"ErrForeignCursor", other.token, map[string]any{"query": "engineer", "page_size": 5, "facets": true, "cursor": page.NextCursor}, 400, ""},
		{"ErrUnauthenticated", "", map[string]any{"query": "x"}, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodPost, "/api/v1/contacts/search", tt.token, tt.body)
			wantStatus(t, rec, tt.wantStatus)
			if tt.wantField != "" && !strings.Contains(rec.Body.String(), tt.wantField) {
				t.Fatalf("problem does not name %s: %s", tt.wantField, rec.Body.String())
			}
			if tt.name == "ErrPageSizeAboveMax" && !strings.Contains(rec.Body.String(), "25") {
				t.Fatalf("problem does not name the maximum: %s", rec.Body.String())
			}
		})
	}
}

// TestSearchDefaultPageWithinPackage: a search that names no page_size gets
// a page of 25 contacts, or of the package's max_contacts_per_query when
// that is smaller, not a 422 for a page size the client never asked for.
func TestSearchDefaultPageWithinPackage(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	admin := tb.MustSignup(t, "small-page")
	code := "small-page-" + strings.ToLower(uuid.NewString()[:6])
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, map[string]any{"code": code, "name": "Small " + code,
		"max_users": 3, "searches_per_month": 10, "max_contacts_per_query": 10, "api_access": true, "api_requests_per_minute": 60,
		"import_rows_per_month": 10, "max_concurrent_jobs": 1, "crm_pushes_per_month": 10}), 201)
	tb.MustSetPackage(t, admin.tenantID, code)
	page := tb.search(t, admin.token, map[string]any{"query": "engineer"})
	if len(page.Items) != 10 || page.NextCursor == "" {
		t.Fatalf("%d items, cursor %q: want a page of the package's 10 and a next one", len(page.Items), page.NextCursor)
	}
}

func TestSearchTypoAndPrefix(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "typo")
	tb.MustPrivateContact(t, admin.tenantID, "Jonathan", "Smithers")
	page := tb.search(t, admin.token, map[string]any{"query": "jon smi", "page_size": 25})
	found := false
	for _, c := range page.Items {
		if strings.HasPrefix(c.FirstName, "Jon") && strings.HasPrefix(c.LastName, "Smi") {
			found = true
		}
	}
	if !found {
		t.Fatalf(`"jon smi" found no Jon… Smi…: %d items`, len(page.Items))
	}
	page = tb.search(t, admin.token, map[string]any{"query": "enginer", "page_size": 10})
	if len(page.Items) == 0 || !strings.Contains(strings.ToLower(page.Items[0].Title), "engineer") {
		t.Fatalf(`"enginer" did not find engineers: %+v`, page.Items)
	}
}

func TestSearchMetering(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	clock := tb.pinLimitsClock(quotaTime)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "meter") // Free: 100 searches a month
	rec := tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token, map[string]any{"query": "manager", "page_size": 2})
	wantStatus(t, rec, http.StatusOK)
	if rec.Header().Get("X-Quota-Searches-Used") != "1" || rec.Header().Get("X-Quota-Searches-Limit") != "100" {
		t.Fatalf("quota headers %v", rec.Header())
	}
	cursor := decode[SearchResponse](t, rec).NextCursor
	rec = tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token, map[string]any{"query": "manager", "page_size": 2, "cursor": cursor})
	wantStatus(t, rec, http.StatusOK)
	if rec.Header().Get("X-Quota-Searches-Used") != "1" {
		t.Fatalf("a next page was metered: used %s", rec.Header().Get("X-Quota-Searches-Used"))
	}
	tb.db.Gorm.Exec(`UPDATE usage_counters SET count = 100 WHERE tenant_id = ? AND metric = 'searches'`, admin.tenantID)
	rec = tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token, map[string]any{"query": "engineer"})
	wantStatus(t, rec, http.StatusTooManyRequests)
	p := decodeProblem(t, rec)
	if p["type"] != "quota-exceeded" || p["metric"] != "searches" || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("quota problem %v", p)
	}
	// The refusal carries the quota in headers too: X-Quota-* as on a
	// success, and RateLimit-* describing the quota that refused.
	// The quota resets with the month: 15.5 days from the pinned clock.
	h := rec.Header()
	if h.Get("X-Quota-Searches-Remaining") != "0" || h.Get("X-Quota-Searches-Used") != "100" ||
		h.Get("X-Quota-Searches-Reset") != "2026-12-01T00:00:00Z" || h.Get("RateLimit-Limit") != "100" ||
		h.Get("RateLimit-Remaining") != "0" || h.Get("RateLimit-Reset") != "1339200" || h.Get("Retry-After") != "1339200" {
		t.Fatalf("quota 429 headers %v", h)
	}
	// The refusal comes before the search runs: a search the service would
	// turn down as invalid is not even looked at.
	rec = tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token,
		map[string]any{"query": "manager", "filters": map[string]any{"countries": []string{"Atlantis"}}})
	wantStatus(t, rec, http.StatusTooManyRequests)
	// A next page of a search already paid for is still served.
	rec = tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token, map[string]any{"query": "manager", "page_size": 2, "cursor": cursor})
	wantStatus(t, rec, http.StatusOK)
	// On the month's last second (long after the first "manager" search,
	// so not a free repeat) the refusal says to wait one second; on the
	// first of the next month the quota is whole again.
	clock.Set(time.Date(2026, time.November, 30, 23, 59, 59, 0, time.UTC))
	rec = tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token, map[string]any{"query": "manager"})
	wantStatus(t, rec, http.StatusTooManyRequests)
	if h := rec.Header(); h.Get("Retry-After") != "1" || h.Get("RateLimit-Reset") != "1" {
		t.Fatalf("429 on the month's last second %v", h)
	}
	clock.Set(time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC))
	rec = tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token, map[string]any{"query": "manager"})
	wantStatus(t, rec, http.StatusOK)
	if h := rec.Header(); h.Get("X-Quota-Searches-Used") != "1" || h.Get("X-Quota-Searches-Remaining") != "99" ||
		h.Get("X-Quota-Searches-Reset") != "2027-01-01T00:00:00Z" {
		t.Fatalf("the new month's first search %v", h)
	}
	u := decode[UsageResponse](t, tb.req(t, http.MethodGet, "/api/v1/tenant/usage", admin.token, nil))
	for _, q := range u.Quotas {
		if q.Metric == "searches" && (q.Used != 1 || q.Remaining != 99 || !q.ResetAt.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))) {
			t.Fatalf("usage in the new month %+v", q)
		}
	}
}

// TestSearchRepeatIsFree: the same search by the same user or API key
// within limits.RepeatWindow of its charge (a reload of the results page,
// Back, a retry) costs nothing, even with the quota used up. Another
// query, filter or sort, another principal, or the same search after the
// window is a new search.
func TestSearchRepeatIsFree(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	clock := tb.pinLimitsClock(quotaTime)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "repeat")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	member := tb.MustJoin(t, admin, "member")
	key := tb.MustCreateKey(t, admin, "contacts:read")
	var limit int64
	for _, q := range decode[UsageResponse](t, tb.req(t, http.MethodGet, "/api/v1/tenant/usage", admin.token, nil)).Quotas {
		if q.Metric == "searches" {
			limit = q.Limit
		}
	}

	manager := map[string]any{"query": "manager", "filters": map[string]any{"seniorities": []string{"manager", "director"}}, "page_size": 2}
	steps := []struct {
		name        string
		token, key  string
		body        map[string]any
		wantStatus  int
		wantCharged string
		wantUsed    string
	}{
		{"First", admin.token, "", manager, 200, "true", "1"},
		{"RepeatFree", admin.token, "", manager, 200, "false", "1"},
		{"RepeatOtherSpellingFree", admin.token, "", map[string]any{"query": "  MANAGER ", "page_size": 5,
			"filters": map[string]any{"seniorities": []string{"director", "manager"}}}, 200, "false", "1"},
		{"OtherSortCharged", admin.token, "", map[string]any{"query": "manager", "sort": "name",
			"filters": map[string]any{"seniorities": []string{"manager", "director"}}}, 200, "true", "2"},
		{"OtherFilterCharged", admin.token, "", map[string]any{"query": "manager"}, 200, "true", "3"},
		{"OtherUserCharged", member.token, "", manager, 200, "true", "4"},
		{"APIKeyCharged", "", key.Secret, manager, 200, "true", "5"},
		{"APIKeyRepeatFree", "", key.Secret, manager, 200, "false", "5"},
		{"PhraseCharged", admin.token, "", map[string]any{"query": `"vice president"`}, 200, "true", "6"},
		{"PhraseTypographicQuotesFree", admin.token, "", map[string]any{"query": "“Vice President”"}, 200, "false", "6"},
		{"PhraseUnquotedCharged", admin.token, "", map[string]any{"query": "vice president"}, 200, "true", "7"},
	}
	send := func(t *testing.T, token, secret string, body any) *httptest.ResponseRecorder {
		t.Helper()
		if secret != "" {
			return tb.keyJSON(t, http.MethodPost, "/api/v1/contacts/search", secret, body)
		}
		return tb.req(t, http.MethodPost, "/api/v1/contacts/search", token, body)
	}
	for _, st := range steps {
		rec := send(t, st.token, st.key, st.body)
		wantStatus(t, rec, st.wantStatus)
		if h := rec.Header(); h.Get("X-Search-Charged") != st.wantCharged || h.Get("X-Quota-Searches-Used") != st.wantUsed {
			t.Fatalf("%s: charged %q used %q, want %s and %s", st.name, h.Get("X-Search-Charged"), h.Get("X-Quota-Searches-Used"),
				st.wantCharged, st.wantUsed)
		}
	}

	// With the quota used up, a repeat is still answered and a new search
	// is refused; the refused one leaves no receipt, so once units are back
	// it is charged.
	setUsed := func(n int64) {
		t.Helper()
		if err := tb.db.Gorm.Exec(`UPDATE usage_counters SET count = ? WHERE tenant_id = ? AND metric = 'searches'`,
			n, admin.tenantID).Error; err != nil {
			t.Fatal(err)
		}
	}
	setUsed(limit)
	rec := send(t, admin.token, "", manager)
	wantStatus(t, rec, http.StatusOK)
	if h := rec.Header(); h.Get("X-Search-Charged") != "false" || h.Get("X-Quota-Searches-Remaining") != "0" {
		t.Fatalf("repeat at the limit: %v", h)
	}
	director := map[string]any{"query": "director"}
	wantStatus(t, send(t, admin.token, "", director), http.StatusTooManyRequests)
	setUsed(0)
	if rec := send(t, admin.token, "", director); rec.Header().Get("X-Search-Charged") != "true" {
		t.Fatalf("a search refused at the limit was free afterwards: %v", rec.Header())
	}

	// After the window the repeat is a new search: refused at the limit.
	setUsed(limit)
	clock.Set(quotaTime.Add(limits.RepeatWindow + time.Second))
	wantStatus(t, send(t, admin.token, "", manager), http.StatusTooManyRequests)

	// The prune drops receipts past the window, and only those.
	if err := tb.db.Gorm.Exec(`INSERT INTO search_receipts (tenant_id, principal_id, query_hash, charged_at)
		VALUES (?, ?, 'fresh', ?)`, admin.tenantID, admin.userID, clock.Now()).Error; err != nil {
		t.Fatal(err)
	}
	tb.srv.svc.Limits.PruneSearchReceipts(t.Context())
	var left []string
	tb.db.Gorm.Raw(`SELECT convert_from(query_hash, 'UTF8') FROM search_receipts WHERE tenant_id = ?`, admin.tenantID).Scan(&left)
	if len(left) != 1 || left[0] != "fresh" {
		t.Fatalf("receipts after the prune: %q", left)
	}
}

// TestSearchChargedOnlyWhenAnswered: a new search is charged only when
// its page goes out. The unit was taken side by side with the page's CRM
// status lookup, so when that lookup failed the user got a 500 for a
// search they had paid for, and the SPA's retry paid again.
func TestSearchChargedOnlyWhenAnswered(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.pinLimitsClock(quotaTime)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "meter-fail")
	// The tenant has pushed to its CRM, so its pages carry CRM states.
	if err := tb.db.Gorm.Exec(`UPDATE tenants SET crm_pushed_at = now() WHERE id = ?`, admin.tenantID).Error; err != nil {
		t.Fatal(err)
	}
	used := func() int64 {
		t.Helper()
		var n []int64
		if err := tb.db.Gorm.Raw(`SELECT count FROM usage_counters WHERE tenant_id = ? AND metric = 'searches'`,
			admin.tenantID).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if len(n) == 0 {
			return 0
		}
		return n[0]
	}
	// A CRM service whose database lacks the CRM state: every lookup fails.
	working := tb.srv.svc.CRM
	broken, _ := dbtest.Fresh(t)
	if err := broken.Gorm.Exec(`DROP TABLE crm_pushes CASCADE`).Error; err != nil {
		t.Fatal(err)
	}
	tb.srv.svc.CRM = crm.NewService(broken, tb.srv.svc.Limits, crm.ConfigFrom(tb.srv.cfg), crm.Options{})
	for range 2 { // the failure, and the retry
		rec := tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token, map[string]any{"query": "manager", "page_size": 2})
		wantStatus(t, rec, http.StatusInternalServerError)
	}
	if n := used(); n != 0 {
		t.Fatalf("searches that failed were charged: %d used", n)
	}
	tb.srv.svc.CRM = working
	rec := tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token, map[string]any{"query": "manager", "page_size": 2})
	wantStatus(t, rec, http.StatusOK)
	if n := used(); n != 1 || rec.Header().Get("X-Quota-Searches-Used") != "1" {
		t.Fatalf("the answered search: %d used, header %s", n, rec.Header().Get("X-Quota-Searches-Used"))
	}
}

// TestSearchLastUnitRace: searches racing on the last unit of the quota
// run side by side, but only one is answered; the others get the 429 and
// the counter stops at the limit.
func TestSearchLastUnitRace(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.pinLimitsClock(quotaTime)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "meter-race") // Free: 100 searches a month
	start, _ := tb.srv.svc.Limits.Period()
	if err := tb.db.Gorm.Exec(`INSERT INTO usage_counters (tenant_id, metric, period_start, count) VALUES (?, 'searches', ?, 99)`,
		admin.tenantID, start).Error; err != nil {
		t.Fatal(err)
	}
	const racers = 6
	codes := make(chan int, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token,
				map[string]any{"query": fmt.Sprintf("manager %d", i), "page_size": 2}).Code
		}()
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for c := range codes {
		got[c]++
	}
	if got[http.StatusOK] != 1 || got[http.StatusTooManyRequests] != racers-1 {
		t.Fatalf("statuses %v, want one 200 and %d 429", got, racers-1)
	}
	var n int64
	tb.db.Gorm.Raw(`SELECT count FROM usage_counters WHERE tenant_id = ? AND metric = 'searches'`, admin.tenantID).Scan(&n)
	if n != 100 {
		t.Fatalf("counter %d, want 100", n)
	}
}

func TestContactVisibilityAndSaving(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	a := tb.MustSignup(t, "vis-a")
	b := tb.MustSignup(t, "vis-b")
	tb.MustSetPackage(t, a.tenantID, "starter")
	viewer := tb.MustJoin(t, a, "viewer")
	privB := tb.MustPrivateContact(t, b.tenantID, "Bea", "Private")
	shared := tb.search(t, a.token, map[string]any{"query": "manager", "page_size": 3}).Items

	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+privB, a.token, nil), 404)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+privB, b.token, nil), 200)
	got := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+shared[0].ID, a.token, nil))
	if got.ID != shared[0].ID || got.Saved == nil || *got.Saved {
		t.Fatalf("contact %+v", got)
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/companies/"+got.CompanyID, a.token, nil), 200)

	ids := []string{shared[0].ID, shared[1].ID}
	tests := []struct {
		name       string
		token      string
		body       any
		wantStatus int
	}{
		{"ErrForbiddenViewer", viewer.token, map[string]any{"contact_ids": ids}, 403},
		{"ErrOtherTenantsPrivate", a.token, map[string]any{"contact_ids": append([]string{privB}, ids...)}, 404},
		{"ErrMissingContact", a.token, map[string]any{"contact_ids": []string{uuid.NewString()}}, 404},
		{"ErrEmpty", a.token, map[string]any{"contact_ids": []string{}}, 422},
		{"ErrNotUUID", a.token, map[string]any{"contact_ids": []string{"x"}}, 422},
		{"OK", a.token, map[string]any{"contact_ids": ids}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", tt.token, tt.body), tt.wantStatus)
		})
	}
	// No partial save from the failed calls; idempotent repeat.
	saved := decode[SavedPageResponse](t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts", a.token, nil))
	if saved.Total != 2 {
		t.Fatalf("saved total %d, want 2", saved.Total)
	}
	res := decode[SaveResultResponse](t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": ids}))
	if res.Saved != 0 || res.AlreadySaved != 2 {
		t.Fatalf("repeat save %+v", res)
	}
	// API keys: contacts:read cannot save; a key of tenant A cannot see B's objects.
	key := tb.MustCreateKey(t, a, "contacts:read")
	rec := tb.keyReq(t, http.MethodGet, "/api/v1/contacts/"+privB, key.Secret, false)
	wantStatus(t, rec, http.StatusNotFound)
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/contacts/"+shared[0].ID, key.Secret, false), 200)
	keyRec := tb.keyPost(t, "/api/v1/saved-contacts", key.Secret, map[string]any{"contact_ids": ids})
	wantStatus(t, keyRec, http.StatusForbidden)
	if !strings.Contains(keyRec.Body.String(), "saved:write") {
		t.Fatalf("403 does not name saved:write: %s", keyRec.Body.String())
	}
	// Approve (org admin only) and the saved status shows in search.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts/approve", viewer.token, map[string]any{"contact_ids": ids[:1]}), 403)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts/approve", a.token, map[string]any{"contact_ids": ids[:1]}), 200)
	c := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+ids[0], viewer.token, nil))
	if c.Saved == nil || !*c.Saved || c.SavedStatus != "approved" {
		t.Fatalf("saved state %+v", c)
	}
	approved := decode[SavedPageResponse](t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts?status=approved", a.token, nil))
	if approved.Total != 1 {
		t.Fatalf("approved %d", approved.Total)
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts?shoe_size=1", a.token, nil), 422)
	// Unsave.
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": ids[1:]}), 200)
}

func TestListsAndExport(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	a := tb.MustSignup(t, "lists-a")
	b := tb.MustSignup(t, "lists-b")
	items := tb.search(t, a.token, map[string]any{"query": "director", "page_size": 3}).Items

	rec := tb.req(t, http.MethodPost, "/api/v1/lists", a.token, map[string]string{"name": "Berlin CTOs"})
	wantStatus(t, rec, http.StatusCreated)
	list := decode[ListResponse](t, rec)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/lists", a.token, map[string]string{"name": "Berlin CTOs"}), 409)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/lists", a.token, map[string]string{"name": ""}), 422)
	// Save onto the list.
	res := decode[SaveResultResponse](t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token,
		map[string]any{"contact_ids": []string{items[0].ID, items[1].ID}, "list_id": list.ID}))
	if res.Saved != 2 || res.AddedToList != 2 {
		t.Fatalf("save to list %+v", res)
	}
	// Another tenant's list is 404 everywhere.
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{http.MethodPatch, "/api/v1/lists/" + list.ID, map[string]string{"name": "stolen"}},
		{http.MethodDelete, "/api/v1/lists/" + list.ID, nil},
		{http.MethodPost, "/api/v1/lists/" + list.ID + "/members", map[string]any{"contact_ids": []string{items[2].ID}}},
		{http.MethodDelete, "/api/v1/lists/" + list.ID + "/members", map[string]any{"contact_ids": []string{items[0].ID}}},
	} {
		wantStatus(t, tb.req(t, r.method, r.path, b.token, r.body), 404)
	}
	onList := decode[SavedPageResponse](t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts?list_id="+list.ID, a.token, nil))
	if onList.Total != 2 {
		t.Fatalf("on list %d", onList.Total)
	}

	// A correction that starts with "=" is exported neutralized.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+items[0].ID+"/corrections", a.token,
		map[string]string{"field": "title", "value": "=HYPERLINK(\"http://evil\")"}), 201)
	rec = tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export?list_id="+list.ID, a.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("content type %s", rec.Header().Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv rows %d err %v", len(rows), err)
	}
	if !strings.Contains(rec.Body.String(), "'=HYPERLINK") || strings.Contains(rec.Body.String(), ",=HYPERLINK") {
		t.Fatalf("formula not neutralized: %s", rec.Body.String())
	}
	if strings.HasPrefix(rec.Body.String(), "\ufeff") {
		t.Fatal("a byte order mark nobody asked for: CSV readers of API clients take it for part of the first column's name")
	}
	// bom=true is for spreadsheets: Excel reads UTF-8 without one as the
	// local code page and mangles every accent.
	rec = tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export?bom=true&list_id="+list.ID, a.token, nil)
	wantStatus(t, rec, http.StatusOK)
	body, ok := strings.CutPrefix(rec.Body.String(), "\ufeff")
	if rows, err := csv.NewReader(strings.NewReader(body)).ReadAll(); !ok || err != nil || len(rows) != 3 || rows[0][0] != "id" {
		t.Fatalf("export?bom=true: BOM %v, %d rows, err %v", ok, len(rows), err)
	}
	// plain_phones=true is for programs: the E.164 phone goes out as stored,
	// without the apostrophe before its "+"; other cells keep the guard.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+items[0].ID+"/corrections", a.token,
		map[string]string{"field": "phone", "value": "+49 30 1234567"}), 201)
	for _, tt := range []struct{ query, phone string }{{"", "'+49301234567"}, {"plain_phones=true&", "+49301234567"}} {
		rec = tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export?"+tt.query+"list_id="+list.ID, a.token, nil)
		wantStatus(t, rec, http.StatusOK)
		rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if err != nil || len(rows) != 3 || rows[0][5] != "phone" {
			t.Fatalf("export?%s: %d rows, err %v", tt.query, len(rows), err)
		}
		var phones, titles []string
		for _, r := range rows[1:] {
			phones, titles = append(phones, r[5]), append(titles, r[6])
		}
		if !slices.Contains(phones, tt.phone) || !slices.Contains(titles, `'=HYPERLINK("http://evil")`) {
			t.Fatalf("export?%s: phones %q, titles %q", tt.query, phones, titles)
		}
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export?bom=maybe", a.token, nil), 422)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export?plain_phones=maybe", a.token, nil), 422)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts?bom=true", a.token, nil), 422)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts?plain_phones=true", a.token, nil), 422)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export?status=bogus", a.token, nil), 422)
	// The export has no pages: paging parameters are refused, not ignored.
	for _, param := range []string{"cursor=abc", "page_size=10"} {
		rec := tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export?"+param, a.token, nil)
		wantStatus(t, rec, 422)
		field, _, _ := strings.Cut(param, "=")
		if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Field != field {
			t.Fatalf("export?%s: errors %+v, want one naming %s", param, p.Errors, field)
		}
	}
}

func TestListsInNaturalOrder(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	a := tb.MustSignup(t, "lists-natural")
	item := tb.search(t, a.token, map[string]any{"query": "director", "page_size": 1}).Items[0]
	// Created out of order; numbers read by value, case and accents
	// aside: in text order "List 10" came before "List 2" and "école"
	// after "zebra".
	names := []string{"List 10", "zebra", "List 2", "école", "list 1", "Ecole 3", "List 100"}
	want := []string{"école", "Ecole 3", "list 1", "List 2", "List 10", "List 100", "zebra"}
	ids := make([]string, 0, len(names))
	for _, n := range names {
		rec := tb.req(t, http.MethodPost, "/api/v1/lists", a.token, map[string]string{"name": n})
		wantStatus(t, rec, http.StatusCreated)
		ids = append(ids, decode[ListResponse](t, rec).ID)
	}
	var got []string
	for _, l := range decode[ListList](t, tb.req(t, http.MethodGet, "/api/v1/lists", a.token, nil)).Items {
		got = append(got, l.Name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("GET /lists in order %q, want %q", got, want)
	}
	// A contact's lists come in the same order.
	for _, id := range ids {
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token,
			map[string]any{"contact_ids": []string{item.ID}, "list_id": id}), http.StatusOK)
	}
	got = got[:0]
	for _, l := range decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+item.ID, a.token, nil)).Lists {
		got = append(got, l.Name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("a contact's lists in order %q, want %q", got, want)
	}
}

// TestAPIKeyWrites: a key acts for its tenant with no user behind it; what
// it saves, lists and corrects is recorded with no author (NULL), not the
// zero user id (which no user has: the writes failed with 500).
func TestAPIKeyWrites(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "keywrites")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	key := tb.MustCreateKey(t, admin, "contacts:read", "saved:read", "saved:write", "corrections:write")
	target := tb.search(t, admin.token, map[string]any{"query": "sales", "page_size": 2}).Items
	private := tb.MustPrivateContact(t, admin.tenantID, "Kim", "Key")

	rec := tb.keyJSON(t, http.MethodPost, "/api/v1/lists", key.Secret, map[string]string{"name": "From the API " + uuid.NewString()[:6]})
	wantStatus(t, rec, http.StatusCreated)
	list := decode[ListResponse](t, rec)
	wantStatus(t, tb.keyJSON(t, http.MethodPost, "/api/v1/saved-contacts", key.Secret,
		map[string]any{"contact_ids": []string{target[0].ID}, "list_id": list.ID}), http.StatusOK)
	wantStatus(t, tb.keyJSON(t, http.MethodPost, "/api/v1/lists/"+list.ID+"/members", key.Secret,
		map[string]any{"contact_ids": []string{target[1].ID}}), http.StatusOK)
	// A shared contact's correction waits for review; a private one's applies at once.
	wantStatus(t, tb.keyJSON(t, http.MethodPost, "/api/v1/contacts/"+target[0].ID+"/corrections", key.Secret,
		map[string]string{"field": "title", "value": "Chief Sales Officer"}), http.StatusCreated)
	wantStatus(t, tb.keyJSON(t, http.MethodPost, "/api/v1/contacts/"+private+"/corrections", key.Secret,
		map[string]string{"field": "title", "value": "Head of Keys"}), http.StatusCreated)

	var authored int64
	tb.db.Gorm.Raw(`SELECT (SELECT count(*) FROM saved_contacts WHERE tenant_id = ? AND created_by IS NOT NULL)
		+ (SELECT count(*) FROM list_members WHERE tenant_id = ? AND added_by IS NOT NULL)
		+ (SELECT count(*) FROM contact_corrections WHERE tenant_id = ? AND (submitted_by IS NOT NULL OR reviewed_by IS NOT NULL))`,
		admin.tenantID, admin.tenantID, admin.tenantID).Scan(&authored)
	if authored != 0 {
		t.Fatalf("%d rows name an author for a key's writes, want none", authored)
	}
}

func TestCorrections(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	a := tb.MustSignup(t, "corr-a")
	b := tb.MustSignup(t, "corr-b")
	sys := tb.MustSystemUser(t, "system_admin")
	viewer := tb.MustJoin(t, a, "viewer")
	target := tb.search(t, a.token, map[string]any{"query": "sales", "page_size": 1}).Items[0]
	path := "/api/v1/contacts/" + target.ID + "/corrections"

	tests := []struct {
		name       string
		token      string
		path       string
		body       any
		wantStatus int
	}{
		{"ErrBadEmail", a.token, path, map[string]string{"field": "email", "value": "not-an-email"}, 422},
		{"ErrUnknownField", a.token, path, map[string]string{"field": "salary", "value": "1"}, 422},
		{"ErrForbiddenViewer", viewer.token, path, map[string]string{"field": "title", "value": "CTO"}, 403},
		{"ErrNotFound", a.token, "/api/v1/contacts/" + uuid.NewString() + "/corrections", map[string]string{"field": "title", "value": "CTO"}, 404},
		{"ErrUnauthenticated", "", path, map[string]string{"field": "title", "value": "CTO"}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodPost, tt.path, tt.token, tt.body), tt.wantStatus)
		})
	}
	rec := tb.req(t, http.MethodPost, path, a.token, map[string]string{"field": "phone", "value": "(415) 555-0132"})
	wantStatus(t, rec, http.StatusCreated)
	if k := decode[CorrectionResponse](t, rec); k.NewValue != "+14155550132" || k.Status != "pending" {
		t.Fatalf("phone not normalized to E.164: %+v", k)
	}
	rec = tb.req(t, http.MethodPost, path, a.token, map[string]string{"field": "title", "value": "Chief Coffee Officer"})
	wantStatus(t, rec, http.StatusCreated)
	k := decode[CorrectionResponse](t, rec)
	// Tenant A sees it at once; tenant B does not.
	if c := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+target.ID, viewer.token, nil)); c.Title != "Chief Coffee Officer" {
		t.Fatalf("overlay not applied for A: %s", c.Title)
	}
	if c := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+target.ID, b.token, nil)); c.Title == "Chief Coffee Officer" {
		t.Fatal("overlay leaked to B")
	}
	// Review queue: support reads, only system admins decide.
	queue := decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?page_size=100", sys.token, nil))
	if len(queue.Items) == 0 {
		t.Fatal("empty review queue")
	}
	// The queue filters by contact_id; it holds pending corrections only and
	// has no status filter (a status parameter is not read).
	queue = decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?status=accepted&contact_id="+target.ID, sys.token, nil))
	found := false
	for _, it := range queue.Items {
		if it.ContactID != target.ID || it.Status != "pending" {
			t.Fatalf("review queue for one contact has %+v", it)
		}
		found = found || it.ID == k.ID
	}
	if !found {
		t.Fatalf("review queue for the contact misses %s: %+v", k.ID, queue.Items)
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?contact_id=nope", sys.token, nil), 422)
	// The queue filters by tenant and field too: A's title correction is in
	// A's queue and the title queue, not in the phone queue (A's phone
	// correction is) nor in another tenant's.
	inQueue := func(query string) (found, other bool) {
		t.Helper()
		want, err := url.ParseQuery(query)
		if err != nil {
			t.Fatal(err)
		}
		q := decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?page_size=100&"+query, sys.token, nil))
		for _, it := range q.Items {
			found = found || it.ID == k.ID
			if it.Status != "pending" || want.Has("tenant_id") && it.TenantID != want.Get("tenant_id") ||
				want.Has("field") && it.Field != want.Get("field") {
				other = true
			}
		}
		return found, other
	}
	// Other tests' corrections share the queue: the whole title queue may
	// hold more than a page before A's, so A's is looked for within A's.
	for _, tc := range []struct {
		query string
		found bool
	}{
		{"tenant_id=" + k.TenantID, true}, {"tenant_id=" + k.TenantID + "&field=title", true},
		{"tenant_id=" + k.TenantID + "&field=phone", false}, {"tenant_id=" + uuid.NewString(), false},
	} {
		if found, other := inQueue(tc.query); found != tc.found || other {
			t.Errorf("queue ?%s: has %s %v (want %v), has others' %v", tc.query, k.ID, found, tc.found, other)
		}
	}
	for _, query := range []string{"field=title", "field=phone"} {
		if _, other := inQueue(query); other {
			t.Errorf("queue ?%s has other fields' corrections", query)
		}
	}
	if q := decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?field=phone", sys.token, nil)); len(q.Items) == 0 {
		t.Error("the phone queue misses A's phone correction")
	}
	// total counts the filter's pending corrections: A's two (phone, title).
	if q := decode[CorrectionQueue](t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?page_size=1&tenant_id="+k.TenantID, sys.token, nil)); q.Total != 2 || q.TotalIsCapped || len(q.Items) != 1 {
		t.Errorf("A's queue: total %d (capped %v), %d items; want 2 of A's pending corrections, one on the page", q.Total, q.TotalIsCapped, len(q.Items))
	}
	for _, query := range []string{"tenant_id=nope", "field=salary", "field=TITLE"} {
		wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?"+query, sys.token, nil), 422)
	}
	// A cursor pages the query it came from, not another filter's.
	first := decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?page_size=1&tenant_id="+k.TenantID, sys.token, nil))
	if first.NextCursor == "" {
		t.Fatal("A's queue has one page")
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?page_size=1&field=title&cursor="+first.NextCursor, sys.token, nil), 400)
	next := decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?page_size=1&tenant_id="+k.TenantID+"&cursor="+first.NextCursor, sys.token, nil))
	if len(next.Items) != 1 || next.Items[0].TenantID != k.TenantID || next.Items[0].ID == first.Items[0].ID {
		t.Errorf("A's queue, page 2: %+v after %+v", next.Items, first.Items)
	}
	// Correction lists have a fixed page bound, not the package's contacts per query.
	for _, path := range []string{"/api/v1/corrections?page_size=101", "/api/v1/admin/corrections?page_size=0"} {
		token := a.token
		if strings.HasPrefix(path, "/api/v1/admin/") {
			token = sys.token
		}
		rec := tb.req(t, http.MethodGet, path, token, nil)
		wantStatus(t, rec, 422)
		if body := rec.Body.String(); !strings.Contains(body, "must be between 1 and 100") || strings.Contains(body, "package") {
			t.Fatalf("%s: %s", path, body)
		}
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/corrections/"+k.ID+"/accept", a.token, nil), 403)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/corrections/"+k.ID+"/accept", sys.token, nil), 200)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/corrections/"+uuid.NewString()+"/accept", sys.token, nil), 404)
	reviewed := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?action=contact.correction_accepted", a.token, nil))
	if len(reviewed.Items) != 1 {
		t.Fatalf("the review is not in the tenant's log: %+v", reviewed)
	}
	wantStaffHidden(t, reviewed.Items[0])
	if c := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+target.ID, b.token, nil)); c.Title != "Chief Coffee Officer" {
		t.Fatalf("accepted correction not in the shared record for B: %s", c.Title)
	}
	// A correction of A's made before B's was accepted now corrects a value
	// the record no longer has: the queue says so, and accepting it, which
	// would undo B's, is refused. (A shared contact of this test's own, so
	// that parallel tests never see the values it accepts.)
	own := uuid.Must(uuid.NewV7()).String()
	if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, title, source) VALUES (?, 'Stale', 'Queue', 'Head of Tea', 'seed')`,
		own).Error; err != nil {
		t.Fatal(err)
	}
	ownPath := "/api/v1/contacts/" + own + "/corrections"
	fromA := decode[CorrectionResponse](t, tb.req(t, http.MethodPost, ownPath, a.token, map[string]string{"field": "title", "value": "Chief Coffee Officer II"}))
	fromB := decode[CorrectionResponse](t, tb.req(t, http.MethodPost, ownPath, b.token, map[string]string{"field": "title", "value": "Chief Tea Officer"}))
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/corrections/"+fromB.ID+"/accept", sys.token, nil), 200)
	queue = decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/admin/corrections?contact_id="+own, sys.token, nil))
	if len(queue.Items) != 1 || queue.Items[0].ID != fromA.ID || !queue.Items[0].Stale ||
		queue.Items[0].CurrentValue != "Chief Tea Officer" || queue.Items[0].OldValue != "Head of Tea" {
		t.Fatalf("the queue shows %+v; want %s stale, now Chief Tea Officer", queue.Items, fromA.ID)
	}
	rec = tb.req(t, http.MethodPost, "/api/v1/admin/corrections/"+fromA.ID+"/accept", sys.token, nil)
	wantStatus(t, rec, http.StatusConflict)
	if detail, _ := decodeProblem(t, rec)["detail"].(string); !strings.Contains(detail, "Chief Tea Officer") {
		t.Fatalf("the refusal %q does not say what the record holds now", detail)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/corrections/"+fromA.ID+"/reject", sys.token, nil), 200)
	mine := decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/corrections", a.token, nil))
	if len(mine.Items) != 3 {
		t.Fatalf("tenant corrections %d", len(mine.Items))
	}
	other := decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/corrections", b.token, nil))
	for _, it := range other.Items {
		if it.TenantID != b.tenantID {
			t.Fatalf("B sees A's correction %+v", it)
		}
	}
	if len(other.Items) != 1 {
		t.Fatalf("B sees %d corrections of its own, want 1", len(other.Items))
	}
}

// TestFirstCorrectionFoundByKeySearch: a tenant that never corrected a
// contact searches without looking for corrections (its principal says
// so); its first correction, made by a person, shows at once in the
// searches of its API keys too, whose principals this instance had cached
// before it.
func TestFirstCorrectionFoundByKeySearch(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	a := tb.MustSignup(t, "first-corr")
	tb.MustSetPackage(t, a.tenantID, "starter")
	key := tb.MustCreateKey(t, a, "contacts:read", "saved:read")
	target := tb.search(t, a.token, map[string]any{"query": "sales", "page_size": 1}).Items[0]
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": []string{target.ID}}),
		http.StatusOK)
	byTitle := map[string]any{"filters": map[string]any{"titles": []string{"chief quokka officer"}}}
	savedByTitle := "/api/v1/saved-contacts?titles=chief+quokka+officer"
	rec := tb.keyJSON(t, http.MethodPost, "/api/v1/contacts/search", key.Secret, byTitle)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[SearchResponse](t, rec); len(got.Items) != 0 {
		t.Fatalf("found %d before the correction", len(got.Items))
	}
	rec = tb.keyReq(t, http.MethodGet, savedByTitle, key.Secret, false)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[SavedPageResponse](t, rec); len(got.Items) != 0 {
		t.Fatalf("the saved view found %d before the correction", len(got.Items))
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+target.ID+"/corrections", a.token,
		map[string]string{"field": "title", "value": "Chief Quokka Officer"}), http.StatusCreated)
	for _, who := range []string{"person", "key"} {
		var res SearchResponse
		if who == "person" {
			res = tb.search(t, a.token, byTitle)
		} else {
			rec := tb.keyJSON(t, http.MethodPost, "/api/v1/contacts/search", key.Secret, byTitle)
			wantStatus(t, rec, http.StatusOK)
			res = decode[SearchResponse](t, rec)
		}
		if len(res.Items) != 1 || res.Items[0].ID != target.ID {
			t.Fatalf("the %s's search after the first correction found %d contacts; want %s", who, len(res.Items), target.ID)
		}
	}
	rec = tb.keyReq(t, http.MethodGet, savedByTitle, key.Secret, false)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[SavedPageResponse](t, rec); len(got.Items) != 1 || got.Items[0].ID != target.ID {
		t.Fatalf("the key's saved view after the first correction found %d contacts; want %s", len(got.Items), target.ID)
	}
}

// TestCorrectionAfterLastWentFoundByKeySearch: once the tenant's last
// correction went (a deleted contact took it), its mark is cleared and its
// keys' searches skip looking for corrections; a correction made after
// that, with a key that searched while the tenant had some, shows at once
// in the searches of the tenant's other keys too.
func TestCorrectionAfterLastWentFoundByKeySearch(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "corr-again")
	tb.MustSetPackage(t, a.tenantID, "starter")
	writer := tb.MustCreateKey(t, a, "contacts:read", "corrections:write")
	reader := tb.MustCreateKey(t, a, "contacts:read")
	// Shared contacts of this test's own, so that deleting one touches no
	// other test.
	var gone, stays string
	for _, id := range []*string{&gone, &stays} {
		*id = uuid.Must(uuid.NewV7()).String()
		if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, title, source) VALUES (?, 'Again', 'Marked', 'Engineer', 'seed')`,
			*id).Error; err != nil {
			t.Fatal(err)
		}
	}
	correct := func(id, title string) {
		t.Helper()
		wantStatus(t, tb.keyJSON(t, http.MethodPost, "/api/v1/contacts/"+id+"/corrections", writer.Secret,
			map[string]string{"field": "title", "value": title}), http.StatusCreated)
	}
	byTitle := map[string]any{"filters": map[string]any{"titles": []string{"chief numbat officer"}}}
	found := func(secret string) []string {
		t.Helper()
		rec := tb.keyJSON(t, http.MethodPost, "/api/v1/contacts/search", secret, byTitle)
		wantStatus(t, rec, http.StatusOK)
		var ids []string
		for _, c := range decode[SearchResponse](t, rec).Items {
			ids = append(ids, c.ID)
		}
		return ids
	}
	correct(gone, "Head of Platform")
	// The writer's principal is cached now, saying the tenant has
	// corrections.
	if ids := found(writer.Secret); len(ids) != 0 {
		t.Fatalf("found %v before the correction", ids)
	}
	if err := tb.db.Gorm.Exec(`DELETE FROM contacts WHERE id = ?`, gone).Error; err != nil {
		t.Fatal(err)
	}
	// The reader's principal is cached now, saying it has none.
	if ids := found(reader.Secret); len(ids) != 0 {
		t.Fatalf("found %v before the correction", ids)
	}
	correct(stays, "Chief Numbat Officer")
	for who, secret := range map[string]string{"writer": writer.Secret, "reader": reader.Secret} {
		if ids := found(secret); len(ids) != 1 || ids[0] != stays {
			t.Fatalf("the %s key's search after the correction found %v; want [%s]", who, ids, stays)
		}
	}
}

// TestSavedViewErrorsNameParameters: the saved view and its export read
// their filters from the query string, and a refused value is named as the
// parameter it came in (countries[1], q), not as the search body's field
// (filters.countries[1], query), which a client cannot find in its request.
func TestSavedViewErrorsNameParameters(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "saved-fields")
	tests := []struct {
		name, query, wantField string
	}{
		{"ErrCountry", "countries=DE&countries=Narnia", "countries[1]"},
		{"ErrSeniority", "seniorities=boss", "seniorities[0]"},
		{"ErrTitle", "titles=%E2%80%8B", "titles[0]"},
		{"ErrQueryTooLong", "q=" + strings.Repeat("x", 201), "q"},
		{"ErrQueryControl", "q=a%01b", "q"},
	}
	for _, tt := range tests {
		for _, path := range []string{"/api/v1/saved-contacts", "/api/v1/saved-contacts/export"} {
			t.Run(tt.name+path[len("/api/v1/saved-contacts"):], func(t *testing.T) {
				rec := tb.req(t, http.MethodGet, path+"?"+tt.query, a.token, nil)
				wantStatus(t, rec, http.StatusUnprocessableEntity)
				if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Field != tt.wantField {
					t.Fatalf("errors %+v, want one naming %s", p.Errors, tt.wantField)
				}
			})
		}
	}
}

// TestSavedContactNotes: DESIGN.md §3 gives saved contacts notes; members
// and org admins (and keys with saved:write) set them on the tenant's own
// saved contacts, everyone in the tenant reads them, the export carries
// them, and unsaving drops them.
func TestSavedContactNotes(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	a := tb.MustSignup(t, "notes-a")
	b := tb.MustSignup(t, "notes-b")
	tb.MustSetPackage(t, a.tenantID, "starter")
	member := tb.MustJoin(t, a, "member")
	viewer := tb.MustJoin(t, a, "viewer")
	items := tb.search(t, a.token, map[string]any{"query": "manager", "page_size": 2}).Items
	saved, unsaved := items[0].ID, items[1].ID
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": []string{saved}}), 200)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", b.token, map[string]any{"contact_ids": []string{saved}}), 200)
	key := tb.MustCreateKey(t, a, "saved:write", "saved:read")
	// A key that may write notes but not read the saved state changes the
	// note and gets the contact without it.
	writeOnly := tb.MustCreateKey(t, a, "saved:write")
	path := func(id string) string { return "/api/v1/saved-contacts/" + id }

	tests := []struct {
		name       string
		token      string
		id         string
		body       any
		wantStatus int
		wantNotes  string
		hidden     bool // the answer leaves the saved state out
	}{
		{"OKMember", member.token, saved, map[string]string{"notes": "  Met at SaaStr;\nprefers email.  "}, 200, "Met at SaaStr;\nprefers email.", false},
		{"OKAPIKeyWriteOnly", writeOnly.Secret, saved, map[string]string{"notes": "Left a voicemail."}, 200, "", true},
		{"OKAPIKey", key.Secret, saved, map[string]string{"notes": "Called twice."}, 200, "Called twice.", false},
		{"ErrViewer", viewer.token, saved, map[string]string{"notes": "x"}, 403, "", false},
		{"ErrNotSaved", a.token, unsaved, map[string]string{"notes": "x"}, 404, "", false},
		{"ErrUnknown", a.token, uuid.NewString(), map[string]string{"notes": "x"}, 404, "", false},
		{"ErrControl", a.token, saved, map[string]string{"notes": "bell\a"}, 422, "", false},
		{"ErrMissing", a.token, saved, map[string]string{}, 422, "", false},
		{"OKAdmin", a.token, saved, map[string]string{"notes": "Warm lead."}, 200, "Warm lead.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodPatch, path(tt.id), tt.token, tt.body)
			wantStatus(t, rec, tt.wantStatus)
			if tt.wantStatus == 200 && tt.hidden {
				if got := decode[ContactResponse](t, rec); got.Saved != nil || got.SavedNotes != "" || got.ID != tt.id {
					t.Fatalf("a key without saved:read sees the saved state: %s", rec.Body.String())
				}
			} else if tt.wantStatus == 200 {
				if got := decode[ContactResponse](t, rec); got.SavedNotes != tt.wantNotes || got.ID != tt.id || got.Saved == nil || !*got.Saved {
					t.Fatalf("notes %q (saved %v), want %q", got.SavedNotes, got.Saved != nil && *got.Saved, tt.wantNotes)
				}
			}
		})
	}
	// Every role of the tenant reads the note; the other tenant that saved
	// the same contact does not see it.
	for _, s := range []session{a, member, viewer} {
		if got := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+saved, s.token, nil)); got.SavedNotes != "Warm lead." {
			t.Errorf("GET contact: notes %q", got.SavedNotes)
		}
	}
	if got := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+saved, b.token, nil)); got.SavedNotes != "" {
		t.Errorf("another tenant sees the note %q", got.SavedNotes)
	}
	if page := decode[SavedPageResponse](t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts", viewer.token, nil)); len(page.Items) != 1 || page.Items[0].SavedNotes != "Warm lead." {
		t.Errorf("saved view: %+v", page.Items)
	}
	rec := tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export", a.token, nil)
	wantStatus(t, rec, http.StatusOK)
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][len(rows[0])-1] != "notes" || rows[1][len(rows[1])-1] != "Warm lead." {
		t.Fatalf("export %q err %v", rows, err)
	}
	// Unsaving drops the note; saving again starts without one.
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": []string{saved}}), 200)
	wantStatus(t, tb.req(t, http.MethodPatch, path(saved), a.token, map[string]string{"notes": "x"}), 404)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": []string{saved}}), 200)
	if got := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+saved, a.token, nil)); got.SavedNotes != "" {
		t.Errorf("a saved-again contact kept the note %q", got.SavedNotes)
	}
}

// An organization sends at most contacts.CorrectionsForReview corrections of
// shared contacts to the staff review queue in any 24 hours; the next is
// 429 rate-limited with the wait until the oldest counted one is a day old,
// and the tenant's view is unchanged. An undo reviews nothing and passes.
func TestCorrectionsForReviewLimit(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "corr-flood")
	// A shared contact of this test's own: parallel tests accept values
	// into the seed contacts, and the undo below must go back to the
	// shared title as it still is.
	target := struct{ ID, Title string }{uuid.Must(uuid.NewV7()).String(), "Head of Sales"}
	if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, title, city, source) VALUES (?, 'Flood', 'Gate', ?, 'Porto', 'seed')`,
		target.ID, target.Title).Error; err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/contacts/" + target.ID + "/corrections"
	// The window is full but for one place; its oldest is 23 hours old.
	if err := tb.db.Gorm.Exec(`INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value, status, for_review, created_at)
		SELECT ?, gen_random_uuid(), ?, 'city', 'Old', 'New ' || g, 'withdrawn', true,
			now() - CASE WHEN g = 1 THEN interval '23 hours' ELSE interval '1 minute' END
		FROM generate_series(1, ?) g`, a.tenantID, target.ID, contacts.CorrectionsForReview-1).Error; err != nil {
		t.Fatal(err)
	}
	wantStatus(t, tb.req(t, http.MethodPost, path, a.token, map[string]string{"field": "title", "value": "Flood Officer"}), http.StatusCreated)
	rec := tb.req(t, http.MethodPost, path, a.token, map[string]string{"field": "city", "value": "Flood City"})
	wantStatus(t, rec, http.StatusTooManyRequests)
	if p := decodeProblem(t, rec); p["type"] != "rate-limited" || !strings.Contains(p["detail"].(string), "in the last 24 hours") {
		t.Fatalf("problem %v", p)
	}
	if wait, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || wait < 3300 || wait > 3660 {
		t.Errorf("Retry-After %q, want about an hour", rec.Header().Get("Retry-After"))
	}
	if got := rec.Header().Get("RateLimit-Limit"); got != strconv.Itoa(contacts.CorrectionsForReview) {
		t.Errorf("RateLimit-Limit %q, want %d", got, contacts.CorrectionsForReview)
	}
	if c := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+target.ID, a.token, nil)); c.City == "Flood City" || c.Title != "Flood Officer" {
		t.Fatalf("after the refusal the tenant sees city %q, title %q", c.City, c.Title)
	}
	// Back to the shared value: nothing to review, so not limited.
	rec = tb.req(t, http.MethodPost, path, a.token, map[string]string{"field": "title", "value": target.Title})
	wantStatus(t, rec, http.StatusCreated)
	if k := decode[CorrectionResponse](t, rec); k.Status != "accepted" {
		t.Fatalf("undo %+v, want accepted", k)
	}
}

// TestCorrectionsNameTheSubmitter: the organization's list of corrections
// says who filed each one: the person's name (or email without a name), or
// the API key and its name, which a revoked key keeps; the SPA's
// Corrections page shows it.
func TestCorrectionsNameTheSubmitter(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "corr-by")
	tb.MustSetPackage(t, a.tenantID, "starter")
	member := tb.MustJoin(t, a, "member")
	key := tb.MustCreateKey(t, a, "contacts:read", "corrections:write")
	// Shared contacts of this test's own, so that parallel tests never
	// change the values it corrects and undoes.
	var targets [2]string
	for i := range targets {
		targets[i] = uuid.Must(uuid.NewV7()).String()
		if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, title, city, source) VALUES (?, 'Filed', 'By', 'Head of Ants', 'Porto', 'seed')`,
			targets[i]).Error; err != nil {
			t.Fatal(err)
		}
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+targets[0]+"/corrections", member.token,
		map[string]string{"field": "title", "value": "Chief Pangolin Officer"}), http.StatusCreated)
	wantStatus(t, tb.keyJSON(t, http.MethodPost, "/api/v1/contacts/"+targets[1]+"/corrections", key.Secret,
		map[string]string{"field": "city", "value": "Lisbon"}), http.StatusCreated)
	sys := tb.MustSystemUser(t, "system_admin")
	got := decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/corrections", a.token, nil))
	if len(got.Items) != 2 {
		t.Fatalf("the tenant lists %d corrections, want 2", len(got.Items))
	}
	for _, it := range got.Items {
		if it.AppliedAtOnce {
			t.Fatalf("a pending correction applied at once: %+v", it)
		}
		if it.Field == "city" {
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/corrections/"+it.ID+"/accept", sys.token, nil), http.StatusOK)
		}
	}
	// The member undoes the title: back to the shared value, accepted at once.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+targets[0]+"/corrections", member.token,
		map[string]string{"field": "title", "value": "Head of Ants"}), http.StatusCreated)
	got = decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/corrections", a.token, nil))
	if len(got.Items) != 3 {
		t.Fatalf("the tenant lists %d corrections, want 3", len(got.Items))
	}
	if undo := got.Items[0]; undo.Status != "accepted" || !undo.AppliedAtOnce {
		t.Fatalf("the undo is %+v, want accepted at once", undo)
	}
	for _, it := range got.Items[1:] {
		if it.AppliedAtOnce {
			t.Fatalf("staff-reviewed or withdrawn correction applied at once: %+v", it)
		}
		switch it.Field {
		case "title":
			// MustJoin names the member after its role.
			if it.SubmittedBy == nil || *it.SubmittedBy != member.userID || it.SubmittedByName != "member" ||
				it.SubmittedByKey != nil || it.SubmittedByKeyName != "" {
				t.Fatalf("the member's correction names %v %q, key %v %q", it.SubmittedBy, it.SubmittedByName, it.SubmittedByKey, it.SubmittedByKeyName)
			}
		case "city":
			if it.SubmittedBy != nil || it.SubmittedByName != "" {
				t.Fatalf("the key's correction names %v %q", *it.SubmittedBy, it.SubmittedByName)
			}
			if it.SubmittedByKey == nil || *it.SubmittedByKey != key.ID || it.SubmittedByKeyName != "test key" {
				t.Fatalf("the key's correction names the key %v %q, want %s", it.SubmittedByKey, it.SubmittedByKeyName, key.ID)
			}
		}
	}
	// A revoked key's corrections still name it.
	tb.MustRevokeKey(t, a, key.ID)
	got = decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/corrections?status=accepted", a.token, nil))
	named := false
	for _, it := range got.Items {
		named = named || (it.Field == "city" && it.SubmittedByKey != nil && it.SubmittedByKeyName == "test key")
	}
	if !named {
		t.Fatalf("after revoking the key its correction is %+v", got.Items)
	}
	// Corrections filed before migration 00064 get their key from the
	// audit log: the migration's backfill, run again on this tenant's rows
	// with the key forgotten, finds it.
	if err := tb.db.Gorm.Exec(`UPDATE contact_corrections SET submitted_by_key = NULL WHERE tenant_id = ?`, a.tenantID).Error; err != nil {
		t.Fatal(err)
	}
	up, err := fs.ReadFile(migrations.FS, "00064_correction_submitting_key.sql")
	if err != nil {
		t.Fatal(err)
	}
	backfill := string(up)
	backfill = backfill[strings.Index(backfill, "UPDATE contact_corrections"):strings.Index(backfill, "-- +goose Down")]
	if err := tb.db.Gorm.Exec(backfill).Error; err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := tb.db.Gorm.Raw(`SELECT coalesce(submitted_by_key::text, '-') FROM contact_corrections WHERE tenant_id = ? AND field = 'city' UNION ALL
		SELECT coalesce(submitted_by_key::text, '-') FROM contact_corrections WHERE tenant_id = ? AND field = 'title'`, a.tenantID, a.tenantID).Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || keys[0] != key.ID || keys[1] != "-" || keys[2] != "-" {
		t.Fatalf("after the backfill the keys are %v, want the city's %s and none for the titles", keys, key.ID)
	}
}
