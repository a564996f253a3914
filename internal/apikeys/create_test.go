package apikeys

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestCreateValidation: what Create refuses, naming the field, before it
// writes anything: no scope, an unknown or repeated scope, an expiry that
// is not in the future (the service's clock's now included).
func TestCreateValidation(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	tenant, user := proTenant(t, d)
	now := time.Date(2026, time.November, 30, 9, 0, 0, 0, time.UTC)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now })
	later, earlier := now.Add(time.Microsecond), now.Add(-time.Hour)
	tests := []struct {
		name      string
		p         CreateParams
		wantField string // "" for a key created
	}{
		{"OK", CreateParams{Name: "ok", Scopes: []string{"usage:read", "contacts:read"}, ExpiresAt: &later}, ""},
		{"ErrNoScopes", CreateParams{Name: "k", Scopes: nil}, "scopes"},
		{"ErrUnknownScope", CreateParams{Name: "k", Scopes: []string{"usage:read", "billing:write"}}, "scopes[1]"},
		{"ErrRepeatedScope", CreateParams{Name: "k", Scopes: []string{"usage:read", "contacts:read", "usage:read"}}, "scopes[2]"},
		{"ErrExpiresNow", CreateParams{Name: "k", Scopes: []string{"usage:read"}, ExpiresAt: &now}, "expires_at"},
		{"ErrExpired", CreateParams{Name: "k", Scopes: []string{"usage:read"}, ExpiresAt: &earlier}, "expires_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := svc.Create(context.Background(), tenant, user, tt.p)
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != tt.wantField {
				t.Fatalf("Create: %#v, want EINVALID on %s", err, tt.wantField)
			}
		})
	}
}

// TestRevokeTwice: revoking a revoked key changes nothing: its revocation
// time stays the first one and the log holds one revocation.
func TestRevokeTwice(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	now := time.Date(2026, time.November, 30, 9, 0, 0, 0, time.UTC)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now })
	key := mustCreate(t, svc, tenant, user, CreateParams{Name: "twice", Scopes: []string{"usage:read"}})
	for range 2 {
		if err := svc.Revoke(ctx, tenant, key.ID); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
	}
	var k Key
	if err := d.Gorm.Where("id = ?", key.ID).Take(&k).Error; err != nil {
		t.Fatal(err)
	}
	var events int64
	if err := d.Gorm.Table("audit_events").Where("target_id = ? AND action = 'api_key.revoked'", key.ID.String()).Count(&events).Error; err != nil {
		t.Fatal(err)
	}
	if k.RevokedAt == nil || !k.RevokedAt.Equal(time.Date(2026, time.November, 30, 9, 0, 0, 0, time.UTC)) || events != 1 {
		t.Fatalf("revoked at %v with %d events, want the first revocation's time and 1 event", k.RevokedAt, events)
	}
}

// TestRotateOverlapRange: the overlap is 0 to MaxRotationOverlap; outside
// it the rotation is refused and the key is left as it was.
func TestRotateOverlapRange(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0))
	tests := []struct {
		name    string
		overlap time.Duration
		wantErr bool
	}{
		{"NoOverlap", 0, false},
		{"LongestOverlap", MaxRotationOverlap, false},
		{"ErrNegative", -time.Hour, true},
		{"ErrTooLong", MaxRotationOverlap + time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant, user := proTenant(t, d)
			key := mustCreate(t, svc, tenant, user, CreateParams{Name: "rotate", Scopes: []string{"usage:read"}})
			_, err := svc.Rotate(ctx, tenant, key.ID, user, tt.overlap)
			if tt.wantErr {
				if e, ok := apperr.As(err); !ok || e.Code != apperr.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "overlap_hours" {
					t.Fatalf("Rotate: %v, want EINVALID on overlap_hours", err)
				}
				if _, err := svc.Authenticate(ctx, key.Secret); err != nil {
					t.Fatalf("the key after a refused rotation: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Rotate: %v", err)
			}
		})
	}
}

