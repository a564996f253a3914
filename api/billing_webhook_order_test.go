package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/billing"
)

// stripeFixture names one tenant's Stripe objects. The ids are random:
// stripe_customer_id and stripe_subscription_id are unique, and parallel
// tests share the database.
type stripeFixture struct {
	tenantID, customer, subA, subB string
}

func newStripeFixture(tenantID string) stripeFixture {
	r := uuid.NewString()[:8]
	return stripeFixture{tenantID: tenantID, customer: "cus_o_" + r, subA: "sub_a_" + r, subB: "sub_b_" + r}
}

// sub is a customer.subscription.* event for subscription subID on package
// code (priced price_<code>_test).
func (f stripeFixture) sub(typ string, created time.Time, subID, status, code string) map[string]any {
	ev := subEvent(typ, created, f.tenantID, subID, status, false)
	obj := ev["data"].(map[string]any)["object"].(map[string]any)
	obj["customer"] = f.customer
	obj["metadata"] = map[string]string{"tenant_id": f.tenantID, "package_code": code}
	obj["items"] = map[string]any{"object": "list", "data": []any{map[string]any{"id": "si_1", "price": map[string]any{"id": "price_" + code + "_test"}}}}
	return ev
}

// boughtAs sets the package_code a subscription event's metadata carries:
// the package of its checkout, which a plan change in the portal leaves as
// it was.
func boughtAs(ev map[string]any, code string) map[string]any {
	obj := ev["data"].(map[string]any)["object"].(map[string]any)
	obj["metadata"].(map[string]string)["package_code"] = code
	return ev
}

// invoice is an invoice.* event for subscription subID.
func (f stripeFixture) invoice(typ string, created time.Time, subID string) map[string]any {
	ev := invoiceEvent(typ, created, f.tenantID, subID)
	ev["data"].(map[string]any)["object"].(map[string]any)["customer"] = f.customer
	return ev
}

// billedFor sets an invoice event's billing_reason: subscription_cycle for
// a renewal, subscription_update for a plan change that is invoiced at once.
func billedFor(ev map[string]any, reason string) map[string]any {
	ev["data"].(map[string]any)["object"].(map[string]any)["billing_reason"] = reason
	return ev
}

