package billing

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v76"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/billing/stripemock"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestStripeErr: what a failed Stripe call tells the tenant. A request
// Stripe refused (4xx) is ours to fix: a 500, logged, that retrying does
// not help. Stripe failing, out of reach (5xx, no answer) or limiting our
// rate (429) is a 503 asking to try again in a moment; the rate limit was
// a 500.
func TestStripeErr(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		err  error
		want string
	}{
		"BadRequest":          {&stripe.Error{HTTPStatusCode: 400}, apperr.EINTERNAL},
		"NotFound":            {&stripe.Error{HTTPStatusCode: 404, Code: stripe.ErrorCodeResourceMissing}, apperr.EINTERNAL},
		"LastClientStatus":    {&stripe.Error{HTTPStatusCode: 499}, apperr.EINTERNAL},
		"Wrapped":             {fmt.Errorf("call: %w", &stripe.Error{HTTPStatusCode: 402}), apperr.EINTERNAL},
		"ServerError":         {&stripe.Error{HTTPStatusCode: 500}, apperr.EUNAVAILABLE},
		"LastRedirectStatus":  {&stripe.Error{HTTPStatusCode: 399}, apperr.EUNAVAILABLE},
		"Unreachable":         {errors.New("dial tcp: connection refused"), apperr.EUNAVAILABLE},
		"RateLimitedByStripe": {&stripe.Error{HTTPStatusCode: 429, Code: stripe.ErrorCodeRateLimit}, apperr.EUNAVAILABLE},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := stripeErr("create checkout session", tc.err)
			if got := apperr.Code(err); got != tc.want {
				t.Fatalf("stripeErr(%v) is %s, want %s", tc.err, got, tc.want)
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("stripeErr(%v) = %v, which does not wrap the cause", tc.err, err)
			}
		})
	}
}

// TestCustomerForConcurrentFirstCheckouts: two first checkouts of a
// tenant that both found no Stripe customer on file both create one (with
// the same idempotency key, so Stripe answers one customer), and only the
// first to store its id keeps it: the other reads the stored id and
// answers it, so both checkouts go to the one customer the tenant's
// webhooks name. stripe-mock answers each creation with a new id, so an
// answer of the second request's own creation would differ. Callers take
// turns under the checkout claim; a claim that expired lets two in.
func TestCustomerForConcurrentFirstCheckouts(t *testing.T) {
	t.Parallel()
	mockURL := stripemock.URL(t)
	// Both creations reach Stripe before either answers, so both requests
	// have read no customer on file.
	var (
		mu      sync.Mutex
		keys    []string
		bothIn  = make(chan struct{})
		proxied = httputil.NewSingleHostReverseProxy(mockURL)
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/customers" {
			mu.Lock()
			keys = append(keys, r.Header.Get("Idempotency-Key"))
			if len(keys) == 2 {
				close(bothIn)
			}
			mu.Unlock()
			select {
			case <-bothIn:
			case <-time.After(10 * time.Second):
			}
		}
		proxied.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	d := dbtest.Shared(t)
	svc := NewService(d.Gorm).WithStripe(StripeOpts{SecretKey: "sk_test_123", APIBase: srv.URL})
	tenant := uuid.Must(uuid.NewV7())
	if err := d.Gorm.Exec(`INSERT INTO tenants (id, name) VALUES (?, 'Customer race')`, tenant).Error; err != nil {
		t.Fatal(err)
	}
	ids, errs := make([]string, 2), make([]error, 2)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = svc.customerFor(t.Context(), tenant)
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("customerFor: %v, %v", errs[0], errs[1])
	}
	mu.Lock()
	defer mu.Unlock()
	if want := "customer-" + tenant.String(); len(keys) != 2 || keys[0] != want || keys[1] != want {
		t.Fatalf("creations sent with idempotency keys %q, want two with %s (one customer at Stripe)", keys, want)
	}
	var stored string
	var created int64
	if err := d.Gorm.Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, tenant).Scan(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.Raw(`SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'billing.customer_created'`,
		tenant).Scan(&created).Error; err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored, "cus_") || ids[0] != stored || ids[1] != stored {
		t.Fatalf("the checkouts answered customers %s and %s, the tenant has %q on file: want both the stored one", ids[0], ids[1], stored)
	}
	if created != 1 {
		t.Fatalf("%d billing.customer_created audit events, want 1 (the customer stored)", created)
	}
}

