package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/onecloudai/contacts/internal/billing/stripemock"
)

const testWebhookSecret = "whsec_test_secret"

// setupStripe is a bundle whose billing talks to stripe-mock (started by
// make test; STRIPE_MOCK_URL names it).
func setupStripe(t *testing.T) *testBundle {
	t.Helper()
	base := stripemock.URL(t).String()
	return setupWith(t, map[string]string{"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_API_BASE": base,
		"STRIPE_WEBHOOK_SECRET": testWebhookSecret, "PUBLIC_URL": "https://contacts.example.test"})
}

// MustPricePackage gives a package a Stripe price id (once per DB).
func (tb *testBundle) MustPricePackage(t testing.TB, code, price string) {
	t.Helper()
	if err := tb.db.Gorm.Exec(`UPDATE packages SET stripe_price_id = ? WHERE code = ? AND stripe_price_id IS NULL`, price, code).Error; err != nil {
		t.Fatal(err)
	}
}

// webhookReq posts a Stripe event signed with secret at ts.
func (tb *testBundle) webhookReq(t testing.TB, event map[string]any, secret string, ts time.Time) *httptest.ResponseRecorder {
	t.Helper()
	payload, _ := json.Marshal(event)
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: ts})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/billing/stripe/webhook", strings.NewReader(string(payload)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	return tb.serve(t, req)
}

// idTail is the random end of a UUIDv7 (its start is the creation time, which
// tenants made in the same minute share), for Stripe ids unique per tenant.
func idTail(id string) string { return id[len(id)-12:] }

func subEvent(typ string, created time.Time, tenantID, subID, status string, cancelAtEnd bool) map[string]any {
	return map[string]any{
		"id": "evt_" + uuid.NewString()[:12], "object": "event", "type": typ, "created": created.Unix(), "api_version": "2023-10-16",
		"data": map[string]any{"object": map[string]any{
			"id": subID, "object": "subscription", "status": status, "customer": "cus_" + idTail(tenantID),
			"cancel_at_period_end": cancelAtEnd, "current_period_start": created.Unix(), "current_period_end": created.Add(30 * 24 * time.Hour).Unix(),
			"metadata": map[string]string{"tenant_id": tenantID, "package_code": "pro"},
			"items":    map[string]any{"object": "list", "data": []any{map[string]any{"id": "si_1", "price": map[string]any{"id": "price_pro_test"}}}},
		}},
	}
}

func invoiceEvent(typ string, created time.Time, tenantID, subID string) map[string]any {
	return map[string]any{
		"id": "evt_" + uuid.NewString()[:12], "object": "event", "type": typ, "created": created.Unix(),
		"data": map[string]any{"object": map[string]any{"id": "in_" + uuid.NewString()[:8], "object": "invoice",
			"customer": "cus_" + idTail(tenantID), "subscription": subID}},
	}
}

func (tb *testBundle) usage(t testing.TB, s session) UsageResponse {
	t.Helper()
	return decode[UsageResponse](t, tb.req(t, http.MethodGet, "/api/v1/tenant/usage", s.token, nil))
}

func TestBillingNotConfigured(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "nobill")
	for _, path := range []string{"/api/v1/billing/checkout-session", "/api/v1/billing/portal-session"} {
		rec := tb.req(t, http.MethodPost, path, admin.token, map[string]string{"package_code": "pro"})
		if path == "/api/v1/billing/portal-session" {
			rec = tb.req(t, http.MethodPost, path, admin.token, nil)
		}
		wantStatus(t, rec, http.StatusServiceUnavailable)
		if decodeProblem(t, rec)["type"] != "billing-not-configured" {
			t.Fatalf("%s: want billing-not-configured", path)
		}
	}
	b := decode[BillingResponse](t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", admin.token, nil))
	if b.StripeConfigured || b.Usage.Package.Code != "free" {
		t.Fatalf("billing %+v", b)
	}
	// The webhook without a secret is unavailable, not accepted.
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.updated", time.Now(), admin.tenantID, "sub_x", "active", false), "whatever", time.Now()), 503)
}

