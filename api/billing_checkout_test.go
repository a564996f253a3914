package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/billing"
)

// fakeCheckout keeps Checkout sessions as Stripe does (stripe-mock answers
// every call with the same fixture and keeps nothing): created open, listed
// by customer and status, expired once. Every other call goes on to
// stripe-mock. A create repeated with the same Idempotency-Key answers the
// session it created.
type fakeCheckout struct {
	mu       sync.Mutex
	sessions []map[string]any // in creation order
	keys     map[string]map[string]any
	// paidMeanwhile: the next session asked to expire was paid just
	// before (its tab), so it cannot be expired.
	paidMeanwhile bool
	// hold, when set, is called before a request to Stripe is answered
	// (without the fake's lock): a test blocks there to stand a slow
	// Stripe.
	hold func(r *http.Request)
	// customers are the customers created, by id: true once deleted (in
	// the Dashboard).
	customers map[string]bool
	tag       string // makes this fake's customer ids its own (tenants keep them unique)
}

// pay completes a session, with a subscription in status.
func pay(sess map[string]any, status string) {
	sess["status"], sess["url"] = "complete", nil
	sess["subscription"] = map[string]any{"id": "sub_" + sess["id"].(string), "object": "subscription", "status": status}
}

func (f *fakeCheckout) serve(mock http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		hold := f.hold
		f.mu.Unlock()
		if hold != nil {
			hold(r)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		reply := func(v any) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(v)
		}
		missing := func(status int, what, id string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"type": "invalid_request_error",
				"code": "resource_missing", "message": "No such " + what + ": '" + id + "'"}})
		}
		if f.keys == nil {
			f.keys = map[string]map[string]any{}
		}
		if f.customers == nil {
			f.customers, f.tag = map[string]bool{}, idTail(uuid.New().String())
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/customers":
			key := r.Header.Get("Idempotency-Key")
			if c, ok := f.keys[key]; ok {
				reply(c)
				return
			}
			c := map[string]any{"id": fmt.Sprintf("cus_fake%s_%d", f.tag, len(f.customers)+1), "object": "customer"}
			f.customers[c["id"].(string)], f.keys[key] = false, c
			reply(c)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/customers/"):
			id := strings.TrimPrefix(r.URL.Path, "/v1/customers/")
			deleted, ok := f.customers[id]
			if !ok {
				missing(http.StatusNotFound, "customer", id)
				return
			}
			reply(map[string]any{"id": id, "object": "customer", "deleted": deleted})
		case r.Method == http.MethodPost && r.URL.Path == "/v1/billing_portal/sessions" && f.customers[portalCustomer(r)]:
			missing(http.StatusBadRequest, "customer", portalCustomer(r))
		case r.Method == http.MethodPost && r.URL.Path == "/v1/checkout/sessions":
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			key := r.Header.Get("Idempotency-Key")
			if sess, ok := f.keys[key]; ok {
				reply(sess)
				return
			}
			if customer := r.PostForm.Get("customer"); f.customers[customer] {
				missing(http.StatusBadRequest, "customer", customer)
				return
			}
			id := fmt.Sprintf("cs_test_fake%d", len(f.sessions)+1)
			sess := map[string]any{"id": id, "object": "checkout.session", "status": "open", "mode": "subscription",
				"url": "https://checkout.stripe.com/c/pay/" + id, "customer": r.PostForm.Get("customer"),
				"client_reference_id": r.PostForm.Get("client_reference_id"),
				"metadata": map[string]string{"tenant_id": r.PostForm.Get("metadata[tenant_id]"),
					"package_code": r.PostForm.Get("metadata[package_code]"), "price_id": r.PostForm.Get("metadata[price_id]")}}
			f.sessions = append(f.sessions, sess)
			f.keys[key] = sess
			reply(sess)
		case r.Method == http.MethodGet && r.URL.Path == "/v1/checkout/sessions":
			q := r.URL.Query()
			data := []any{}
			for i := len(f.sessions) - 1; i >= 0; i-- { // newest first
				s := f.sessions[i]
				if (q.Get("customer") == "" || s["customer"] == q.Get("customer")) && (q.Get("status") == "" || s["status"] == q.Get("status")) {
					data = append(data, s)
				}
			}
			reply(map[string]any{"object": "list", "url": "/v1/checkout/sessions", "has_more": false, "data": data})
		case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/v1/checkout/sessions/") && strings.HasSuffix(r.URL.Path, "/expire"):
			id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v1/checkout/sessions/"), "/expire")
			for _, s := range f.sessions {
				if s["id"] == id && s["status"] == "open" && f.paidMeanwhile {
					f.paidMeanwhile = false
					pay(s, "active")
				}
				if s["id"] == id && s["status"] == "open" {
					s["status"], s["url"] = "expired", nil
					reply(s)
					return
				}
			}
			w.WriteHeader(http.StatusBadRequest)
			reply(map[string]any{"error": map[string]any{"type": "invalid_request_error", "message": "Only open Checkout Sessions can be expired."}})
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/checkout/sessions/"):
			for _, s := range f.sessions {
				if s["id"] == strings.TrimPrefix(r.URL.Path, "/v1/checkout/sessions/") {
					reply(s)
					return
				}
			}
			w.WriteHeader(http.StatusNotFound)
			reply(map[string]any{"error": map[string]any{"type": "invalid_request_error", "message": "No such checkout.session"}})
		default:
			mock.ServeHTTP(w, r)
		}
	})
}

