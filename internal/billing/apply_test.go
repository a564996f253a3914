package billing

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"
	"github.com/stripe/stripe-go/v76"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/billing/stripemock"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/platform/syncbuf"
)

// applySubscription decided on PostgreSQL: which Stripe event moves a
// tenant's plan, which is stale or ignored, and what is stored. The HTTP
// side (signatures, duplicates, the checkout job) is api/'s.

// testBundle is a tenant with a Stripe customer, on Free from sign-up, and
// two packages of its own sold at Stripe prices.
type testBundle struct {
	svc       *Service
	db        *gorm.DB
	tenant    uuid.UUID
	customer  string
	pro, team Package
}

func setup(t *testing.T) testBundle {
	t.Helper()
	d := dbtest.Shared(t)
	tb := testBundle{svc: NewService(d.Gorm), db: d.Gorm, tenant: uuid.Must(uuid.NewV7())}
	tb.customer = "cus_" + tb.tenant.String()
	tb.mustExec(t, `INSERT INTO tenants (id, name, stripe_customer_id) VALUES (?, 'Billing test', ?)`, tb.tenant, tb.customer)
	if err := CreateSignupSubscription(context.Background(), tb.db, tb.tenant); err != nil {
		t.Fatal(err)
	}
	tb.pro, tb.team = MustCreatePackage(t, tb.db), MustCreatePackage(t, tb.db)
	return tb
}

// MustCreatePackage inserts a package with a Stripe price of its own.
func MustCreatePackage(tb testing.TB, d *gorm.DB) Package {
	tb.Helper()
	code := dbtest.UniqueWord()
	p := Package{ID: uuid.Must(uuid.NewV7()), Code: code, Name: code, Currency: "usd", PriceCents: 1000, StripePriceID: ptr("price_" + code),
		MaxUsers: 5, SearchesPerMonth: 100, MaxContactsPerQuery: 50, ImportRowsPerMonth: 100, MaxConcurrentJobs: 1,
		CRMPushesPerMonth: 10, MaxImportFileBytes: 1 << 20, Active: true}
	if err := d.Create(&p).Error; err != nil {
		tb.Fatalf("create package: %v", err)
	}
	return p
}

func (tb testBundle) mustExec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if err := tb.db.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// id is the tenant's own Stripe subscription id for name ("sub_a"):
// Stripe ids are unique across the package's shared database.
func (tb testBundle) id(name string) string { return name + "_" + tb.tenant.String() }

// sub is Stripe subscription id of the tenant's customer, at status, on
// pkg's price, in the month from t0.
func (tb testBundle) sub(id string, status stripe.SubscriptionStatus, pkg Package) *stripe.Subscription {
	return &stripe.Subscription{ID: tb.id(id), Status: status, Customer: &stripe.Customer{ID: tb.customer},
		CurrentPeriodStart: t0.Unix(), CurrentPeriodEnd: t0.AddDate(0, 1, 0).Unix(),
		Items: &stripe.SubscriptionItemList{Data: []*stripe.SubscriptionItem{{Price: &stripe.Price{ID: *pkg.StripePriceID}}}}}
}

// apply runs an event of sub created at at, as dispatch does (checkout:
// as the completed checkout's job does), and returns its outcome.
func (tb testBundle) apply(t *testing.T, at time.Time, sub *stripe.Subscription, checkout bool) string {
	t.Helper()
	var outcome string
	err := tb.db.Transaction(func(tx *gorm.DB) error {
		var tenant *uuid.UUID
		if checkout {
			tenant = &tb.tenant
		}
		var err error
		outcome, _, err = tb.svc.applySubscription(context.Background(), tx,
			stripe.Event{ID: "evt_" + uuid.NewString(), Type: "customer.subscription.updated"}, at, sub, tenant, "")
		return err
	})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return outcome
}

func (tb testBundle) current(t *testing.T) Subscription {
	t.Helper()
	s, err := tb.svc.SubscriptionOf(context.Background(), tb.tenant)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// manual sets the plan by hand on team as staff do, then dates it at
// (staff acted at that time).
func (tb testBundle) manual(t *testing.T, status string, at time.Time, end *time.Time) {
	t.Helper()
	if _, err := tb.svc.SetManual(context.Background(), tb.tenant, ManualParams{PackageCode: tb.team.Code, Status: status,
		Reason: "agreed by contract"}); err != nil {
		t.Fatal(err)
	}
	tb.mustExec(t, `UPDATE subscriptions SET updated_at = ?, current_period_end = ? WHERE tenant_id = ?`, at, end, tb.tenant)
}

func TestApplyEveryStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status stripe.SubscriptionStatus
		want   string
	}{
		{stripe.SubscriptionStatusActive, StatusActive},
		{stripe.SubscriptionStatusTrialing, StatusTrialing},
		{stripe.SubscriptionStatusPastDue, StatusPastDue},
		{stripe.SubscriptionStatusUnpaid, StatusPastDue},
		{stripe.SubscriptionStatusCanceled, StatusCanceled},
		{stripe.SubscriptionStatusIncomplete, StatusIncomplete},
		{stripe.SubscriptionStatusIncompleteExpired, StatusIncomplete},
		{stripe.SubscriptionStatusPaused, StatusPaused},
	} {
		t.Run(string(tc.status), func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			if got := tb.apply(t, t1, tb.sub("sub_a", tc.status, tb.pro), false); got != "applied" {
				t.Fatalf("outcome %q, want applied", got)
			}
			cur := tb.current(t)
			if cur.Status != tc.want || cur.Source != SourceStripe || cur.PackageID != tb.pro.ID || !cur.of(tb.id("sub_a")) {
				t.Fatalf("stored %s/%s package %s sub %v; want %s/stripe %s sub_a", cur.Status, cur.Source, cur.PackageID,
					deref(cur.StripeSubscriptionID), tc.want, tb.pro.ID)
			}
			if (cur.PastDueSince != nil) != (tc.want == StatusPastDue) {
				t.Errorf("past due since %v for status %s", deref(cur.PastDueSince), cur.Status)
			}
			if !eqTime(cur.LastEventAt, &t1) {
				t.Errorf("last event at %v, want %v", deref(cur.LastEventAt), t1)
			}
		})
	}
	t.Run("IgnoredUnknownStatus", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		if got := tb.apply(t, t1, tb.sub("sub_a", "something_new", tb.pro), false); got != "ignored: status something_new" {
			t.Fatalf("outcome %q", got)
		}
		if cur := tb.current(t); cur.Source != SourceSignup {
			t.Fatalf("an unknown status moved the plan: %+v", cur)
		}
	})
}

