package billing

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v76"
)

// The decisions of a Stripe event that need no database: how a Stripe
// status reads, which periods are possible, and the state a subscription
// (or the Stripe side of a manual plan) is left in. apply_test.go runs the
// whole decision, applySubscription, on PostgreSQL.

var (
	t0 = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

func TestStripeStatusMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		stripe  stripe.SubscriptionStatus
		want    string
		running bool // holds the tenant and refuses a second checkout
	}{
		{stripe.SubscriptionStatusActive, StatusActive, true},
		{stripe.SubscriptionStatusTrialing, StatusTrialing, true},
		{stripe.SubscriptionStatusPastDue, StatusPastDue, true},
		{stripe.SubscriptionStatusUnpaid, StatusPastDue, true},
		{stripe.SubscriptionStatusCanceled, StatusCanceled, false},
		{stripe.SubscriptionStatusIncomplete, StatusIncomplete, false},
		{stripe.SubscriptionStatusIncompleteExpired, StatusIncomplete, false},
		{stripe.SubscriptionStatusPaused, StatusPaused, false},
	} {
		t.Run(string(tc.stripe), func(t *testing.T) {
			t.Parallel()
			got, ok := stripeStatus[tc.stripe]
			if !ok || got != tc.want {
				t.Fatalf("stripeStatus[%s] = %q, %v; want %q", tc.stripe, got, ok, tc.want)
			}
			if _, ranked := stageRank[got]; !ranked {
				t.Errorf("status %q has no stage rank: same-second events of it would rank as incomplete", got)
			}
			if running := heldByOther(Subscription{Status: got, StripeSubscriptionID: ptr("sub_a")}, "sub_b"); running != tc.running {
				t.Errorf("a stored %q subscription holds the tenant against another: %v, want %v", got, running, tc.running)
			}
		})
	}
	if _, ok := stripeStatus["something_new"]; ok {
		t.Fatal("an unknown Stripe status must be ignored, not mapped")
	}
}

func TestStageRankOrdersALife(t *testing.T) {
	t.Parallel()
	life := []string{StatusIncomplete, StatusTrialing, StatusActive, StatusCanceled}
	for i := 1; i < len(life); i++ {
		if stageRank[life[i-1]] >= stageRank[life[i]] {
			t.Errorf("stage %q ranks %d, not before %q (%d)", life[i-1], stageRank[life[i-1]], life[i], stageRank[life[i]])
		}
	}
	for _, s := range []string{StatusPastDue, StatusPaused} {
		if stageRank[s] != stageRank[StatusActive] {
			t.Errorf("%q ranks %d, want active's %d: they alternate with it in any order", s, stageRank[s], stageRank[StatusActive])
		}
	}
}

