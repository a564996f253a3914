package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/mail"
)

// TestCheckoutJobGivesUp: a checkout job whose last attempt fails (here it
// timed out) leaves its event saying so instead of "queued" for ever; an
// earlier attempt's failure leaves it queued for the retry; and the job
// retried by hand afterwards still applies the checkout. While it has
// failed, the tenant's billing answer says the payment could not be
// applied yet (another tenant's does not).
func TestCheckoutJobGivesUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		attempt     int
		wantOutcome string
	}{
		{"OKLastAttemptRecorded", 10, "failed after 10 attempts: context deadline exceeded"},
		{"OKEarlierAttemptStaysQueued", 9, "queued"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setupStripe(t)
			tb.MustPricePackage(t, "pro", "price_pro_test")
			admin := tb.MustSignup(t, "gaveup")
			f := newStripeFixture(admin.tenantID)
			ev := map[string]any{
				"id": "evt_cs_" + f.subB, "object": "event", "type": "checkout.session.completed", "created": time.Now().Add(-time.Minute).Unix(),
				"data": map[string]any{"object": map[string]any{"id": "cs_test_" + f.subB, "object": "checkout.session", "mode": "subscription",
					"client_reference_id": admin.tenantID, "customer": f.customer, "subscription": f.subB,
					"metadata": map[string]string{"tenant_id": admin.tenantID, "package_code": "pro"}}},
			}
			wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
			w := &billing.CheckoutCompletedWorker{Service: tb.srv.svc.Billing}
			job := &river.Job[billing.CheckoutCompletedArgs]{JobRow: &rivertype.JobRow{Attempt: tt.attempt, MaxAttempts: 10},
				Args: billing.CheckoutCompletedArgs{EventID: fmt.Sprint(ev["id"])}}
			ctx, cancel := context.WithTimeout(t.Context(), 0) // the job's timeout passed
			defer cancel()
			if err := w.Work(ctx, job); err == nil {
				t.Fatal("the timed-out run succeeded")
			}
			if got := tb.eventOutcome(t, ev["id"]); got != tt.wantOutcome {
				t.Fatalf("event outcome %q, want %q", got, tt.wantOutcome)
			}
			other := tb.MustSignup(t, "gaveupother")
			for _, c := range []struct {
				who  session
				want bool
			}{{admin, tt.attempt == 10}, {other, false}} {
				b := decode[BillingResponse](t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", c.who.token, nil))
				if b.CheckoutNotApplied != c.want {
					t.Fatalf("%s: checkout_not_applied %v, want %v", c.who.email, b.CheckoutNotApplied, c.want)
				}
			}
			job.Attempt++
			job.MaxAttempts++ // retried by hand
			if err := w.Work(t.Context(), job); err != nil {
				t.Fatal(err)
			}
			if got := tb.eventOutcome(t, ev["id"]); strings.HasPrefix(got, "failed") || got == "queued" {
				t.Fatalf("after the retry the event outcome is %q", got)
			}
			if got := tb.storedSubscriptionID(t, admin.tenantID); got != f.subB {
				t.Fatalf("after the retry the current subscription is %q, want %s", got, f.subB)
			}
			if b := decode[BillingResponse](t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", admin.token, nil)); b.CheckoutNotApplied {
				t.Fatal("after the retry checkout_not_applied is still true")
			}
		})
	}
}

// TestStripeSubscriptionPaused: a subscription Stripe paused (a trial
// that ended without a payment method) is shown as paused, not as a first
// payment that has not gone through (incomplete), and its package is not
// in force; resumed, it is active again.
func TestStripeSubscriptionPaused(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "paused")
	f := newStripeFixture(admin.tenantID)
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	steps := []struct {
		ev                      map[string]any
		wantStatus, wantPackage string
	}{
		{f.sub("customer.subscription.created", t0, f.subA, "trialing", "pro"), "trialing", "pro"},
		{f.sub("customer.subscription.updated", t0.Add(time.Minute), f.subA, "paused", "pro"), "paused", "free"},
		{f.sub("customer.subscription.updated", t0.Add(2*time.Minute), f.subA, "active", "pro"), "active", "pro"},
	}
	for i, st := range steps {
		wantStatus(t, tb.webhookReq(t, st.ev, testWebhookSecret, time.Now()), 200)
		if u := tb.usage(t, admin); u.Subscription == nil || u.Subscription.Status != st.wantStatus || u.Package.Code != st.wantPackage {
			t.Fatalf("step %d: tenant on %s %+v, want %s %s", i, u.Package.Code, u.Subscription, st.wantPackage, st.wantStatus)
		}
	}
}