// portalCustomer reads a portal session request's customer, leaving the
// body to be read again (by stripe-mock).
func portalCustomer(r *http.Request) string {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	return form.Get("customer")
}

// deleteCustomer deletes the customer id as the Dashboard does: its open
// sessions expire.
func (f *fakeCheckout) deleteCustomer(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.customers[id] = true
	for _, s := range f.sessions {
		if s["customer"] == id && s["status"] == "open" {
			s["status"], s["url"] = "expired", nil
		}
	}
}

// last is the session created last.
func (f *fakeCheckout) last() map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions[len(f.sessions)-1]
}

// open counts the open sessions by package code, and lists their URLs.
func (f *fakeCheckout) open() (byPackage map[string]int, urls []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	byPackage = map[string]int{}
	for _, s := range f.sessions {
		if s["status"] == "open" {
			byPackage[s["metadata"].(map[string]string)["package_code"]]++
			urls = append(urls, s["url"].(string))
		}
	}
	return byPackage, urls
}

// TestCheckoutOneOpenSession: one tenant has at most one Checkout session
// that can be paid. Two left open (two tabs, a second package chosen
// before the first was paid) could both be paid, and Stripe would bill
// both subscriptions while one of them was ignored.
func TestCheckoutOneOpenSession(t *testing.T) {
	t.Parallel()
	fake, env := fakeStripe(t)
	tb := setupWith(t, env)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	tb.MustPricePackage(t, "starter", "price_starter_test")
	admin := tb.MustSignup(t, "onecheckout")
	checkout := func(code string) string {
		t.Helper()
		rec := tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": code})
		wantStatus(t, rec, http.StatusOK)
		return decode[URLResponse](t, rec).URL
	}
	want := func(step string, wantOpen map[string]int, wantURL string) {
		t.Helper()
		got, urls := fake.open()
		if fmt.Sprint(got) != fmt.Sprint(wantOpen) || len(urls) != 1 || urls[0] != wantURL {
			t.Fatalf("%s: open sessions %v %v, want %v at %s", step, got, urls, wantOpen, wantURL)
		}
	}

	first := checkout("pro")
	want("first", map[string]int{"pro": 1}, first)
	// A second click, or a second tab, on the same package: the same page.
	if again := checkout("pro"); again != first {
		t.Fatalf("second click opened %s, want %s again", again, first)
	}
	want("second click", map[string]int{"pro": 1}, first)
	// Another package: the first page can no longer be paid.
	other := checkout("starter")
	if other == first {
		t.Fatal("starter reused the pro session")
	}
	want("other package", map[string]int{"starter": 1}, other)

	// Tabs at once: one session between them. A tab that asks while
	// another's request is at Stripe is told to try again (409
	// checkout-in-progress); those that go on answer one page.
	recs := make([]*httptest.ResponseRecorder, 4)
	codes := tb.race(t, len(recs), func(i int) int {
		recs[i] = tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "pro"})
		return recs[i].Code
	})
	if codes[http.StatusOK] == 0 || codes[http.StatusOK]+codes[http.StatusConflict] != len(recs) {
		t.Fatalf("tabs at once answered %v", codes)
	}
	urls := map[string]bool{}
	for _, rec := range recs {
		if rec.Code == http.StatusConflict {
			if p := decodeProblem(t, rec); p["type"] != "checkout-in-progress" {
				t.Fatalf("tabs at once: %v", p)
			}
			continue
		}
		urls[decode[URLResponse](t, rec).URL] = true
	}
	if len(urls) != 1 {
		t.Fatalf("tabs at once opened %v, want one page", urls)
	}
	var tabs string
	for u := range urls {
		tabs = u
	}
	want("tabs at once", map[string]int{"pro": 1}, tabs)

	// Starter is chosen in another tab just after the pro page was paid:
	// the pro session can no longer be expired, and its subscription runs.
	fake.mu.Lock()
	fake.paidMeanwhile = true
	fake.mu.Unlock()
	rec := tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "starter"})
	wantStatus(t, rec, http.StatusConflict)
	if p := decodeProblem(t, rec); p["type"] != "subscription-exists" {
		t.Fatalf("paid meanwhile: %v", p)
	}
	// Paid, and Stripe's webhook has not come yet: still no second checkout.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "pro"}), http.StatusConflict)
	if open, _ := fake.open(); len(open) != 0 {
		t.Fatalf("open sessions %v after a paid one", open)
	}
	// Once that subscription has ended, checkout opens again.
	fake.mu.Lock()
	for _, s := range fake.sessions {
		if s["status"] == "complete" {
			s["subscription"].(map[string]any)["status"] = "canceled"
		}
	}
	fake.mu.Unlock()
	again := checkout("starter")
	want("after the paid one ended", map[string]int{"starter": 1}, again)
	if fake.last()["url"] != again {
		t.Fatal("no new session after the paid one ended")
	}
}

