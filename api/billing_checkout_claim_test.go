package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/billing/stripemock"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// fakeStripe starts a fakeCheckout in front of stripe-mock and returns it
// with the server's environment pointing at it.
func fakeStripe(t *testing.T) (*fakeCheckout, map[string]string) {
	t.Helper()
	mockURL := stripemock.URL(t)
	fake := &fakeCheckout{}
	srv := httptest.NewServer(fake.serve(httputil.NewSingleHostReverseProxy(mockURL)))
	t.Cleanup(srv.Close)
	return fake, map[string]string{"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_API_BASE": srv.URL,
		"STRIPE_WEBHOOK_SECRET": testWebhookSecret, "PUBLIC_URL": "https://contacts.example.test"}
}

// TestCheckoutHoldsNoConnectionAtStripe: a checkout holds no pooled
// connection (nor a transaction, nor a lock) while Stripe answers, so a
// slow Stripe cannot take the pool from every other request; it used to
// hold one for the whole round trip (an advisory lock in a transaction,
// and the tenant's row while the customer was created). A second
// checkout of the tenant's meanwhile is refused (409 checkout-in-progress)
// instead of waiting, and the claim is given back when the first ends.
func TestCheckoutHoldsNoConnectionAtStripe(t *testing.T) {
	t.Parallel()
	fake, env := fakeStripe(t)
	_, dsn := dbtest.Fresh(t)
	// One connection: a request that kept it while at Stripe leaves none
	// for anyone else.
	d, err := db.Open(t.Context(), dsn, db.OpenOpts{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	env["DB_ACQUIRE_TIMEOUT"] = "2s"
	tb := serverOn(t, d, env, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "slowstripe")

	entered, release, stop := make(chan string), make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(stop) }) // a failed test lets Stripe answer, so the fake can close
	fake.mu.Lock()
	fake.hold = func(r *http.Request) {
		if r.Method == http.MethodPost && (r.URL.Path == "/v1/customers" || r.URL.Path == "/v1/checkout/sessions") {
			select {
			case entered <- r.URL.Path:
			case <-stop:
				return
			}
			select {
			case <-release:
			case <-stop:
			}
		}
	}
	fake.mu.Unlock()
	first := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		first <- tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "pro"})
	}()
	for _, at := range []string{"/v1/customers", "/v1/checkout/sessions"} {
		select {
		case got := <-entered:
			if got != at {
				t.Fatalf("Stripe was called at %s, want %s", got, at)
			}
		case rec := <-first:
			t.Fatalf("the checkout answered %d before calling Stripe at %s: %s", rec.Code, at, rec.Body)
		}
		// The first checkout waits for Stripe at at: others are answered.
		rec := answerWithin(t, 10*time.Second, func() *httptest.ResponseRecorder {
			return tb.req(t, http.MethodGet, "/api/v1/billing/subscription", admin.token, nil)
		})
		if rec.Code != http.StatusOK {
			t.Fatalf("while a checkout waits for Stripe at %s, the billing page answered %d: %s", at, rec.Code, rec.Body)
		}
		rec = answerWithin(t, 10*time.Second, func() *httptest.ResponseRecorder {
			return tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "pro"})
		})
		wantStatus(t, rec, http.StatusConflict)
		if p := decodeProblem(t, rec); p["type"] != "checkout-in-progress" {
			t.Fatalf("a second checkout while the first waits for Stripe at %s: %v", at, p)
		}
		release <- struct{}{}
	}
	fake.mu.Lock()
	fake.hold = nil
	fake.mu.Unlock()
	rec := <-first
	wantStatus(t, rec, http.StatusOK)
	url := decode[URLResponse](t, rec).URL
	// The claim was given back: the next click answers the same page.
	rec = tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "pro"})
	wantStatus(t, rec, http.StatusOK)
	if again := decode[URLResponse](t, rec).URL; again != url {
		t.Fatalf("the next click opened %s, want %s", again, url)
	}
	if open, urls := fake.open(); open["pro"] != 1 || len(urls) != 1 {
		t.Fatalf("open sessions %v %v, want one", open, urls)
	}
}

