package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/identity"
)

// TestPrune: ended sessions older than the retention go with their refresh
// tokens, refresh tokens a day past their expiry go, stale unlocked
// throttle keys go; live ones of each stay.
func TestPrune(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	user := dbtest.MustCreateUser(t, d)
	old := time.Now().Add(-identity.SessionRetention - time.Hour)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := d.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	session := func(expires time.Time, revoked *time.Time) uuid.UUID {
		id := uuid.Must(uuid.NewV7())
		exec(`INSERT INTO sessions (id, user_id, expires_at, revoked_at) VALUES ($1, $2, $3, $4)`, id, user, expires, revoked)
		return id
	}
	token := func(session uuid.UUID, expires time.Time) []byte {
		hash := []byte(uuid.NewString())
		exec(`INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)`, hash, session, expires)
		return hash
	}
	expired := session(old, nil)
	revoked := session(time.Now().Add(time.Hour), &old)
	live := session(time.Now().Add(24*time.Hour), nil)
	goneWithSession := token(expired, old)
	expiredToken := token(live, time.Now().Add(-25*time.Hour))
	liveToken := token(live, time.Now().Add(time.Hour))
	key := func(name string) string { return name + ":" + uuid.NewString() }
	stale, locked, recent := key("ip"), key("email"), key("email")
	exec(`INSERT INTO auth_throttle (key, failures, locked_until, updated_at) VALUES
		($1, 3, NULL, now() - interval '2 hours'), ($2, 9, now() + interval '10 minutes', now() - interval '2 hours'),
		($3, 1, NULL, now())`, stale, locked, recent)

	oldReset, liveReset := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	exec(`INSERT INTO password_resets (id, user_id, token_hash, expires_at) VALUES
		($1, $3, $4, now() - interval '25 hours'), ($2, $3, $5, now() + interval '1 hour')`,
		oldReset, liveReset, user, []byte(oldReset.String()), []byte(liveReset.String()))

	svc := identity.NewService(d.Gorm, identity.NewTokenIssuer([]byte("0123456789abcdef0123456789abcdef")), nil)
	if n, err := svc.Prune(ctx); err != nil || n < 5 {
		t.Fatalf("Prune = %d, %v; want at least the 5 rows made here (a session's tokens go by cascade)", n, err)
	}
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := d.Pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM sessions WHERE id = ANY($1)`, []uuid.UUID{expired, revoked, live}); n != 1 {
		t.Fatalf("%d of the 3 sessions left, want the live one", n)
	}
	if n := count(`SELECT count(*) FROM refresh_tokens WHERE token_hash = ANY($1)`, [][]byte{goneWithSession, expiredToken, liveToken}); n != 1 {
		t.Fatalf("%d of the 3 refresh tokens left, want the live one", n)
	}
	if n := count(`SELECT count(*) FROM auth_throttle WHERE key = ANY($1)`, []string{stale, locked, recent}); n != 2 {
		t.Fatalf("%d of the 3 throttle keys left, want the locked and the recent one", n)
	}
	if n := count(`SELECT count(*) FROM password_resets WHERE id = ANY($1)`, []uuid.UUID{oldReset, liveReset}); n != 1 {
		t.Fatalf("%d of the 2 reset links left, want the live one", n)
	}
}
