package limits_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// MustCreateTenant inserts a tenant on the given package and status.
func MustCreateTenant(tb testing.TB, pkg, status string, pastDueSince *time.Time) uuid.UUID {
	tb.Helper()
	d := dbtest.Shared(tb)
	id := uuid.Must(uuid.NewV7())
	if err := d.Gorm.Exec(`INSERT INTO tenants (id, name) VALUES (?, ?)`, id, "t-"+id.String()[:8]).Error; err != nil {
		tb.Fatal(err)
	}
	if err := d.Gorm.Exec(`INSERT INTO subscriptions (tenant_id, package_id, status, source, past_due_since)
		SELECT ?, id, ?, 'manual', ? FROM packages WHERE code = ?`, id, status, pastDueSince, pkg).Error; err != nil {
		tb.Fatal(err)
	}
	return id
}

// midMonth is the instant the quota tests pin the service's clock to, so
// that a run crossing a month boundary on the wall clock cannot split one
// test's metering over two periods.
var midMonth = time.Date(2026, time.November, 15, 12, 0, 0, 0, time.UTC)

// testClock is a clock a test sets and moves.
type testClock struct{ ns atomic.Int64 }

func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.Set(t)
	return c
}

func (c *testClock) Now() time.Time  { return time.Unix(0, c.ns.Load()) }
func (c *testClock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

// pinnedService is a Service whose clock stands still at midMonth.
func pinnedService(d *gorm.DB) *limits.Service {
	return limits.NewService(d, 0).WithClock(newTestClock(midMonth).Now)
}

func TestConsumeIsAtomic(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	var admitted, refused atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.ConsumeWithin(context.Background(), d.Gorm, tenant, limits.Searches, 1, 20)
			switch {
			case err == nil:
				admitted.Add(1)
			case apperr.Is(err, apperr.ERATELIMIT):
				refused.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	if admitted.Load() != 20 || refused.Load() != 30 {
		t.Fatalf("admitted %d refused %d, want 20 and 30", admitted.Load(), refused.Load())
	}
}

// TestConsumeUpTo: concurrent callers asking for more than remains share
// the limit exactly (7 × 5 units against 20: 20 taken, none twice), and a
// caller finding nothing left takes 0 without an error.
func TestConsumeUpTo(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	var took atomic.Int64
	var wg sync.WaitGroup
	for range 7 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := d.Gorm.Transaction(func(tx *gorm.DB) error {
				n, q, err := svc.ConsumeUpTo(context.Background(), tx, tenant, limits.CRMPushes, 5, 20)
				if err == nil && (n < 0 || n > 5 || q.Used > 20 || q.Remaining != 20-q.Used) {
					t.Errorf("took %d, quota %+v", n, q)
				}
				took.Add(n)
				return err
			})
			if err != nil {
				t.Errorf("ConsumeUpTo: %v", err)
			}
		}()
	}
	wg.Wait()
	q, err := svc.PeekPlan(context.Background(), tenant, limits.Plan{Package: billing.Package{CRMPushesPerMonth: 20}}, limits.CRMPushes)
	if err != nil {
		t.Fatal(err)
	}
	if took.Load() != 20 || q.Used != 20 {
		t.Fatalf("took %d in all, counter %d; want 20 and 20", took.Load(), q.Used)
	}
}

func TestQuotaExceededError(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	ctx := context.Background()
	if _, err := svc.Consume(ctx, tenant, limits.Searches, 100); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Consume(ctx, tenant, limits.Searches, 1)
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.ERATELIMIT || e.Type != "quota-exceeded" || e.Extra["metric"] != "searches" || e.Extra["limit"] != int64(100) ||
		e.Extra["reset"] != "2026-12-01T00:00:00Z" || e.RetryAfter != (15*24+12)*time.Hour {
		t.Fatalf("unexpected error %#v", err)
	}
	q, err := svc.Peek(ctx, tenant, limits.Searches)
	if err != nil || q.Used != 100 || q.Remaining != 0 {
		t.Fatalf("peek %+v %v", q, err)
	}
	// A request larger than the whole limit is refused even on an empty counter.
	other := MustCreateTenant(t, "free", billing.StatusActive, nil)
	if _, err := svc.Consume(ctx, other, limits.Searches, 101); !apperr.Is(err, apperr.ERATELIMIT) {
		t.Fatalf("oversize consume: %v", err)
	}
}

