package api

import (
	"context"
	"crypto/rand"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/identity"
)

// unknownKey is a well-formed key secret (shape and checksum) that no key
// has: a lookup is needed to refuse it.
func unknownKey(t testing.TB) string {
	t.Helper()
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 43)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%62]
	}
	sum, check := uint64(crc32.ChecksumIEEE(b)), make([]byte, 6)
	for i := 5; i >= 0; i-- {
		check[i] = alphabet[sum%62]
		sum /= 62
	}
	return "ock_" + string(b) + string(check)
}

// keyFrom sends GET path with secret as X-API-Key from remote (host:port).
func (tb *testBundle) keyFrom(t testing.TB, path, secret, remote string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set(headerAPIKey, secret)
	req.RemoteAddr = remote
	return tb.serve(t, req)
}

// wantKeyThrottled checks a 429 of a locked address: type rate-limited and
// a Retry-After within (0, max] seconds.
func wantKeyThrottled(t testing.TB, rec *httptest.ResponseRecorder, max int) {
	t.Helper()
	wantStatus(t, rec, http.StatusTooManyRequests)
	if p := decodeProblem(t, rec); p["type"] != "rate-limited" {
		t.Fatalf("problem type %v, want rate-limited", p["type"])
	}
	if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 || s > max {
		t.Fatalf("Retry-After %q, want 1..%d", rec.Header().Get("Retry-After"), max)
	}
}

func throttleFailures(t testing.TB, tb *testBundle, ip string) int {
	t.Helper()
	var failures []int
	if err := tb.db.Gorm.Raw(`SELECT failures FROM auth_throttle WHERE key = ?`, identity.APIKeyThrottleKey(ip)).
		Scan(&failures).Error; err != nil {
		t.Fatal(err)
	}
	if len(failures) == 0 {
		return 0
	}
	return failures[0]
}