// TestOutboxShowsUndeliveredMail: a mail whose delivery job gave up is
// listed as not delivered, with its last error, for system admins; one
// still retried shows its error and no failed_at.
func TestOutboxShowsUndeliveredMail(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	failed, err := mail.Queue(t.Context(), tb.db.Gorm, uniqueEmail("gaveup"), "You are invited", "Join: https://example.test/invite?token=x")
	if err != nil {
		t.Fatal(err)
	}
	retrying, err := mail.Queue(t.Context(), tb.db.Gorm, uniqueEmail("retrying"), "You are invited", "Join")
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.db.Gorm.Exec(`UPDATE outbox_emails SET failed_at = now(), error = 'dial tcp: connection refused' WHERE id = ?`, failed.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := tb.db.Gorm.Exec(`UPDATE outbox_emails SET error = 'dial tcp: i/o timeout' WHERE id = ?`, retrying.ID).Error; err != nil {
		t.Fatal(err)
	}
	list := decode[OutboxList](t, tb.req(t, http.MethodGet, "/api/v1/admin/outbox", sys.token, nil))
	seen := 0
	for _, m := range list.Items {
		switch m.ID {
		case failed.ID.String():
			seen++
			if m.FailedAt == nil || m.SentAt != nil || m.Error == nil || *m.Error != "dial tcp: connection refused" {
				t.Errorf("given-up mail: %+v", m)
			}
		case retrying.ID.String():
			seen++
			if m.FailedAt != nil || m.Error == nil || *m.Error != "dial tcp: i/o timeout" {
				t.Errorf("retried mail: %+v", m)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("outbox lists %d of the 2 mails: %+v", seen, list.Items)
	}
}

// TestFailAbandonedCheckouts: a completed checkout still queued an hour
// after it arrived, whose job River's rescuer discarded (its worker died
// on the last attempt), someone cancelled, or that ended without applying
// it, is recorded as failed by the hourly sweep; one whose job waits to
// retry, waits its turn or runs, and a recent one, stay queued.
func TestFailAbandonedCheckouts(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	admin := tb.MustSignup(t, "abandoned")
	f := newStripeFixture(admin.tenantID)
	checkout := func(name string, age time.Duration, jobState string) string {
		t.Helper()
		id := "evt_cs_" + name + "_" + f.subA
		ev := map[string]any{
			"id": id, "object": "event", "type": "checkout.session.completed", "created": time.Now().Add(-age).Unix(),
			"data": map[string]any{"object": map[string]any{"id": "cs_test_" + name + f.subA, "object": "checkout.session", "mode": "subscription",
				"client_reference_id": admin.tenantID, "customer": f.customer, "subscription": f.subA}},
		}
		wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
		// The job the webhook queued, as River left it.
		if err := tb.db.Gorm.Exec(`UPDATE river_job SET state = ?, finalized_at = CASE WHEN ? IN ('completed', 'discarded', 'cancelled') THEN now() END,
			scheduled_at = now() + interval '1 hour' WHERE kind = ? AND args->>'event_id' = ?`,
			jobState, jobState, billing.CheckoutCompletedArgs{}.Kind(), id).Error; err != nil {
			t.Fatal(err)
		}
		if err := tb.db.Gorm.Exec(`UPDATE stripe_events SET received_at = now() - make_interval(secs => ?) WHERE id = ?`, age.Seconds(), id).Error; err != nil {
			t.Fatal(err)
		}
		return id
	}
	old := 2 * billing.CheckoutAbandonedAfter
	cases := []struct {
		name     string
		age      time.Duration
		jobState string
		swept    bool
	}{
		{"gone", old, "discarded", true},
		{"cancelled", old, "cancelled", true},
		{"ended", old, "completed", true},
		{"retry", old, "retryable", false},
		{"waiting", old, "available", false},
		{"later", old, "scheduled", false},
		{"running", old, "running", false},
		{"recent", 0, "discarded", false},
	}
	ids := make([]string, len(cases))
	for i, c := range cases {
		ids[i] = checkout(c.name, c.age, c.jobState)
	}
	if _, err := tb.srv.svc.Billing.FailAbandonedCheckouts(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		got := tb.eventOutcome(t, ids[i])
		if c.swept && !strings.HasPrefix(got, "failed: its job ended") || !c.swept && got != "queued" {
			t.Errorf("%s (job %s): outcome %q, want it swept: %v", c.name, c.jobState, got, c.swept)
		}
	}
}

// failCheckout delivers a completed checkout of tenant's and has its job's
// last attempt fail, as when Stripe stayed unreachable; it returns the
// event id and the worker.
func (tb *testBundle) failCheckout(t *testing.T, tenantID string, f stripeFixture) (string, *billing.CheckoutCompletedWorker) {
	t.Helper()
	id := "evt_cs_" + f.subB
	ev := map[string]any{
		"id": id, "object": "event", "type": "checkout.session.completed", "created": time.Now().Add(-time.Minute).Unix(),
		"data": map[string]any{"object": map[string]any{"id": "cs_test_" + f.subB, "object": "checkout.session", "mode": "subscription",
			"client_reference_id": tenantID, "customer": f.customer, "subscription": f.subB,
			"metadata": map[string]string{"tenant_id": tenantID, "package_code": "pro"}}},
	}
	wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
	w := &billing.CheckoutCompletedWorker{Service: tb.srv.svc.Billing}
	ctx, cancel := context.WithTimeout(t.Context(), 0)
	defer cancel()
	if err := w.Work(ctx, &river.Job[billing.CheckoutCompletedArgs]{JobRow: &rivertype.JobRow{Attempt: 10, MaxAttempts: 10},
		Args: billing.CheckoutCompletedArgs{EventID: id}}); err == nil {
		t.Fatal("the timed-out run succeeded")
	}
	return id, w
}

// TestAdminRetriesFailedCheckout: platform staff see a tenant's paid
// checkout whose job gave up on the tenant's detail; a system admin's
// retry queues a new job (audited), which applies it; support may only
// look; a retry of a checkout that did not fail is a 409, one of another
// tenant, an unknown event or an event that is no checkout a 404.
func TestAdminRetriesFailedCheckout(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "retry")
	other := tb.MustSignup(t, "retryother")
	sys := tb.MustSystemUser(t, "system_admin")
	support := tb.MustSystemUser(t, "support")
	f := newStripeFixture(admin.tenantID)
	eventID, w := tb.failCheckout(t, admin.tenantID, f)

	detail := func(who session, tenantID string) AdminTenantDetail {
		return decode[AdminTenantDetail](t, tb.req(t, http.MethodGet, "/api/v1/admin/tenants/"+tenantID, who.token, nil))
	}
	d := detail(support, admin.tenantID)
	if len(d.FailedCheckouts) != 1 || d.FailedCheckouts[0].EventID != eventID || !strings.HasPrefix(d.FailedCheckouts[0].Outcome, "failed after 10 attempts") {
		t.Fatalf("failed checkouts %+v, want %s", d.FailedCheckouts, eventID)
	}
	if d := detail(sys, other.tenantID); len(d.FailedCheckouts) != 0 {
		t.Fatalf("another tenant lists %+v", d.FailedCheckouts)
	}

	retry := func(who, tenantID, event string) *httptest.ResponseRecorder {
		return tb.req(t, http.MethodPost, "/api/v1/admin/tenants/"+tenantID+"/checkouts/"+event+"/retry", who, nil)
	}
	wantStatus(t, retry("", admin.tenantID, eventID), 401)
	wantStatus(t, retry(support.token, admin.tenantID, eventID), 403)
	wantStatus(t, retry(admin.token, admin.tenantID, eventID), 403)
	wantStatus(t, retry(sys.token, other.tenantID, eventID), 404)
	wantStatus(t, retry(sys.token, admin.tenantID, "evt_unknown"), 404)
	wantStatus(t, retry(sys.token, "00000000-0000-4000-8000-000000000000", eventID), 404)
	// An event of another type is no checkout to retry, though it names the tenant and failed.
	notCheckout := "evt_sub_" + f.subB
	if err := tb.db.Gorm.Exec(`INSERT INTO stripe_events (id, type, created, payload, outcome, received_at)
		VALUES (?, 'customer.subscription.updated', now(), jsonb_build_object('data', jsonb_build_object('object',
		jsonb_build_object('client_reference_id', ?::text))), 'failed after 10 attempts: stripe unavailable', now())`,
		notCheckout, admin.tenantID).Error; err != nil {
		t.Fatal(err)
	}
	wantStatus(t, retry(sys.token, admin.tenantID, notCheckout), 404)
	if d := detail(support, admin.tenantID); len(d.FailedCheckouts) != 1 || d.FailedCheckouts[0].EventID != eventID {
		t.Fatalf("failed checkouts %+v, want only %s", d.FailedCheckouts, eventID)
	}
	if got := tb.eventOutcome(t, eventID); !strings.HasPrefix(got, "failed") {
		t.Fatalf("refused retries changed the outcome to %q", got)
	}

	countJobs := func() (n int64) {
		// The webhook's job stays in river_job here: no client runs it in these tests.
		tb.db.Gorm.Raw(`SELECT count(*) FROM river_job WHERE kind = ? AND args->>'event_id' = ? AND state = 'available'`,
			billing.CheckoutCompletedArgs{}.Kind(), eventID).Scan(&n)
		return n
	}
	jobsBefore := countJobs()
	wantStatus(t, retry(sys.token, admin.tenantID, eventID), 204)
	if got := tb.eventOutcome(t, eventID); got != "queued" {
		t.Fatalf("after the retry the outcome is %q, want queued", got)
	}
	var audited int64
	tb.db.Gorm.Raw(`SELECT count(*) FROM audit_events WHERE action = 'billing.checkout_retried' AND tenant_id = ? AND data->>'stripe_event_id' = ?`,
		admin.tenantID, eventID).Scan(&audited)
	if jobs := countJobs() - jobsBefore; jobs != 1 || audited != 1 {
		t.Fatalf("the retry queued %d jobs and wrote %d audit events, want 1 and 1", jobs, audited)
	}
	// A platform route: the tenant's log shows the retry as done by
	// 1CloudAI staff, not by whom (the route marks its actor staff; the
	// billing service does not).
	evs := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?action=billing.checkout_retried", admin.token, nil))
	if len(evs.Items) != 1 {
		t.Fatalf("the retry is not in the tenant's log: %+v", evs)
	}
	wantStaffHidden(t, evs.Items[0])
	// Queued: a second retry has nothing to do, and the tenant is no longer told it failed.
	wantStatus(t, retry(sys.token, admin.tenantID, eventID), 409)
	if b := decode[BillingResponse](t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", admin.token, nil)); b.CheckoutNotApplied {
		t.Fatal("checkout_not_applied while the retry is queued")
	}

	// The new job runs and applies the checkout.
	if err := w.Work(t.Context(), &river.Job[billing.CheckoutCompletedArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 10},
		Args: billing.CheckoutCompletedArgs{EventID: eventID}}); err != nil {
		t.Fatal(err)
	}
	if got := tb.storedSubscriptionID(t, admin.tenantID); got != f.subB {
		t.Fatalf("after the retried job the current subscription is %q, want %s", got, f.subB)
	}
	if d := detail(sys, admin.tenantID); len(d.FailedCheckouts) != 0 {
		t.Fatalf("an applied checkout is still listed: %+v", d.FailedCheckouts)
	}
	wantStatus(t, retry(sys.token, admin.tenantID, eventID), 409)
}