func TestCheckoutAndPortal(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "checkout")
	member := tb.MustJoin(t, admin, "member")

	rec := tb.req(t, http.MethodPost, "/api/v1/billing/portal-session", admin.token, nil)
	wantStatus(t, rec, http.StatusConflict)
	tests := []struct {
		name       string
		token      string
		body       any
		wantStatus int
	}{
		{"ErrForbiddenMember", member.token, map[string]string{"package_code": "pro"}, 403},
		{"ErrFreePackage", admin.token, map[string]string{"package_code": "free"}, 422},
		{"ErrUnpricedPackage", admin.token, map[string]string{"package_code": "enterprise"}, 422},
		{"ErrUnknownPackage", admin.token, map[string]string{"package_code": "gold"}, 422},
		{"ErrUnauthenticated", "", map[string]string{"package_code": "pro"}, 401},
		{"OK", admin.token, map[string]string{"package_code": "pro"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", tt.token, tt.body)
			wantStatus(t, rec, tt.wantStatus)
			if tt.wantStatus == 200 && !strings.HasPrefix(decode[URLResponse](t, rec).URL, "https://checkout.stripe.com/") {
				t.Fatalf("checkout url %s", rec.Body.String())
			}
		})
	}
	// Checkout created the customer once; the portal opens now; nothing was activated.
	var customer string
	tb.db.Gorm.Raw(`SELECT coalesce(stripe_customer_id, '') FROM tenants WHERE id = ?`, admin.tenantID).Scan(&customer)
	if customer == "" {
		t.Fatal("no Stripe customer stored")
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/billing/portal-session", admin.token, nil), 200)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/billing/portal-session", member.token, nil), 403)
	if u := tb.usage(t, admin); u.Package.Code != "free" {
		t.Fatalf("checkout alone activated %s", u.Package.Code)
	}
	// Visiting the success URL is a SPA page: it changes nothing either.
	tb.req(t, http.MethodGet, "/billing?checkout=success&session_id=cs_test_forged", "", nil)
	if u := tb.usage(t, admin); u.Package.Code != "free" {
		t.Fatal("success URL activated a package")
	}
}