// storedSubscriptionID reads the tenant's current Stripe subscription id,
// which the API does not show.
func (tb *testBundle) storedSubscriptionID(t testing.TB, tenantID string) string {
	t.Helper()
	var id string
	if err := tb.db.Gorm.Raw(`SELECT coalesce(stripe_subscription_id, '') FROM subscriptions WHERE tenant_id = ?`, tenantID).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// eventOutcome reads what the webhook recorded for an event.
func (tb *testBundle) eventOutcome(t testing.TB, eventID any) string {
	t.Helper()
	var outcome string
	if err := tb.db.Gorm.Raw(`SELECT outcome FROM stripe_events WHERE id = ?`, fmt.Sprint(eventID)).Scan(&outcome).Error; err != nil {
		t.Fatal(err)
	}
	return outcome
}

// TestStripeWebhookOrder delivers events in the orders Stripe may use
// (it does not deliver in order, and event.created has whole seconds) and
// checks the tenant ends on the state of the newest event of its current
// subscription.
func TestStripeWebhookOrder(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	tb.MustPricePackage(t, "starter", "price_starter_test")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

	tests := []struct {
		name string
		// events are delivered in this order.
		events      func(f stripeFixture) []map[string]any
		wantPackage string
		wantStatus  string
		wantSub     func(f stripeFixture) string
		wantOutcome string // prefix of the last event's outcome
	}{
		{
			// The plan change (t2) arrives after the renewal invoice (t3):
			// the invoice must not make it look stale.
			name: "PlanChangeAfterNewerInvoicePaid",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subA, "active", "starter"),
					f.invoice("invoice.paid", at(3), f.subA),
					f.sub("customer.subscription.updated", at(2), f.subA, "active", "pro"),
				}
			},
			wantPackage: "pro", wantStatus: "active", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "applied",
		},
		{
			name: "PlanChangeAfterNewerPaymentFailed",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subA, "active", "starter"),
					f.invoice("invoice.payment_failed", at(3), f.subA),
					f.sub("customer.subscription.updated", at(4), f.subA, "past_due", "pro"),
					f.sub("customer.subscription.updated", at(2), f.subA, "active", "pro"),
				}
			},
			wantPackage: "pro", wantStatus: "past_due", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "stale",
		},
		{
			name: "InvoiceOlderThanSubscriptionEventIsStale",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(2), f.subA, "active", "pro"),
					f.invoice("invoice.payment_failed", at(1), f.subA),
				}
			},
			wantPackage: "pro", wantStatus: "active", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "stale",
		},
		{
			name: "InvoicePaymentFailed",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subA, "active", "pro"),
					f.invoice("invoice.payment_failed", at(2), f.subA),
				}
			},
			wantPackage: "pro", wantStatus: "past_due", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "applied",
		},
		{
			name: "RenewalPaymentFailed",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subA, "active", "pro"),
					billedFor(f.invoice("invoice.payment_failed", at(2), f.subA), "subscription_cycle"),
				}
			},
			wantPackage: "pro", wantStatus: "past_due", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "applied",
		},
		{
			// An upgrade made with pending updates whose invoice is
			// declined is not applied, and Stripe keeps the subscription
			// active as it was: the tenant is not past due (it fell to Free
			// after the grace period while Stripe went on billing it).
			name: "PaymentFailedForPendingPlanChange",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subA, "active", "starter"),
					billedFor(f.invoice("invoice.payment_failed", at(2), f.subA), "subscription_update"),
				}
			},
			wantPackage: "starter", wantStatus: "active", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "ignored: a failed payment for a plan change",
		},
		{
			// A plan change applied whatever its payment (Stripe's default)
			// makes the subscription past due when that fails, and says so
			// in customer.subscription.updated.
			name: "PaymentFailedForAppliedPlanChange",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subA, "active", "starter"),
					billedFor(f.invoice("invoice.payment_failed", at(2), f.subA), "subscription_update"),
					f.sub("customer.subscription.updated", at(2), f.subA, "past_due", "pro"),
				}
			},
			wantPackage: "pro", wantStatus: "past_due", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "applied",
		},
		{
			// Same second: created (incomplete) delivered after updated
			// (active) is the older state.
			name: "SameSecondCreatedAfterUpdated",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.updated", at(1), f.subA, "active", "pro"),
					f.sub("customer.subscription.created", at(1), f.subA, "incomplete", "pro"),
				}
			},
			wantPackage: "pro", wantStatus: "active", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "stale",
		},
		{
			name: "SameSecondUpdatedAfterDeleted",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.deleted", at(1), f.subA, "active", "pro"),
					f.sub("customer.subscription.updated", at(1), f.subA, "active", "pro"),
				}
			},
			wantPackage: "free", wantStatus: "canceled", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "stale",
		},
		{
			name: "SameSecondInOrder",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subA, "incomplete", "pro"),
					f.sub("customer.subscription.updated", at(1), f.subA, "active", "pro"),
				}
			},
			wantPackage: "pro", wantStatus: "active", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "applied",
		},
		{
			// active and past_due are the same stage: the last delivered wins.
			name: "SameSecondSameStageLastWins",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.updated", at(1), f.subA, "active", "pro"),
					f.sub("customer.subscription.updated", at(1), f.subA, "past_due", "pro"),
				}
			},
			wantPackage: "pro", wantStatus: "past_due", wantSub: func(f stripeFixture) string { return f.subA }, wantOutcome: "applied",
		},
		{
			// Two checkouts paid in two tabs: B is current; support
			// cancels A.
			name: "DeletedOtherSubscription",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subB, "active", "pro"),
					f.sub("customer.subscription.deleted", at(2), f.subA, "active", "pro"),
				}
			},
			wantPackage: "pro", wantStatus: "active", wantSub: func(f stripeFixture) string { return f.subB }, wantOutcome: "ignored: not the tenant's current subscription",
		},
		{
			name: "UpdatedOtherSubscription",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subB, "active", "starter"),
					f.sub("customer.subscription.updated", at(2), f.subA, "active", "pro"),
				}
			},
			wantPackage: "starter", wantStatus: "active", wantSub: func(f stripeFixture) string { return f.subB }, wantOutcome: "ignored: not the tenant's current subscription",
		},
		{
			name: "PaymentFailedOtherSubscription",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subB, "active", "pro"),
					f.invoice("invoice.payment_failed", at(2), f.subA),
				}
			},
			wantPackage: "pro", wantStatus: "active", wantSub: func(f stripeFixture) string { return f.subB }, wantOutcome: "ignored: not the tenant's current subscription",
		},
		{
			// The current subscription B is incomplete (its card was
			// declined); a paid invoice of the ended A must not activate it.
			name: "PaidInvoiceOfEndedSubscriptionLeavesIncomplete",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subA, "active", "starter"),
					f.sub("customer.subscription.deleted", at(2), f.subA, "active", "starter"),
					f.sub("customer.subscription.created", at(3), f.subB, "incomplete", "pro"),
					f.invoice("invoice.paid", at(4), f.subA),
				}
			},
			wantPackage: "free", wantStatus: "incomplete", wantSub: func(f stripeFixture) string { return f.subB }, wantOutcome: "ignored: not the tenant's current subscription",
		},
		{
			// A subscription that is no longer in force does not hold the
			// tenant: a new one takes its place.
			name: "NewSubscriptionAfterCanceled",
			events: func(f stripeFixture) []map[string]any {
				return []map[string]any{
					f.sub("customer.subscription.created", at(1), f.subA, "active", "pro"),
					f.sub("customer.subscription.deleted", at(2), f.subA, "active", "pro"),
					f.sub("customer.subscription.created", at(3), f.subB, "active", "starter"),
				}
			},
			wantPackage: "starter", wantStatus: "active", wantSub: func(f stripeFixture) string { return f.subB }, wantOutcome: "applied",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			admin := tb.MustSignup(t, "order")
			f := newStripeFixture(admin.tenantID)
			var last any
			for _, ev := range tt.events(f) {
				wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), http.StatusOK)
				last = ev["id"]
			}
			u := tb.usage(t, admin)
			if u.Package.Code != tt.wantPackage || u.Subscription.Status != tt.wantStatus {
				t.Errorf("tenant on %s %s, want %s %s", u.Package.Code, u.Subscription.Status, tt.wantPackage, tt.wantStatus)
			}
			if got, want := tb.storedSubscriptionID(t, admin.tenantID), tt.wantSub(f); got != want {
				t.Errorf("current subscription %s, want %s", got, want)
			}
			if got := tb.eventOutcome(t, last); !strings.HasPrefix(got, tt.wantOutcome) {
				t.Errorf("last event outcome %q, want %q", got, tt.wantOutcome)
			}
		})
	}
}

// TestCheckoutSecondSubscription: two checkout sessions opened in two tabs
// are both paid. The later checkout makes its subscription the current one,
// and events of the other one no longer move the tenant.
func TestCheckoutSecondSubscription(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "twotabs")
	f := newStripeFixture(admin.tenantID)
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)

	wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", t0, f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
	ev := map[string]any{
		"id": "evt_cs_" + f.subB, "object": "event", "type": "checkout.session.completed", "created": t0.Add(time.Second).Unix(),
		"data": map[string]any{"object": map[string]any{"id": "cs_test_" + f.subB, "object": "checkout.session", "mode": "subscription",
			"client_reference_id": admin.tenantID, "customer": f.customer, "subscription": f.subB,
			"metadata": map[string]string{"tenant_id": admin.tenantID, "package_code": "pro"}}},
	}
	wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
	if err := tb.srv.svc.Billing.ProcessCheckoutCompleted(t.Context(), fmt.Sprint(ev["id"])); err != nil {
		t.Fatal(err)
	}
	if got := tb.storedSubscriptionID(t, admin.tenantID); got != f.subB {
		t.Fatalf("after the second checkout the current subscription is %s, want %s", got, f.subB)
	}

	for _, ev := range []map[string]any{
		f.invoice("invoice.payment_failed", t0.Add(2*time.Second), f.subA),
		f.sub("customer.subscription.deleted", t0.Add(3*time.Second), f.subA, "active", "pro"),
	} {
		wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
		if got := tb.eventOutcome(t, ev["id"]); got != "ignored: not the tenant's current subscription" {
			t.Errorf("%s of the other subscription: outcome %q", ev["type"], got)
		}
	}
	if u := tb.usage(t, admin); u.Package.Code != "pro" || u.Subscription.Status != "active" {
		t.Fatalf("after the other subscription ended: %s %+v", u.Package.Code, u.Subscription)
	}
}