// TestReleaseCheckoutLeavesAClaimTakenOver: a request whose claim expired
// and was taken over by another gives back nothing when it ends (a slow
// Stripe, a request stopped in a debugger): the claim of the request that
// took it over holds until that one gives it back, so a third cannot open
// a checkout beside it.
func TestReleaseCheckoutLeavesAClaimTakenOver(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := t.Context()
	now := t0
	tb.svc.WithClock(func() time.Time { return now })
	first, err := tb.svc.claimCheckout(ctx, tb.tenant)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(CheckoutClaimTTL)
	second, err := tb.svc.claimCheckout(ctx, tb.tenant)
	if err != nil {
		t.Fatalf("an expired claim was not taken over: %v", err)
	}
	if err := tb.svc.releaseCheckout(ctx, tb.tenant, first); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.svc.claimCheckout(ctx, tb.tenant); !errors.Is(err, errCheckoutInProgress) {
		t.Fatalf("claim after the first request gave back its expired claim: %v, want checkout-in-progress", err)
	}
	if err := tb.svc.releaseCheckout(ctx, tb.tenant, second); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.svc.claimCheckout(ctx, tb.tenant); err != nil {
		t.Fatalf("claim after the second request gave its claim back: %v", err)
	}
}

// TestCheckoutSessionRefusesPackage: only an active paid package with a
// Stripe price can be bought online: a free one (no price, even with a
// Stripe price set), a retired one, one without a Stripe price or an
// unknown code is refused (EINVALID) before anything is claimed or asked
// of Stripe. The Stripe base points nowhere: a checkout that went on would
// fail otherwise.
func TestCheckoutSessionRefusesPackage(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string]func(*Package){
		"ErrFreeWithStripePrice": func(p *Package) { p.PriceCents = 0 },
		"ErrRetired":             func(p *Package) { p.Active = false },
		"ErrNoStripePrice":       func(p *Package) { p.StripePriceID = nil },
		"ErrUnknownCode":         func(p *Package) { p.Code += "-unknown" },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			svc := NewService(tb.db).WithStripe(StripeOpts{SecretKey: "sk_test_123", APIBase: "http://127.0.0.1:1"})
			p := tb.pro
			edit(&p)
			if p.Code == tb.pro.Code {
				if err := tb.db.Select("price_cents", "active", "stripe_price_id").Save(&p).Error; err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.CheckoutSession(t.Context(), tb.tenant, p.Code); !apperr.Is(err, apperr.EINVALID) {
				t.Fatalf("CheckoutSession = %v, want EINVALID", err)
			}
			var claims int64
			if err := tb.db.Raw(`SELECT count(*) FROM checkout_claims WHERE tenant_id = ?`, tb.tenant).Scan(&claims).Error; err != nil || claims != 0 {
				t.Fatalf("%d claims left (%v)", claims, err)
			}
		})
	}
}

// recordedStripe is stripe-mock behind a proxy that keeps the form of each
// POST, by path, for tests that check what was asked of Stripe.
type recordedStripe struct {
	mu    sync.Mutex
	posts map[string][]url.Values
	// missing are customer ids Stripe does not know (another account or
	// mode): their GET answers 404 resource_missing, where stripe-mock
	// answers any id.
	missing map[string]bool
}