func TestStripeWebhook(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "hook")
	tid := admin.tenantID
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	sub := "sub_" + idTail(tid)

	// Forged (another secret) and stale signatures: 400, no effect.
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.created", t0, tid, sub, "active", false), "whsec_forged", time.Now()), 400)
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.created", t0, tid, sub, "active", false), testWebhookSecret, time.Now().Add(-10*time.Minute)), 400)
	if tb.usage(t, admin).Package.Code != "free" {
		t.Fatal("a forged or stale webhook changed the plan")
	}

	// Out of order: updated (t0+2) arrives before created (t0+1).
	updated := subEvent("customer.subscription.updated", t0.Add(2*time.Second), tid, sub, "active", true)
	wantStatus(t, tb.webhookReq(t, updated, testWebhookSecret, time.Now()), 200)
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.created", t0.Add(1*time.Second), tid, sub, "incomplete", false), testWebhookSecret, time.Now()), 200)
	u := tb.usage(t, admin)
	if u.Package.Code != "pro" || u.Subscription.Status != "active" || !u.Subscription.CancelAtPeriodEnd || u.Subscription.Source != "stripe" {
		t.Fatalf("after updated-before-created: %+v %+v", u.Package.Code, u.Subscription)
	}
	// A duplicate delivery of the same event id: 200, no second effect:
	// no audit event, and the stored event is not handled again (its
	// outcome and the time it was processed stay the first delivery's).
	type storedEvent struct {
		Outcome     string
		ProcessedAt time.Time
	}
	stored := func() storedEvent {
		t.Helper()
		var e storedEvent
		if err := tb.db.Gorm.Raw(`SELECT outcome, processed_at FROM stripe_events WHERE id = ?`, updated["id"]).Scan(&e).Error; err != nil {
			t.Fatal(err)
		}
		return e
	}
	var before, after int64
	tb.db.Gorm.Table("audit_events").Where("tenant_id = ? AND action = 'subscription.changed'", tid).Count(&before)
	first := stored()
	wantStatus(t, tb.webhookReq(t, updated, testWebhookSecret, time.Now()), 200)
	tb.db.Gorm.Table("audit_events").Where("tenant_id = ? AND action = 'subscription.changed'", tid).Count(&after)
	if before != after {
		t.Fatalf("duplicate delivery wrote %d more events", after-before)
	}
	if again := stored(); first.Outcome != "applied" || again.Outcome != first.Outcome || !again.ProcessedAt.Equal(first.ProcessedAt) {
		t.Fatalf("stored event after the first delivery %+v, after the duplicate %+v: want it applied once", first, again)
	}

	// Payment failed, then paid.
	wantStatus(t, tb.webhookReq(t, invoiceEvent("invoice.payment_failed", t0.Add(3*time.Second), tid, sub), testWebhookSecret, time.Now()), 200)
	if u := tb.usage(t, admin); u.Subscription.Status != "past_due" || u.Package.Code != "pro" || u.GraceEndsAt == nil {
		t.Fatalf("after payment failed: %+v", u.Subscription)
	}
	wantStatus(t, tb.webhookReq(t, invoiceEvent("invoice.paid", t0.Add(4*time.Second), tid, sub), testWebhookSecret, time.Now()), 200)
	if u := tb.usage(t, admin); u.Subscription.Status != "active" {
		t.Fatalf("after paid: %+v", u.Subscription)
	}

	// Deleted (t0+6) before an older updated (t0+5): stays canceled, back to Free limits.
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.deleted", t0.Add(6*time.Second), tid, sub, "active", false), testWebhookSecret, time.Now()), 200)
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.updated", t0.Add(5*time.Second), tid, sub, "active", false), testWebhookSecret, time.Now()), 200)
	u = tb.usage(t, admin)
	if u.Subscription.Status != "canceled" || u.Package.Code != "free" || !u.Downgraded {
		t.Fatalf("after deleted-before-updated: %s %+v", u.Package.Code, u.Subscription)
	}
	// A replayed old event under a new id is stale too.
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.updated", t0.Add(2*time.Second), tid, sub, "active", false), testWebhookSecret, time.Now()), 200)
	if tb.usage(t, admin).Package.Code != "free" {
		t.Fatal("a replayed old event reactivated the plan")
	}
	// Unknown event types are acknowledged and ignored.
	rec := tb.webhookReq(t, map[string]any{"id": "evt_unknown_" + tid[:6], "object": "event", "type": "charge.refunded", "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{"id": "ch_1"}}}, testWebhookSecret, time.Now())
	wantStatus(t, rec, 200)
	// The history shows the changes, without staff identities or IPs.
	b := decode[BillingResponse](t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", admin.token, nil))
	if len(b.History) < 3 || b.History[0].ActorLabel != "stripe" {
		t.Fatalf("history %+v", b.History)
	}
	for _, h := range b.History {
		if h.IP != "" || h.ActorID != nil || h.RequestID != "" {
			t.Fatalf("history leaks actor details: %+v", h)
		}
	}
}

func TestCheckoutCompletedJob(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "completed")
	ev := map[string]any{
		"id": "evt_cs_" + idTail(admin.tenantID), "object": "event", "type": "checkout.session.completed", "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{"id": "cs_test_1", "object": "checkout.session", "mode": "subscription",
			"client_reference_id": admin.tenantID, "customer": "cus_cs_" + idTail(admin.tenantID), "subscription": "sub_cs_" + idTail(admin.tenantID),
			"metadata": map[string]string{"tenant_id": admin.tenantID, "package_code": "pro"}}},
	}
	wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
	// The job was enqueued in the same transaction as the stored event.
	var jobs int64
	tb.db.Gorm.Table("river_job").Where("kind = 'billing.checkout_completed' AND args->>'event_id' = ?", ev["id"]).Count(&jobs)
	if jobs != 1 {
		t.Fatalf("%d jobs enqueued", jobs)
	}
	// Run it (a worker would): it reads the subscription from Stripe (stripe-mock).
	for range 2 { // idempotent
		if err := tb.srv.svc.Billing.ProcessCheckoutCompleted(context.Background(), fmt.Sprint(ev["id"])); err != nil {
			t.Fatal(err)
		}
	}
	u := tb.usage(t, admin)
	if u.Package.Code != "pro" || u.Subscription.Source != "stripe" {
		t.Fatalf("after checkout completed: %s %+v", u.Package.Code, u.Subscription)
	}
	// A second checkout while the subscription runs is refused: use the portal.
	rec := tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "pro"})
	wantStatus(t, rec, http.StatusConflict)
}

// TestRawBodyRoutesRefuseOversizedChunkedBodies: a webhook body over
// MAX_BODY_BYTES is 413 problem+json whether its size is announced
// (Content-Length) or not (chunked: the limit trips while reading).
func TestRawBodyRoutesRefuseOversizedChunkedBodies(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, map[string]string{"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": "whsec_chunked"})
	big := `{"id":"evt_` + strings.Repeat("x", 4096) + `"}`
	for _, tt := range []struct {
		name, path string
		chunked    bool
	}{
		{"ErrStripeWebhookChunked", "/api/v1/billing/stripe/webhook", true},
		{"ErrStripeWebhookContentLength", "/api/v1/billing/stripe/webhook", false},
		{"ErrCRMWebhookChunked", "/api/v1/crm/webhook", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body io.Reader = strings.NewReader(big)
			if tt.chunked {
				body = io.MultiReader(body) // no known length: sent chunked
			}
			req := httptest.NewRequest(http.MethodPost, tt.path, body)
			if tt.chunked != (req.ContentLength == -1) {
				t.Fatalf("request length %d", req.ContentLength)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Stripe-Signature", "t=1,v1=00")
			rec := tb.serve(t, req)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413; body %s", rec.Code, rec.Body.String())
			}
			if p := decodeProblem(t, rec); p["type"] != "payload-too-large" {
				t.Fatalf("problem type %v", p["type"])
			}
		})
	}
}

