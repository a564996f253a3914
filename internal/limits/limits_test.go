package limits_test

import (
	"context"
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

func TestConsumeIsAtomic(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
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
	svc := limits.NewService(d.Gorm, 0)
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
	svc := limits.NewService(d.Gorm, 0)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	ctx := context.Background()
	if _, err := svc.Consume(ctx, tenant, limits.Searches, 100); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Consume(ctx, tenant, limits.Searches, 1)
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.ERATELIMIT || e.Type != "quota-exceeded" || e.Extra["metric"] != "searches" || e.Extra["limit"] != int64(100) || e.RetryAfter <= 0 {
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
	if e, ok := apperr.As(err); !ok || e.Code != apperr.EFORBIDDEN || e.Type != "plan-feature-unavailable" {
		t.Fatalf("free: %v", err)
	}
}

func TestUsageOf(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
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