// TestCheckoutNewPriceOpensNewSession: a package given a new Stripe price
// while a session at its old price is open (staff changed the price) is
// bought at the new one: the next click opens a session at it and expires
// the old page, which would still charge the old price.
func TestCheckoutNewPriceOpensNewSession(t *testing.T) {
	t.Parallel()
	fake, env := fakeStripe(t)
	tb := setupWith(t, env)
	code := "newprice-" + idTail(uuid.NewString())
	oldPrice, newPrice := "price_"+code+"_old", "price_"+code+"_new"
	pkg := billing.Package{ID: uuid.Must(uuid.NewV7()), Code: code, Name: code, Currency: "usd", PriceCents: 1000,
		StripePriceID: &oldPrice, MaxUsers: 5, SearchesPerMonth: 100, MaxContactsPerQuery: 50, ImportRowsPerMonth: 100,
		MaxConcurrentJobs: 1, CRMPushesPerMonth: 10, MaxImportFileBytes: 1 << 20, Active: true}
	if err := tb.db.Gorm.Create(&pkg).Error; err != nil {
		t.Fatal(err)
	}
	admin := tb.MustSignup(t, "newprice")
	checkout := func() string {
		t.Helper()
		rec := tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": code})
		wantStatus(t, rec, http.StatusOK)
		return decode[URLResponse](t, rec).URL
	}
	first := checkout()
	if err := tb.db.Gorm.Exec(`UPDATE packages SET stripe_price_id = ? WHERE id = ?`, newPrice, pkg.ID).Error; err != nil {
		t.Fatal(err)
	}
	again := checkout()
	if again == first {
		t.Fatalf("the click after the price changed reopened the page at the old price %s", first)
	}
	if price := fake.last()["metadata"].(map[string]string)["price_id"]; price != newPrice {
		t.Fatalf("new session at price %s, want %s", price, newPrice)
	}
	if open, urls := fake.open(); open[code] != 1 || len(urls) != 1 || urls[0] != again {
		t.Fatalf("open sessions %v %v, want only %s", open, urls, again)
	}
}
