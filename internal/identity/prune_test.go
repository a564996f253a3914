package identity_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/mail"
)

// TestPrune: ended sessions older than the retention go with their refresh
// tokens, refresh tokens and reset links a day past their expiry go, stale
// unlocked throttle keys go; live ones of each stay, and so do those that
// ended within their retention: a session ended an hour ago, a token or a
// link expired 23 hours ago, a key whose last failure was 50 minutes ago.
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
	hourAgo := time.Now().Add(-time.Hour)
	endedRecently := []uuid.UUID{session(hourAgo, nil), session(time.Now().Add(time.Hour), &hourAgo)}
	goneWithSession := token(expired, old)
	expiredToken := token(live, time.Now().Add(-25*time.Hour))
	liveToken := token(live, time.Now().Add(time.Hour))
	recentlyExpiredToken := token(live, time.Now().Add(-23*time.Hour))
	key := func(name string) string { return name + ":" + uuid.NewString() }
	stale, locked, recent, notYetStale := key("ip"), key("email"), key("email"), key("ip")
	exec(`INSERT INTO auth_throttle (key, failures, locked_until, updated_at) VALUES
		($1, 3, NULL, now() - interval '2 hours'), ($2, 9, now() + interval '10 minutes', now() - interval '2 hours'),
		($3, 1, NULL, now()), ($4, 2, NULL, now() - interval '50 minutes')`, stale, locked, recent, notYetStale)

	oldReset, liveReset, expiredReset := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	exec(`INSERT INTO password_resets (id, user_id, token_hash, expires_at) VALUES
		($1, $3, $4, now() - interval '25 hours'), ($2, $3, $5, now() + interval '1 hour'), ($6, $3, $7, now() - interval '23 hours')`,
		oldReset, liveReset, user, []byte(oldReset.String()), []byte(liveReset.String()), expiredReset, []byte(expiredReset.String()))

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
	if n := count(`SELECT count(*) FROM sessions WHERE id = ANY($1)`, append([]uuid.UUID{expired, revoked, live}, endedRecently...)); n != 3 {
		t.Fatalf("%d of the 5 sessions left, want the live one and the two that ended an hour ago", n)
	}
	if n := count(`SELECT count(*) FROM refresh_tokens WHERE token_hash = ANY($1)`, [][]byte{goneWithSession, expiredToken, liveToken, recentlyExpiredToken}); n != 2 {
		t.Fatalf("%d of the 4 refresh tokens left, want the live one and the one expired 23 hours ago", n)
	}
	if n := count(`SELECT count(*) FROM auth_throttle WHERE key = ANY($1)`, []string{stale, locked, recent, notYetStale}); n != 3 {
		t.Fatalf("%d of the 4 throttle keys left, want the locked, the recent and the 50-minute-old one", n)
	}
	if n := count(`SELECT count(*) FROM password_resets WHERE id = ANY($1)`, []uuid.UUID{oldReset, liveReset, expiredReset}); n != 2 {
		t.Fatalf("%d of the 3 reset links left, want the live one and the one expired 23 hours ago", n)
	}
}

// TestRegisterWorkers: the identity jobs a worker runs, as RegisterWorkers
// registers them: a reset request's job mails the account its link, and
// the prune's job prunes.
func TestRegisterWorkers(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t) // a worker of its own: the shared database's jobs are other tests'
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := identity.NewService(d.Gorm, identity.NewTokenIssuer([]byte("0123456789abcdef0123456789abcdef")), nil)
	workers := river.NewWorkers()
	identity.RegisterWorkers(workers, svc, log)
	client, err := jobs.New(d, workers, jobs.Opts{Work: true, PollOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	svc.WithPasswordResets(mail.NewService(d.Gorm, "", log), "https://contacts.example", jobs.TxInserter(client))
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Stop(context.Background()) })
	waitFor := func(what, sql string, args ...any) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
			var ok bool
			if err := d.Gorm.Raw(sql, args...).Scan(&ok).Error; err != nil {
				t.Fatal(err)
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s after a minute", what)
			}
		}
	}

	email := "u-" + dbtest.MustCreateUser(t, d).String() + "@example.test"
	if err := svc.RequestPasswordReset(ctx, email, identity.ClientInfo{IP: "192.0.2.9"}); err != nil {
		t.Fatal(err)
	}
	waitFor("reset link mailed", `SELECT EXISTS (SELECT 1 FROM outbox_emails WHERE to_address = ?
		AND body LIKE '%https://contacts.example/reset-password#token=%')`, email)

	stale := "ip:" + uuid.NewString()
	if err := d.Gorm.Exec(`INSERT INTO auth_throttle (key, failures, updated_at) VALUES (?, 3, now() - interval '2 hours')`, stale).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := client.Insert(ctx, identity.PruneArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	waitFor("prune", `SELECT NOT EXISTS (SELECT 1 FROM auth_throttle WHERE key = ?)`, stale)
}