func TestPlan(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	recent := time.Now().Add(-24 * time.Hour)
	old := time.Now().Add(-8 * 24 * time.Hour)
	tests := []struct {
		name, pkg, status string
		pastDueSince      *time.Time
		wantCode          string
		wantDowngraded    bool
	}{
		{"ActivePro", "pro", billing.StatusActive, nil, "pro", false},
		{"TrialingStarter", "starter", billing.StatusTrialing, nil, "starter", false},
		{"PastDueInGrace", "pro", billing.StatusPastDue, &recent, "pro", false},
		{"PastDueAfterGrace", "pro", billing.StatusPastDue, &old, "free", true},
		{"Canceled", "pro", billing.StatusCanceled, nil, "free", true},
		{"Incomplete", "pro", billing.StatusIncomplete, nil, "free", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant := MustCreateTenant(t, tt.pkg, tt.status, tt.pastDueSince)
			plan, err := svc.Plan(context.Background(), tenant)
			if err != nil {
				t.Fatal(err)
			}
			if plan.Package.Code != tt.wantCode || plan.Downgraded != tt.wantDowngraded {
				t.Fatalf("plan %s downgraded=%v, want %s %v", plan.Package.Code, plan.Downgraded, tt.wantCode, tt.wantDowngraded)
			}
		})
	}
}

func TestRequireFeature(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	ctx := context.Background()
	if err := svc.RequireFeature(ctx, MustCreateTenant(t, "pro", billing.StatusActive, nil), limits.APIAccess); err != nil {
		t.Fatalf("pro: %v", err)
	}
	err := svc.RequireFeature(ctx, MustCreateTenant(t, "free", billing.StatusActive, nil), limits.APIAccess)
	if e, ok := apperr.As(err); !ok || e.Code != apperr.EFORBIDDEN || e.Type != "plan-feature-unavailable" ||
		e.Message != "Your package (free) does not include API access; upgrade to use it." ||
		e.Extra["feature"] != "api_access" || e.Extra["package"] != "free" {
		t.Fatalf("free: %#v", err)
	}
}

func TestUsageOf(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := MustCreateTenant(t, "starter", billing.StatusActive, nil)
	ctx := context.Background()
	if _, err := svc.Consume(ctx, tenant, limits.ImportRows, 7); err != nil {
		t.Fatal(err)
	}
	u, err := svc.UsageOf(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	if u.Plan.Package.Code != "starter" || len(u.Quotas) != 3 || u.Seats.Limit != 10 {
		t.Fatalf("usage %+v", u)
	}
	for _, q := range u.Quotas {
		if q.Metric == limits.ImportRows && (q.Used != 7 || q.Remaining != 50000-7) {
			t.Fatalf("import rows %+v", q)
		}
	}
}

// TestPeriod: the metering period is the UTC month of the service's
// clock, whatever zone the clock's time is in, across year ends and
// February.
func TestPeriod(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	newYork, tokyo := time.FixedZone("EST", -5*3600), time.FixedZone("JST", 9*3600)
	tests := []struct {
		name                string
		now                 time.Time
		wantStart, wantNext string
	}{
		{"MidMonth", midMonth, "2026-11-01", "2026-12-01"},
		{"LastInstantOfMonth", time.Date(2026, 11, 30, 23, 59, 59, 999999999, time.UTC), "2026-11-01", "2026-12-01"},
		{"FirstInstantOfMonth", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), "2026-12-01", "2027-01-01"},
		{"YearEnd", time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), "2026-12-01", "2027-01-01"},
		{"LeapFebruary", time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC), "2028-02-01", "2028-03-01"},
		{"ZoneAlreadyInDecember", time.Date(2026, 12, 1, 8, 30, 0, 0, tokyo), "2026-11-01", "2026-12-01"},
		{"ZoneStillInNovember", time.Date(2026, 11, 30, 19, 30, 0, 0, newYork), "2026-12-01", "2027-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start, next := limits.NewService(d.Gorm, 0).WithClock(func() time.Time { return tt.now }).Period()
			if got := start.Format(time.DateOnly); got != tt.wantStart || next.Format(time.DateOnly) != tt.wantNext ||
				start.Location() != time.UTC || next.Location() != time.UTC || !next.Equal(start.AddDate(0, 1, 0)) {
				t.Fatalf("period of %s = %s .. %s, want %s .. %s (UTC)", tt.now, start, next, tt.wantStart, tt.wantNext)
			}
		})
	}
}