// TestRefusedKeysLockTheAddress: 20 refused API keys (unknown or revoked:
// each cost a lookup) from one address lock it like 20 failed sign-ins.
// While it is locked, a key the instance saw valid before the lock is
// served as usual, any other key is 429 rate-limited with Retry-After
// without a lookup (a new garbage key, a valid key the instance has not
// seen), a key the instance refused is refused again from memory, and a
// valid key from another address is served. A second instance serves a
// valid key it has never seen as long as it does not know the lock (the
// lookup reads the lock, and the valid key is served all the same), then
// refuses the others. Once the lock ends the address is served again, and
// its next refusal locks it for twice as long.
func TestRefusedKeysLockTheAddress(t *testing.T) {
	t.Parallel()
	a, b := setup(t), setup(t) // two instances, one database
	clock := &testClock{}
	clock.Set(time.Now())
	for _, tb := range []*testBundle{a, b} { // the memory of a lock ends by this clock
		tb.srv.svc.Identity.WithClock(clock.Now)
	}
	admin := a.MustSignup(t, "keythrottle")
	a.MustSetPackage(t, admin.tenantID, "starter")
	valid := a.MustCreateKey(t, admin, "usage:read")
	unused := a.MustCreateKey(t, admin, "usage:read") // valid, first sent during the lock
	revoked := a.MustCreateKey(t, admin, "usage:read")
	a.MustRevokeKey(t, admin, revoked.ID)
	r := uuid.New().ID()
	host := fmt.Sprintf("10.81.%d.%d", r%250, r/250%250)
	remote := host + ":4321"
	const usage = "/api/v1/tenant/usage"

	// A valid key is no refusal: nothing is written for it.
	wantStatus(t, a.keyFrom(t, usage, valid.Secret, remote), http.StatusOK)
	if n := throttleFailures(t, a, host); n != 0 {
		t.Fatalf("a valid key counted %d refusals", n)
	}
	wantStatus(t, a.keyFrom(t, usage, revoked.Secret, remote), http.StatusUnauthorized)
	for range 19 {
		wantStatus(t, a.keyFrom(t, usage, unknownKey(t), remote), http.StatusUnauthorized)
	}

	lookups := func(tb *testBundle) int64 { return tb.srv.svc.APIKeys.Lookups() }
	t.Run("ErrRateLimitedAfter20Refusals", func(t *testing.T) {
		wantKeyThrottled(t, a.keyFrom(t, usage, unknownKey(t), remote), 30)
		before := lookups(a)
		wantKeyThrottled(t, a.keyFrom(t, usage, unknownKey(t), remote), 30)
		if n := lookups(a) - before; n != 0 {
			t.Fatalf("a garbage key from the locked address cost %d lookups", n)
		}
	})
	t.Run("OKValidKeySeenBeforeTheLock", func(t *testing.T) {
		before := lookups(a)
		wantStatus(t, a.keyFrom(t, usage, valid.Secret, remote), http.StatusOK)
		if n := lookups(a) - before; n != 1 {
			t.Fatalf("the valid key cost %d lookups, want its own 1", n)
		}
	})
	t.Run("ErrRateLimitedValidKeyNotSeenBefore", func(t *testing.T) {
		before := lookups(a)
		wantKeyThrottled(t, a.keyFrom(t, usage, unused.Secret, remote), 30)
		if n := lookups(a) - before; n != 0 {
			t.Fatalf("a key unseen from the locked address cost %d lookups", n)
		}
	})
	t.Run("ErrUnauthorizedRefusedKeyFromMemory", func(t *testing.T) {
		before := lookups(a)
		wantStatus(t, a.keyFrom(t, usage, revoked.Secret, remote), http.StatusUnauthorized)
		if n := lookups(a) - before; n != 0 {
			t.Fatalf("a key refused before cost %d lookups", n)
		}
	})
	t.Run("OtherInstance", func(t *testing.T) {
		// b has not seen the lock: the valid key's lookup reads it and
		// serves the key; b then refuses a garbage key and a valid key it
		// has not seen without a lookup, and goes on serving the first.
		wantStatus(t, b.keyFrom(t, usage, valid.Secret, remote), http.StatusOK)
		before := lookups(b)
		wantKeyThrottled(t, b.keyFrom(t, usage, unknownKey(t), remote), 30)
		wantKeyThrottled(t, b.keyFrom(t, usage, unused.Secret, remote), 30)
		if n := lookups(b) - before; n != 0 {
			t.Fatalf("b looked up %d keys from the address it knows locked", n)
		}
		wantStatus(t, b.keyFrom(t, usage, valid.Secret, remote), http.StatusOK)
	})
	t.Run("ErrRateLimitedRevokedKeyOnTheOtherInstance", func(t *testing.T) {
		c := setup(t) // a third instance, which knows nothing: the lookup reads the lock
		wantKeyThrottled(t, c.keyFrom(t, usage, revoked.Secret, remote), 30)
	})
	t.Run("ErrForbiddenRouteNoKeyMayCall", func(t *testing.T) {
		// No key may list keys: the 403 every key gets there, no lookup.
		rec := a.keyFrom(t, "/api/v1/api-keys", unused.Secret, remote)
		wantStatus(t, rec, http.StatusForbidden)
		if p := decodeProblem(t, rec); p["type"] != "insufficient-scope" {
			t.Fatalf("problem type %v, want insufficient-scope", p["type"])
		}
	})
	t.Run("OKValidKeyOtherAddress", func(t *testing.T) {
		wantStatus(t, a.keyFrom(t, usage, unused.Secret, fmt.Sprintf("10.82.%d.%d:4321", r%250, r/250%250)), http.StatusOK)
	})
	if n := throttleFailures(t, a, host); n != 20 {
		t.Fatalf("the address counts %d refusals, want the 20 before its lock (none during it)", n)
	}
	t.Run("ErrUnauthorizedSeenValidKeyRevokedDuringTheLock", func(t *testing.T) {
		// A key seen valid is looked up: once revoked it is told so (401),
		// not sent to wait.
		a.MustRevokeKey(t, admin, valid.ID)
		wantStatus(t, a.keyFrom(t, usage, valid.Secret, remote), http.StatusUnauthorized)
		wantStatus(t, a.keyFrom(t, usage, valid.Secret, remote), http.StatusUnauthorized)
	})

	// The lock ends: in the database (whose clock cannot be moved) and by
	// the clock of the instances that remember it.
	if err := a.db.Gorm.Exec(`UPDATE auth_throttle SET locked_until = now() - interval '1 second' WHERE key = ?`,
		identity.APIKeyThrottleKey(host)).Error; err != nil {
		t.Fatal(err)
	}
	clock.Set(clock.Now().Add(31 * time.Second))
	t.Run("OKAfterTheLock", func(t *testing.T) {
		wantStatus(t, a.keyFrom(t, usage, unused.Secret, remote), http.StatusOK)
		wantStatus(t, b.keyFrom(t, usage, unused.Secret, remote), http.StatusOK)
	})
	t.Run("ErrRateLimitedNextRefusalLocksLonger", func(t *testing.T) {
		wantStatus(t, a.keyFrom(t, usage, unknownKey(t), remote), http.StatusUnauthorized)
		rec := a.keyFrom(t, usage, unknownKey(t), remote)
		wantKeyThrottled(t, rec, 60)
		if s, _ := strconv.Atoi(rec.Header().Get("Retry-After")); s <= 30 {
			t.Fatalf("Retry-After %d after the 21st refusal, want the doubled lock (up to 60)", s)
		}
	})
}