// TestCheckoutPaidBeforeManualChange: staff set a plan between a tenant's
// payment and the processing of its checkout (a redelivery, a retried
// job). The payment still makes its subscription the current one, so the
// tenant has what it paid for and a second checkout is refused.
func TestCheckoutPaidBeforeManualChange(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "paidfirst")
	f := newStripeFixture(admin.tenantID)
	paidAt := time.Now().Add(-2 * time.Minute).Truncate(time.Second)
	ev := map[string]any{
		"id": "evt_cs_" + f.subB, "object": "event", "type": "checkout.session.completed", "created": paidAt.Unix(),
		"data": map[string]any{"object": map[string]any{"id": "cs_test_" + f.subB, "object": "checkout.session", "mode": "subscription",
			"client_reference_id": admin.tenantID, "customer": f.customer, "subscription": f.subB,
			"metadata": map[string]string{"tenant_id": admin.tenantID, "package_code": "pro"}}},
	}
	tb.mustSetTrial(t, admin.tenantID, "starter")
	wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
	if err := tb.srv.svc.Billing.ProcessCheckoutCompleted(t.Context(), fmt.Sprint(ev["id"])); err != nil {
		t.Fatal(err)
	}
	if got := tb.storedSubscriptionID(t, admin.tenantID); got != f.subB {
		t.Fatalf("current subscription %q, want the paid %s (outcome %q)", got, f.subB, tb.eventOutcome(t, ev["id"]))
	}
	if u := tb.usage(t, admin); u.Package.Code != "pro" || u.Subscription.Source != "stripe" {
		t.Fatalf("tenant on %s from %s, want pro from stripe", u.Package.Code, u.Subscription.Source)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "pro"}),
		http.StatusConflict)
}

// TestCheckoutRefusedWhileSubscribed: a second checkout would create a
// second subscription; it is refused while a Stripe subscription is in
// force, whatever the last change to the plan was.
func TestCheckoutRefusedWhileSubscribed(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)

	tests := []struct {
		name       string
		arrange    func(t *testing.T, admin session, f stripeFixture)
		wantStatus int
	}{
		{"OKFree", func(*testing.T, session, stripeFixture) {}, 200},
		{"OKManualOnly", func(t *testing.T, admin session, _ stripeFixture) {
			tb.MustSetPackage(t, admin.tenantID, "starter")
		}, 200},
		{"OKCanceled", func(t *testing.T, _ session, f stripeFixture) {
			wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", t0, f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
			wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.deleted", t0.Add(time.Second), f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
		}, 200},
		{"ErrSubscribed", func(t *testing.T, _ session, f stripeFixture) {
			wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", t0, f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
		}, 409},
		{"OKManualTrialEndedAfterCanceled", func(t *testing.T, admin session, f stripeFixture) {
			// A former subscriber's two-week trial from staff has ended:
			// the old subscription's id must not keep checkout closed.
			wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", t0, f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
			wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.deleted", t0.Add(time.Second), f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
			tb.mustSetTrial(t, admin.tenantID, "pro")
			tb.mustEndPeriod(t, admin.tenantID)
		}, 200},
		{"ErrSubscribedThenManualChange", func(t *testing.T, admin session, f stripeFixture) {
			wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", t0, f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
			tb.MustSetPackage(t, admin.tenantID, "starter")
		}, 409},
		{"ErrSubscribedThenManualCanceled", func(t *testing.T, admin session, f stripeFixture) {
			// Staff ended the plan here, not in Stripe: the subscription
			// still bills, and a checkout would add a second one.
			wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", t0, f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
			if _, err := tb.srv.svc.Billing.SetManual(t.Context(), uuid.MustParse(admin.tenantID), billing.ManualParams{
				PackageCode: "pro", Status: billing.StatusCanceled, Reason: "ended by staff"}); err != nil {
				t.Fatal(err)
			}
		}, 409},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			admin := tb.MustSignup(t, "again")
			tt.arrange(t, admin, newStripeFixture(admin.tenantID))
			b := decode[BillingResponse](t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", admin.token, nil))
			rec := tb.req(t, http.MethodPost, "/api/v1/billing/checkout-session", admin.token, map[string]string{"package_code": "pro"})
			wantStatus(t, rec, tt.wantStatus)
			if b.CheckoutAllowed != (tt.wantStatus == 200) {
				t.Errorf("checkout_allowed %v while checkout answers %d", b.CheckoutAllowed, tt.wantStatus)
			}
			if tt.wantStatus == 409 && decodeProblem(t, rec)["type"] != "subscription-exists" {
				t.Fatalf("problem %s", rec.Body.String())
			}
		})
	}
}

// mustSetTrial gives the tenant code by hand for two weeks, as staff do.
func (tb *testBundle) mustSetTrial(t testing.TB, tenantID, code string) {
	t.Helper()
	end := time.Now().Add(14 * 24 * time.Hour)
	if _, err := tb.srv.svc.Billing.SetManual(t.Context(), uuid.MustParse(tenantID), billing.ManualParams{
		PackageCode: code, Status: billing.StatusActive, PeriodEnd: &end, Reason: "two-week trial"}); err != nil {
		t.Fatal(err)
	}
}

// mustEndPeriod moves the end of the tenant's subscription period into the
// past, as if its time had run out.
func (tb *testBundle) mustEndPeriod(t testing.TB, tenantID string) {
	t.Helper()
	if err := tb.db.Gorm.Exec(`UPDATE subscriptions SET current_period_end = now() - interval '1 hour' WHERE tenant_id = ?`, tenantID).Error; err != nil {
		t.Fatal(err)
	}
}

