package limits_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
)

// TestPlanManualWithStripeSide: a plan staff set (manual, Pro here) with
// a Stripe subscription kept beside it (Starter). While the manual plan is
// in force it applies; once it is over the Stripe side applies when that
// is in force itself, else the Free limits. Plan and Plans (many tenants
// in one query) answer alike.
func TestPlanManualWithStripeSide(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	past, future := midMonth.Add(-time.Hour), midMonth.Add(24*time.Hour)
	dayAgo, weeksAgo := midMonth.Add(-24*time.Hour), midMonth.Add(-14*24*time.Hour)
	type side struct {
		status       string
		periodEnd    *time.Time
		cancelAtEnd  bool
		pastDueSince *time.Time
		noID         bool // no stripe_subscription_id
	}
	tests := []struct {
		name           string
		manualEnd      time.Time
		side           *side
		wantCode       string
		wantDowngraded bool
		wantGrace      bool
	}{
		{"ManualInForce", future, &side{status: billing.StatusActive}, "pro", false, false},
		{"ManualOverStripeSideApplies", past, &side{status: billing.StatusActive}, "starter", false, false},
		{"ManualOverStripeSidePastDueInGrace", past, &side{status: billing.StatusPastDue, pastDueSince: &dayAgo}, "starter", false, true},
		{"ManualOverStripeSidePastDueBeyondGrace", past, &side{status: billing.StatusPastDue, pastDueSince: &weeksAgo}, "free", true, false},
		{"ManualOverStripeSideCanceled", past, &side{status: billing.StatusCanceled}, "free", true, false},
		{"ManualOverStripeSideEndedWithItsPeriod", past, &side{status: billing.StatusActive, periodEnd: &past, cancelAtEnd: true}, "free", true, false},
		{"ManualOverStripeSideRenewing", past, &side{status: billing.StatusActive, periodEnd: &past}, "starter", false, false},
		{"ManualOverSideWithoutSubscriptionID", past, &side{status: billing.StatusActive, noID: true}, "free", true, false},
		{"ManualOverNoSide", past, nil, "free", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant := MustCreateTenant(t, "pro", billing.StatusActive, nil)
			if err := d.Gorm.Exec(`UPDATE subscriptions SET current_period_end = ? WHERE tenant_id = ?`, tt.manualEnd, tenant).Error; err != nil {
				t.Fatal(err)
			}
			if s := tt.side; s != nil {
				stripeID := &[]string{"sub_" + tenant.String()}[0]
				if s.noID {
					stripeID = nil
				}
				if err := d.Gorm.Exec(`UPDATE subscriptions SET stripe_package_id = (SELECT id FROM packages WHERE code = 'starter'),
					stripe_status = ?, stripe_period_end = ?, stripe_cancel_at_period_end = ?, stripe_past_due_since = ?, stripe_subscription_id = ?
					WHERE tenant_id = ?`, s.status, s.periodEnd, s.cancelAtEnd, s.pastDueSince, stripeID, tenant).Error; err != nil {
					t.Fatal(err)
				}
			}
			ctx := context.Background()
			plan, err := svc.Plan(ctx, tenant)
			if err != nil {
				t.Fatal(err)
			}
			plans, err := svc.Plans(ctx, []uuid.UUID{tenant, uuid.Must(uuid.NewV7())})
			if err != nil {
				t.Fatal(err)
			}
			for label, p := range map[string]limits.Plan{"Plan": plan, "Plans": plans[tenant]} {
				if p.Package.Code != tt.wantCode || p.Downgraded != tt.wantDowngraded || (p.GraceEndsAt != nil) != tt.wantGrace {
					t.Fatalf("%s: %s downgraded=%v grace=%v (%s), want %s %v grace=%v", label, p.Package.Code, p.Downgraded,
						p.GraceEndsAt, p.Reason, tt.wantCode, tt.wantDowngraded, tt.wantGrace)
				}
				if p.Subscription == nil || p.Subscription.Source != billing.SourceManual {
					t.Fatalf("%s: subscription %+v, want the manual one", label, p.Subscription)
				}
			}
		})
	}
}

// TestPlanClockBoundaries: when a subscription's package stops applying,
// by the service's clock. A Stripe subscription past its period's end
// applies still unless it was cancelled at the period's end (a renewal's
// webhook may come late); a past_due one applies until the instant its
// grace ends, counted from past_due_since, or from the row's last update
// when that is unknown.
func TestPlanClockBoundaries(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	grace := limits.DefaultPastDueGrace
	at := func(d time.Duration) *time.Time { t := midMonth.Add(d); return &t }
	tests := []struct {
		name           string
		status, source string
		periodEnd      *time.Time
		cancelAtEnd    bool
		pastDueSince   *time.Time
		updatedAt      *time.Time
		wantCode       string
		wantGraceEnds  *time.Time
	}{
		{"StripeRenewingPastPeriodEnd", billing.StatusActive, billing.SourceStripe, at(-time.Hour), false, nil, nil, "pro", nil},
		{"StripeCancelledAtPeriodEndBefore", billing.StatusActive, billing.SourceStripe, at(time.Microsecond), true, nil, nil, "pro", nil},
		{"StripeCancelledAtPeriodEndAtIt", billing.StatusActive, billing.SourceStripe, at(0), true, nil, nil, "free", nil},
		{"TrialCancelledAtPeriodEndOver", billing.StatusTrialing, billing.SourceStripe, at(-time.Hour), true, nil, nil, "free", nil},
		{"PastDueGraceLastInstant", billing.StatusPastDue, billing.SourceStripe, nil, false, at(time.Microsecond - grace), nil, "pro", at(time.Microsecond)},
		{"PastDueGraceEnded", billing.StatusPastDue, billing.SourceStripe, nil, false, at(-grace), nil, "free", at(0)},
		{"PastDueSinceUnknownInGrace", billing.StatusPastDue, billing.SourceStripe, nil, false, nil, at(-time.Hour), "pro", at(grace - time.Hour)},
		{"PastDueSinceUnknownBeyondGrace", billing.StatusPastDue, billing.SourceStripe, nil, false, nil, at(-grace - time.Hour), "free", at(-time.Hour)},
		{"Paused", billing.StatusPaused, billing.SourceStripe, nil, false, nil, nil, "free", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant := MustCreateTenant(t, "pro", tt.status, tt.pastDueSince)
			if err := d.Gorm.Exec(`UPDATE subscriptions SET source = ?, current_period_end = ?, cancel_at_period_end = ?,
				updated_at = coalesce(?, updated_at) WHERE tenant_id = ?`, tt.source, tt.periodEnd, tt.cancelAtEnd, tt.updatedAt, tenant).Error; err != nil {
				t.Fatal(err)
			}
			plan, err := svc.Plan(context.Background(), tenant)
			if err != nil {
				t.Fatal(err)
			}
			graceOK := (plan.GraceEndsAt == nil) == (tt.wantGraceEnds == nil) &&
				(tt.wantGraceEnds == nil || plan.GraceEndsAt.Equal(*tt.wantGraceEnds))
			if plan.Package.Code != tt.wantCode || plan.Downgraded != (tt.wantCode == "free") || !graceOK {
				t.Fatalf("%s downgraded=%v grace ends %v (%s), want %s grace ends %v", plan.Package.Code, plan.Downgraded,
					plan.GraceEndsAt, plan.Reason, tt.wantCode, tt.wantGraceEnds)
			}
		})
	}
}