func TestApplyOrder(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		first, then     stripe.SubscriptionStatus
		firstAt, thenAt time.Time
		wantOutcome     string
		wantStatus      string
	}{
		"OK":                          {"incomplete", "active", t0, t1, "applied", StatusActive},
		"StaleOlderEvent":             {"canceled", "active", t1, t0, "stale: a newer event was applied", StatusCanceled},
		"StaleOlderPastDue":           {"active", "past_due", t1, t0, "stale: a newer event was applied", StatusActive},
		"StaleSameSecondEarlierStage": {"active", "incomplete", t1, t1, "stale: an event of the same second and a later stage was applied", StatusActive},
		"StaleSameSecondTrialAfter":   {"active", "trialing", t1, t1, "stale: an event of the same second and a later stage was applied", StatusActive},
		"StaleSameSecondAfterCancel":  {"canceled", "active", t1, t1, "stale: an event of the same second and a later stage was applied", StatusCanceled},
		"SameSecondSameStage":         {"active", "past_due", t1, t1, "applied", StatusPastDue},
		"SameSecondLaterStage":        {"trialing", "active", t1, t1, "applied", StatusActive},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			if got := tb.apply(t, tc.firstAt, tb.sub("sub_a", tc.first, tb.pro), false); got != "applied" {
				t.Fatalf("first outcome %q", got)
			}
			if got := tb.apply(t, tc.thenAt, tb.sub("sub_a", tc.then, tb.team), false); got != tc.wantOutcome {
				t.Fatalf("second outcome %q, want %q", got, tc.wantOutcome)
			}
			cur := tb.current(t)
			wantPkg := tb.pro.ID
			if tc.wantOutcome == "applied" {
				wantPkg = tb.team.ID
			}
			if cur.Status != tc.wantStatus || cur.PackageID != wantPkg {
				t.Fatalf("stored %s on %s, want %s on %s", cur.Status, cur.PackageID, tc.wantStatus, wantPkg)
			}
		})
	}
}

func TestApplyPeriod(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sub := tb.sub("sub_a", "active", tb.pro)
	sub.CancelAtPeriodEnd = true
	if got := tb.apply(t, t0, sub, false); got != "applied" {
		t.Fatalf("outcome %q", got)
	}
	cur := tb.current(t)
	start, end := t0, t0.AddDate(0, 1, 0)
	if !cur.CancelAtPeriodEnd || !eqTime(cur.CurrentPeriodStart, &start) || !eqTime(cur.CurrentPeriodEnd, &end) {
		t.Fatalf("stored period %v to %v cancel %v", deref(cur.CurrentPeriodStart), deref(cur.CurrentPeriodEnd), cur.CancelAtPeriodEnd)
	}
	// Canceled on a date within the period: it ends then.
	at := t0.AddDate(0, 0, 10)
	sub = tb.sub("sub_a", "active", tb.pro)
	sub.CancelAt = at.Unix()
	if got := tb.apply(t, t1, sub, false); got != "applied" {
		t.Fatalf("outcome %q", got)
	}
	if cur := tb.current(t); !cur.CancelAtPeriodEnd || !eqTime(cur.CurrentPeriodEnd, &at) {
		t.Fatalf("cancel_at: stored period end %v cancel %v, want %v true", deref(cur.CurrentPeriodEnd), cur.CancelAtPeriodEnd, at)
	}
	// An impossible period is refused (EMALFORMED) and stores nothing.
	sub = tb.sub("sub_a", "active", tb.pro)
	sub.CurrentPeriodEnd = storableUntil.Unix()
	err := tb.db.Transaction(func(tx *gorm.DB) error {
		_, _, err := tb.svc.applySubscription(context.Background(), tx, stripe.Event{ID: "evt_x"}, t1.Add(time.Hour), sub, nil, "")
		return err
	})
	if err == nil {
		t.Fatal("a period ending in the year 10000 was applied")
	}
}

func TestApplyTenantAndPrice(t *testing.T) {
	t.Parallel()
	t.Run("IgnoredUnknownPrice", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		sub := tb.sub("sub_a", "active", tb.pro)
		sub.Items.Data[0].Price.ID = "price_of_something_else"
		if got := tb.apply(t, t1, sub, false); got != "ignored: unknown price" {
			t.Fatalf("outcome %q", got)
		}
	})
	t.Run("UnknownPriceKeepsPackageOnFile", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		tb.apply(t, t0, tb.sub("sub_a", "active", tb.pro), false)
		sub := tb.sub("sub_a", "past_due", tb.pro)
		sub.Items.Data[0].Price.ID = "price_of_something_else"
		if got := tb.apply(t, t1, sub, false); got != "applied" {
			t.Fatalf("outcome %q", got)
		}
		if cur := tb.current(t); cur.PackageID != tb.pro.ID || cur.Status != StatusPastDue {
			t.Fatalf("stored %s on %s", cur.Status, cur.PackageID)
		}
	})
	// The subscription's metadata names the package it was bought as: it
	// stands in for a price that is no package's for a subscription not on
	// file yet, never for the one on file (a plan change in the portal
	// changes the price, not the metadata), and never over a known price.
	for name, tc := range map[string]struct {
		onFile   bool   // sub_a applied on pro before
		price    string // "unknown", or the package whose price it carries
		wantPkg  string // the package stored
		wantNote string
	}{
		"MetadataForUnknownPriceNotOnFile": {false, "unknown", "team", "applied"},
		"MetadataNotOverKnownPrice":        {false, "pro", "pro", "applied"},
		"MetadataNotForSubscriptionOnFile": {true, "unknown", "pro", "applied"},
		"PriceOfSubscriptionOnFileMoves":   {true, "pro", "pro", "applied"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			if tc.onFile {
				tb.apply(t, t0, tb.sub("sub_a", "active", tb.pro), false)
			}
			sub := tb.sub("sub_a", "active", tb.pro)
			sub.Metadata = map[string]string{"package_code": tb.team.Code}
			if tc.price == "unknown" {
				sub.Items.Data[0].Price.ID = "price_of_something_else"
			}
			if got := tb.apply(t, t1, sub, false); got != tc.wantNote {
				t.Fatalf("outcome %q, want %q", got, tc.wantNote)
			}
			want := map[string]Package{"pro": tb.pro, "team": tb.team}[tc.wantPkg]
			if cur := tb.current(t); cur.PackageID != want.ID || !cur.of(tb.id("sub_a")) {
				t.Fatalf("stored %s on %s, want %s", deref(cur.StripeSubscriptionID), cur.PackageID, tc.wantPkg)
			}
		})
	}
	t.Run("IgnoredUnknownTenant", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		sub := tb.sub("sub_a", "active", tb.pro)
		sub.Customer.ID = "cus_nobody_" + uuid.NewString()
		if got := tb.apply(t, t1, sub, false); got != "ignored: unknown tenant" {
			t.Fatalf("outcome %q", got)
		}
	})
	t.Run("IgnoredOtherTenantsCustomer", func(t *testing.T) {
		t.Parallel()
		// The metadata names this tenant, the customer paying is another's.
		tb, payer := setup(t), setup(t)
		sub := payer.sub("sub_a", "active", tb.pro)
		sub.Metadata = map[string]string{"tenant_id": tb.tenant.String()}
		if got := tb.apply(t, t1, sub, false); got != outcomeOtherCustomer {
			t.Fatalf("outcome %q", got)
		}
		if cur := tb.current(t); cur.Source != SourceSignup || cur.StripeSubscriptionID != nil {
			t.Fatalf("another tenant's customer gave the tenant a plan: %+v", cur)
		}
	})
	// The tenant's Stripe customer is recorded once: a subscription of
	// another customer of no tenant's, that the metadata gives the tenant,
	// leaves the one on file (checkouts and the portal go on using it).
	t.Run("CustomerOnFileKept", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		sub := tb.sub("sub_a", "active", tb.pro)
		sub.Customer.ID = "cus_new_" + uuid.NewString()
		sub.Metadata = map[string]string{"tenant_id": tb.tenant.String()}
		if got := tb.apply(t, t1, sub, false); got != "applied" {
			t.Fatalf("outcome %q", got)
		}
		var customer string
		if err := tb.db.Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, tb.tenant).Scan(&customer).Error; err != nil {
			t.Fatal(err)
		}
		if customer != tb.customer {
			t.Fatalf("the tenant's Stripe customer became %s, want %s", customer, tb.customer)
		}
	})
	// An event that names no customer (its metadata names the tenant)
	// records none for a tenant without one: an empty id stored stands
	// for a customer, and the column is unique, so the next tenant's such
	// event failed.
	t.Run("NoCustomerRecordsNone", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		tb.mustExec(t, `UPDATE tenants SET stripe_customer_id = NULL WHERE id = ?`, tb.tenant)
		sub := tb.sub("sub_a", "active", tb.pro)
		sub.Customer = nil
		sub.Metadata = map[string]string{"tenant_id": tb.tenant.String()}
		if got := tb.apply(t, t1, sub, false); got != "applied" {
			t.Fatalf("outcome %q", got)
		}
		var customer *string
		if err := tb.db.Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, tb.tenant).Scan(&customer).Error; err != nil {
			t.Fatal(err)
		}
		if customer != nil {
			t.Fatalf("the tenant's Stripe customer became %q, want none", *customer)
		}
	})
	// A package retired since (no longer sold) is still the package of its
	// Stripe price: a subscription moved to that price pays for it and gets
	// its limits, not those of the package on file.
	t.Run("PriceOfRetiredPackage", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		tb.apply(t, t0, tb.sub("sub_a", "active", tb.pro), false)
		tb.mustExec(t, `UPDATE packages SET active = false WHERE id = ?`, tb.team.ID)
		if got := tb.apply(t, t1, tb.sub("sub_a", "active", tb.team), false); got != "applied" {
			t.Fatalf("outcome %q", got)
		}
		if cur := tb.current(t); cur.PackageID != tb.team.ID {
			t.Fatalf("stored on %s, want the retired package %s its price is", cur.PackageID, tb.team.ID)
		}
	})
	t.Run("IgnoredNotCurrent", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		tb.apply(t, t0, tb.sub("sub_a", "active", tb.pro), false)
		if got := tb.apply(t, t1, tb.sub("sub_b", "active", tb.team), false); got != outcomeNotCurrent {
			t.Fatalf("outcome %q", got)
		}
		if cur := tb.current(t); !cur.of(tb.id("sub_a")) || cur.PackageID != tb.pro.ID {
			t.Fatalf("a second subscription took the tenant: %+v", cur)
		}
	})
	t.Run("CheckoutReplacesEnded", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		tb.apply(t, t0, tb.sub("sub_a", "canceled", tb.pro), false)
		if got := tb.apply(t, t1, tb.sub("sub_b", "active", tb.team), false); got != "applied" {
			t.Fatalf("outcome %q", got)
		}
		if cur := tb.current(t); !cur.of(tb.id("sub_b")) || cur.PackageID != tb.team.ID || cur.Status != StatusActive {
			t.Fatalf("stored %+v", cur)
		}
	})
}

