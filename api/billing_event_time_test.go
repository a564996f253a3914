package api

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/billing"
)

// TestStripeEventAbsurdCreated: an event whose created time is no time
// Stripe could have sent it (out of PostgreSQL's range, zero or negative,
// or a live event dated ahead of the server's clock) is refused with 400
// and stores nothing; above all it does not become the tenant's newest
// event: a live one dated in the year 2200 made every real event after it
// stale for ever. A test-mode event may be dated ahead (test clocks).
func TestStripeEventAbsurdCreated(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "absurdcreated")
	tid := admin.tenantID
	sub := "sub_abs_" + idTail(tid)
	now := time.Now().Truncate(time.Second)

	tests := []struct {
		name     string
		created  int64
		livemode bool
	}{
		{"ErrOutOfRange", 1 << 50, false},
		{"ErrYear10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), false},
		{"ErrZero", 0, false},
		{"ErrNegative", -1 << 50, false},
		{"ErrLiveFarFuture", time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), true},
		{"ErrLiveHourAhead", now.Add(time.Hour).Unix(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := subEvent("customer.subscription.updated", now, tid, sub, "canceled", false)
			ev["created"], ev["livemode"] = tt.created, tt.livemode
			tb.wantEventRefused(t, ev)
		})
	}
	// A real event afterwards applies.
	live := func(ev map[string]any) map[string]any { ev["livemode"] = true; return ev }
	wantStatus(t, tb.webhookReq(t, live(subEvent("customer.subscription.updated", now, tid, sub, "active", false)), testWebhookSecret, time.Now()), 200)
	if u := tb.usage(t, admin); u.Package.Code != "pro" || u.Subscription.Status != "active" {
		t.Fatalf("after a real event: %s %+v", u.Package.Code, u.Subscription)
	}
	// A clock a little ahead of ours (Stripe's, within the signature
	// tolerance) is no absurdity.
	wantStatus(t, tb.webhookReq(t, live(subEvent("customer.subscription.updated", now.Add(time.Minute), tid, sub, "active", true)), testWebhookSecret, time.Now()), 200)
	if u := tb.usage(t, admin); !u.Subscription.CancelAtPeriodEnd {
		t.Fatalf("a live event a minute ahead was not applied: %+v", u.Subscription)
	}
	// A test clock's event, dated a month ahead, applies.
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.updated", now.Add(30*24*time.Hour), tid, sub, "past_due", false), testWebhookSecret, time.Now()), 200)
	if u := tb.usage(t, admin); u.Subscription.Status != "past_due" {
		t.Fatalf("a test-mode event a month ahead was not applied: %+v", u.Subscription)
	}
}

// wantEventRefused sends ev signed and wants it refused as malformed (400)
// and not stored.
func (tb *testBundle) wantEventRefused(t *testing.T, ev map[string]any) {
	t.Helper()
	rec := tb.webhookReq(t, ev, testWebhookSecret, time.Now())
	wantStatus(t, rec, http.StatusBadRequest)
	if p := decodeProblem(t, rec); p["code"] != "malformed" {
		t.Fatalf("problem %v", p)
	}
	var n int64
	if err := tb.db.Gorm.Table("stripe_events").Where("id = ?", ev["id"]).Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("the refused event was stored (%d, %v)", n, err)
	}
}

// TestCheckoutOfPackageRetiredMeanwhile: a package retired (active false)
// after its Checkout page opened can still be paid on that page; the paid
// checkout applies it, since the tenant paid for it and Stripe bills it,
// while a new checkout for it is refused.
func TestCheckoutOfPackageRetiredMeanwhile(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	admin := tb.MustSignup(t, "retired")
	code := "ret" + idTail(admin.tenantID)
	pkg, err := tb.srv.svc.Billing.CreatePackage(t.Context(), billing.PackageParams{Code: &code, Name: ptrTo("Retired soon"),
		PriceCents: ptrTo(900), StripePriceID: ptrTo("price_" + code), MaxUsers: ptrTo(7), SearchesPerMonth: ptrTo(100),
		MaxContactsPerQuery: ptrTo(25), APIRequestsPerMinute: ptrTo(0), ImportRowsPerMonth: ptrTo(100),
		MaxConcurrentJobs: ptrTo(1), CRMPushesPerMonth: ptrTo(10)})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": code}), 200)
	if _, err := tb.srv.svc.Billing.UpdatePackage(t.Context(), pkg.ID, billing.PackageParams{Active: ptrTo(false)}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": code}), 422)

	// The page opened before is paid.
	ev := map[string]any{
		"id": "evt_ret_" + idTail(admin.tenantID), "object": "event", "type": "checkout.session.completed", "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{"id": "cs_ret", "object": "checkout.session", "mode": "subscription",
			"client_reference_id": admin.tenantID, "customer": "cus_ret_" + idTail(admin.tenantID), "subscription": "sub_ret_" + idTail(admin.tenantID),
			"metadata": map[string]string{"tenant_id": admin.tenantID, "package_code": code}}},
	}
	wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
	if err := tb.srv.svc.Billing.ProcessCheckoutCompleted(t.Context(), fmt.Sprint(ev["id"])); err != nil {
		t.Fatal(err)
	}
	if u := tb.usage(t, admin); u.Package.Code != code || u.Downgraded || u.Seats.Limit != 7 {
		t.Fatalf("after paying for a retired package: %s downgraded=%v seats=%d", u.Package.Code, u.Downgraded, u.Seats.Limit)
	}
	if got := tb.eventOutcome(t, ev["id"]); got != "applied" {
		t.Fatalf("outcome %q", got)
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestStripeEventAbsurdPeriod: a subscription event whose period Stripe
// cannot have given (at or after the year 10000, or before 1970) is
// refused with 400 and stores nothing, as an absurd created time is. One
// ending after 9999 was applied, and from then on every answer carrying
// the tenant's plan (the billing page, usage, sign-in's tenant) was a 500:
// JSON cannot write such a year.
func TestStripeEventAbsurdPeriod(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "absurdperiod")
	tid := admin.tenantID
	sub := "sub_absp_" + idTail(tid)
	now := time.Now().Truncate(time.Second)

	tests := []struct {
		name  string
		field string
		value int64
	}{
		{"ErrEndOutOfRange", "current_period_end", 1 << 50},
		{"ErrEndYear10000", "current_period_end", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()},
		{"ErrStartNegative", "current_period_start", -1 << 50},
		{"ErrEndNegative", "current_period_end", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := subEvent("customer.subscription.updated", now, tid, sub, "active", false)
			ev["data"].(map[string]any)["object"].(map[string]any)[tt.field] = tt.value
			tb.wantEventRefused(t, ev)
		})
	}
	// A real event afterwards applies, with its period.
	wantStatus(t, tb.webhookReq(t, subEvent("customer.subscription.updated", now, tid, sub, "active", false), testWebhookSecret, time.Now()), 200)
	u := tb.usage(t, admin)
	if u.Package.Code != "pro" || u.Subscription.Status != "active" || u.Subscription.CurrentPeriodEnd == nil ||
		!u.Subscription.CurrentPeriodEnd.Equal(now.Add(30*24*time.Hour)) {
		t.Fatalf("after a real event: %s %+v", u.Package.Code, u.Subscription)
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", admin.token, nil), 200)
}