// TestQuotaPeriodRollover: a quota used up on the last instant of a month
// is whole again on the first of the next, and the month that ended keeps
// its count.
func TestQuotaPeriodRollover(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	clock := newTestClock(time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC))
	svc := limits.NewService(d.Gorm, 0).WithClock(clock.Now)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil) // 100 searches a month
	ctx := context.Background()
	if _, err := svc.Consume(ctx, tenant, limits.Searches, 100); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Consume(ctx, tenant, limits.Searches, 1)
	if e, ok := apperr.As(err); !ok || e.Code != apperr.ERATELIMIT || e.RetryAfter != time.Second || e.Extra["reset"] != "2026-12-01T00:00:00Z" {
		t.Fatalf("on the month's last second: %#v", err)
	}

	clock.Set(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	q, err := svc.Peek(ctx, tenant, limits.Searches)
	if err != nil || q.Used != 0 || q.Remaining != 100 || !q.ResetAt.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("peek in the new month %+v %v", q, err)
	}
	if q, err = svc.Consume(ctx, tenant, limits.Searches, 1); err != nil || q.Used != 1 || q.Remaining != 99 {
		t.Fatalf("consume in the new month %+v %v", q, err)
	}
	u, err := svc.UsageOf(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range u.Quotas {
		if q.Metric == limits.Searches && (q.Used != 1 || q.Remaining != 99 || q.ResetAt.Format(time.DateOnly) != "2027-01-01") {
			t.Fatalf("usage in the new month %+v", q)
		}
	}
	var counts []int64
	if err := d.Gorm.Raw(`SELECT count FROM usage_counters WHERE tenant_id = ? AND metric = 'searches' ORDER BY period_start`,
		tenant).Scan(&counts).Error; err != nil {
		t.Fatal(err)
	}
	if len(counts) != 2 || counts[0] != 100 || counts[1] != 1 {
		t.Fatalf("counters per month %v, want [100 1]", counts)
	}
}

// TestPlanPeriodEnd: a subscription that ends with its period (a manual
// one, or one cancelled at the period's end) is in force up to
// current_period_end and not at it: the end is the first instant of the
// Free limits, as every expiry in the product is the first instant of
// being expired.
func TestPlanPeriodEnd(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	end := time.Date(2026, time.December, 31, 23, 59, 59, 0, time.UTC)
	tenant := MustCreateTenant(t, "pro", billing.StatusActive, nil)
	if err := d.Gorm.Exec(`UPDATE subscriptions SET current_period_end = ? WHERE tenant_id = ?`, end, tenant).Error; err != nil {
		t.Fatal(err)
	}
	clock := newTestClock(end.Add(-time.Microsecond))
	svc := limits.NewService(d.Gorm, 0).WithClock(clock.Now)
	ctx := context.Background()
	if plan, err := svc.Plan(ctx, tenant); err != nil || plan.Package.Code != "pro" || plan.Downgraded {
		t.Fatalf("just before the period's end: %s downgraded=%v (%v), want pro", plan.Package.Code, plan.Downgraded, err)
	}
	clock.Set(end)
	if plan, err := svc.Plan(ctx, tenant); err != nil || plan.Package.Code != "free" || !plan.Downgraded {
		t.Fatalf("at the period's end: %s downgraded=%v (%v), want free", plan.Package.Code, plan.Downgraded, err)
	}
}