// TestStripeEventsAndManualPlans: a plan set by platform staff is the newest
// state. Stripe events created before it, and invoices of a subscription
// that had ended, leave it as staff set it; its end date still ends it.
func TestStripeEventsAndManualPlans(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	tb.MustPricePackage(t, "starter", "price_starter_test")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	later := time.Now().Add(time.Hour).Truncate(time.Second) // after any manual change of the test, however slow the run
	ended := func(t *testing.T, f stripeFixture) {
		wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", at(0), f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
		wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.deleted", at(1), f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
	}

	tests := []struct {
		name string
		// arrange sets the plan by hand; then late is delivered.
		arrange     func(t *testing.T, admin session, f stripeFixture)
		late        func(f stripeFixture) map[string]any
		wantOutcome string
		wantPackage string
		wantSource  string
		thenEnd     bool // the manual period runs out afterwards
	}{
		{
			name: "PaidInvoiceOfEndedSubscriptionThenTrialEnds",
			arrange: func(t *testing.T, admin session, f stripeFixture) {
				ended(t, f)
				tb.mustSetTrial(t, admin.tenantID, "pro")
			},
			late:        func(f stripeFixture) map[string]any { return f.invoice("invoice.paid", later, f.subA) },
			wantOutcome: "ignored: not the tenant's current subscription", wantPackage: "free", wantSource: "manual", thenEnd: true,
		},
		{
			name: "FailedInvoiceOfEndedSubscription",
			arrange: func(t *testing.T, admin session, f stripeFixture) {
				ended(t, f)
				tb.MustSetPackage(t, admin.tenantID, "enterprise")
			},
			late:        func(f stripeFixture) map[string]any { return f.invoice("invoice.payment_failed", later, f.subA) },
			wantOutcome: "ignored: not the tenant's current subscription", wantPackage: "enterprise", wantSource: "manual",
		},
		{
			// Staff moved a paying tenant by hand; the subscription runs on
			// and its invoices no longer decide the plan.
			name: "FailedInvoiceUnderManualPlan",
			arrange: func(t *testing.T, admin session, f stripeFixture) {
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", at(0), f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
				tb.MustSetPackage(t, admin.tenantID, "enterprise")
			},
			late: func(f stripeFixture) map[string]any {
				return f.invoice("invoice.payment_failed", later, f.subA)
			},
			wantOutcome: "ignored: the plan was set by platform staff", wantPackage: "enterprise", wantSource: "manual",
		},
		{
			name: "SubscriptionEventOlderThanManualChange",
			arrange: func(t *testing.T, admin session, f stripeFixture) {
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", at(0), f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
				tb.MustSetPackage(t, admin.tenantID, "pro")
			},
			late: func(f stripeFixture) map[string]any {
				return f.sub("customer.subscription.updated", at(5), f.subA, "active", "starter")
			},
			wantOutcome: "stale", wantPackage: "pro", wantSource: "manual",
		},
		{
			// The Stripe subscription renews after staff acted: the plan
			// staff set stands (a renewal used to put the tenant back on
			// Starter at its next billing date).
			name: "RenewalNewerThanManualChange",
			arrange: func(t *testing.T, admin session, f stripeFixture) {
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", at(0), f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
				tb.MustSetPackage(t, admin.tenantID, "pro")
			},
			late: func(f stripeFixture) map[string]any {
				return f.sub("customer.subscription.updated", later, f.subA, "active", "starter")
			},
			wantOutcome: outcomeManualTest, wantPackage: "pro", wantSource: "manual",
		},
		{
			// A change of plan made in the portal after staff acted is the
			// tenant's newer choice, which it pays for: it applies.
			name: "PortalChangeNewerThanManualChange",
			arrange: func(t *testing.T, admin session, f stripeFixture) {
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", at(0), f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
				tb.MustSetPackage(t, admin.tenantID, "enterprise")
			},
			late: func(f stripeFixture) map[string]any {
				return boughtAs(f.sub("customer.subscription.updated", later, f.subA, "active", "pro"), "starter")
			},
			wantOutcome: "applied", wantPackage: "pro", wantSource: "stripe",
		},
		{
			// The plan staff set is over: the Stripe subscription's next
			// event applies as usual.
			name: "RenewalAfterManualPlanEnded",
			arrange: func(t *testing.T, admin session, f stripeFixture) {
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", at(0), f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
				tb.mustSetTrial(t, admin.tenantID, "pro")
				tb.mustEndPeriod(t, admin.tenantID)
			},
			late: func(f stripeFixture) map[string]any {
				return f.sub("customer.subscription.updated", later, f.subA, "active", "starter")
			},
			wantOutcome: "applied", wantPackage: "starter", wantSource: "stripe",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			admin := tb.MustSignup(t, "manual")
			f := newStripeFixture(admin.tenantID)
			tt.arrange(t, admin, f)
			ev := tt.late(f)
			wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
			if got := tb.eventOutcome(t, ev["id"]); !strings.HasPrefix(got, tt.wantOutcome) {
				t.Errorf("outcome %q, want %q", got, tt.wantOutcome)
			}
			if tt.thenEnd {
				tb.mustEndPeriod(t, admin.tenantID)
			}
			u := tb.usage(t, admin)
			if u.Package.Code != tt.wantPackage || u.Subscription.Source != tt.wantSource {
				t.Errorf("tenant on %s (source %s, status %s), want %s from %s", u.Package.Code, u.Subscription.Source,
					u.Subscription.Status, tt.wantPackage, tt.wantSource)
			}
		})
	}
}

// TestStripeEventOfUnknownTenant: metadata naming a tenant this deployment
// does not have (a Stripe account shared with another environment) is
// acknowledged and ignored; a 500 would make Stripe retry for days and
// disable the endpoint.
func TestStripeEventOfUnknownTenant(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	ghost := uuid.NewString()
	ev := subEvent("customer.subscription.updated", time.Now(), ghost, "sub_ghost_"+ghost[:8], "active", false)
	wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), http.StatusOK)
	if got := tb.eventOutcome(t, ev["id"]); got != "ignored: unknown tenant" {
		t.Fatalf("outcome %q", got)
	}
}

