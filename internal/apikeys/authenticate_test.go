package apikeys

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestKeyCacheHoldsOnlyRealKeys: made-up secrets (well formed, so they reach
// the database) are refused without a cache entry each, and entries of real
// keys leave the cache once they outlive keyCacheTTL.
func TestKeyCacheHoldsOnlyRealKeys(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant := uuid.Must(uuid.NewV7())
	if err := d.Gorm.Exec(`INSERT INTO tenants (id, name) VALUES (?, 'Cache test')`, tenant).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.Exec(`INSERT INTO subscriptions (tenant_id, package_id, status, source)
		SELECT ?, id, 'active', 'manual' FROM packages WHERE code = 'pro'`, tenant).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, time.November, 29, 12, 0, 0, 0, time.UTC)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now })
	key, err := svc.Create(ctx, tenant, dbtest.MustCreateUser(t, d), CreateParams{Name: "cache", Scopes: []string{"usage:read"}})
	if err != nil {
		t.Fatal(err)
	}
	cached := func() int {
		svc.mu.Lock()
		defer svc.mu.Unlock()
		return len(svc.cache)
	}

	for range 50 {
		made, err := newSecret()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, made); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Fatalf("made-up secret: %v, want EUNAUTHORIZED", err)
		}
	}
	if n := cached(); n != 0 {
		t.Fatalf("%d cache entries after made-up secrets, want 0", n)
	}

	if _, err := svc.Authenticate(ctx, key.Secret); err != nil {
		t.Fatal(err)
	}
	svc.pruneCache()
	if n := cached(); n != 1 {
		t.Fatalf("%d cache entries for one fresh real key, want 1", n)
	}
	now = now.Add(keyCacheTTL + time.Second)
	svc.pruneCache()
	if n := cached(); n != 0 {
		t.Fatalf("%d cache entries after the TTL, want 0", n)
	}
}