// TestCheckoutClaimExpires: a request that died between claiming the
// tenant's checkout and giving the claim back (a crash, a lost database)
// closes the tenant's checkout until the claim expires
// (billing.CheckoutClaimTTL), not for ever.
func TestCheckoutClaimExpires(t *testing.T) {
	t.Parallel()
	fake, env := fakeStripe(t)
	tb := setupWith(t, env)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	clock := &testClock{}
	start := time.Now().UTC()
	clock.Set(start)
	tb.srv.svc.Billing.WithClock(clock.Now)
	admin := tb.MustSignup(t, "crashedclaim")
	tenantID := uuid.MustParse(admin.tenantID)
	// As a request that crashed at Stripe left it.
	if err := tb.db.Gorm.Exec(`INSERT INTO checkout_claims (tenant_id, claim_id, expires_at) VALUES (?, ?, ?)`,
		tenantID, uuid.Must(uuid.NewV7()), start.Add(billing.CheckoutClaimTTL)).Error; err != nil {
		t.Fatal(err)
	}
	checkout := func() *httptest.ResponseRecorder {
		return tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "pro"})
	}
	for _, at := range []time.Duration{0, billing.CheckoutClaimTTL - time.Second} {
		clock.Set(start.Add(at))
		rec := checkout()
		wantStatus(t, rec, http.StatusConflict)
		if p := decodeProblem(t, rec); p["type"] != "checkout-in-progress" {
			t.Fatalf("%s after the crash: %v", at, p)
		}
	}
	if open, _ := fake.open(); len(open) != 0 {
		t.Fatalf("sessions %v opened under another's claim", open)
	}
	clock.Set(start.Add(billing.CheckoutClaimTTL))
	wantStatus(t, checkout(), http.StatusOK)
	var left int64
	if err := tb.db.Gorm.Raw(`SELECT count(*) FROM checkout_claims WHERE tenant_id = ?`, tenantID).Scan(&left).Error; err != nil || left != 0 {
		t.Fatalf("%d claims left after the checkout (%v)", left, err)
	}
	wantStatus(t, checkout(), http.StatusOK)
}

// TestCheckoutCustomerDeletedAtStripe: a tenant whose Stripe customer was
// deleted (in the Dashboard, or an id of another Stripe account or mode)
// gets a new customer at its next checkout. Stripe refuses a checkout for a
// deleted customer, and every checkout of the tenant's failed (500) until
// support cleared the stored id by hand; so did the portal, which now
// says the account was closed (409).
func TestCheckoutCustomerDeletedAtStripe(t *testing.T) {
	t.Parallel()
	fake, env := fakeStripe(t)
	tb := setupWith(t, env)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "deletedcustomer")
	customerOf := func() string {
		t.Helper()
		var id *string
		if err := tb.db.Gorm.Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, admin.tenantID).Scan(&id).Error; err != nil || id == nil {
			t.Fatalf("customer: %v %v", id, err)
		}
		return *id
	}
	checkout := func() string {
		t.Helper()
		rec := tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "pro"})
		wantStatus(t, rec, http.StatusOK)
		return decode[URLResponse](t, rec).URL
	}
	first := checkout()
	gone := customerOf()
	if again := checkout(); again != first || customerOf() != gone {
		t.Fatalf("a second click opened %s for %s, want %s for %s", again, customerOf(), first, gone)
	}
	fake.deleteCustomer(gone)
	// Until then the portal says so (its customer is gone), not 500.
	rec := tb.req(t, http.MethodPost, "/api/v1/billing/portal-session", admin.token, nil)
	wantStatus(t, rec, http.StatusConflict)
	if p := decodeProblem(t, rec); p["code"] != "conflict" {
		t.Fatalf("portal of a deleted customer: %v", p)
	}
	if url := checkout(); url == first {
		t.Fatalf("the deleted customer's page %s was answered", url)
	}
	now := customerOf()
	if now == gone {
		t.Fatalf("the tenant keeps the deleted customer %s", gone)
	}
	if fake.last()["customer"] != now {
		t.Fatalf("the page is for %v, want %s", fake.last()["customer"], now)
	}
	var replaced int64
	if err := tb.db.Gorm.Raw(`SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'billing.customer_created'
		AND data->>'stripe_customer_id' = ? AND data->>'replaced_stripe_customer_id' = ?`, admin.tenantID, now, gone).Scan(&replaced).Error; err != nil || replaced != 1 {
		t.Fatalf("%d audit events of the replacement (%v)", replaced, err)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/billing/portal-session", admin.token, nil), http.StatusOK)
}
