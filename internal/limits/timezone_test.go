package limits_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
)

// TestSessionTimeZone: the database session's TimeZone changes no quota
// answer: on connections set to a zone already in the next month
// (Kiritimati, UTC+14) or still in the last (Pago Pago, UTC-11), a quota
// is counted, read and reported in the UTC month of the service's clock,
// and resets at 00:00 UTC on the 1st. (Periods are computed in Go and
// passed as dates; nothing derives a date from now() or current_date.)
func TestSessionTimeZone(t *testing.T) {
	t.Parallel()
	base, dsn := dbtest.Fresh(t)
	ctx := context.Background()
	tests := []struct {
		name, zone          string
		now                 time.Time
		wantStart, wantNext string
	}{
		{"AheadOfUTC", "Pacific/Kiritimati", time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), "2026-11-01", "2026-12-01T00:00:00Z"},
		{"BehindUTC", "Pacific/Pago_Pago", time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC), "2026-12-01", "2027-01-01T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := db.Open(ctx, dsn+"&TimeZone="+tt.zone, db.OpenOpts{MaxConns: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			var zone string
			if err := d.Gorm.Raw(`SHOW TimeZone`).Scan(&zone).Error; err != nil || zone != tt.zone {
				t.Fatalf("session time zone %q (%v), want %s", zone, err, tt.zone)
			}
			tenant := MustCreateTenantIn(t, base, "free", billing.StatusActive)
			svc := limits.NewService(d.Gorm, 0).WithClock(func() time.Time { return tt.now })
			if _, err := svc.Consume(ctx, tenant, limits.Searches, 3); err != nil {
				t.Fatal(err)
			}
			q, err := svc.Peek(ctx, tenant, limits.Searches)
			if err != nil || q.Used != 3 || q.ResetAt.Format(time.RFC3339) != tt.wantNext {
				t.Fatalf("peek %+v (%v), want 3 used, reset %s", q, err, tt.wantNext)
			}
			u, err := svc.UsageOf(ctx, tenant)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range u.Quotas {
				if q.Metric == limits.Searches && (q.Used != 3 || q.ResetAt.Format(time.RFC3339) != tt.wantNext) {
					t.Fatalf("usage %+v, want 3 used, reset %s", q, tt.wantNext)
				}
			}
			var periods []string
			if err := base.Gorm.Raw(`SELECT to_char(period_start, 'YYYY-MM-DD') FROM usage_counters WHERE tenant_id = ? AND metric = 'searches'`,
				tenant).Scan(&periods).Error; err != nil {
				t.Fatal(err)
			}
			if len(periods) != 1 || periods[0] != tt.wantStart {
				t.Fatalf("counted under %v, want [%s]", periods, tt.wantStart)
			}
		})
	}
}

// MustCreateTenantIn is MustCreateTenant in database d.
func MustCreateTenantIn(tb testing.TB, d *db.DB, pkg, status string) uuid.UUID {
	tb.Helper()
	id := uuid.Must(uuid.NewV7())
	if err := d.Gorm.Exec(`INSERT INTO tenants (id, name) VALUES (?, ?)`, id, "t-"+id.String()[:8]).Error; err != nil {
		tb.Fatal(err)
	}
	if err := d.Gorm.Exec(`INSERT INTO subscriptions (tenant_id, package_id, status, source)
		SELECT ?, id, ?, 'manual' FROM packages WHERE code = ?`, id, status, pkg).Error; err != nil {
		tb.Fatal(err)
	}
	return id
}
