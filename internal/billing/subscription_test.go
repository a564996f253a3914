package billing

import (
	"context"
	"encoding/json"
	"strings"
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

// TestSetManualOverManualKeepsStripeSide: a manual change over a plan
// staff set keeps the Stripe subscription kept beside that plan, and the
// state recorded of it, whatever status staff had given the plan: staff
// ending a plan here (canceled, incomplete) ends nothing at Stripe, where
// the subscription goes on billing, so checkout stays closed to a second
// one and the subscription takes over when the new plan is over.
func TestSetManualOverManualKeepsStripeSide(t *testing.T) {
	t.Parallel()
	for _, first := range []string{StatusCanceled, StatusIncomplete, StatusActive} {
		t.Run(first, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			if got := tb.apply(t, t0, tb.sub("sub_a", stripe.SubscriptionStatusPastDue, tb.pro), false); got != "applied" {
				t.Fatalf("outcome %q", got)
			}
			before, err := tb.svc.SetManual(context.Background(), tb.tenant, ManualParams{PackageCode: tb.team.Code, Status: first, Reason: "by contract"})
			if err != nil {
				t.Fatal(err)
			}
			if !before.of(tb.id("sub_a")) {
				t.Fatalf("the first manual change dropped the running subscription: %v", deref(before.StripeSubscriptionID))
			}
			got, err := tb.svc.SetManual(context.Background(), tb.tenant, ManualParams{PackageCode: tb.pro.Code, Status: StatusActive, Reason: "by contract"})
			if err != nil {
				t.Fatal(err)
			}
			if !got.of(tb.id("sub_a")) || !sameSide(got.StripeSide, before.StripeSide) {
				t.Fatalf("kept %v with side %s, want sub_a with %s", deref(got.StripeSubscriptionID), fmtSide(got.StripeSide), fmtSide(before.StripeSide))
			}
		})
	}
}

// TestSetManualReasonBounds: a reason of MinReasonLen to MaxReasonLen
// characters (code points, once surrounding spaces are trimmed) is taken,
// one a character shorter or longer is refused. The cases run in turn on
// one tenant.
func TestSetManualReasonBounds(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tc := range []struct {
		name   string
		reason string
		ok     bool
	}{
		{"ShortestTrimmed", "  " + strings.Repeat("é", MinReasonLen) + "  ", true},
		{"ErrTooShort", strings.Repeat("r", MinReasonLen-1), false},
		{"Longest", strings.Repeat("é", MaxReasonLen), true},
		{"ErrTooLong", strings.Repeat("r", MaxReasonLen+1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tb.svc.SetManual(context.Background(), tb.tenant, ManualParams{PackageCode: tb.team.Code, Status: StatusActive,
				Reason: tc.reason})
			switch {
			case tc.ok && err != nil:
				t.Fatalf("SetManual = %v, want the reason taken", err)
			case !tc.ok && !apperr.Is(err, apperr.EINVALID):
				t.Fatalf("SetManual = %v, want EINVALID", err)
			}
		})
	}
}

// TestSetManualAudits: the tenant's billing history and the audit log say
// what a manual change replaced (the package and status before it) and
// until when the new plan runs; a tenant without a plan before (none
// stored) has nothing to say it replaced.
func TestSetManualAudits(t *testing.T) {
	t.Parallel()
	end := time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second)
	for name, tc := range map[string]struct {
		before     string // "signup", "stripe" (pro, past due), "none"
		end        *time.Time
		wantPrev   string // "" none; "free", "pro"
		wantStatus string
	}{
		"FromSignup":     {"signup", nil, "free", StatusActive},
		"FromStripe":     {"stripe", &end, "pro", StatusPastDue},
		"NoPlanBefore":   {"none", nil, "", ""},
		"UntilPeriodEnd": {"signup", &end, "free", StatusActive},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			switch tc.before {
			case "stripe":
				if got := tb.apply(t, t0, tb.sub("sub_a", stripe.SubscriptionStatusPastDue, tb.pro), false); got != "applied" {
					t.Fatalf("outcome %q", got)
				}
			case "none":
				tb.mustExec(t, `DELETE FROM subscriptions WHERE tenant_id = ?`, tb.tenant)
			}
			if _, err := tb.svc.SetManual(context.Background(), tb.tenant, ManualParams{PackageCode: tb.team.Code, Status: StatusActive,
				PeriodEnd: tc.end, Reason: "by contract"}); err != nil {
				t.Fatal(err)
			}
			var data []map[string]any
			var raw []string
			if err := tb.db.Raw(`SELECT data::text FROM audit_events WHERE tenant_id = ? AND action = 'subscription.changed'
				AND data->>'source' = 'manual'`, tb.tenant).Scan(&raw).Error; err != nil {
				t.Fatal(err)
			}
			for _, r := range raw {
				var d map[string]any
				if err := json.Unmarshal([]byte(r), &d); err != nil {
					t.Fatal(err)
				}
				data = append(data, d)
			}
			if len(data) != 1 {
				t.Fatalf("%d manual subscription.changed events, want 1: %v", len(data), raw)
			}
			d := data[0]
			if d["package"] != tb.team.Code || d["status"] != StatusActive || d["reason"] != "by contract" {
				t.Errorf("event %v, want package %s, status active, the reason", d, tb.team.Code)
			}
			wantPrev := map[string]string{"free": FreeCode, "pro": tb.pro.Code}[tc.wantPrev]
			if got, ok := d["previous_package"]; (wantPrev == "") == ok || ok && got != wantPrev {
				t.Errorf("previous_package %v (present %v), want %q", got, ok, wantPrev)
			}
			if got, ok := d["previous_status"]; (tc.wantStatus == "") == ok || ok && got != tc.wantStatus {
				t.Errorf("previous_status %v (present %v), want %q", got, ok, tc.wantStatus)
			}
			got, ok := d["current_period_end"]
			switch {
			case tc.end == nil && ok:
				t.Errorf("current_period_end %v on a plan without an end", got)
			case tc.end != nil && got != tc.end.Format(time.RFC3339):
				t.Errorf("current_period_end %v, want %s", got, tc.end.Format(time.RFC3339))
			}
		})
	}
}