func TestApplyUnderManualPlan(t *testing.T) {
	t.Parallel()
	staffAt := t0.Add(30 * time.Minute)
	later := staffAt.Add(time.Hour)
	future := time.Now().Add(30 * 24 * time.Hour)
	past := staffAt.Add(10 * time.Minute)
	for name, tc := range map[string]struct {
		manualStatus string
		manualEnd    *time.Time
		status       stripe.SubscriptionStatus
		cancel       bool   // cancel_at_period_end
		pkg          string // "team": the event's price is the manual plan's package
		at           time.Time
		checkout     bool
		wantOutcome  string
		wantSource   string
		wantKept     bool   // sub_a still kept beside (or as) the plan
		wantSide     string // the side's status, "" none
	}{
		"RenewalRecordedBeside":       {StatusActive, nil, "active", false, "pro", later, false, outcomeManual, SourceManual, true, StatusActive},
		"PastDueRecordedBeside":       {StatusActive, nil, "past_due", false, "pro", later, false, outcomeManual, SourceManual, true, StatusPastDue},
		"CancelAtPeriodEndBeside":     {StatusActive, nil, "active", true, "pro", later, false, outcomeManual, SourceManual, true, StatusActive},
		"StaleOlderThanStaff":         {StatusActive, nil, "past_due", false, "pro", staffAt.Add(-time.Minute), false, "stale: older than the plan staff set", SourceManual, true, StatusActive},
		"CanceledDropped":             {StatusActive, nil, "canceled", false, "pro", later, false, outcomeManual, SourceManual, false, ""},
		"IncompleteExpiredDropped":    {StatusActive, nil, "incomplete_expired", false, "pro", later, false, outcomeManual, SourceManual, false, ""},
		"CanceledBeforeStaffDropped":  {StatusActive, nil, "canceled", false, "pro", staffAt.Add(-time.Minute), false, outcomeManual, SourceManual, false, ""},
		"PlanChangeInPortalApplies":   {StatusActive, nil, "active", false, "team", later, false, "applied", SourceStripe, true, ""},
		"ManualOverApplies":           {StatusActive, &past, "active", false, "pro", later, false, "applied", SourceStripe, true, ""},
		"ManualCanceledApplies":       {StatusCanceled, nil, "active", false, "pro", later, false, "applied", SourceStripe, true, ""},
		"ManualWithEndInForceBeside":  {StatusActive, &future, "active", false, "pro", later, false, outcomeManual, SourceManual, true, StatusActive},
		"PlanChangeToTrialApplies":    {StatusActive, nil, "trialing", false, "team", later, false, "applied", SourceStripe, true, ""},
		"PlanChangeCancelingBeside":   {StatusActive, nil, "active", true, "team", later, false, outcomeManual, SourceManual, true, StatusActive},
		"PlanChangePastDueBeside":     {StatusActive, nil, "past_due", false, "team", later, false, outcomeManual, SourceManual, true, StatusPastDue},
		"CheckoutPaidBeforeStaffWins": {StatusActive, nil, "active", false, "pro", staffAt.Add(-time.Minute), true, "applied", SourceStripe, true, ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			if got := tb.apply(t, t0, tb.sub("sub_a", "active", tb.pro), false); got != "applied" {
				t.Fatalf("first outcome %q", got)
			}
			tb.manual(t, tc.manualStatus, staffAt, tc.manualEnd)
			pkg := tb.pro
			if tc.pkg == "team" {
				pkg = tb.team
			}
			sub := tb.sub("sub_a", tc.status, pkg)
			sub.CancelAtPeriodEnd = tc.cancel
			if got := tb.apply(t, tc.at, sub, tc.checkout); got != tc.wantOutcome {
				t.Fatalf("outcome %q, want %q", got, tc.wantOutcome)
			}
			cur := tb.current(t)
			if cur.Source != tc.wantSource || cur.of(tb.id("sub_a")) != tc.wantKept {
				t.Fatalf("stored source %s sub %v, want %s kept %v", cur.Source, deref(cur.StripeSubscriptionID), tc.wantSource, tc.wantKept)
			}
			if tc.wantSource == SourceManual && (cur.PackageID != tb.team.ID || cur.Status != tc.manualStatus) {
				t.Errorf("the plan staff set moved: %s on %s", cur.Status, cur.PackageID)
			}
			if tc.wantSource == SourceStripe && (cur.PackageID != pkg.ID || cur.Status != stripeStatus[tc.status]) {
				t.Errorf("stored %s on %s, want the event's %s on %s", cur.Status, cur.PackageID, tc.status, pkg.ID)
			}
			if got := deref(cur.StripeStatus); (tc.wantSide == "" && got != nil) || (tc.wantSide != "" && got != tc.wantSide) {
				t.Errorf("side status %v, want %q", got, tc.wantSide)
			}
			if tc.wantSide == StatusPastDue && !eqTime(cur.StripePastDueSince, &tc.at) {
				t.Errorf("side past due since %v, want %v", deref(cur.StripePastDueSince), tc.at)
			}
			if tc.wantSide != "" && cur.StripeCancelAtPeriodEnd != tc.cancel {
				t.Errorf("side cancel at period end %v, want %v", cur.StripeCancelAtPeriodEnd, tc.cancel)
			}
		})
	}
}