// TestStripeSubscriptionOfNoPackage: a Stripe subscription whose price is
// no package's (another product sold to the same customer) activates
// nothing: it neither revives the paid package a canceled subscription
// left on file nor carries a manual plan past the end staff gave it. A
// price change on the subscription that holds the tenant still moves its
// status, on the package it has.
func TestStripeSubscriptionOfNoPackage(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	tb.MustPricePackage(t, "starter", "price_starter_test")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	later := time.Now().Add(time.Hour).Truncate(time.Second) // after any manual change of the test, however slow the run
	// addon is a subscription to a price no package has, found by the
	// customer id only, as Stripe sends it for another product.
	addon := func(f stripeFixture, typ string, created time.Time, subID string) map[string]any {
		ev := f.sub(typ, created, subID, "active", "addon")
		ev["data"].(map[string]any)["object"].(map[string]any)["metadata"] = map[string]string{}
		return ev
	}
	tests := []struct {
		name        string
		arrange     func(t *testing.T, admin session, f stripeFixture)
		late        func(f stripeFixture) map[string]any
		thenEnd     bool // the period on file runs out afterwards
		wantOutcome string
		wantPackage string
		wantStatus  string
	}{
		{
			name: "ErrOtherProductAfterCanceledPlan",
			arrange: func(t *testing.T, _ session, f stripeFixture) {
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", at(0), f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.deleted", at(1), f.subA, "active", "pro"), testWebhookSecret, time.Now()), 200)
			},
			late:        func(f stripeFixture) map[string]any { return addon(f, "customer.subscription.created", at(2), f.subB) },
			wantOutcome: "ignored: unknown price", wantPackage: "free", wantStatus: "canceled",
		},
		{
			name: "ErrOtherProductUnderManualTrial",
			arrange: func(t *testing.T, admin session, f stripeFixture) {
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", at(0), f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.deleted", at(1), f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
				tb.mustSetTrial(t, admin.tenantID, "pro")
			},
			late:        func(f stripeFixture) map[string]any { return addon(f, "customer.subscription.created", later, f.subB) },
			thenEnd:     true,
			wantOutcome: "ignored: unknown price", wantPackage: "free", wantStatus: "active",
		},
		{
			name: "OKUnknownPriceOfCurrentSubscription",
			arrange: func(t *testing.T, _ session, f stripeFixture) {
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", at(0), f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
			},
			late: func(f stripeFixture) map[string]any {
				ev := f.sub("customer.subscription.updated", at(1), f.subA, "past_due", "addon")
				return ev
			},
			wantOutcome: "applied", wantPackage: "starter", wantStatus: "past_due",
		},
		{
			// Bought as Starter, moved to Pro in the portal (the price
			// changes, the metadata stays), then Pro is re-priced: the
			// subscription's old price is no package's any more. Its
			// renewal keeps Pro, not the package it was bought as.
			name: "OKUnknownPriceAfterPortalChange",
			arrange: func(t *testing.T, _ session, f stripeFixture) {
				wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", at(0), f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
				wantStatus(t, tb.webhookReq(t, boughtAs(f.sub("customer.subscription.updated", at(1), f.subA, "active", "pro"), "starter"), testWebhookSecret, time.Now()), 200)
			},
			late: func(f stripeFixture) map[string]any {
				return boughtAs(f.sub("customer.subscription.updated", at(2), f.subA, "active", "pro_legacy"), "starter")
			},
			wantOutcome: "applied", wantPackage: "pro", wantStatus: "active",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			admin := tb.MustSignup(t, "noprice")
			f := newStripeFixture(admin.tenantID)
			tt.arrange(t, admin, f)
			ev := tt.late(f)
			wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
			if got := tb.eventOutcome(t, ev["id"]); got != tt.wantOutcome {
				t.Errorf("outcome %q, want %q", got, tt.wantOutcome)
			}
			if tt.thenEnd {
				tb.mustEndPeriod(t, admin.tenantID)
			}
			u := tb.usage(t, admin)
			if u.Package.Code != tt.wantPackage || u.Subscription.Status != tt.wantStatus {
				t.Errorf("tenant on %s (status %s, source %s), want %s (%s)", u.Package.Code, u.Subscription.Status,
					u.Subscription.Source, tt.wantPackage, tt.wantStatus)
			}
		})
	}
}

// TestStripeEventOfAnotherTenantsCustomer: a subscription or checkout whose
// metadata or client reference names one tenant while its customer is
// another tenant's (a subscription made or edited in the Dashboard, a
// Stripe account shared between deployments) activates nothing for
// either: the customer pays, so its tenant's plan is not given to another,
// and the event is acknowledged. It used to fail on the unique customer id
// (a 500 that Stripe retries for days, and a checkout job that failed until
// it gave up) or, for a tenant that had a customer already, to give it the
// plan that the other tenant's customer pays for.
func TestStripeEventOfAnotherTenantsCustomer(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	tests := []struct {
		name        string
		ownCustomer bool // the tenant the event names has a customer of its own
		checkout    bool // checkout.session.completed, applied by its job
	}{
		{name: "SubscriptionEventTenantWithoutCustomer"},
		{name: "SubscriptionEventTenantWithCustomer", ownCustomer: true},
		{name: "CheckoutTenantWithoutCustomer", checkout: true},
		{name: "CheckoutTenantWithCustomer", ownCustomer: true, checkout: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := tb.MustSignup(t, "custa")
			b := tb.MustSignup(t, "custb")
			fa, fb := newStripeFixture(a.tenantID), newStripeFixture(b.tenantID)
			if err := tb.db.Gorm.Exec(`UPDATE tenants SET stripe_customer_id = ? WHERE id = ?`, fb.customer, b.tenantID).Error; err != nil {
				t.Fatal(err)
			}
			if tt.ownCustomer {
				if err := tb.db.Gorm.Exec(`UPDATE tenants SET stripe_customer_id = ? WHERE id = ?`, fa.customer, a.tenantID).Error; err != nil {
					t.Fatal(err)
				}
			}
			var ev map[string]any
			if tt.checkout {
				ev = map[string]any{
					"id": "evt_cs_x_" + idTail(a.tenantID), "object": "event", "type": "checkout.session.completed", "created": t0.Unix(),
					"data": map[string]any{"object": map[string]any{"id": "cs_test_x", "object": "checkout.session", "mode": "subscription",
						"client_reference_id": a.tenantID, "customer": fb.customer, "subscription": fa.subA,
						"metadata": map[string]string{"tenant_id": a.tenantID, "package_code": "pro"}}},
				}
			} else {
				ev = fa.sub("customer.subscription.created", t0, fa.subA, "active", "pro")
				ev["data"].(map[string]any)["object"].(map[string]any)["customer"] = fb.customer
			}
			wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), http.StatusOK)
			if tt.checkout {
				if err := tb.srv.svc.Billing.ProcessCheckoutCompleted(context.Background(), fmt.Sprint(ev["id"])); err != nil {
					t.Fatalf("checkout job: %v", err)
				}
			}
			if got := tb.eventOutcome(t, ev["id"]); got != "ignored: the customer is another tenant's" {
				t.Errorf("outcome %q", got)
			}
			for _, s := range []session{a, b} {
				if u := tb.usage(t, s); u.Package.Code != "free" {
					t.Errorf("tenant %s is on %s", s.tenantID, u.Package.Code)
				}
			}
		})
	}
}

