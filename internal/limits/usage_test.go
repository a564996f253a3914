package limits_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
)

// TestUsageOfCountsLiveKeys: the usage's API key count is the keys that
// are neither revoked nor expired, the tenant's own only.
func TestUsageOfCountsLiveKeys(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant, other := MustCreateTenant(t, "pro", billing.StatusActive, nil), MustCreateTenant(t, "pro", billing.StatusActive, nil)
	now := time.Now()
	later, earlier := now.Add(time.Hour), now.Add(-time.Minute)
	keys := []struct {
		tenant           uuid.UUID
		expires, revoked *time.Time
	}{
		{tenant, nil, nil},         // live
		{tenant, &later, nil},      // live until later
		{tenant, &later, nil},      // another
		{tenant, &earlier, nil},    // expired
		{tenant, nil, &earlier},    // revoked
		{tenant, &later, &earlier}, // revoked before it expires
		{other, nil, nil},          // another tenant's
	}
	for _, k := range keys {
		id := uuid.Must(uuid.NewV7())
		if err := d.Gorm.Exec(`INSERT INTO api_keys (tenant_id, id, name, prefix, secret_hash, scopes, expires_at, revoked_at)
			VALUES (?, ?, 'k', 'ock_x', ?, '{usage:read}', ?, ?)`, k.tenant, id, []byte(rand.Text()), k.expires, k.revoked).Error; err != nil {
			t.Fatal(err)
		}
	}
	u, err := svc.UsageOf(context.Background(), tenant)
	if err != nil || u.APIKeys != 3 {
		t.Fatalf("usage counts %d live keys (%v), want 3", u.APIKeys, err)
	}
}

// TestUsageOfReadsItsMonth: the usage counts the month of the service's
// clock only, neither the month before nor one after it (a clock set
// back, or counters kept from a later run).
func TestUsageOfReadsItsMonth(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := MustCreateTenant(t, "starter", billing.StatusActive, nil)
	for _, c := range []struct {
		start string
		count int64
	}{{"2026-10-01", 30}, {"2026-11-01", 7}, {"2026-12-01", 40}} {
		if err := d.Gorm.Exec(`INSERT INTO usage_counters (tenant_id, metric, period_start, count) VALUES (?, 'import_rows', ?, ?)`,
			tenant, c.start, c.count).Error; err != nil {
			t.Fatal(err)
		}
	}
	u, err := svc.UsageOf(context.Background(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range u.Quotas {
		if q.Metric == limits.ImportRows && q.Used != 7 {
			t.Fatalf("import rows used %d, want November's 7", q.Used)
		}
	}
}