// TestConsumeUpToSteps: one caller after another against a limit of 10,
// each told how many units it took and the quota after them.
func TestConsumeUpToSteps(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	steps := []struct {
		name               string
		want               int64
		wantTook, wantUsed int64
	}{
		{"Some", 4, 4, 4},
		{"MoreThanRemains", 10, 6, 10},
		{"NoneRemain", 1, 0, 10},
	}
	for _, st := range steps {
		var took int64
		var q limits.Quota
		err := d.Gorm.Transaction(func(tx *gorm.DB) error {
			var err error
			took, q, err = svc.ConsumeUpTo(context.Background(), tx, tenant, limits.ImportRows, st.want, 10)
			return err
		})
		if err != nil || took != st.wantTook || q.Used != st.wantUsed || q.Remaining != 10-st.wantUsed || q.Limit != 10 {
			t.Fatalf("%s: took %d, quota %+v (%v); want took %d, used %d", st.name, took, q, err, st.wantTook, st.wantUsed)
		}
	}
}

// TestQuotaErrorMessage: the refusal says the quota is used up when none
// is left, and how much is left when some is, only not enough.
func TestQuotaErrorMessage(t *testing.T) {
	t.Parallel()
	reset := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, want string
		used       int64
		wanted     int64
	}{
		{"UsedUp", "The monthly import_rows quota is used up: 1000 of 1000 used, 5 requested; it resets at 2026-12-01T00:00:00Z.", 1000, 5},
		{"OneLeft", "The monthly import_rows quota has 1 of 1000 left, fewer than the 5 requested; it resets at 2026-12-01T00:00:00Z.", 999, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := limits.Quota{Metric: limits.ImportRows, Limit: 1000, Used: tt.used, Remaining: 1000 - tt.used, ResetAt: reset}
			e, ok := apperr.As(limits.QuotaError(q, tt.wanted))
			if !ok || e.Message != tt.want || e.Extra["remaining"] != 1000-tt.used {
				t.Fatalf("message %q extra %v, want %q", e.Message, e.Extra, tt.want)
			}
		})
	}
}