// TestCheckoutOfUnknownTenant: a completed checkout whose client reference
// is no tenant of this deployment (a Stripe account shared with another
// environment) is recorded as ignored, like a subscription event of an
// unknown tenant; its job used to fail on the subscriptions' foreign key
// until River gave up, leaving the event queued for ever.
func TestCheckoutOfUnknownTenant(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	ghost := uuid.NewString()
	ev := map[string]any{
		"id": "evt_cs_ghost_" + idTail(ghost), "object": "event", "type": "checkout.session.completed", "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{"id": "cs_test_ghost", "object": "checkout.session", "mode": "subscription",
			"client_reference_id": ghost, "customer": "cus_ghost_" + idTail(ghost), "subscription": "sub_ghost_" + idTail(ghost),
			"metadata": map[string]string{"tenant_id": ghost, "package_code": "pro"}}},
	}
	wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), http.StatusOK)
	if err := tb.srv.svc.Billing.ProcessCheckoutCompleted(context.Background(), fmt.Sprint(ev["id"])); err != nil {
		t.Fatalf("checkout job: %v", err)
	}
	if got := tb.eventOutcome(t, ev["id"]); got != "ignored: unknown tenant" {
		t.Fatalf("outcome %q", got)
	}
}

// TestStripeSubscriptionEndsUnderManualPlan: staff moved a tenant that pays
// through Stripe onto a plan by hand (an offline contract), and the Stripe
// subscription then ends, is set to cancel or falls past due, as it does
// once the tenant stops paying for what staff replaced. The plan staff set
// stays: such an event used to apply, putting the tenant back on the Stripe
// package or on Free, while the invoice that goes with a failed payment was
// already ignored under a manual plan. A subscription that ended is dropped,
// so that checkout is open again.
func TestStripeSubscriptionEndsUnderManualPlan(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "starter", "price_starter_test")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	later := time.Now().Add(time.Hour).Truncate(time.Second) // after the manual change, however slow the run
	tests := []struct {
		name         string
		late         func(f stripeFixture) map[string]any
		wantCheckout bool // the Stripe subscription is over: checkout is open again
	}{
		{"Deleted", func(f stripeFixture) map[string]any {
			return f.sub("customer.subscription.deleted", later, f.subA, "canceled", "starter")
		}, true},
		{"IncompleteExpired", func(f stripeFixture) map[string]any {
			return f.sub("customer.subscription.updated", later, f.subA, "incomplete_expired", "starter")
		}, true},
		{"CancelAtPeriodEnd", func(f stripeFixture) map[string]any {
			ev := f.sub("customer.subscription.updated", later, f.subA, "active", "starter")
			ev["data"].(map[string]any)["object"].(map[string]any)["cancel_at_period_end"] = true
			return ev
		}, false},
		{"PastDue", func(f stripeFixture) map[string]any {
			return f.sub("customer.subscription.updated", later, f.subA, "past_due", "starter")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			admin := tb.MustSignup(t, "manualend")
			f := newStripeFixture(admin.tenantID)
			wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", t0, f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
			tb.MustSetPackage(t, admin.tenantID, "enterprise")
			ev := tt.late(f)
			wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
			if got := tb.eventOutcome(t, ev["id"]); got != outcomeManualTest {
				t.Errorf("outcome %q", got)
			}
			b := decode[BillingResponse](t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", admin.token, nil))
			u := b.Usage
			if u.Package.Code != "enterprise" || u.Subscription.Source != "manual" || u.Subscription.Status != "active" ||
				u.Subscription.CancelAtPeriodEnd || u.Downgraded {
				t.Errorf("tenant on %s (source %s, status %s, cancel at end %v)", u.Package.Code, u.Subscription.Source,
					u.Subscription.Status, u.Subscription.CancelAtPeriodEnd)
			}
			if b.CheckoutAllowed != tt.wantCheckout {
				t.Errorf("checkout allowed %v, want %v", b.CheckoutAllowed, tt.wantCheckout)
			}
		})
	}
}

const outcomeManualTest = "ignored: the plan was set by platform staff"

// TestStripeSubscriptionEndedBeforeManualPlan: the Stripe subscription
// kept beside a plan staff set ended at Stripe before staff acted, and its
// end is delivered after (Stripe retries a webhook for days). The plan
// stays as staff set it, but the subscription is over whenever its end is
// told: it is dropped and checkout opens. It used to be kept for good as
// "stale", and with it a subscription that no longer runs closed checkout
// for as long as the manual plan stood.
func TestStripeSubscriptionEndedBeforeManualPlan(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "starter", "price_starter_test")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	ended := t0.Add(time.Minute) // before the manual change below
	tests := []struct {
		name         string
		late         func(f stripeFixture) map[string]any
		wantCheckout bool
	}{
		{"Deleted", func(f stripeFixture) map[string]any {
			return f.sub("customer.subscription.deleted", ended, f.subA, "canceled", "starter")
		}, true},
		{"IncompleteExpired", func(f stripeFixture) map[string]any {
			return f.sub("customer.subscription.updated", ended, f.subA, "incomplete_expired", "starter")
		}, true},
		// Older than the plan and still running: nothing to say now.
		{"PastDue", func(f stripeFixture) map[string]any {
			return f.sub("customer.subscription.updated", ended, f.subA, "past_due", "starter")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			admin := tb.MustSignup(t, "endedbefore")
			f := newStripeFixture(admin.tenantID)
			wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", t0, f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
			tb.MustSetPackage(t, admin.tenantID, "enterprise")
			ev := tt.late(f)
			wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
			b := decode[BillingResponse](t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", admin.token, nil))
			u := b.Usage
			if u.Package.Code != "enterprise" || u.Subscription.Source != "manual" || u.Subscription.Status != "active" || u.Downgraded {
				t.Errorf("tenant on %s (source %s, status %s)", u.Package.Code, u.Subscription.Source, u.Subscription.Status)
			}
			if b.CheckoutAllowed != tt.wantCheckout {
				t.Errorf("checkout allowed %v, want %v (outcome %q)", b.CheckoutAllowed, tt.wantCheckout, tb.eventOutcome(t, ev["id"]))
			}
		})
	}
}