// TestApplyUnderManualPlanOrder: an event of the Stripe subscription kept
// beside a plan staff set is the tenant's newest subscription event
// (last_event_at), so one created before it and delivered late is stale:
// a renewal sent before a failed payment does not record the subscription
// as active again beside the plan.
func TestApplyUnderManualPlanOrder(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	staffAt := t0.Add(30 * time.Minute)
	earlier, later := staffAt.Add(time.Hour), staffAt.Add(2*time.Hour)
	tb.apply(t, t0, tb.sub("sub_a", "active", tb.pro), false)
	tb.manual(t, StatusActive, staffAt, nil)
	if got := tb.apply(t, later, tb.sub("sub_a", "past_due", tb.pro), false); got != outcomeManual {
		t.Fatalf("outcome %q, want %q", got, outcomeManual)
	}
	if cur := tb.current(t); !eqTime(cur.LastEventAt, &later) {
		t.Fatalf("last event at %v, want %v", deref(cur.LastEventAt), later)
	}
	if got := tb.apply(t, earlier, tb.sub("sub_a", "active", tb.pro), false); got != "stale: a newer event was applied" {
		t.Fatalf("late older event: outcome %q", got)
	}
	cur := tb.current(t)
	if deref(cur.StripeStatus) != StatusPastDue || !eqTime(cur.StripePastDueSince, &later) {
		t.Fatalf("side %s, want past due since %v", fmtSide(cur.StripeSide), later)
	}
	if cur.Source != SourceManual || cur.PackageID != tb.team.ID || cur.Status != StatusActive {
		t.Fatalf("the plan staff set moved: %s/%s on %s", cur.Status, cur.Source, cur.PackageID)
	}
}

// TestApplyNewSubscriptionUnderManualPlan: under a plan staff set with no
// Stripe subscription kept beside it, an event of a subscription not on
// file (one made in the Dashboard, or a checkout's) takes the tenant when
// it runs, the tenant's own newer choice that it pays for; one that does
// not run (its first payment failed, it ended or is paused) leaves the
// plan as staff set it. It used to apply, and put the tenant on Free.
func TestApplyNewSubscriptionUnderManualPlan(t *testing.T) {
	t.Parallel()
	staffAt := t0.Add(30 * time.Minute)
	later := staffAt.Add(time.Hour)
	past := staffAt.Add(10 * time.Minute)
	for name, tc := range map[string]struct {
		status      stripe.SubscriptionStatus
		manualEnd   *time.Time
		checkout    bool
		wantOutcome string
	}{
		"ActiveApplies":             {"active", nil, false, "applied"},
		"TrialingApplies":           {"trialing", nil, false, "applied"},
		"PastDueApplies":            {"past_due", nil, false, "applied"},
		"IgnoredIncomplete":         {"incomplete", nil, false, outcomeManual},
		"IgnoredIncompleteExpired":  {"incomplete_expired", nil, false, outcomeManual},
		"IgnoredCanceled":           {"canceled", nil, false, outcomeManual},
		"IgnoredPaused":             {"paused", nil, false, outcomeManual},
		"IgnoredCanceledByCheckout": {"canceled", nil, true, outcomeManual},
		"CanceledAppliesManualOver": {"canceled", &past, false, "applied"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.manual(t, StatusActive, staffAt, tc.manualEnd)
			if got := tb.apply(t, later, tb.sub("sub_b", tc.status, tb.pro), tc.checkout); got != tc.wantOutcome {
				t.Fatalf("outcome %q, want %q", got, tc.wantOutcome)
			}
			cur := tb.current(t)
			if tc.wantOutcome == "applied" {
				if cur.Source != SourceStripe || cur.PackageID != tb.pro.ID || cur.Status != stripeStatus[tc.status] || !cur.of(tb.id("sub_b")) {
					t.Fatalf("stored %s/%s on %s, want the subscription's %s on %s", cur.Status, cur.Source, cur.PackageID, tc.status, tb.pro.ID)
				}
				return
			}
			if cur.Source != SourceManual || cur.PackageID != tb.team.ID || cur.Status != StatusActive || cur.StripeSubscriptionID != nil {
				t.Fatalf("a %s subscription not on file moved the plan staff set: %s/%s on %s sub %v", tc.status,
					cur.Status, cur.Source, cur.PackageID, deref(cur.StripeSubscriptionID))
			}
		})
	}
}

// invoice runs an invoice event (invoice.paid, invoice.payment_failed) of
// the tenant's subscription name created at at, and returns its outcome.
func (tb testBundle) invoice(t *testing.T, evType stripe.EventType, at time.Time, name string, reason stripe.InvoiceBillingReason) string {
	t.Helper()
	inv := &stripe.Invoice{Customer: &stripe.Customer{ID: tb.customer}, Subscription: &stripe.Subscription{ID: tb.id(name)}, BillingReason: reason}
	var outcome string
	err := tb.db.Transaction(func(tx *gorm.DB) error {
		var err error
		outcome, _, err = tb.svc.applyInvoice(context.Background(), tx, stripe.Event{ID: "evt_" + uuid.NewString(), Type: evType}, at, inv)
		return err
	})
	if err != nil {
		t.Fatalf("invoice: %v", err)
	}
	return outcome
}

func TestApplyInvoice(t *testing.T) {
	t.Parallel()
	const paid, failed = stripe.EventType("invoice.paid"), stripe.EventType("invoice.payment_failed")
	earlier := t0.Add(-time.Minute)
	for name, tc := range map[string]struct {
		status      stripe.SubscriptionStatus // of sub_a, applied at t0
		ev          stripe.EventType
		at          time.Time
		sub         string
		reason      stripe.InvoiceBillingReason
		wantOutcome string
		wantStatus  string
		wantSince   *time.Time
	}{
		"FailedFallsPastDue":        {"active", failed, t1, "sub_a", "subscription_cycle", "applied", StatusPastDue, &t1},
		"FailedInTrial":             {"trialing", failed, t1, "sub_a", "subscription_cycle", "applied", StatusPastDue, &t1},
		"FailedAgainKeepsGrace":     {"past_due", failed, t1, "sub_a", "subscription_cycle", "applied", StatusPastDue, &t0},
		"PaidRecovers":              {"past_due", paid, t1, "sub_a", "subscription_cycle", "applied", StatusActive, nil},
		"PaidFirstPayment":          {"incomplete", paid, t1, "sub_a", "subscription_create", "applied", StatusActive, nil},
		"PaidAfterCancelNoRevival":  {"canceled", paid, t1, "sub_a", "subscription_cycle", "applied", StatusCanceled, nil},
		"PaidWhilePausedNoRevival":  {"paused", paid, t1, "sub_a", "subscription_cycle", "applied", StatusPaused, nil},
		"FailedAfterCancel":         {"canceled", failed, t1, "sub_a", "subscription_cycle", "applied", StatusCanceled, nil},
		"IgnoredPlanChangeUnpaid":   {"active", failed, t1, "sub_a", "subscription_update", outcomePlanChangeUnpaid, StatusActive, nil},
		"PaidPlanChangeRecovers":    {"past_due", paid, t1, "sub_a", "subscription_update", "applied", StatusActive, nil},
		"StaleOlderThanLastEvent":   {"active", failed, earlier, "sub_a", "subscription_cycle", "stale: a newer event was applied", StatusActive, nil},
		"IgnoredOtherSubscription":  {"active", failed, t1, "sub_b", "subscription_cycle", outcomeNotCurrent, StatusActive, nil},
		"PaidOtherSubscriptionNoop": {"past_due", paid, t1, "sub_b", "subscription_cycle", outcomeNotCurrent, StatusPastDue, &t0},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.apply(t, t0, tb.sub("sub_a", tc.status, tb.pro), false)
			if got := tb.invoice(t, tc.ev, tc.at, tc.sub, tc.reason); got != tc.wantOutcome {
				t.Fatalf("outcome %q, want %q", got, tc.wantOutcome)
			}
			cur := tb.current(t)
			if cur.Status != tc.wantStatus || !eqTime(cur.PastDueSince, tc.wantSince) {
				t.Fatalf("stored %s past due since %v, want %s %v", cur.Status, deref(cur.PastDueSince), tc.wantStatus, deref(tc.wantSince))
			}
			if !eqTime(cur.LastEventAt, &t0) {
				t.Errorf("an invoice moved last_event_at to %v", deref(cur.LastEventAt))
			}
		})
	}
}