// newRecordedStripe returns the proxy and a service that calls Stripe
// through it, with the SPA at https://contacts.example.test.
func newRecordedStripe(t *testing.T, d *gorm.DB) (*recordedStripe, *Service) {
	t.Helper()
	mockURL := stripemock.URL(t)
	rs, proxied := &recordedStripe{posts: map[string][]url.Values{}, missing: map[string]bool{}}, httputil.NewSingleHostReverseProxy(mockURL)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		missing := r.Method == http.MethodGet && rs.missing[strings.TrimPrefix(r.URL.Path, "/v1/customers/")]
		rs.mu.Unlock()
		if missing {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error": {"type": "invalid_request_error", "code": "resource_missing", "message": "No such customer"}}`)
			return
		}
		if r.Method == http.MethodPost {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			rs.mu.Lock()
			rs.posts[r.URL.Path] = append(rs.posts[r.URL.Path], form)
			rs.mu.Unlock()
		}
		proxied.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return rs, NewService(d).WithStripe(StripeOpts{SecretKey: "sk_test_123", APIBase: srv.URL, PublicURL: "https://contacts.example.test/"})
}

// sent returns the forms POSTed to path so far.
func (rs *recordedStripe) sent(path string) []url.Values {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return slices.Clone(rs.posts[path])
}

// TestPortalSession: the portal opens for the tenant's own Stripe customer
// and comes back to the SPA's billing page. A tenant with no customer yet
// is told to choose a paid package first (ECONFLICT) without a word to
// Stripe; a Stripe out of reach is a 503 to try again (EUNAVAILABLE), not
// a 500.
func TestPortalSession(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	rs, svc := newRecordedStripe(t, tb.db)
	ctx := t.Context()
	if u, err := svc.PortalSession(ctx, tb.tenant); err != nil || u == "" {
		t.Fatalf("PortalSession = %q, %v", u, err)
	}
	if sent := rs.sent("/v1/billing_portal/sessions"); len(sent) != 1 || sent[0].Get("customer") != tb.customer ||
		sent[0].Get("return_url") != "https://contacts.example.test/billing" {
		t.Fatalf("portal sessions asked for %v, want one for %s returning to https://contacts.example.test/billing", sent, tb.customer)
	}
	none := uuid.Must(uuid.NewV7())
	tb.mustExec(t, `INSERT INTO tenants (id, name) VALUES (?, 'No customer yet')`, none)
	if _, err := svc.PortalSession(ctx, none); !apperr.Is(err, apperr.ECONFLICT) {
		t.Fatalf("PortalSession of a tenant without a customer = %v, want ECONFLICT", err)
	}
	if sent := rs.sent("/v1/billing_portal/sessions"); len(sent) != 1 {
		t.Fatalf("Stripe was asked for %d portal sessions, want 1 (none for a tenant without a customer)", len(sent))
	}
	unreachable := NewService(tb.db).WithStripe(StripeOpts{SecretKey: "sk_test_123", APIBase: "http://127.0.0.1:1"})
	if _, err := unreachable.PortalSession(ctx, tb.tenant); !apperr.Is(err, apperr.EUNAVAILABLE) {
		t.Fatalf("PortalSession with Stripe out of reach = %v, want EUNAVAILABLE", err)
	}
	if _, err := NewService(tb.db).PortalSession(ctx, tb.tenant); !errors.Is(err, errNotConfigured) {
		t.Fatalf("PortalSession without Stripe = %v, want billing-not-configured", err)
	}
}

// TestEmptyCustomerIDIsNone: a Stripe customer id cleared to an empty
// string by hand (support's fix for a customer deleted at Stripe, before
// customerFor replaced one) is no customer: the tenant has no billing
// account, its portal is refused (ECONFLICT) without asking Stripe, and
// its next checkout creates a customer and stores it. The column is
// unique, so one test of the package's holds an empty id.
func TestEmptyCustomerIDIsNone(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	rs, svc := newRecordedStripe(t, tb.db)
	ctx := t.Context()
	tenant := uuid.Must(uuid.NewV7())
	tb.mustExec(t, `INSERT INTO tenants (id, name, stripe_customer_id) VALUES (?, 'Cleared', '')`, tenant)
	if has, err := svc.HasCustomer(ctx, tenant); err != nil || has {
		t.Fatalf("HasCustomer = %v, %v; want false", has, err)
	}
	if _, err := svc.PortalSession(ctx, tenant); !apperr.Is(err, apperr.ECONFLICT) {
		t.Fatalf("PortalSession = %v, want ECONFLICT", err)
	}
	if sent := rs.sent("/v1/billing_portal/sessions"); len(sent) != 0 {
		t.Fatalf("Stripe was asked for a portal session of an empty customer id: %v", sent)
	}
	id, err := svc.customerFor(ctx, tenant)
	if err != nil || !strings.HasPrefix(id, "cus_") {
		t.Fatalf("customerFor = %q, %v; want a new customer", id, err)
	}
	var stored string
	if err := tb.db.Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, tenant).Scan(&stored).Error; err != nil || stored != id {
		t.Fatalf("customer %s stored as %q (%v)", id, stored, err)
	}
	if has, err := svc.HasCustomer(ctx, tenant); err != nil || !has {
		t.Fatalf("HasCustomer after the checkout = %v, %v; want true", has, err)
	}
}