// TestPlanWithoutSubscription: a tenant with no subscription row has the
// Free package and is not downgraded (there is nothing it fell from),
// by Plan and Plans alike.
func TestPlanWithoutSubscription(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := uuid.Must(uuid.NewV7())
	if err := d.Gorm.Exec(`INSERT INTO tenants (id, name) VALUES (?, ?)`, tenant, "t-"+tenant.String()[:8]).Error; err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	plan, err := svc.Plan(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	plans, err := svc.Plans(ctx, []uuid.UUID{tenant})
	if err != nil {
		t.Fatal(err)
	}
	for label, p := range map[string]limits.Plan{"Plan": plan, "Plans": plans[tenant]} {
		if p.Package.Code != billing.FreeCode || p.Downgraded || p.Subscription != nil {
			t.Fatalf("%s: %s downgraded=%v subscription %+v, want free, not downgraded, none", label, p.Package.Code, p.Downgraded, p.Subscription)
		}
	}
}

// TestQuotaAfterDowngradeMidMonth: a tenant that used more of a quota on
// Pro than Free allows, then fell to Free mid-month, has none left, never
// a negative remainder, whether the quota is peeked, listed in the usage
// or refused a charge (which says the quota is used up).
func TestQuotaAfterDowngradeMidMonth(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := MustCreateTenant(t, "pro", billing.StatusActive, nil)
	ctx := context.Background()
	if _, err := svc.Consume(ctx, tenant, limits.Searches, 150); err != nil { // Free allows 100
		t.Fatal(err)
	}
	if err := d.Gorm.Exec(`UPDATE subscriptions SET status = ? WHERE tenant_id = ?`, billing.StatusCanceled, tenant).Error; err != nil {
		t.Fatal(err)
	}
	peeked, err := svc.Peek(ctx, tenant, limits.Searches)
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.UsageOf(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	var listed limits.Quota
	for _, q := range u.Quotas {
		if q.Metric == limits.Searches {
			listed = q
		}
	}
	_, err = svc.Consume(ctx, tenant, limits.Searches, 1)
	e, ok := apperr.As(err)
	if !ok || e.Type != "quota-exceeded" {
		t.Fatalf("consume after the downgrade: %v, want quota-exceeded", err)
	}
	refused := e.Extra["remaining"]
	for label, q := range map[string]limits.Quota{"Peek": peeked, "UsageOf": listed} {
		if q.Limit != 100 || q.Used != 150 || q.Remaining != 0 {
			t.Fatalf("%s: %+v, want 150 of 100 used, 0 remaining", label, q)
		}
	}
	if refused != int64(0) || e.Message != "The monthly searches quota is used up: 150 of 100 used, 1 requested; it resets at 2026-12-01T00:00:00Z." {
		t.Fatalf("refusal remaining %v, message %q", refused, e.Message)
	}
}

// TestUntilResetNeverNegative: a quota the service did not read counts its
// wait from the wall clock, and one whose reset has passed waits nothing.
func TestUntilResetNeverNegative(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		q      limits.Quota
		wantGE time.Duration
		wantLE time.Duration
	}{
		{"ResetPassed", limits.Quota{ResetAt: time.Now().Add(-time.Hour)}, 0, 0},
		{"ReadAfterReset", limits.Quota{ResetAt: midMonth, ReadAt: midMonth.Add(time.Second)}, 0, 0},
		{"ReadBeforeReset", limits.Quota{ResetAt: midMonth, ReadAt: midMonth.Add(-time.Second)}, time.Second, time.Second},
		{"WallClock", limits.Quota{ResetAt: time.Now().Add(time.Hour)}, 59 * time.Minute, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.q.UntilReset(); got < tt.wantGE || got > tt.wantLE {
				t.Fatalf("UntilReset = %s, want %s..%s", got, tt.wantGE, tt.wantLE)
			}
		})
	}
}

// TestConsumeUpToOverLimitAndOtherMetrics: a counter already past its
// limit (the tenant moved to a smaller package mid-month) gives nothing and
// takes nothing back, and a charge moves its own metric's counter only.
func TestConsumeUpToOverLimitAndOtherMetrics(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	if err := d.Gorm.Exec(`INSERT INTO usage_counters (tenant_id, metric, period_start, count)
		VALUES (?, 'searches', '2026-11-01', 5), (?, 'import_rows', '2026-11-01', 12)`, tenant, tenant).Error; err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name               string
		metric             limits.Metric
		want               int64
		wantTook, wantUsed int64
		wantCounts         map[string]int64
	}{
		{"PastTheLimit", limits.ImportRows, 3, 0, 12, map[string]int64{"searches": 5, "import_rows": 12}},
		{"AnotherMetric", limits.CRMPushes, 4, 4, 4, map[string]int64{"searches": 5, "import_rows": 12, "crm_pushes": 4}},
	}
	for _, st := range steps {
		var took int64
		var q limits.Quota
		err := d.Gorm.Transaction(func(tx *gorm.DB) error {
			var err error
			took, q, err = svc.ConsumeUpTo(context.Background(), tx, tenant, st.metric, st.want, 10)
			return err
		})
		if err != nil || took != st.wantTook || q.Used != st.wantUsed || q.Remaining != max(10-st.wantUsed, 0) {
			t.Fatalf("%s: took %d, quota %+v (%v); want took %d, used %d", st.name, took, q, err, st.wantTook, st.wantUsed)
		}
		var rows []struct {
			Metric string
			Count  int64
		}
		if err := d.Gorm.Raw(`SELECT metric, count FROM usage_counters WHERE tenant_id = ?`, tenant).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		counts := map[string]int64{}
		for _, r := range rows {
			counts[r.Metric] = r.Count
		}
		if fmt.Sprint(counts) != fmt.Sprint(st.wantCounts) {
			t.Fatalf("%s: counters %v, want %v", st.name, counts, st.wantCounts)
		}
	}
}