// TestApplyInvoiceOfAnotherTenantsCustomer: an invoice whose subscription
// names the tenant (its metadata) while the customer billed is another
// tenant's moves nothing, as a subscription event of such a customer
// does (IgnoredOtherTenantsCustomer): the customer pays, so its failed
// payment is no grace period of this tenant's, its payment no recovery.
func TestApplyInvoiceOfAnotherTenantsCustomer(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		status stripe.SubscriptionStatus // of the tenant's sub_a, applied at t0
		ev     stripe.EventType
		since  *time.Time // past due since, as sub_a left it
	}{
		"Failed": {"active", "invoice.payment_failed", nil},
		"Paid":   {"past_due", "invoice.paid", &t0},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb, payer := setup(t), setup(t)
			tb.apply(t, t0, tb.sub("sub_a", tc.status, tb.pro), false)
			inv := &stripe.Invoice{Customer: &stripe.Customer{ID: payer.customer}, BillingReason: "subscription_cycle",
				Subscription: &stripe.Subscription{ID: tb.id("sub_a"), Metadata: map[string]string{"tenant_id": tb.tenant.String()}}}
			var outcome string
			var tenant *uuid.UUID
			err := tb.db.Transaction(func(tx *gorm.DB) error {
				var err error
				outcome, tenant, err = tb.svc.applyInvoice(context.Background(), tx, stripe.Event{ID: "evt_" + uuid.NewString(), Type: tc.ev}, t1, inv)
				return err
			})
			if err != nil {
				t.Fatalf("invoice: %v", err)
			}
			if outcome != outcomeOtherCustomer || tenant != nil {
				t.Fatalf("outcome %q of tenant %v, want %q of none", outcome, deref(tenant), outcomeOtherCustomer)
			}
			if cur := tb.current(t); cur.Status != string(tc.status) || !eqTime(cur.PastDueSince, tc.since) {
				t.Fatalf("another tenant's customer moved the plan to %s past due since %v", cur.Status, deref(cur.PastDueSince))
			}
		})
	}
}

func TestApplyInvoiceUnderManualPlan(t *testing.T) {
	t.Parallel()
	const paid, failed = stripe.EventType("invoice.paid"), stripe.EventType("invoice.payment_failed")
	staffAt := t0.Add(30 * time.Minute)
	later := staffAt.Add(time.Hour)
	for name, tc := range map[string]struct {
		status    stripe.SubscriptionStatus // of the kept sub_a
		ev        stripe.EventType
		wantSide  string
		wantSince *time.Time
	}{
		"FailedMovesSide":        {"active", failed, StatusPastDue, &later},
		"FailedInTrialMovesSide": {"trialing", failed, StatusPastDue, &later},
		"PaidRecoversSide":       {"past_due", paid, StatusActive, nil},
		"FailedAgainKeepsSide":   {"past_due", failed, StatusPastDue, &t0},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.apply(t, t0, tb.sub("sub_a", tc.status, tb.pro), false)
			tb.manual(t, StatusActive, staffAt, nil)
			if got := tb.invoice(t, tc.ev, later, "sub_a", "subscription_cycle"); got != outcomeManual {
				t.Fatalf("outcome %q, want %q", got, outcomeManual)
			}
			cur := tb.current(t)
			if cur.Source != SourceManual || cur.PackageID != tb.team.ID || cur.Status != StatusActive {
				t.Fatalf("an invoice moved the plan staff set: %s/%s on %s", cur.Status, cur.Source, cur.PackageID)
			}
			if deref(cur.StripeStatus) != tc.wantSide || !eqTime(cur.StripePastDueSince, tc.wantSince) {
				t.Fatalf("side %v since %v, want %s %v", deref(cur.StripeStatus), deref(cur.StripePastDueSince), tc.wantSide, deref(tc.wantSince))
			}
			if !eqTime(cur.LastEventAt, &t0) {
				t.Errorf("an invoice moved last_event_at to %v", deref(cur.LastEventAt))
			}
		})
	}
}

// TestApplyKeptSubscriptionOfUnknownPrice: the Stripe subscription kept
// beside a plan staff set keeps its package through a price that is no
// package's (staff gave the package a new Stripe price, say), as the
// subscription that set a plan does: once the manual plan is over, its
// status moves the plan. Its events were ignored ("unknown price"), so a
// failed payment left the tenant on the package in force for ever.
func TestApplyKeptSubscriptionOfUnknownPrice(t *testing.T) {
	t.Parallel()
	staffAt := t0.Add(30 * time.Minute)
	past := staffAt.Add(10 * time.Minute)
	later := staffAt.Add(time.Hour)
	for name, tc := range map[string]struct {
		manualEnd   *time.Time
		status      stripe.SubscriptionStatus
		wantOutcome string
		wantSource  string
	}{
		"InForceRecordedBeside": {nil, "past_due", outcomeManual, SourceManual},
		"OverPastDueApplies":    {&past, "past_due", "applied", SourceStripe},
		"OverUnpaidApplies":     {&past, "unpaid", "applied", SourceStripe},
		"OverActiveApplies":     {&past, "active", "applied", SourceStripe},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.apply(t, t0, tb.sub("sub_a", "active", tb.pro), false)
			tb.manual(t, StatusActive, staffAt, tc.manualEnd)
			sub := tb.sub("sub_a", tc.status, tb.pro)
			sub.Items.Data[0].Price.ID = "price_retired_" + tb.tenant.String()
			if got := tb.apply(t, later, sub, false); got != tc.wantOutcome {
				t.Fatalf("outcome %q, want %q", got, tc.wantOutcome)
			}
			cur := tb.current(t)
			want := stripeStatus[tc.status]
			if cur.Source != tc.wantSource {
				t.Fatalf("source %s, want %s", cur.Source, tc.wantSource)
			}
			if tc.wantSource == SourceManual {
				if cur.PackageID != tb.team.ID || deref(cur.StripeStatus) != want || !eqPtr(cur.StripePackageID, &tb.pro.ID) {
					t.Fatalf("plan %s, side %s", cur.PackageID, fmtSide(cur.StripeSide))
				}
				return
			}
			if cur.PackageID != tb.pro.ID || cur.Status != want || !cur.of(tb.id("sub_a")) {
				t.Fatalf("stored %s on %s, want %s on the kept subscription's package %s", cur.Status, cur.PackageID, want, tb.pro.ID)
			}
			if (want == StatusPastDue) != (cur.PastDueSince != nil) {
				t.Errorf("past due since %v", deref(cur.PastDueSince))
			}
		})
	}
}