// TestListPutsLiveKeysFirst: live keys come first, newest first, then the
// revoked and expired ones, however new those are.
func TestListPutsLiveKeysFirst(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0))
	var names []string
	for _, name := range []string{"live-old", "live-new", "revoked", "expired"} {
		k := mustCreate(t, svc, tenant, user, CreateParams{Name: name, Scopes: []string{"usage:read"}})
		var err error
		switch name {
		case "revoked":
			err = svc.Revoke(ctx, tenant, k.ID)
		case "expired":
			err = d.Gorm.Exec(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ?`, k.ID).Error
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	keys, err := svc.List(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		names = append(names, k.Name)
	}
	if got := strings.Join(names, " "); got != "live-new live-old expired revoked" {
		t.Fatalf("listed %s, want live-new live-old expired revoked", got)
	}
}

// TestUsageDays: a key's usage has one entry per day asked for, oldest
// first, today (the service's clock's UTC date) last with the requests the
// key made today.
func TestUsageDays(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	now := time.Date(2026, time.November, 30, 23, 30, 0, 0, time.UTC)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now })
	key := mustCreate(t, svc, tenant, user, CreateParams{Name: "usage", Scopes: []string{"usage:read"}})
	for range 2 {
		if _, err := svc.Authenticate(ctx, key.Secret); err != nil {
			t.Fatal(err)
		}
	}
	days, err := svc.Usage(ctx, tenant, key.ID, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 7 || days[0].Day.Format(time.DateOnly) != "2026-11-24" || days[6].Day.Format(time.DateOnly) != "2026-11-30" ||
		days[6].Requests != 2 || days[5].Requests != 0 {
		t.Fatalf("usage %+v, want 7 days from 2026-11-24 to 2026-11-30 with 2 requests on the last", days)
	}
}

// TestAuthenticateRefusesTheTenantsState: a valid key of a suspended
// tenant, or of a tenant whose package has no API access, authenticates
// nobody.
func TestAuthenticateRefusesTheTenantsState(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0))
	tests := []struct {
		name     string
		change   string
		wantType string
	}{
		{"OK", ``, ""},
		{"ErrSuspended", `UPDATE tenants SET status = 'suspended' WHERE id = ?`, "tenant-suspended"},
		{"ErrNoAPIAccess", `UPDATE subscriptions SET package_id = (SELECT id FROM packages WHERE code = 'free') WHERE tenant_id = ?`, "plan-feature-unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant, user := proTenant(t, d)
			key := mustCreate(t, svc, tenant, user, CreateParams{Name: "state", Scopes: []string{"usage:read"}})
			if tt.change != "" {
				if err := d.Gorm.Exec(tt.change, tenant).Error; err != nil {
					t.Fatal(err)
				}
			}
			p, err := svc.Authenticate(ctx, key.Secret)
			if tt.wantType == "" {
				if err != nil || p.TenantID != tenant || len(p.Scopes) != 1 || p.RatePerMinute != 600 {
					t.Fatalf("principal %+v (%v)", p, err)
				}
				return
			}
			if e, ok := apperr.As(err); !ok || e.Code != apperr.EFORBIDDEN || e.Type != tt.wantType || p != nil {
				t.Fatalf("Authenticate: %v, want %s", err, tt.wantType)
			}
		})
	}
}

// TestPlanCacheFollowsThePlan: the tenant's plan a key's requests use is
// cached, but a change to its rows (a downgrade) holds from the next
// request, and a plan that ends by the clock (a manual plan's period, a
// payment's grace) holds from that instant, even within planCacheTTL.
func TestPlanCacheFollowsThePlan(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	start := time.Date(2026, time.November, 29, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		setup      string // on the subscription before the first request; ? is start
		change     string // after it
		wantRefuse bool
	}{
		{"CachedWithinTTL", ``, ``, false},
		{"ErrDowngradedMeanwhile", ``, `UPDATE subscriptions SET package_id = (SELECT id FROM packages WHERE code = 'free') WHERE tenant_id = ?`, true},
		{"ErrManualPlanEnded", `UPDATE subscriptions SET current_period_end = ?::timestamptz + interval '2 seconds' WHERE tenant_id = ?`, ``, true},
		{"ErrGraceEnded", `UPDATE subscriptions SET status = 'past_due', past_due_since = ?::timestamptz - interval '7 days' + interval '2 seconds' WHERE tenant_id = ?`, ``, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant, user := proTenant(t, d)
			now := start
			clock := func() time.Time { return now }
			svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0).WithClock(clock)).WithClock(clock)
			if tt.setup != "" {
				if err := d.Gorm.Exec(tt.setup, start, tenant).Error; err != nil {
					t.Fatal(err)
				}
			}
			key := mustCreate(t, svc, tenant, user, CreateParams{Name: "cache", Scopes: []string{"usage:read"}})
			if _, err := svc.Authenticate(ctx, key.Secret); err != nil {
				t.Fatalf("first request: %v", err)
			}
			if tt.change != "" {
				if err := d.Gorm.Exec(tt.change, tenant).Error; err != nil {
					t.Fatal(err)
				}
			}
			now = start.Add(3 * time.Second)
			_, err := svc.Authenticate(ctx, key.Secret)
			if e, ok := apperr.As(err); tt.wantRefuse != (err != nil) || (tt.wantRefuse && (!ok || e.Type != "plan-feature-unavailable")) {
				t.Fatalf("3 s later: %v, want refused %v", err, tt.wantRefuse)
			}
		})
	}
}

// TestLastUseNeverGoesBack: two instances flush a key's last use in either
// order, and a flush that failed is put back beside what was counted
// meanwhile: the key's last use is always the latest one.
func TestLastUseNeverGoesBack(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	early := time.Date(2026, time.November, 29, 12, 0, 0, 0, time.UTC)
	late := early.Add(time.Minute)
	a := NewService(d.Gorm, limits.NewService(d.Gorm, 0))
	b := NewService(d.Gorm, limits.NewService(d.Gorm, 0))
	key := mustCreate(t, a, tenant, user, CreateParams{Name: "last", Scopes: []string{"usage:read"}})
	a.count(tenant, key.ID, late)
	a.FlushUsage(ctx)
	b.count(tenant, key.ID, early) // a request b answered first, flushed last
	b.FlushUsage(ctx)
	var k Key
	if err := d.Gorm.Where("id = ?", key.ID).Take(&k).Error; err != nil {
		t.Fatal(err)
	}
	if k.LastUsedAt == nil || !k.LastUsedAt.Equal(late) {
		t.Fatalf("last_used_at %v after flushes in the wrong order, want %v", k.LastUsedAt, late)
	}

	// A failed flush's uses go back into memory: counts add up, the later
	// of the two last uses stays.
	a.count(tenant, key.ID, late)
	a.putBack(map[usageKey]int64{{tenant, key.ID, early.Format(time.DateOnly)}: 2}, map[uuid.UUID]time.Time{key.ID: early})
	a.mu.Lock()
	last, n := a.last[key.ID], a.usage[usageKey{tenant, key.ID, early.Format(time.DateOnly)}]
	a.mu.Unlock()
	if !last.Equal(late) || n != 3 {
		t.Fatalf("after a put back: last use %v, %d requests; want %v and 3", last, n, late)
	}
}