// TestStripeDowngradeRefusesAPIKeyAtOnce: a subscription that Stripe ends
// takes API access away on the next request, as a downgrade by platform
// staff does (TestAPIKeyPlanAndSuspension). The key's cached principal,
// which carries the package's API access, used to keep answering for
// keyCacheTTL after the webhook.
func TestStripeDowngradeRefusesAPIKeyAtOnce(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	tests := []struct {
		name  string
		event func(t0 time.Time, tid, sub string) map[string]any
	}{
		{"Deleted", func(t0 time.Time, tid, sub string) map[string]any {
			return subEvent("customer.subscription.deleted", t0.Add(time.Second), tid, sub, "active", false)
		}},
		{"Incomplete", func(t0 time.Time, tid, sub string) map[string]any {
			return subEvent("customer.subscription.updated", t0.Add(time.Second), tid, sub, "incomplete_expired", false)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			admin := tb.MustSignup(t, "hook-key-"+strings.ToLower(tt.name))
			tid, sub := admin.tenantID, "sub_"+idTail(admin.tenantID)
			t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
			wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.created", t0, tid, sub, "active", false), testWebhookSecret, time.Now()), 200)
			key := tb.MustCreateKey(t, admin, "usage:read")
			wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), http.StatusOK)

			wantStatus(t, tb.webhookReq(t, tt.event(t0, tid, sub), testWebhookSecret, time.Now()), 200)
			if u := tb.usage(t, admin); u.Package.Code != "free" {
				t.Fatalf("after the event the package is %s", u.Package.Code)
			}
			rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
			wantStatus(t, rec, http.StatusForbidden)
			if decodeProblem(t, rec)["type"] != "plan-feature-unavailable" {
				t.Fatalf("want plan-feature-unavailable: %s", rec.Body.String())
			}
		})
	}
}

// Suspension leaves billing alone (docs/OPERATIONS.md, "Suspension and
// billing"): the terms promise nothing about billing while access is
// suspended, so the Stripe subscription goes on as it was; the suspended
// tenant cannot reach its billing page or the portal, and a cancellation
// staff make at Stripe applies while it is suspended and after.
func TestSuspensionLeavesBillingAlone(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	sys := tb.MustSystemUser(t, "system_admin")
	admin := tb.MustSignup(t, "suspbill")
	tid := admin.tenantID
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	sub := "sub_" + idTail(tid)
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.created", t0, tid, sub, "active", false), testWebhookSecret, time.Now()), 200)
	row := func() AdminTenantResponse {
		t.Helper()
		l := decode[AdminTenantList](t, tb.req(t, http.MethodGet, "/api/v1/admin/tenants?q="+tid, sys.token, nil))
		if len(l.Items) != 1 {
			t.Fatalf("tenant list %+v", l)
		}
		return l.Items[0]
	}

	path := "/api/v1/admin/tenants/" + tid
	wantStatus(t, tb.req(t, http.MethodPatch, path, sys.token, map[string]string{"status": "suspended", "reason": "abuse report"}), 200)
	if r := row(); r.Status != "suspended" || r.PackageCode != "pro" || r.SubscriptionStatus != "active" || r.Downgraded {
		t.Fatalf("suspension changed the subscription: %+v", r)
	}
	for _, tt := range []struct{ name, method, path string }{
		{"ErrBillingPage", http.MethodGet, "/api/v1/billing/subscription"},
		{"ErrPortal", http.MethodPost, "/api/v1/billing/portal-session"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, tt.method, tt.path, admin.token, nil)
			wantStatus(t, rec, http.StatusForbidden)
			if decodeProblem(t, rec)["type"] != "tenant-suspended" {
				t.Fatalf("problem %s", rec.Body.String())
			}
		})
	}
	// Staff cancel the subscription in the Stripe Dashboard: its end applies
	// to the suspended tenant, which comes back on Free.
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.deleted", t0.Add(time.Second), tid, sub, "canceled", false), testWebhookSecret, time.Now()), 200)
	if r := row(); r.SubscriptionStatus != "canceled" || r.PackageCode != "free" || !r.Downgraded {
		t.Fatalf("a cancellation at Stripe did not apply to a suspended tenant: %+v", r)
	}
	wantStatus(t, tb.req(t, http.MethodPatch, path, sys.token, map[string]string{"status": "active"}), 200)
	if u := tb.usage(t, admin); u.Package.Code != "free" || u.Subscription.Status != "canceled" {
		t.Fatalf("after reactivation: %s %+v", u.Package.Code, u.Subscription)
	}
}
