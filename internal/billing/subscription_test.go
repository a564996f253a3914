package billing

import (
	"context"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestSetManualKeepsStripeSide: what a manual change keeps of the plan
// before it. A Stripe subscription that may still run stays beside the
// plan with its state (it bills the tenant and takes over when the manual
// plan ends); an ended one is dropped; the grace of a tenant that stays
// past due goes on.
func TestSetManualKeepsStripeSide(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		stripeStatus stripe.SubscriptionStatus // "" none: the tenant is on Free from sign-up
		cancel       bool
		manual       string
		wantKept     bool
		wantSince    bool // past_due_since is the Stripe subscription's (t0), not now
	}{
		"FromSignup":             {"", false, StatusActive, false, false},
		"ActiveKept":             {"active", false, StatusActive, true, false},
		"TrialingKept":           {"trialing", false, StatusActive, true, false},
		"CancelAtPeriodEndKept":  {"active", true, StatusActive, true, false},
		"PastDueKept":            {"past_due", false, StatusActive, true, false},
		"PastDueStaysGraceGoes":  {"past_due", false, StatusPastDue, true, true},
		"CanceledDropped":        {"canceled", false, StatusActive, false, false},
		"IncompleteDropped":      {"incomplete", false, StatusActive, false, false},
		"PausedDropped":          {"paused", false, StatusActive, false, false},
		"ActiveKeptUnderCancel":  {"active", false, StatusCanceled, true, false},
		"PastDueFromActiveStart": {"active", false, StatusPastDue, true, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			if tc.stripeStatus != "" {
				sub := tb.sub("sub_a", tc.stripeStatus, tb.pro)
				sub.CancelAtPeriodEnd = tc.cancel
				if got := tb.apply(t, t0, sub, false); got != "applied" {
					t.Fatalf("outcome %q", got)
				}
			}
			before := tb.current(t)
			got, err := tb.svc.SetManual(context.Background(), tb.tenant, ManualParams{PackageCode: tb.team.Code, Status: tc.manual, Reason: "by contract"})
			if err != nil {
				t.Fatal(err)
			}
			if stored := tb.current(t); stored.Status != got.Status || stored.Source != SourceManual || stored.PackageID != tb.team.ID ||
				!eqPtr(stored.StripeSubscriptionID, got.StripeSubscriptionID) || !sameSide(stored.StripeSide, got.StripeSide) {
				t.Fatalf("stored %+v, answered %+v", stored, got)
			}
			if got.of(tb.id("sub_a")) != tc.wantKept {
				t.Fatalf("kept %v, want %v", deref(got.StripeSubscriptionID), tc.wantKept)
			}
			wantSide := StripeSide{}
			if tc.wantKept {
				wantSide = StripeSide{StripePackageID: &tb.pro.ID, StripeStatus: &before.Status, StripePeriodEnd: before.CurrentPeriodEnd,
					StripeCancelAtPeriodEnd: before.CancelAtPeriodEnd, StripePastDueSince: before.PastDueSince}
			}
			if !sameSide(got.StripeSide, wantSide) {
				t.Errorf("side %s, want %s", fmtSide(got.StripeSide), fmtSide(wantSide))
			}
			if !eqTime(got.LastEventAt, before.LastEventAt) {
				t.Errorf("last event at %v, want the Stripe events' %v", deref(got.LastEventAt), deref(before.LastEventAt))
			}
			switch {
			case tc.manual != StatusPastDue && got.PastDueSince != nil:
				t.Errorf("past due since %v on a %s plan", *got.PastDueSince, tc.manual)
			case tc.manual == StatusPastDue && tc.wantSince && !eqTime(got.PastDueSince, &t0):
				t.Errorf("past due since %v, want the grace that ran since %v", deref(got.PastDueSince), t0)
			case tc.manual == StatusPastDue && !tc.wantSince && (got.PastDueSince == nil || !got.PastDueSince.After(t0)):
				t.Errorf("past due since %v, want now", deref(got.PastDueSince))
			}
		})
	}
}

func sameSide(a, b StripeSide) bool {
	return eqPtr(a.StripePackageID, b.StripePackageID) && eqPtr(a.StripeStatus, b.StripeStatus) && eqTime(a.StripePeriodEnd, b.StripePeriodEnd) &&
		a.StripeCancelAtPeriodEnd == b.StripeCancelAtPeriodEnd && eqTime(a.StripePastDueSince, b.StripePastDueSince)
}

// TestSetManualRefuses runs its cases in turn: after them, the tenant's
// plan is checked untouched.
func TestSetManualRefuses(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	past := time.Now().Add(-time.Minute)
	for name, p := range map[string]ManualParams{
		"ErrNoReason":         {PackageCode: tb.team.Code, Status: StatusActive, Reason: "  "},
		"ErrShortReason":      {PackageCode: tb.team.Code, Status: StatusActive, Reason: " ab "},
		"ErrPausedByStaff":    {PackageCode: tb.team.Code, Status: StatusPaused, Reason: "by contract"},
		"ErrPeriodEndPast":    {PackageCode: tb.team.Code, Status: StatusActive, Reason: "by contract", PeriodEnd: &past},
		"ErrUnknownPackage":   {PackageCode: "no-such-package", Status: StatusActive, Reason: "by contract"},
		"ErrUnknownStatusRaw": {PackageCode: tb.team.Code, Status: "unpaid", Reason: "by contract"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := tb.svc.SetManual(context.Background(), tb.tenant, p); !apperr.Is(err, apperr.EINVALID) {
				t.Fatalf("SetManual = %v, want EINVALID", err)
			}
		})
	}
	if cur := tb.current(t); cur.Source != SourceSignup {
		t.Fatalf("a refused change was stored: %+v", cur)
	}
}
