package apikeys

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// Authenticate resolves a key secret to its principal, as AuthenticateFrom
// does for a caller whose address is not throttled. Only the tests call
// it; the API always passes the caller's throttle key.
func (s *Service) Authenticate(ctx context.Context, secret string) (*tenancy.Principal, error) {
	p, _, err := s.AuthenticateFrom(ctx, secret, "")
	return p, err
}

// TestPlanCacheHoldsOnlyRealKeys: made-up secrets (well formed, so they
// reach the database) are refused without a cache entry each, and the plan
// a real key cached leaves the cache once it outlives planCacheTTL.
func TestPlanCacheHoldsOnlyRealKeys(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	now := time.Date(2026, time.November, 29, 12, 0, 0, 0, time.UTC)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now })
	key := mustCreate(t, svc, tenant, user, CreateParams{Name: "cache", Scopes: []string{"usage:read"}})
	cached := func() int {
		svc.mu.Lock()
		defer svc.mu.Unlock()
		return len(svc.plans)
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
		t.Fatalf("%d cache entries for one tenant's fresh real key, want 1", n)
	}
	now = now.Add(planCacheTTL + time.Second)
	svc.pruneCache()
	if n := cached(); n != 0 {
		t.Fatalf("%d cache entries after the TTL, want 0", n)
	}
}

