package limits_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
)

// TestAllowRequest: each request counts in every bucket; it is allowed
// while every bucket is within its limit (the limit-th request is the last
// one allowed), the answer reports the tightest bucket, and a refusal
// names the first bucket over its limit in the order given. Buckets are
// named per test, so tests sharing the table do not count together.
func TestAllowRequest(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	window := time.Date(2026, time.November, 15, 12, 0, 0, 0, time.UTC)
	svc := limits.NewService(d.Gorm, 0).WithClock(func() time.Time { return window.Add(15 * time.Second) })
	ctx := context.Background()
	p := uuid.NewString()
	key, tenant := limits.RateBucket{Name: p + ":key", Limit: 3}, limits.RateBucket{Name: p + ":tenant", Limit: 4}
	steps := []struct {
		name    string
		buckets []limits.RateBucket
		want    limits.RateResult
	}{
		{"First", []limits.RateBucket{key, tenant}, limits.RateResult{Allowed: true, Limit: 3, Remaining: 2, Reset: 45 * time.Second}},
		{"TenantOnly", []limits.RateBucket{tenant}, limits.RateResult{Allowed: true, Limit: 4, Remaining: 2, Reset: 45 * time.Second}},
		{"TenantAgain", []limits.RateBucket{tenant}, limits.RateResult{Allowed: true, Limit: 4, Remaining: 1, Reset: 45 * time.Second}},
		{"TightestListedSecond", []limits.RateBucket{key, tenant}, limits.RateResult{Allowed: true, Limit: 4, Remaining: 0, Reset: 45 * time.Second}},
		{"ErrTenantOver", []limits.RateBucket{key, tenant}, limits.RateResult{Allowed: false, Limit: 3, Remaining: 0, Reset: 45 * time.Second, Refused: tenant.Name}},
		{"ErrBothOverNamesTheFirst", []limits.RateBucket{tenant, key}, limits.RateResult{Allowed: false, Limit: 4, Remaining: 0, Reset: 45 * time.Second, Refused: tenant.Name}},
	}
	for _, st := range steps {
		got, err := svc.AllowRequest(ctx, st.buckets)
		if err != nil || got != st.want {
			t.Fatalf("%s: %+v (%v), want %+v", st.name, got, err, st.want)
		}
	}
}

// TestPruneRateWindowsKeepsTheCurrentWindow: pruning drops windows that
// ended over a minute ago, never the current one (its requests would be
// forgotten mid-minute and a client could pass its limit).
func TestPruneRateWindowsKeepsTheCurrentWindow(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	window := time.Date(2026, time.November, 15, 12, 0, 0, 0, time.UTC)
	now := window.Add(15 * time.Second)
	svc := limits.NewService(d.Gorm, 0).WithClock(func() time.Time { return now })
	ctx := context.Background()
	bucket := limits.RateBucket{Name: uuid.NewString() + ":key", Limit: 2}
	if err := d.Gorm.Exec(`INSERT INTO rate_limit_windows (bucket, window_start, count) VALUES (?, ?, 5), (?, ?, 5)`,
		bucket.Name, window.Add(-3*time.Minute), bucket.Name, window.Add(-time.Minute)).Error; err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if res, err := svc.AllowRequest(ctx, []limits.RateBucket{bucket}); err != nil || !res.Allowed {
			t.Fatalf("within the limit: %+v (%v)", res, err)
		}
	}
	svc.PruneRateWindows(ctx)
	if res, err := svc.AllowRequest(ctx, []limits.RateBucket{bucket}); err != nil || res.Allowed {
		t.Fatalf("past the limit after a prune: %+v (%v), want refused", res, err)
	}
	var starts []time.Time
	if err := d.Gorm.Raw(`SELECT window_start FROM rate_limit_windows WHERE bucket = ? ORDER BY window_start`, bucket.Name).
		Scan(&starts).Error; err != nil {
		t.Fatal(err)
	}
	if len(starts) != 2 || !starts[0].Equal(window.Add(-time.Minute)) || !starts[1].Equal(window) {
		t.Fatalf("windows kept %v, want the previous and the current one", starts)
	}
}