// A failed read of the tenant's subscription (here a lock wait past
// lock_timeout, as a busy database gives) is an error, so that Stripe
// retries the event: it was recorded as "ignored: no subscription" (an
// invoice) or read as no subscription on file (a subscription event), and
// the error that surfaced was the aborted transaction, not its cause.
func TestApplyFailedReadIsAnError(t *testing.T) {
	t.Parallel()
	for name, run := range map[string]func(tb testBundle, tx *gorm.DB) (string, error){
		"Invoice": func(tb testBundle, tx *gorm.DB) (string, error) {
			inv := &stripe.Invoice{Customer: &stripe.Customer{ID: tb.customer}, Subscription: &stripe.Subscription{ID: tb.id("sub_a")},
				BillingReason: "subscription_cycle"}
			o, _, err := tb.svc.applyInvoice(context.Background(), tx, stripe.Event{ID: "evt_" + uuid.NewString(), Type: "invoice.paid"}, t1, inv)
			return o, err
		},
		"Subscription": func(tb testBundle, tx *gorm.DB) (string, error) {
			o, _, err := tb.svc.applySubscription(context.Background(), tx,
				stripe.Event{ID: "evt_" + uuid.NewString(), Type: "customer.subscription.updated"}, t1, tb.sub("sub_a", "past_due", tb.pro), nil, "")
			return o, err
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.apply(t, t0, tb.sub("sub_a", "active", tb.pro), false)
			holder := tb.db.Begin()
			defer holder.Rollback()
			if err := holder.Exec(`SELECT 1 FROM subscriptions WHERE tenant_id = ? FOR UPDATE`, tb.tenant).Error; err != nil {
				t.Fatal(err)
			}
			var outcome string
			err := tb.db.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec(`SET LOCAL lock_timeout = '50ms'`).Error; err != nil {
					t.Fatal(err)
				}
				var err error
				outcome, err = run(tb, tx)
				return err
			})
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "55P03" {
				t.Fatalf("outcome %q, error %v: want the lock timeout", outcome, err)
			}
			holder.Rollback()
			if cur := tb.current(t); cur.Status != StatusActive {
				t.Fatalf("stored %s, want active", cur.Status)
			}
		})
	}
}

// TestCheckoutFailedOutcome: the message a checkout job gave up with is
// stored in the event's outcome cut to 300 bytes on a character boundary
// (a cut inside a character would leave invalid UTF-8, which PostgreSQL
// refuses), with "…" where it was cut. The text is the cause's, and a cause may
// carry a body Stripe (or a proxy before it) answered that was not JSON:
// stripe-go quotes up to 500 bytes of it. Bytes PostgreSQL refuses in
// text (NUL, invalid UTF-8) failed the update: the outcome stayed
// "queued" until the hourly sweep marked it failed without its cause, and
// until then the tenant's billing page did not say the paid checkout was
// not applied, nor could staff retry it.
func TestCheckoutFailedOutcome(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := NewService(d.Gorm)
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name string
		msg  string
		want string
	}{
		{"Short", "create customer: stripe unavailable", "create customer: stripe unavailable"},
		{"AtTheCut", a(300), a(300)},
		{"PastTheCut", a(301), a(300) + "…"},
		{"CutInsideTwoByteCharacter", a(299) + "é" + "b", a(299) + "…"},
		{"CutInsideThreeByteCharacter", a(298) + "€" + "b", a(298) + "…"},
		{"CutInsideFourByteCharacter", a(297) + "😀" + "b", a(297) + "…"},
		{"CharacterEndsAtTheCut", a(298) + "é" + "b", a(298) + "é…"},
		{"MultiByteAtTheCut", a(298) + "é", a(298) + "é"},
		{"InvalidUTF8", "body sample: '\xff\xfe'", "body sample: '\uFFFD'"},
		{"NUL", "body sample: '\x1f\x8b\x08\x00'", "body sample: '\x1f\uFFFD\x08'"},
		{"NULPastTheCut", "\x00" + a(300), a(300)},
		{"InvalidByteAtTheCut", a(299) + "\xff", a(299) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := "evt_" + uuid.NewString()
			if err := d.Gorm.Exec(`INSERT INTO stripe_events (id, type, created, payload, outcome)
				VALUES (?, 'checkout.session.completed', now(), '{}', 'queued')`, id).Error; err != nil {
				t.Fatal(err)
			}
			if err := svc.checkoutFailed(t.Context(), id, 10, errors.New(tt.msg)); err != nil {
				t.Fatalf("checkoutFailed(%d bytes): %v", len(tt.msg), err)
			}
			var outcome string
			if err := d.Gorm.Raw(`SELECT outcome FROM stripe_events WHERE id = ?`, id).Scan(&outcome).Error; err != nil {
				t.Fatal(err)
			}
			if want := "failed after 10 attempts: " + tt.want; outcome != want {
				t.Fatalf("outcome %q (%d bytes), want %q", outcome, len(outcome), want)
			}
		})
	}
}

// TestCheckoutFailedLeavesProcessed: a job that gives up on an event
// another run processed meanwhile (the job retried by hand) leaves the
// outcome that run recorded.
func TestCheckoutFailedLeavesProcessed(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	id := "evt_" + uuid.NewString()
	if err := d.Gorm.Exec(`INSERT INTO stripe_events (id, type, created, payload, outcome, processed_at)
		VALUES (?, 'checkout.session.completed', now(), '{}', 'applied', now())`, id).Error; err != nil {
		t.Fatal(err)
	}
	if err := NewService(d.Gorm).checkoutFailed(t.Context(), id, 10, errors.New("stripe unavailable")); err != nil {
		t.Fatal(err)
	}
	var outcome string
	if err := d.Gorm.Raw(`SELECT outcome FROM stripe_events WHERE id = ?`, id).Scan(&outcome).Error; err != nil {
		t.Fatal(err)
	}
	if outcome != "applied" {
		t.Fatalf("a processed event's outcome became %q", outcome)
	}
}

// TestFailedCheckoutOfCurrentSubscription: a checkout whose job gave up
// is no longer reported as not applied once its subscription holds the
// tenant (its own subscription event applied it).
func TestFailedCheckoutOfCurrentSubscription(t *testing.T) {
	t.Parallel()
	for name, applied := range map[string]bool{"NotApplied": false, "AppliedBySubscriptionEvent": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			id := "evt_" + uuid.NewString()
			payload, err := json.Marshal(map[string]any{"id": id, "type": "checkout.session.completed", "data": map[string]any{
				"object": map[string]any{"client_reference_id": tb.tenant.String(), "subscription": tb.id("sub_a")}}})
			if err != nil {
				t.Fatal(err)
			}
			tb.mustExec(t, `INSERT INTO stripe_events (id, type, created, payload, outcome)
				VALUES (?, 'checkout.session.completed', ?, ?, 'failed after 10 attempts: stripe unavailable')`, id, t1, payload)
			if applied {
				tb.apply(t, t1, tb.sub("sub_a", "active", tb.pro), false)
			}
			notApplied, err := tb.svc.CheckoutNotApplied(context.Background(), tb.tenant)
			if err != nil {
				t.Fatal(err)
			}
			failed, err := tb.svc.FailedCheckouts(context.Background(), tb.tenant)
			if err != nil {
				t.Fatal(err)
			}
			if wantListed := !applied; notApplied != wantListed || (len(failed) == 1) != wantListed || len(failed) > 1 {
				t.Fatalf("not applied %v, failed %+v; want the checkout listed %v", notApplied, failed, !applied)
			}
		})
	}
}