// TestManualPlanBesideRunningStripeSubscription lives through months of a
// tenant that pays Starter through Stripe and gets Pro from staff for two
// weeks: Stripe renews and bills Starter meanwhile. The renewal leaves Pro
// in force; when the two weeks are over, the tenant is on Starter, the
// package Stripe bills it for, in the state its events told (a failed
// payment's grace, a cancellation at period end), not on Free. It used to
// be moved back to Starter by the renewal, in the middle of the two
// weeks, and to fall to Free when they ended with no renewal since.
func TestManualPlanBesideRunningStripeSubscription(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "starter", "price_starter_test")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	later := time.Now().Add(time.Hour).Truncate(time.Second) // after the manual change, however slow the run
	renewal := func(f stripeFixture, created time.Time, periodEnd time.Time) map[string]any {
		ev := f.sub("customer.subscription.updated", created, f.subA, "active", "starter")
		obj := ev["data"].(map[string]any)["object"].(map[string]any)
		obj["current_period_start"], obj["current_period_end"] = created.Unix(), periodEnd.Unix()
		return ev
	}
	tests := []struct {
		name string
		// while runs while the plan staff set is in force.
		while       func(t *testing.T, f stripeFixture)
		wantPackage string
		wantGrace   bool
		wantDown    bool
	}{
		{"Renewed", func(t *testing.T, f stripeFixture) {
			wantStatus(t, tb.webhookReq(t, renewal(f, later, later.Add(30*24*time.Hour)), testWebhookSecret, time.Now()), 200)
			wantStatus(t, tb.webhookReq(t, f.invoice("invoice.paid", later, f.subA), testWebhookSecret, time.Now()), 200)
		}, "starter", false, false},
		{"NoEventMeanwhile", func(*testing.T, stripeFixture) {}, "starter", false, false},
		{"PaymentFailed", func(t *testing.T, f stripeFixture) {
			wantStatus(t, tb.webhookReq(t, f.invoice("invoice.payment_failed", later, f.subA), testWebhookSecret, time.Now()), 200)
		}, "starter", true, false},
		{"PaymentFailedThenPaid", func(t *testing.T, f stripeFixture) {
			wantStatus(t, tb.webhookReq(t, f.invoice("invoice.payment_failed", later, f.subA), testWebhookSecret, time.Now()), 200)
			wantStatus(t, tb.webhookReq(t, f.invoice("invoice.paid", later.Add(time.Second), f.subA), testWebhookSecret, time.Now()), 200)
		}, "starter", false, false},
		{"CanceledAtAPeriodEndPassed", func(t *testing.T, f stripeFixture) {
			ev := renewal(f, later, time.Now().Add(-time.Minute))
			ev["data"].(map[string]any)["object"].(map[string]any)["cancel_at_period_end"] = true
			wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
		}, "free", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			admin := tb.MustSignup(t, "beside")
			f := newStripeFixture(admin.tenantID)
			wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", t0, f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
			tb.mustSetTrial(t, admin.tenantID, "pro")
			tt.while(t, f)
			if u := tb.usage(t, admin); u.Package.Code != "pro" || u.Subscription.Source != "manual" || u.Downgraded {
				t.Fatalf("during the trial: tenant on %s (source %s, downgraded %v), want pro from staff",
					u.Package.Code, u.Subscription.Source, u.Downgraded)
			}
			tb.mustEndPeriod(t, admin.tenantID)
			u := tb.usage(t, admin)
			if u.Package.Code != tt.wantPackage || u.Downgraded != tt.wantDown || (u.GraceEndsAt != nil) != tt.wantGrace {
				t.Errorf("after the trial: tenant on %s (downgraded %v, reason %q, grace ends %v), want %s (downgraded %v, grace %v)",
					u.Package.Code, u.Downgraded, u.Reason, u.GraceEndsAt, tt.wantPackage, tt.wantDown, tt.wantGrace)
			}
			// Lists of tenants (staff's) read plans in bulk, the same way.
			tid := uuid.MustParse(admin.tenantID)
			plans, err := tb.srv.svc.Limits.Plans(t.Context(), []uuid.UUID{tid})
			if err != nil {
				t.Fatal(err)
			}
			if p := plans[tid]; p.Package.Code != u.Package.Code || p.Downgraded != u.Downgraded {
				t.Errorf("listed on %s (downgraded %v), shown on %s", p.Package.Code, p.Downgraded, u.Package.Code)
			}
			b := decode[BillingResponse](t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", admin.token, nil))
			if b.CheckoutAllowed {
				t.Errorf("checkout allowed while the Stripe subscription runs")
			}
		})
	}
}

// TestManualPlanOverGraceGoesOn: a Stripe subscription kept beside a plan
// staff set fell past due while that plan stood; once the plan is over,
// its next event (still past due, as when Stripe gives up retrying and
// marks it unpaid) makes the plan Stripe's again with the grace period
// that ran from the failed payment. It used to start a fresh grace period
// at that event (the manual plan's own status was active).
func TestManualPlanOverGraceGoesOn(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "starter", "price_starter_test")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	later := time.Now().Add(time.Hour).Truncate(time.Second) // after the manual change, however slow the run
	admin := tb.MustSignup(t, "gracegoeson")
	f := newStripeFixture(admin.tenantID)
	wantStatus(t, tb.webhookReq(t, f.sub("customer.subscription.created", t0, f.subA, "active", "starter"), testWebhookSecret, time.Now()), 200)
	tb.mustSetTrial(t, admin.tenantID, "pro")
	wantStatus(t, tb.webhookReq(t, f.invoice("invoice.payment_failed", later, f.subA), testWebhookSecret, time.Now()), 200)
	tb.mustEndPeriod(t, admin.tenantID)
	before := tb.usage(t, admin)
	if before.Package.Code != "starter" || before.GraceEndsAt == nil {
		t.Fatalf("after the trial: tenant on %s (grace ends %v), want starter in grace", before.Package.Code, before.GraceEndsAt)
	}
	unpaid := f.sub("customer.subscription.updated", later.Add(2*time.Hour), f.subA, "unpaid", "starter")
	wantStatus(t, tb.webhookReq(t, unpaid, testWebhookSecret, time.Now()), 200)
	if got := tb.eventOutcome(t, unpaid["id"]); got != "applied" {
		t.Fatalf("outcome %q, want applied", got)
	}
	after := tb.usage(t, admin)
	if after.Subscription.Source != "stripe" || after.Subscription.Status != "past_due" {
		t.Fatalf("subscription %s %s, want the Stripe one past due", after.Subscription.Source, after.Subscription.Status)
	}
	if after.GraceEndsAt == nil || !after.GraceEndsAt.Equal(*before.GraceEndsAt) {
		t.Errorf("grace ends %v after the plan became Stripe's, want %v (from the failed payment)", after.GraceEndsAt, before.GraceEndsAt)
	}
}