// mustCreate creates a key of tenant by user with p, failing the test if
// it cannot.
func mustCreate(t testing.TB, svc *Service, tenant, user uuid.UUID, p CreateParams) Created {
	t.Helper()
	key, err := svc.Create(context.Background(), tenant, user, p)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// proTenant creates a tenant on the Pro package (API access) in d and a user.
func proTenant(t testing.TB, d *db.DB) (tenant, user uuid.UUID) {
	t.Helper()
	tenant = uuid.Must(uuid.NewV7())
	if err := d.Gorm.Exec(`INSERT INTO tenants (id, name) VALUES (?, 'Key test')`, tenant).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.Exec(`INSERT INTO subscriptions (tenant_id, package_id, status, source)
		SELECT ?, id, 'active', 'manual' FROM packages WHERE code = 'pro'`, tenant).Error; err != nil {
		t.Fatal(err)
	}
	return tenant, dbtest.MustCreateUser(t, d)
}

// TestRevokeDuringLookup: a key revoked while a request with it is being
// looked up is refused by the next request on this instance: nothing the
// lookup in flight read (the key, or the plan it caches) outlives the
// revocation. (Its own database so that holding the packages table stalls
// no other test.)
func TestRevokeDuringLookup(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0))
	key := mustCreate(t, svc, tenant, user, CreateParams{Name: "race", Scopes: []string{"usage:read"}})
	tx, err := d.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	// The lookup (its key query reads the packages too) waits for them.
	if _, err := tx.Exec(ctx, `LOCK TABLE packages IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := svc.Authenticate(ctx, key.Secret); done <- err }()
	for waiting := 0; waiting == 0; time.Sleep(10 * time.Millisecond) {
		if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Revoke(ctx, tenant, key.ID); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	<-done // the request in flight may pass: it began before the revocation
	_, err = svc.Authenticate(ctx, key.Secret)
	if apperr.Code(err) != apperr.EUNAUTHORIZED {
		t.Fatalf("a revoked key authenticates on the revoking instance: %v", err)
	}
}

// TestKeyCacheEndsWithTheKey: a cached key is refused once its own
// expiry passes (the end of a rotation overlap), not a cache TTL later.
func TestKeyCacheEndsWithTheKey(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	now := time.Now().UTC()
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now })
	exp := now.Add(5 * time.Second)
	key := mustCreate(t, svc, tenant, user, CreateParams{Name: "exp", Scopes: []string{"usage:read"}, ExpiresAt: &exp})
	if _, err := svc.Authenticate(ctx, key.Secret); err != nil {
		t.Fatal(err)
	}
	now = now.Add(7 * time.Second)
	if _, err := svc.Authenticate(ctx, key.Secret); apperr.Code(err) != apperr.EUNAUTHORIZED {
		t.Fatalf("a key 2 s past its expiry: %v", err)
	}
}

// TestKeyCacheEndsAtTheExpiry: a cached key is refused from the instant
// its expires_at is reached, as an uncached lookup (Key.Status) and the
// key list answer then, not one instant later.
func TestKeyCacheEndsAtTheExpiry(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	now := time.Date(2026, time.November, 29, 12, 0, 0, 0, time.UTC)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now })
	exp := now.Add(5 * time.Second)
	key := mustCreate(t, svc, tenant, user, CreateParams{Name: "exact", Scopes: []string{"usage:read"}, ExpiresAt: &exp})
	now = exp.Add(-time.Microsecond)
	if _, err := svc.Authenticate(ctx, key.Secret); err != nil {
		t.Fatalf("a microsecond before its expiry: %v", err)
	}
	now = exp
	if _, err := svc.Authenticate(ctx, key.Secret); apperr.Code(err) != apperr.EUNAUTHORIZED {
		t.Fatalf("a cached key at its expiry: %v, want EUNAUTHORIZED", err)
	}
}

// TestRotateOnce: a key is rotated once; rotating it again (a retry, a
// second tab) is refused instead of giving the new key the first
// rotation's overlap end as its expiry.
func TestRotateOnce(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0))
	key := mustCreate(t, svc, tenant, user, CreateParams{Name: "rot", Scopes: []string{"usage:read"}})
	next, err := svc.Rotate(ctx, tenant, key.ID, user, 24*time.Hour)
	if err != nil || next.ExpiresAt != nil {
		t.Fatalf("first rotation: %+v, %v", next, err)
	}
	_, err = svc.Rotate(ctx, tenant, key.ID, user, 24*time.Hour)
	if apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("second rotation: %v, want a conflict", err)
	}
	if _, err := svc.Rotate(ctx, tenant, next.ID, user, 0); err != nil {
		t.Fatalf("rotating the successor: %v", err)
	}
}

// TestRotateAfterSuccessorRevoked: once a key's successor is revoked, the
// old secret (still inside its overlap) is the integration's only working
// one, and rotating it again gives it a new successor with the key's own
// expiry, not the first rotation's overlap end; the old secret's life is
// never lengthened. Without an overlap left, the key is expired and a new
// key has to be made. It used to answer 409 "rotated already" naming the
// revoked successor, leaving no way to rotate the key.
func TestRotateAfterSuccessorRevoked(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	now := time.Date(2026, time.November, 29, 12, 0, 0, 0, time.UTC)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now })
	keyExpiry := now.Add(90 * 24 * time.Hour)
	tests := []struct {
		name           string
		expires        *time.Time
		first, second  time.Duration
		wantErr        string
		wantOldExpires time.Time
	}{
		{name: "NoExpiry", first: 24 * time.Hour, second: time.Hour, wantOldExpires: now.Add(time.Hour)},
		{name: "KeepsTheKeysExpiry", expires: &keyExpiry, first: 24 * time.Hour, second: time.Hour, wantOldExpires: now.Add(time.Hour)},
		{name: "OverlapNeverLengthened", expires: &keyExpiry, first: time.Hour, second: 7 * 24 * time.Hour, wantOldExpires: now.Add(time.Hour)},
		{name: "NoOverlapLeft", first: 0, second: time.Hour, wantErr: apperr.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := mustCreate(t, svc, tenant, user, CreateParams{Name: "rot-" + tt.name, Scopes: []string{"usage:read"}, ExpiresAt: tt.expires})
			first, err := svc.Rotate(ctx, tenant, key.ID, user, tt.first)
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.Revoke(ctx, tenant, first.ID); err != nil {
				t.Fatal(err)
			}
			second, err := svc.Rotate(ctx, tenant, key.ID, user, tt.second)
			if tt.wantErr != "" {
				if apperr.Code(err) != tt.wantErr {
					t.Fatalf("rotate again: %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("rotate again after the successor was revoked: %v", err)
			}
			if second.RotatedFromID == nil || *second.RotatedFromID != key.ID || !timesEqual(second.ExpiresAt, tt.expires) {
				t.Fatalf("second successor %+v, want rotated from %s expiring %v", second.Key, key.ID, tt.expires)
			}
			var old Key
			if err := d.Gorm.Where("id = ?", key.ID).Take(&old).Error; err != nil {
				t.Fatal(err)
			}
			if old.ExpiresAt == nil || !old.ExpiresAt.Equal(tt.wantOldExpires) {
				t.Fatalf("old key expires %v, want %v", old.ExpiresAt, tt.wantOldExpires)
			}
			// The live successor counts again: a third rotation names it.
			if _, err := svc.Rotate(ctx, tenant, key.ID, user, 0); apperr.Code(err) != apperr.ECONFLICT {
				t.Fatalf("rotate with a live successor: %v, want a conflict", err)
			}
		})
	}
}

func timesEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// TestFlushUsageOnTwoInstancesAtOnce: instances that flush the request
// counts of the same keys at the same moment (every instance flushes every
// few seconds) each write theirs; no count is lost to a deadlock between
// the two upserts.
func TestFlushUsageOnTwoInstancesAtOnce(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	now := time.Date(2026, time.November, 29, 12, 0, 0, 0, time.UTC)
	lim := limits.NewService(d.Gorm, 0)
	instances := []*Service{
		NewService(d.Gorm, lim).WithClock(func() time.Time { return now }),
		NewService(d.Gorm, lim).WithClock(func() time.Time { return now }),
	}
	var keys []uuid.UUID
	for range 30 {
		k, err := instances[0].Create(ctx, tenant, user, CreateParams{Name: "flush", Scopes: []string{"usage:read"}})
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.ID)
	}
	const rounds = 10
	for range rounds {
		for _, s := range instances {
			for _, k := range keys {
				s.count(tenant, k, now)
			}
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		for _, s := range instances {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				s.FlushUsage(ctx)
			}()
		}
		close(start)
		wg.Wait()
	}
	var lost int
	if err := d.Gorm.Raw(`SELECT count(*) FROM unnest(?::uuid[]) AS k(id)
		LEFT JOIN api_key_usage_daily u ON u.tenant_id = ? AND u.key_id = k.id AND u.day = ?
		WHERE coalesce(u.requests, 0) <> ?`, pqArray(uuidStrings(keys)), tenant, now.Format(time.DateOnly), 2*rounds).
		Scan(&lost).Error; err != nil {
		t.Fatal(err)
	}
	if lost > 0 {
		t.Fatalf("%d of %d keys lost requests, want each to count %d", lost, len(keys), 2*rounds)
	}
}

func uuidStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// TestFlushUsageKeepsWhatItCouldNotWrite: request counts and last-use times
// a flush could not write (the database did not answer) are written by the
// next one, added to what arrived meanwhile; and a key that no longer
// exists (its tenant purged) neither fails the flush of the other keys nor
// stays in memory.
func TestFlushUsageKeepsWhatItCouldNotWrite(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	now := time.Date(2026, time.November, 29, 12, 0, 0, 0, time.UTC)
	var logged strings.Builder
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now }).
		WithLogger(slog.New(slog.NewJSONHandler(&logged, nil)))
	var keys []uuid.UUID
	for range 2 {
		k := mustCreate(t, svc, tenant, user, CreateParams{Name: "flush", Scopes: []string{"usage:read"}})
		keys = append(keys, k.ID)
	}
	kept, gone := keys[0], keys[1]
	requests := func() int64 {
		t.Helper()
		var n int64
		if err := d.Gorm.Raw(`SELECT coalesce(sum(requests), 0) FROM api_key_usage_daily WHERE key_id = ?`, kept).
			Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	lastUsed := func() *time.Time {
		t.Helper()
		var k Key
		if err := d.Gorm.Where("id = ?", kept).Take(&k).Error; err != nil {
			t.Fatal(err)
		}
		return k.LastUsedAt
	}

	svc.count(tenant, kept, now)
	svc.count(tenant, kept, now)
	down, cancel := context.WithCancel(ctx)
	cancel()
	svc.FlushUsage(down)
	// The failure is a line of the process's JSON log, not slog's default
	// plain text one.
	var line struct{ Level, Msg, Error string }
	if err := json.Unmarshal([]byte(logged.String()), &line); err != nil || line.Level != "ERROR" || line.Msg != "flush api key usage" || line.Error == "" {
		t.Errorf("the failed flush logged %q (%v), want one JSON ERROR line \"flush api key usage\" with its error", logged.String(), err)
	}
	later := now.Add(time.Minute)
	svc.count(tenant, kept, later)
	svc.count(tenant, gone, later)
	if err := d.Gorm.Exec(`DELETE FROM api_keys WHERE id = ?`, gone).Error; err != nil {
		t.Fatal(err)
	}
	svc.FlushUsage(ctx)
	if n := requests(); n != 3 {
		t.Errorf("%d requests written, want 3", n)
	}
	if at := lastUsed(); at == nil || !at.Equal(later) {
		t.Errorf("last_used_at %v, want %v", at, later)
	}
	svc.mu.Lock()
	held := len(svc.usage) + len(svc.last)
	svc.mu.Unlock()
	if held != 0 {
		t.Errorf("%d usage entries left in memory after a flush, want 0", held)
	}
}

// TestRotateKeepsTheLiveKeyCap: a rotation with an overlap leaves the old
// secret live beside the new one, so at MaxLiveKeys it is refused (409)
// like a creation; without an overlap it replaces the key and is allowed.
// Rotating the newest key again and again used to add a live key each
// time, past the cap, until live keys could be pushed out of the list
// that revokes them.
func TestRotateKeepsTheLiveKeyCap(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0))
	var last Created
	for i := range MaxLiveKeys {
		var err error
		if last, err = svc.Create(ctx, tenant, user, CreateParams{Name: "cap", Scopes: []string{"usage:read"}}); err != nil {
			t.Fatalf("key %d: %v", i+1, err)
		}
	}
	if _, err := svc.Rotate(ctx, tenant, last.ID, user, time.Hour); apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("rotation with an overlap at the cap: %v, want ECONFLICT", err)
	}
	next, err := svc.Rotate(ctx, tenant, last.ID, user, 0)
	if err != nil {
		t.Fatalf("rotation without an overlap at the cap: %v", err)
	}
	var live int64
	if err := d.Gorm.Model(&Key{}).Where("tenant_id = ? AND "+liveSQL, tenant).Count(&live).Error; err != nil {
		t.Fatal(err)
	}
	if live != MaxLiveKeys {
		t.Fatalf("%d live keys after rotating without overlap, want %d", live, MaxLiveKeys)
	}
	if _, err := svc.Authenticate(ctx, next.Secret); err != nil {
		t.Fatalf("the new secret: %v", err)
	}
}

// TestRunsLastFlushIsBounded: the flush Run makes when its context ends
// (serve waits for it before exiting on SIGTERM) gives up after its
// timeout when the database does not answer (here: the usage table held
// locked), instead of holding the process past the orchestrator's grace.
// (Its own database so that the lock stalls no other test.)
func TestRunsLastFlushIsBounded(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	var logged strings.Builder
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithLogger(slog.New(slog.NewJSONHandler(&logged, nil)))
	svc.finalFlushTimeout = 200 * time.Millisecond
	k := mustCreate(t, svc, tenant, user, CreateParams{Name: "bounded", Scopes: []string{"usage:read"}})
	tx, err := d.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `LOCK TABLE api_key_usage_daily IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	svc.count(tenant, k.ID, time.Now().UTC())
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { svc.Run(runCtx, time.Hour); close(done) }()
	stop()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Run's last flush still waits for the locked table 30 s after its context ended")
	}
	if !strings.Contains(logged.String(), `"msg":"flush api key usage"`) {
		t.Errorf("the flush that gave up was not logged: %q", logged.String())
	}
}

// TestFlushUsageKeepsALastUseItCouldNotWrite: a flush whose last-use write
// fails (the counts had nothing to write) keeps the last use for the next
// flush, which writes it.
func TestFlushUsageKeepsALastUseItCouldNotWrite(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	tenant, user := proTenant(t, d)
	now := time.Date(2026, time.November, 29, 12, 0, 0, 0, time.UTC)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now }).
		WithLogger(slog.New(slog.DiscardHandler))
	k := mustCreate(t, svc, tenant, user, CreateParams{Name: "last use", Scopes: []string{"usage:read"}})
	svc.mu.Lock()
	svc.last[k.ID] = now
	svc.mu.Unlock()
	down, cancel := context.WithCancel(context.Background())
	cancel()
	svc.FlushUsage(down)
	svc.FlushUsage(context.Background())
	var got Key
	if err := d.Gorm.Where("id = ?", k.ID).Take(&got).Error; err != nil {
		t.Fatal(err)
	}
	if got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
		t.Fatalf("last_used_at %v, want %v", got.LastUsedAt, now)
	}
}