// TestFailedCheckoutsOldestFirst: staff see a tenant's failed checkouts
// in the order they arrived.
func TestFailedCheckoutsOldestFirst(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	var want []string
	for _, received := range []time.Time{t1, t0} { // the newer one stored first
		id := "evt_" + uuid.NewString()
		payload, err := json.Marshal(map[string]any{"id": id, "type": "checkout.session.completed", "data": map[string]any{
			"object": map[string]any{"client_reference_id": tb.tenant.String(), "subscription": "sub_" + id}}})
		if err != nil {
			t.Fatal(err)
		}
		tb.mustExec(t, `INSERT INTO stripe_events (id, type, created, payload, outcome, received_at)
			VALUES (?, 'checkout.session.completed', ?, ?, 'failed after 10 attempts: stripe unavailable', ?)`, id, received, payload, received)
		want = append([]string{id}, want...)
	}
	failed, err := tb.svc.FailedCheckouts(context.Background(), tb.tenant)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range failed {
		got = append(got, f.EventID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("listed %v, want %v (oldest first)", got, want)
	}
}

// TestFailAbandonedCheckoutsKeepsFailure: the sweep leaves a checkout
// whose job recorded why it gave up with that cause.
func TestFailAbandonedCheckoutsKeepsFailure(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	id, outcome := "evt_"+uuid.NewString(), "failed after 10 attempts: stripe unavailable"
	if err := d.Gorm.Exec(`INSERT INTO stripe_events (id, type, created, payload, outcome, received_at)
		VALUES (?, 'checkout.session.completed', now(), '{}', ?, now() - interval '2 hours')`, id, outcome).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := NewService(d.Gorm).FailAbandonedCheckouts(t.Context()); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := d.Gorm.Raw(`SELECT outcome FROM stripe_events WHERE id = ?`, id).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if got != outcome {
		t.Fatalf("the sweep made the outcome %q", got)
	}
}

// TestApplyAudited: an event that changes what the tenant sees (status,
// package, cancellation at period end) is audited as
// subscription.changed with the event and the state it left; a renewal's
// new period is not.
func TestApplyAudited(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		next func(tb testBundle) *stripe.Subscription // applied at t1 over sub_a, active on pro since t0
		want string                                   // package, status, previous status, cancel at period end; "" none
	}{
		"PackageChanged": {func(tb testBundle) *stripe.Subscription { return tb.sub("sub_a", "active", tb.team) }, "team active active false"},
		"StatusChanged":  {func(tb testBundle) *stripe.Subscription { return tb.sub("sub_a", "past_due", tb.pro) }, "pro past_due active false"},
		"CancelAtPeriodEnd": {func(tb testBundle) *stripe.Subscription {
			sub := withCancel(*tb.sub("sub_a", "active", tb.pro))
			return &sub
		}, "pro active active true"},
		"RenewalNotAudited": {func(tb testBundle) *stripe.Subscription {
			sub := tb.sub("sub_a", "active", tb.pro)
			sub.CurrentPeriodStart, sub.CurrentPeriodEnd = t0.AddDate(0, 1, 0).Unix(), t0.AddDate(0, 2, 0).Unix()
			return sub
		}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.apply(t, t0, tb.sub("sub_a", "active", tb.pro), false)
			var before int64
			if err := tb.db.Raw(`SELECT count(*) FROM audit_events WHERE tenant_id = ?`, tb.tenant).Scan(&before).Error; err != nil {
				t.Fatal(err)
			}
			ev := stripe.Event{ID: "evt_" + uuid.NewString(), Type: "customer.subscription.updated"}
			if err := tb.db.Transaction(func(tx *gorm.DB) error {
				outcome, _, err := tb.svc.applySubscription(context.Background(), tx, ev, t1, tc.next(tb), nil, "")
				if err == nil && outcome != "applied" {
					t.Errorf("outcome %q", outcome)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var got []struct {
				Action, Package, Status, PreviousStatus, Cancel, StripeEvent, EventType, Source string
			}
			if err := tb.db.Raw(`SELECT action, data->>'package' AS package, data->>'status' AS status,
					data->>'previous_status' AS previous_status, data->>'cancel_at_period_end' AS cancel,
					data->>'stripe_event' AS stripe_event, data->>'event_type' AS event_type, data->>'source' AS source
				FROM audit_events WHERE tenant_id = ? ORDER BY id OFFSET ?`, tb.tenant, before).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("audited %+v", got)
				}
				return
			}
			want := strings.NewReplacer("pro", tb.pro.Code, "team", tb.team.Code).Replace(tc.want)
			if len(got) != 1 || got[0].Action != "subscription.changed" || got[0].StripeEvent != ev.ID ||
				got[0].EventType != string(ev.Type) || got[0].Source != SourceStripe ||
				strings.Join([]string{got[0].Package, got[0].Status, got[0].PreviousStatus, got[0].Cancel}, " ") != want {
				t.Fatalf("audited %+v, want one subscription.changed of %s by %s: %s", got, ev.Type, ev.ID, want)
			}
		})
	}
}

// TestProcessCheckoutCompletedWithoutStripe: what the completed
// checkout's job settles without reading Stripe (the service here has no
// Stripe client, so a call would fail the run): an event processed
// before stays as it was (a second run of the job), and a session that
// names no tenant of ours, or no subscription, is recorded as ignored.
func TestProcessCheckoutCompletedWithoutStripe(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tt := range []struct {
		name      string
		reference string     // client_reference_id
		sub       string     // the session's subscription
		processed *time.Time // processed before, outcome "applied"
		want      string     // outcome
	}{
		{"ProcessedBefore", tb.tenant.String(), "sub_x", &t0, "applied"},
		{"UnknownTenant", uuid.NewString(), "sub_x", nil, "ignored: unknown tenant"},
		{"NoSubscription", tb.tenant.String(), "", nil, "ignored: no subscription"},
		{"NoTenantReference", "", "sub_x", nil, "ignored: no tenant reference"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := "evt_" + uuid.NewString()
			object := map[string]any{"object": "checkout.session", "client_reference_id": tt.reference, "customer": tb.customer}
			if tt.sub != "" {
				object["subscription"] = tt.sub
			}
			payload, err := json.Marshal(map[string]any{"id": id, "object": "event", "type": "checkout.session.completed",
				"created": t1.Unix(), "data": map[string]any{"object": object}})
			if err != nil {
				t.Fatal(err)
			}
			outcome := "queued"
			if tt.processed != nil {
				outcome = "applied"
			}
			tb.mustExec(t, `INSERT INTO stripe_events (id, type, created, payload, outcome, processed_at)
				VALUES (?, 'checkout.session.completed', ?, ?, ?, ?)`, id, t1, payload, outcome, tt.processed)
			if err := tb.svc.ProcessCheckoutCompleted(context.Background(), id); err != nil {
				t.Fatalf("ProcessCheckoutCompleted: %v", err)
			}
			var got struct {
				Outcome     string
				TenantID    *uuid.UUID
				ProcessedAt *time.Time
			}
			if err := tb.db.Raw(`SELECT outcome, tenant_id, processed_at FROM stripe_events WHERE id = ?`, id).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if got.Outcome != tt.want || got.TenantID != nil || got.ProcessedAt == nil ||
				tt.processed != nil && !got.ProcessedAt.Equal(*tt.processed) {
				t.Fatalf("event left %q of tenant %v processed at %v, want %q of none", got.Outcome, deref(got.TenantID), deref(got.ProcessedAt), tt.want)
			}
			if cur := tb.current(t); cur.Source != SourceSignup {
				t.Fatalf("the checkout moved the plan: %+v", cur)
			}
		})
	}
}