// TestSameRefusedKeyIsLookedUpOnce: a client retrying one unknown key is
// refused from memory after the first lookup: no lookup, no count, so the
// retries lock nobody; a new unknown key is looked up and counted.
func TestSameRefusedKeyIsLookedUpOnce(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	r := uuid.New().ID()
	host := fmt.Sprintf("10.84.%d.%d", r%250, r/250%250)
	secret := unknownKey(t)
	before := tb.srv.svc.APIKeys.Lookups()
	for range 30 {
		wantStatus(t, tb.keyFrom(t, "/api/v1/tenant/usage", secret, host+":4321"), http.StatusUnauthorized)
	}
	if n := tb.srv.svc.APIKeys.Lookups() - before; n != 1 {
		t.Fatalf("30 requests with one unknown key cost %d lookups, want 1", n)
	}
	if n := throttleFailures(t, tb, host); n != 1 {
		t.Fatalf("the address counts %d refusals, want 1", n)
	}
	wantStatus(t, tb.keyFrom(t, "/api/v1/tenant/usage", unknownKey(t), host+":4321"), http.StatusUnauthorized)
	if n := throttleFailures(t, tb, host); n != 2 {
		t.Fatalf("the address counts %d refusals after a new key, want 2", n)
	}
}

// TestRefusedKeysIPv6Grouping: an IPv6 address is throttled as its /64
// (one subscriber's), so moving to the next address of the /64 does not
// earn new free refusals; another /64 is not held up.
func TestRefusedKeysIPv6Grouping(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "keythrottle6")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	valid := tb.MustCreateKey(t, admin, "usage:read")
	r := uuid.New().ID()
	network := fmt.Sprintf("2001:db8:%x:%x", r>>16, r&0xffff)
	const usage = "/api/v1/tenant/usage"
	for i := range 20 {
		wantStatus(t, tb.keyFrom(t, usage, unknownKey(t), fmt.Sprintf("[%s::%x]:4321", network, i+1)), http.StatusUnauthorized)
	}
	wantKeyThrottled(t, tb.keyFrom(t, usage, unknownKey(t), "["+network+"::98]:4321"), 30)
	wantKeyThrottled(t, tb.keyFrom(t, usage, valid.Secret, "["+network+"::99]:4321"), 30) // not seen before the lock
	wantStatus(t, tb.keyFrom(t, usage, valid.Secret, fmt.Sprintf("[2001:db8:%x:%x::1]:4321", r>>16, (r+1)&0xffff)), http.StatusOK)
}

// TestMalformedKeysAreNotCounted: a key without the shape or checksum of a
// secret is refused without a lookup, so it costs nothing and counts
// nothing: 25 of them lock nobody.
func TestMalformedKeysAreNotCounted(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "keythrottlebad")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	valid := tb.MustCreateKey(t, admin, "usage:read")
	r := uuid.New().ID()
	host := fmt.Sprintf("10.83.%d.%d", r%250, r/250%250)
	for i := range 25 {
		wantStatus(t, tb.keyFrom(t, "/api/v1/tenant/usage", fmt.Sprintf("ock_nonsense%d", i), host+":4321"), http.StatusUnauthorized)
	}
	wantStatus(t, tb.keyFrom(t, "/api/v1/tenant/usage", valid.Secret, host+":4321"), http.StatusOK)
	if n := throttleFailures(t, tb, host); n != 0 {
		t.Fatalf("malformed keys counted %d refusals", n)
	}
}

// TestLockedAddressRefusalWaitsForNoThrottleRow: a refused key whose lookup
// read the address's lock (a revoked key, on an instance that had not seen
// the lock) is answered 429 from what the lookup read. Its refusal is not
// counted: counting takes the address's throttle row (to count nothing, as
// the address is locked), and a flood from a locked address would queue
// every refusal on that one row. The test holds the row in a transaction
// of its own and watches only the sessions its transaction blocks, so it
// runs beside the package's other tests: the answer must come without
// waiting for it.
func TestLockedAddressRefusalWaitsForNoThrottleRow(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "keythrottlerow")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	revoked := tb.MustCreateKey(t, admin, "usage:read")
	tb.MustRevokeKey(t, admin, revoked.ID)
	r := uuid.New().ID()
	host := fmt.Sprintf("10.86.%d.%d", r%250, r/250%250)
	key := identity.APIKeyThrottleKey(host)
	// Locked by the refusals another instance counted: this one has not seen it.
	if err := tb.db.Gorm.Exec(`INSERT INTO auth_throttle (key, failures, updated_at, locked_until)
		VALUES (?, 21, now(), now() + interval '1 minute')`, key).Error; err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	conn, err := tb.db.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	var holder int
	if err := tx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM auth_throttle WHERE key = $1 FOR UPDATE`, key); err != nil {
		t.Fatal(err)
	}
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- tb.keyFrom(t, "/api/v1/tenant/usage", revoked.Secret, host+":4321") }()
	for {
		select {
		case rec := <-done:
			wantKeyThrottled(t, rec, 60)
			if n := throttleFailures(t, tb, host); n != 21 {
				t.Fatalf("the address counts %d refusals, want the 21 of its lock", n)
			}
			return
		default:
		}
		var blocked int
		if err := tb.db.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`,
			holder).Scan(&blocked); err != nil {
			t.Fatal(err)
		}
		if blocked > 0 {
			_ = tx.Rollback(ctx)
			<-done
			t.Fatal("the refusal of a key from a locked address waited for the address's throttle row")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