// basil reshapes an event as Stripe sends it from an endpoint on API
// version 2025-03-31.basil or later: a subscription's billing period is on
// its items only, and an invoice names its subscription under
// parent.subscription_details only.
func basil(ev map[string]any) map[string]any {
	obj := ev["data"].(map[string]any)["object"].(map[string]any)
	switch obj["object"] {
	case "subscription":
		item := obj["items"].(map[string]any)["data"].([]any)[0].(map[string]any)
		item["current_period_start"], item["current_period_end"] = obj["current_period_start"], obj["current_period_end"]
		delete(obj, "current_period_start")
		delete(obj, "current_period_end")
	case "invoice":
		obj["parent"] = map[string]any{"type": "subscription_details",
			"subscription_details": map[string]any{"subscription": obj["subscription"], "metadata": map[string]string{}}}
		delete(obj, "subscription")
	}
	return ev
}

// TestStripeEventsOfNewerAPIVersion: events of an endpoint pinned to a
// newer API version than the library's are accepted (see HandleWebhook);
// from 2025-03-31.basil on, their subscriptions carry the billing period on
// their items and their invoices name the subscription under parent. Both
// used to be lost: a subscription canceled at period end stayed in force
// after its period (no period end on file), and a failed payment's invoice
// was ignored ("no subscription").
func TestStripeEventsOfNewerAPIVersion(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "starter", "price_starter_test")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)

	t.Run("PeriodOnItems", func(t *testing.T) {
		t.Parallel()
		admin := tb.MustSignup(t, "basilperiod")
		f := newStripeFixture(admin.tenantID)
		wantStatus(t, tb.webhookReq(t, basil(f.sub("customer.subscription.created", t0, f.subA, "active", "starter")), testWebhookSecret, time.Now()), 200)
		ev := f.sub("customer.subscription.updated", t0.Add(time.Second), f.subA, "active", "starter")
		obj := ev["data"].(map[string]any)["object"].(map[string]any)
		ended := time.Now().Add(-time.Minute).Truncate(time.Second)
		obj["cancel_at_period_end"], obj["current_period_end"] = true, ended.Unix()
		wantStatus(t, tb.webhookReq(t, basil(ev), testWebhookSecret, time.Now()), 200)
		u := tb.usage(t, admin)
		if u.Subscription.CurrentPeriodEnd == nil || !u.Subscription.CurrentPeriodEnd.Equal(ended) {
			t.Errorf("period end %v, want %v", u.Subscription.CurrentPeriodEnd, ended)
		}
		if u.Package.Code != "free" || !u.Downgraded {
			t.Errorf("tenant on %s (downgraded %v) after its canceled period ended, want free", u.Package.Code, u.Downgraded)
		}
	})
	t.Run("InvoiceUnderParent", func(t *testing.T) {
		t.Parallel()
		admin := tb.MustSignup(t, "basilinvoice")
		f := newStripeFixture(admin.tenantID)
		wantStatus(t, tb.webhookReq(t, basil(f.sub("customer.subscription.created", t0, f.subA, "active", "starter")), testWebhookSecret, time.Now()), 200)
		ev := basil(f.invoice("invoice.payment_failed", t0.Add(time.Second), f.subA))
		wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
		if got := tb.eventOutcome(t, ev["id"]); got != "applied" {
			t.Errorf("outcome %q", got)
		}
		if u := tb.usage(t, admin); u.Subscription.Status != "past_due" || u.GraceEndsAt == nil || u.Package.Code != "starter" {
			t.Errorf("tenant on %s (status %s, grace ends %v), want starter past due in grace", u.Package.Code, u.Subscription.Status, u.GraceEndsAt)
		}
		paid := basil(f.invoice("invoice.paid", t0.Add(2*time.Second), f.subA))
		wantStatus(t, tb.webhookReq(t, paid, testWebhookSecret, time.Now()), 200)
		if u := tb.usage(t, admin); u.Subscription.Status != "active" {
			t.Errorf("status %s after the invoice was paid, want active", u.Subscription.Status)
		}
	})
}

// TestStripeCancelAt: a subscription set to cancel on a date (cancel_at:
// the Dashboard's "on a custom date", the API) rather than at its
// period's end. Stripe leaves cancel_at_period_end false and the status
// active until the date; the plan must still say it ends, and when, and
// end then even when customer.subscription.deleted comes late.
func TestStripeCancelAt(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	now := time.Now().UTC().Truncate(time.Second)
	day := 24 * time.Hour
	tests := []struct {
		name                  string
		periodStart, cancelAt time.Time // cancelAt zero: none
		wantPackage           string
		wantCancels           bool
		wantEnd               time.Time
	}{
		{name: "OKNoCancelAt", periodStart: now.Add(-day), wantPackage: "pro", wantEnd: now.Add(29 * day)},
		{name: "OKCancelAtWithinPeriod", periodStart: now.Add(-day), cancelAt: now.Add(10 * day),
			wantPackage: "pro", wantCancels: true, wantEnd: now.Add(10 * day)},
		{name: "OKCancelAtPeriodEnd", periodStart: now.Add(-day), cancelAt: now.Add(29 * day),
			wantPackage: "pro", wantCancels: true, wantEnd: now.Add(29 * day)},
		// A later period ends it: this one renews.
		{name: "OKCancelAtAfterPeriod", periodStart: now.Add(-day), cancelAt: now.Add(40 * day),
			wantPackage: "pro", wantEnd: now.Add(29 * day)},
		// The date has passed; customer.subscription.deleted is late.
		{name: "ErrCancelAtPassed", periodStart: now.Add(-20 * day), cancelAt: now.Add(-time.Minute),
			wantPackage: "free", wantCancels: true, wantEnd: now.Add(-time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			admin := tb.MustSignup(t, "cancelat")
			f := newStripeFixture(admin.tenantID)
			ev := f.sub("customer.subscription.updated", now.Add(-time.Hour), f.subA, "active", "pro")
			obj := ev["data"].(map[string]any)["object"].(map[string]any)
			obj["current_period_start"], obj["current_period_end"] = tt.periodStart.Unix(), tt.periodStart.Add(30*day).Unix()
			if !tt.cancelAt.IsZero() {
				obj["cancel_at"] = tt.cancelAt.Unix()
			}
			wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), http.StatusOK)
			u := tb.usage(t, admin)
			if u.Package.Code != tt.wantPackage {
				t.Errorf("package %s, want %s", u.Package.Code, tt.wantPackage)
			}
			s := u.Subscription
			if s == nil || s.Status != "active" || s.CancelAtPeriodEnd != tt.wantCancels || s.CurrentPeriodEnd == nil || !s.CurrentPeriodEnd.Equal(tt.wantEnd) {
				t.Errorf("subscription %+v, want active, cancel_at_period_end %v, ending %s", s, tt.wantCancels, tt.wantEnd)
			}
		})
	}
}