// TestProcessCheckoutCompleted: a tenant's first checkout, completed,
// applies the subscription it names as Stripe (stripe-mock) reads it now:
// of the session's customer, which becomes the tenant's, and of the
// package the session was bought as (stripe-mock's price is no package's),
// as of the event's time; the event is processed and names the tenant.
func TestProcessCheckoutCompleted(t *testing.T) {
	t.Parallel()
	base := stripemock.URL(t).String()
	tb := setup(t)
	tb.mustExec(t, `UPDATE tenants SET stripe_customer_id = NULL WHERE id = ?`, tb.tenant)
	svc := NewService(tb.db).WithStripe(StripeOpts{SecretKey: "sk_test_123", APIBase: base})
	id := "evt_" + uuid.NewString()
	payload, err := json.Marshal(map[string]any{"id": id, "object": "event", "type": "checkout.session.completed",
		"created": t1.Unix(), "data": map[string]any{"object": map[string]any{"object": "checkout.session",
			"client_reference_id": tb.tenant.String(), "customer": tb.customer, "subscription": tb.id("sub_a"),
			"metadata": map[string]string{"package_code": tb.pro.Code}}}})
	if err != nil {
		t.Fatal(err)
	}
	tb.mustExec(t, `INSERT INTO stripe_events (id, type, created, payload, outcome)
		VALUES (?, 'checkout.session.completed', ?, ?, 'queued')`, id, t1, payload)
	if err := svc.ProcessCheckoutCompleted(context.Background(), id); err != nil {
		t.Fatalf("ProcessCheckoutCompleted: %v", err)
	}
	var ev struct {
		Outcome     string
		TenantID    *uuid.UUID
		ProcessedAt *time.Time
		Customer    *string
	}
	if err := tb.db.Raw(`SELECT e.outcome, e.tenant_id, e.processed_at, t.stripe_customer_id AS customer
		FROM stripe_events e, tenants t WHERE e.id = ? AND t.id = ?`, id, tb.tenant).Scan(&ev).Error; err != nil {
		t.Fatal(err)
	}
	if ev.Outcome != "applied" || deref(ev.TenantID) != tb.tenant || ev.ProcessedAt == nil || deref(ev.Customer) != tb.customer {
		t.Fatalf("event %q of tenant %v processed at %v, the tenant's customer %v; want applied of %s, customer %s",
			ev.Outcome, deref(ev.TenantID), deref(ev.ProcessedAt), deref(ev.Customer), tb.tenant, tb.customer)
	}
	if cur := tb.current(t); cur.Source != SourceStripe || cur.Status != StatusActive || cur.PackageID != tb.pro.ID ||
		!cur.of(tb.id("sub_a")) || !eqTime(cur.LastEventAt, &t1) {
		t.Fatalf("stored %s/%s on %s of %v, last event at %v; want active, %s, sub_a, %v",
			cur.Status, cur.Source, cur.PackageID, deref(cur.StripeSubscriptionID), deref(cur.LastEventAt), tb.pro.Code, t1)
	}
}

// TestRegisterWorkers: the billing jobs a worker runs, as RegisterWorkers
// registers them. A completed checkout's job can be queued (River refuses
// a kind no worker runs). The sweep's job runs on the billing queue and
// records the checkouts abandoned for CheckoutAbandonedAfter as failed,
// not one queued more recently, and says how many in an error log line; a
// run that finds none logs nothing, and one that fails is retried.
func TestRegisterWorkers(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t) // a worker of its own: the shared database's billing jobs are other tests'
	ctx := t.Context()
	abandoned, recent := "evt_"+uuid.NewString(), "evt_"+uuid.NewString()
	if err := d.Gorm.Exec(`INSERT INTO stripe_events (id, type, created, payload, outcome, received_at) VALUES
		(?, 'checkout.session.completed', now(), '{}', 'queued', now() - make_interval(secs => ?)),
		(?, 'checkout.session.completed', now(), '{}', 'queued', now() - make_interval(secs => ?))`,
		abandoned, CheckoutAbandonedAfter.Seconds()+60, recent, CheckoutAbandonedAfter.Seconds()-60).Error; err != nil {
		t.Fatal(err)
	}
	var logs syncbuf.Buffer
	workers := river.NewWorkers()
	RegisterWorkers(workers, NewService(d.Gorm), slog.New(slog.NewJSONHandler(&logs, nil)))
	client, err := jobs.New(d, workers, jobs.Opts{Work: true, PollOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Stop(context.Background()) })
	if _, err := client.Insert(ctx, CheckoutCompletedArgs{EventID: "evt_" + uuid.NewString()}, nil); err != nil {
		t.Fatalf("queue a completed checkout's job: %v", err)
	}
	sweep := func(want string) string {
		t.Helper()
		res, err := client.Insert(ctx, SweepArgs{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Job.Queue != jobs.QueueBilling {
			t.Fatalf("the sweep was queued on %q, want %q", res.Job.Queue, jobs.QueueBilling)
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
			var state string
			if err := d.Gorm.Raw(`SELECT state FROM river_job WHERE id = ?`, res.Job.ID).Scan(&state).Error; err != nil {
				t.Fatal(err)
			}
			if state == want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the sweep's job is %s after a minute, want %s", state, want)
			}
		}
		// The next run of the hour is a job of its own.
		if err := d.Gorm.Exec(`DELETE FROM river_job WHERE id = ?`, res.Job.ID).Error; err != nil {
			t.Fatal(err)
		}
		return logs.Take()
	}
	log := sweep("completed")
	var outcomes []string
	if err := d.Gorm.Raw(`SELECT outcome FROM stripe_events WHERE id IN ? ORDER BY id = ? DESC`, []string{abandoned, recent}, abandoned).
		Scan(&outcomes).Error; err != nil {
		t.Fatal(err)
	}
	if want := []string{outcomeAbandoned, "queued"}; !slices.Equal(outcomes, want) {
		t.Fatalf("after the sweep the abandoned and the recent checkout are %q, want %q", outcomes, want)
	}
	if !strings.Contains(log, `"level":"ERROR"`) || !strings.Contains(log, `"count":1`) {
		t.Fatalf("the sweep logged %q, want an error with count 1", log)
	}
	if log := sweep("completed"); log != "" {
		t.Fatalf("a sweep that found nothing logged %q", log)
	}
	if err := d.Gorm.Exec(`ALTER TABLE stripe_events RENAME TO stripe_events_away`).Error; err != nil {
		t.Fatal(err)
	}
	sweep("retryable")
}
