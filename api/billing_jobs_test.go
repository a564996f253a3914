package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/onecloudai/contacts/internal/billing"
)

// TestCheckoutJobGivesUp: a checkout job whose last attempt fails (here it
// timed out) leaves its event saying so instead of "queued" for ever; an
// earlier attempt's failure leaves it queued for the retry; and the job
// retried by hand afterwards still applies the checkout.
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
		})
	}
}