func TestHeldByOther(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		cur  Subscription
		id   string
		want bool
	}{
		"NoStoredSubscription":     {Subscription{Status: StatusActive}, "sub_b", false},
		"EmptyStoredID":            {Subscription{Status: StatusActive, StripeSubscriptionID: ptr("")}, "sub_b", false},
		"SameSubscription":         {Subscription{Status: StatusActive, StripeSubscriptionID: ptr("sub_a")}, "sub_a", false},
		"OtherActive":              {Subscription{Status: StatusActive, StripeSubscriptionID: ptr("sub_a")}, "sub_b", true},
		"OtherCanceled":            {Subscription{Status: StatusCanceled, StripeSubscriptionID: ptr("sub_a")}, "sub_b", false},
		"OtherUnderManualPastDue":  {Subscription{Status: StatusPastDue, Source: SourceManual, StripeSubscriptionID: ptr("sub_a")}, "sub_b", true},
		"OtherUnderManualCanceled": {Subscription{Status: StatusCanceled, Source: SourceManual, StripeSubscriptionID: ptr("sub_a")}, "sub_b", false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := heldByOther(tc.cur, tc.id); got != tc.want {
				t.Fatalf("heldByOther = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCheckPeriod(t *testing.T) {
	t.Parallel()
	last := storableUntil.Unix() - 1
	for name, tc := range map[string]struct {
		sub stripe.Subscription
		ok  bool
	}{
		"OK":                 {stripe.Subscription{CurrentPeriodStart: t0.Unix(), CurrentPeriodEnd: t1.Unix()}, true},
		"NoPeriod":           {stripe.Subscription{}, true},
		"LastStorableSecond": {stripe.Subscription{CurrentPeriodStart: t0.Unix(), CurrentPeriodEnd: last, CancelAt: last}, true},
		"ErrStartBefore1970": {stripe.Subscription{CurrentPeriodStart: -1, CurrentPeriodEnd: t1.Unix()}, false},
		"ErrEndYear10000":    {stripe.Subscription{CurrentPeriodStart: t0.Unix(), CurrentPeriodEnd: last + 1}, false},
		"ErrCancelAtYear10000": {stripe.Subscription{CurrentPeriodStart: t0.Unix(), CurrentPeriodEnd: t1.Unix(),
			CancelAt: storableUntil.Unix()}, false},
		"ErrCancelAtNegative": {stripe.Subscription{CancelAt: -5}, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := checkPeriod(&tc.sub)
			if (err == nil) != tc.ok {
				t.Fatalf("checkPeriod = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestCheckCreated(t *testing.T) {
	t.Parallel()
	s := NewService(nil).WithClock(func() time.Time { return t0 })
	for name, tc := range map[string]struct {
		created int64
		live    bool
		ok      bool
	}{
		"OK":                    {t0.Unix() - 3600, true, true},
		"LiveWithinTolerance":   {t0.Add(WebhookTolerance).Unix(), true, true},
		"ErrLiveAhead":          {t0.Add(WebhookTolerance).Unix() + 1, true, false},
		"TestModeAhead":         {t0.AddDate(1, 0, 0).Unix(), false, true},
		"ErrZero":               {0, false, false},
		"ErrNegative":           {-1, false, false},
		"ErrYear10000TestMode":  {storableUntil.Unix(), false, false},
		"LastStorableTestMode":  {storableUntil.Unix() - 1, false, true},
		"ErrYear10000LiveAhead": {storableUntil.Unix(), true, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := s.checkCreated(stripe.Event{Created: tc.created, Livemode: tc.live})
			if (err == nil) != tc.ok {
				t.Fatalf("checkCreated = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestCancelAt(t *testing.T) {
	t.Parallel()
	start, end := t0.Unix(), t0.AddDate(0, 1, 0).Unix()
	mid := t0.AddDate(0, 0, 10).Unix()
	for name, tc := range map[string]struct {
		sub        stripe.Subscription
		wantEnd    int64
		wantCancel bool
	}{
		"NoCancelAt":          {stripe.Subscription{CurrentPeriodStart: start, CurrentPeriodEnd: end}, end, false},
		"WithinPeriod":        {stripe.Subscription{CurrentPeriodStart: start, CurrentPeriodEnd: end, CancelAt: mid}, mid, true},
		"AtPeriodEnd":         {stripe.Subscription{CurrentPeriodStart: start, CurrentPeriodEnd: end, CancelAt: end}, end, true},
		"InALaterPeriod":      {stripe.Subscription{CurrentPeriodStart: start, CurrentPeriodEnd: end, CancelAt: end + 1}, end, false},
		"AtPeriodStart":       {stripe.Subscription{CurrentPeriodStart: start, CurrentPeriodEnd: end, CancelAt: start}, end, false},
		"NoPeriodStart":       {stripe.Subscription{CurrentPeriodEnd: end, CancelAt: mid}, end, false},
		"NoPeriodEnd":         {stripe.Subscription{CurrentPeriodStart: start, CancelAt: mid}, 0, false},
		"AlreadyAtPeriodEnd":  {stripe.Subscription{CurrentPeriodStart: start, CurrentPeriodEnd: end, CancelAtPeriodEnd: true}, end, true},
		"CancelAtBeforeStart": {stripe.Subscription{CurrentPeriodStart: start, CurrentPeriodEnd: end, CancelAt: start - 1}, end, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sub := tc.sub
			cancelAt(&sub)
			if sub.CurrentPeriodEnd != tc.wantEnd || sub.CancelAtPeriodEnd != tc.wantCancel {
				t.Fatalf("period end %d, cancel at period end %v; want %d, %v", sub.CurrentPeriodEnd, sub.CancelAtPeriodEnd, tc.wantEnd, tc.wantCancel)
			}
		})
	}
}

func TestItemPeriods(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		own          stripe.Subscription
		raw          string
		start, end   int64
		wantUnchange bool
	}{
		"OwnPeriodKept": {stripe.Subscription{CurrentPeriodStart: 10, CurrentPeriodEnd: 20},
			`{"items":{"data":[{"current_period_start":30,"current_period_end":40}]}}`, 10, 20, true},
		"FromItemsLatestEnd": {stripe.Subscription{},
			`{"items":{"data":[{"current_period_start":30,"current_period_end":40},{"current_period_start":35,"current_period_end":50},{"current_period_start":1,"current_period_end":2}]}}`, 35, 50, false},
		"NoItems":     {stripe.Subscription{}, `{}`, 0, 0, true},
		"Undecodable": {stripe.Subscription{}, `{"items":[]}`, 0, 0, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sub := tc.own
			itemPeriods([]byte(tc.raw), &sub)
			if sub.CurrentPeriodStart != tc.start || sub.CurrentPeriodEnd != tc.end {
				t.Fatalf("period %d to %d, want %d to %d", sub.CurrentPeriodStart, sub.CurrentPeriodEnd, tc.start, tc.end)
			}
		})
	}
}

func TestInvoiceParent(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		inv      stripe.Invoice
		raw      string
		wantID   string
		wantMeta string // metadata tenant_id
	}{
		"OwnSubscriptionKept": {stripe.Invoice{Subscription: &stripe.Subscription{ID: "sub_own"}},
			`{"parent":{"subscription_details":{"subscription":"sub_parent"}}}`, "sub_own", ""},
		"ParentID": {stripe.Invoice{},
			`{"parent":{"subscription_details":{"subscription":"sub_parent","metadata":{"tenant_id":"t1"}}}}`, "sub_parent", "t1"},
		"ParentExpanded": {stripe.Invoice{},
			`{"parent":{"subscription_details":{"subscription":{"id":"sub_x","metadata":{"tenant_id":"own"}},"metadata":{"tenant_id":"details"}}}}`, "sub_x", "own"},
		"ParentExpandedNoMetadata": {stripe.Invoice{},
			`{"parent":{"subscription_details":{"subscription":{"id":"sub_x"},"metadata":{"tenant_id":"details"}}}}`, "sub_x", "details"},
		"NoParent":         {stripe.Invoice{}, `{"parent":null}`, "", ""},
		"EmptyID":          {stripe.Invoice{}, `{"parent":{"subscription_details":{"subscription":""}}}`, "", ""},
		"SubscriptionNull": {stripe.Invoice{}, `{"parent":{"subscription_details":{"subscription":null}}}`, "", ""},
		"WrongType":        {stripe.Invoice{}, `{"parent":{"subscription_details":{"subscription":42}}}`, "", ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inv := tc.inv
			invoiceParent([]byte(tc.raw), &inv)
			var id, meta string
			if inv.Subscription != nil {
				id, meta = inv.Subscription.ID, inv.Subscription.Metadata["tenant_id"]
			}
			if id != tc.wantID || meta != tc.wantMeta {
				t.Fatalf("subscription %q (tenant_id %q), want %q (%q)", id, meta, tc.wantID, tc.wantMeta)
			}
		})
	}
}

func TestManualOver(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		cur  Subscription
		want bool
	}{
		"ActiveNoEnd":     {Subscription{Status: StatusActive}, false},
		"ActiveBeforeEnd": {Subscription{Status: StatusActive, CurrentPeriodEnd: &t1}, false},
		"ActiveAtEnd":     {Subscription{Status: StatusActive, CurrentPeriodEnd: &t0}, true},
		"PastDueNoEnd":    {Subscription{Status: StatusPastDue}, false},
		"TrialingNoEnd":   {Subscription{Status: StatusTrialing}, false},
		"Canceled":        {Subscription{Status: StatusCanceled, CurrentPeriodEnd: &t1}, true},
		"Incomplete":      {Subscription{Status: StatusIncomplete}, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := manualOver(tc.cur, t0); got != tc.want {
				t.Fatalf("manualOver at %v = %v, want %v", t0, got, tc.want)
			}
		})
	}
}

func TestNextSide(t *testing.T) {
	t.Parallel()
	pro, team := &Package{ID: uuid.New()}, &Package{ID: uuid.New()}
	earlier := t0.Add(-48 * time.Hour)
	end := t1.Add(30 * 24 * time.Hour)
	for name, tc := range map[string]struct {
		side       StripeSide
		pkg        *Package
		status     string
		sub        stripe.Subscription
		wantPkg    *uuid.UUID
		wantSince  *time.Time
		wantEnd    *time.Time
		wantCancel bool
	}{
		"Renewal": {StripeSide{StripePackageID: &pro.ID, StripeStatus: ptr(StatusActive), StripePeriodEnd: &t0}, pro, StatusActive,
			stripe.Subscription{CurrentPeriodEnd: end.Unix()}, &pro.ID, nil, &end, false},
		"UnknownPriceKeepsPackage": {StripeSide{StripePackageID: &pro.ID, StripeStatus: ptr(StatusActive)}, nil, StatusActive,
			stripe.Subscription{}, &pro.ID, nil, nil, false},
		"PlanChangeRecorded": {StripeSide{StripePackageID: &pro.ID, StripeStatus: ptr(StatusActive)}, team, StatusActive,
			stripe.Subscription{}, &team.ID, nil, nil, false},
		"FallsPastDue": {StripeSide{StripePackageID: &pro.ID, StripeStatus: ptr(StatusActive)}, pro, StatusPastDue,
			stripe.Subscription{}, &pro.ID, &t1, nil, false},
		"StaysPastDueKeepsSince": {StripeSide{StripePackageID: &pro.ID, StripeStatus: ptr(StatusPastDue), StripePastDueSince: &earlier}, pro, StatusPastDue,
			stripe.Subscription{}, &pro.ID, &earlier, nil, false},
		"PastDueFromNoStatus": {StripeSide{}, pro, StatusPastDue, stripe.Subscription{}, &pro.ID, &t1, nil, false},
		"RecoversClearsSince": {StripeSide{StripePackageID: &pro.ID, StripeStatus: ptr(StatusPastDue), StripePastDueSince: &earlier}, pro, StatusActive,
			stripe.Subscription{}, &pro.ID, nil, nil, false},
		"CancelAtPeriodEnd": {StripeSide{StripePackageID: &pro.ID, StripeStatus: ptr(StatusActive), StripePeriodEnd: &t0}, pro, StatusActive,
			stripe.Subscription{CancelAtPeriodEnd: true}, &pro.ID, nil, &t0, true},
		"Reactivated": {StripeSide{StripePackageID: &pro.ID, StripeStatus: ptr(StatusActive), StripeCancelAtPeriodEnd: true}, pro, StatusActive,
			stripe.Subscription{}, &pro.ID, nil, nil, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sub := tc.sub
			got := nextSide(tc.side, tc.pkg, tc.status, &sub, t1)
			if !eqPtr(got.StripePackageID, tc.wantPkg) || got.StripeStatus == nil || *got.StripeStatus != tc.status ||
				!eqTime(got.StripePastDueSince, tc.wantSince) || !eqTime(got.StripePeriodEnd, tc.wantEnd) || got.StripeCancelAtPeriodEnd != tc.wantCancel {
				t.Fatalf("side = %s, want package %v status %s past due since %v period end %v cancel %v",
					fmtSide(got), deref(tc.wantPkg), tc.status, deref(tc.wantSince), deref(tc.wantEnd), tc.wantCancel)
			}
		})
	}
}

func TestAppliedState(t *testing.T) {
	t.Parallel()
	tenant := uuid.New()
	pro, team := &Package{ID: uuid.New()}, &Package{ID: uuid.New()}
	earlier, sideSince := t0.Add(-72*time.Hour), t0.Add(-24*time.Hour)
	start, end := t0, t0.AddDate(0, 1, 0)
	period := stripe.Subscription{ID: "sub_a", CurrentPeriodStart: start.Unix(), CurrentPeriodEnd: end.Unix()}
	onStripe := func(status string, since *time.Time) Subscription {
		return Subscription{TenantID: tenant, PackageID: pro.ID, Status: status, Source: SourceStripe,
			StripeSubscriptionID: ptr("sub_a"), PastDueSince: since, LastEventAt: &t0}
	}
	manual := Subscription{TenantID: tenant, PackageID: team.ID, Status: StatusActive, Source: SourceManual,
		StripeSubscriptionID: ptr("sub_a"), StripeSide: StripeSide{StripePackageID: &pro.ID, StripeStatus: ptr(StatusPastDue),
			StripePastDueSince: &sideSince}}
	for name, tc := range map[string]struct {
		cur        Subscription
		found      bool
		pkg        *Package
		status     string
		sub        stripe.Subscription
		wantPkg    uuid.UUID
		wantSince  *time.Time
		wantCancel bool
	}{
		"FirstSubscription":         {Subscription{}, false, pro, StatusActive, period, pro.ID, nil, false},
		"FirstSubscriptionPastDue":  {Subscription{}, false, pro, StatusPastDue, period, pro.ID, &t1, false},
		"FromSignup":                {Subscription{TenantID: tenant, Status: StatusActive, Source: SourceSignup}, true, pro, StatusTrialing, period, pro.ID, nil, false},
		"Downgrade":                 {onStripe(StatusActive, nil), true, team, StatusActive, period, team.ID, nil, false},
		"UnknownPriceKeepsPackage":  {onStripe(StatusActive, nil), true, nil, StatusActive, period, pro.ID, nil, false},
		"FallsPastDue":              {onStripe(StatusActive, nil), true, pro, StatusPastDue, period, pro.ID, &t1, false},
		"StaysPastDue":              {onStripe(StatusPastDue, &earlier), true, pro, StatusPastDue, period, pro.ID, &earlier, false},
		"PastDueWithoutSince":       {onStripe(StatusPastDue, nil), true, pro, StatusPastDue, period, pro.ID, &t1, false},
		"Recovers":                  {onStripe(StatusPastDue, &earlier), true, pro, StatusActive, period, pro.ID, nil, false},
		"Canceled":                  {onStripe(StatusPastDue, &earlier), true, pro, StatusCanceled, period, pro.ID, nil, false},
		"CancelAtPeriodEnd":         {onStripe(StatusActive, nil), true, pro, StatusActive, withCancel(period), pro.ID, nil, true},
		"ManualOverSideGraceGoesOn": {manual, true, pro, StatusPastDue, period, pro.ID, &sideSince, false},
		"ManualOverSideRecovers":    {manual, true, pro, StatusActive, period, pro.ID, nil, false},
		"ManualOverUnknownPrice":    {manual, true, nil, StatusPastDue, period, pro.ID, &sideSince, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sub := tc.sub
			got := appliedState(tc.cur, tc.found, tenant, tc.pkg, tc.status, &sub, t1)
			if got.TenantID != tenant || got.PackageID != tc.wantPkg || got.Status != tc.status || got.Source != SourceStripe {
				t.Fatalf("tenant %s package %s status %s source %s; want %s %s %s stripe", got.TenantID, got.PackageID, got.Status, got.Source,
					tenant, tc.wantPkg, tc.status)
			}
			if !eqTime(got.PastDueSince, tc.wantSince) {
				t.Errorf("past due since %v, want %v", deref(got.PastDueSince), deref(tc.wantSince))
			}
			if got.CancelAtPeriodEnd != tc.wantCancel {
				t.Errorf("cancel at period end %v, want %v", got.CancelAtPeriodEnd, tc.wantCancel)
			}
			if !eqTime(got.LastEventAt, &t1) || !eqTime(got.CurrentPeriodStart, &start) || !eqTime(got.CurrentPeriodEnd, &end) {
				t.Errorf("last event %v, period %v to %v; want %v, %v to %v", deref(got.LastEventAt),
					deref(got.CurrentPeriodStart), deref(got.CurrentPeriodEnd), t1, start, end)
			}
			if got.StripeSubscriptionID == nil || *got.StripeSubscriptionID != "sub_a" {
				t.Errorf("stripe subscription %v, want sub_a", deref(got.StripeSubscriptionID))
			}
			if got.StripeSide != (StripeSide{}) {
				t.Errorf("the Stripe side is kept (%s): the plan is the subscription's own state now", fmtSide(got.StripeSide))
			}
		})
	}
}

// TestAppliedStatePeriod: a subscription event without a period (Stripe
// leaves current_period_start and _end out of some payloads, and the
// item periods too: 0 here) keeps the period on file, or none for a first
// subscription, instead of storing 1970-01-01 as its start or end; a
// period that is there replaces the recorded one, each end on its own.
func TestAppliedStatePeriod(t *testing.T) {
	t.Parallel()
	tenant := uuid.New()
	pro := &Package{ID: uuid.New()}
	oldStart, oldEnd := t0.AddDate(0, -1, 0), t0
	newStart, newEnd := t0, t0.AddDate(0, 1, 0)
	recorded := Subscription{TenantID: tenant, PackageID: pro.ID, Status: StatusActive, Source: SourceStripe,
		StripeSubscriptionID: ptr("sub_a"), CurrentPeriodStart: &oldStart, CurrentPeriodEnd: &oldEnd, LastEventAt: &t0}
	for name, tc := range map[string]struct {
		cur                Subscription
		found              bool
		start, end         int64
		wantStart, wantEnd *time.Time
	}{
		"NoPeriodKeepsRecorded":     {recorded, true, 0, 0, &oldStart, &oldEnd},
		"NoPeriodFirstSubscription": {Subscription{}, false, 0, 0, nil, nil},
		"NoPeriodNoneRecorded":      {Subscription{TenantID: tenant, Status: StatusActive, Source: SourceSignup}, true, 0, 0, nil, nil},
		"OnlyStart":                 {recorded, true, newStart.Unix(), 0, &newStart, &oldEnd},
		"OnlyEnd":                   {recorded, true, 0, newEnd.Unix(), &oldStart, &newEnd},
		"NewPeriod":                 {recorded, true, newStart.Unix(), newEnd.Unix(), &newStart, &newEnd},
		"FirstSubscriptionPeriod":   {Subscription{}, false, newStart.Unix(), newEnd.Unix(), &newStart, &newEnd},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sub := stripe.Subscription{ID: "sub_a", CurrentPeriodStart: tc.start, CurrentPeriodEnd: tc.end}
			got := appliedState(tc.cur, tc.found, tenant, pro, StatusActive, &sub, t1)
			if !eqTime(got.CurrentPeriodStart, tc.wantStart) || !eqTime(got.CurrentPeriodEnd, tc.wantEnd) {
				t.Fatalf("period %v to %v, want %v to %v", deref(got.CurrentPeriodStart), deref(got.CurrentPeriodEnd),
					deref(tc.wantStart), deref(tc.wantEnd))
			}
		})
	}
}