// TestCustomerForCreates: a tenant's first customer is created at Stripe
// under the tenant's name with its id in the metadata (how an operator in
// the Dashboard finds the tenant), stored and audited. A tenant that does
// not exist gets ENOTFOUND and no customer.
func TestCustomerForCreates(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	rs, svc := newRecordedStripe(t, tb.db)
	ctx := t.Context()
	tenant := uuid.Must(uuid.NewV7())
	tb.mustExec(t, `INSERT INTO tenants (id, name) VALUES (?, 'Acme Widgets')`, tenant)
	id, err := svc.customerFor(ctx, tenant)
	if err != nil || !strings.HasPrefix(id, "cus_") {
		t.Fatalf("customerFor = %q, %v", id, err)
	}
	var stored string
	var audited int64
	if err := tb.db.Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, tenant).Scan(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if err := tb.db.Raw(`SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'billing.customer_created'
		AND data->>'stripe_customer_id' = ? AND data->>'replaced_stripe_customer_id' IS NULL`, tenant, id).Scan(&audited).Error; err != nil {
		t.Fatal(err)
	}
	if stored != id || audited != 1 {
		t.Fatalf("customer %s stored as %q, audited %d times; want stored and audited once", id, stored, audited)
	}
	if sent := rs.sent("/v1/customers"); len(sent) != 1 || sent[0].Get("name") != "Acme Widgets" || sent[0].Get("metadata[tenant_id]") != tenant.String() {
		t.Fatalf("customers created %v, want one named Acme Widgets with metadata[tenant_id] %s", sent, tenant)
	}
	if id, err := svc.customerFor(ctx, uuid.Must(uuid.NewV7())); !apperr.Is(err, apperr.ENOTFOUND) {
		t.Fatalf("customerFor of no tenant = %q, %v; want ENOTFOUND", id, err)
	}
	if sent := rs.sent("/v1/customers"); len(sent) != 1 {
		t.Fatalf("%d customers created, want 1 (none for no tenant)", len(sent))
	}
}

// TestCustomerForReplacesMissing: a stored customer Stripe does not know
// (404 resource_missing: an id of another Stripe account or mode, or one
// deleted long ago) is replaced by a new customer, created under an
// idempotency key of its own, stored, and audited with the one it
// replaced; it was a 500 on every checkout until support cleared the id.
func TestCustomerForReplacesMissing(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	rs, svc := newRecordedStripe(t, tb.db)
	rs.mu.Lock()
	rs.missing[tb.customer] = true
	rs.mu.Unlock()
	id, err := svc.customerFor(t.Context(), tb.tenant)
	if err != nil || !strings.HasPrefix(id, "cus_") || id == tb.customer {
		t.Fatalf("customerFor = %q, %v; want a new customer in place of %s", id, err, tb.customer)
	}
	var stored string
	var audited int64
	if err := tb.db.Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, tb.tenant).Scan(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if err := tb.db.Raw(`SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'billing.customer_created'
		AND data->>'stripe_customer_id' = ? AND data->>'replaced_stripe_customer_id' = ?`, tb.tenant, id, tb.customer).Scan(&audited).Error; err != nil {
		t.Fatal(err)
	}
	if stored != id || audited != 1 {
		t.Fatalf("customer %s stored as %q, audited %d times as replacing %s", id, stored, audited, tb.customer)
	}
}