func withCancel(sub stripe.Subscription) stripe.Subscription {
	sub.CancelAtPeriodEnd = true
	return sub
}

func eqPtr[T comparable](a, b *T) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func eqTime(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func fmtSide(s StripeSide) string {
	return fmt.Sprintf("{package %v status %v period end %v cancel %v past due since %v}", deref(s.StripePackageID),
		deref(s.StripeStatus), deref(s.StripePeriodEnd), s.StripeCancelAtPeriodEnd, deref(s.StripePastDueSince))
}

// An event whose object does not decode is recorded as undecodable, an
// invoice as a subscription event: it was "ignored: no subscription", so
// the metric an operator watches for a payload Stripe changed missed a
// payment it could not read.
func TestDispatchUndecodable(t *testing.T) {
	t.Parallel()
	for _, evType := range []stripe.EventType{"customer.subscription.updated", "invoice.paid", "invoice.payment_failed"} {
		t.Run(string(evType), func(t *testing.T) {
			t.Parallel()
			ev := stripe.Event{ID: "evt_" + uuid.NewString(), Type: evType, Created: t0.Unix(),
				Data: &stripe.EventData{Raw: []byte(`{"id": 5, "customer": []}`)}}
			outcome, tenant, err := NewService(nil).dispatch(context.Background(), nil, ev)
			if err != nil || outcome != "undecodable" || tenant != nil {
				t.Fatalf("dispatch: %q %v %v, want undecodable", outcome, tenant, err)
			}
		})
	}
}
