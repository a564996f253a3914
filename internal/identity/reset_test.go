package identity

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/mail"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// withResetLink makes a service on a fresh database, a user and an unused
// reset link of theirs, whose token it returns.
func withResetLink(t *testing.T) (*db.DB, *Service, uuid.UUID, string) {
	t.Helper()
	d, _ := dbtest.Fresh(t)
	svc := testService(d)
	user := dbtest.MustCreateUser(t, d)
	token := "reset-" + dbtest.UniqueWord()
	now := time.Now().UTC()
	if err := d.Gorm.Create(&passwordReset{ID: uuid.New(), UserID: user, TokenHash: HashSecret(token),
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}).Error; err != nil {
		t.Fatal(err)
	}
	return d, svc, user, token
}

// TestResetPasswordHashesOutsideItsTransaction: a password reset whose new
// password waits for a hash slot (a burst of sign-ins took them all) holds
// no transaction while it waits, so neither a pooled connection nor the
// locks on the link and the account; when a slot frees, the reset goes
// through. Not parallel: it takes every slot of the process's gate.
func TestResetPasswordHashesOutsideItsTransaction(t *testing.T) {
	d, svc, _, token := withResetLink(t)
	done, free := whileHashSlotsHeld(t, "ResetPassword", func() error {
		return svc.ResetPassword(context.Background(), token, "a fresh passphrase for the test")
	})
	var open int
	if err := d.Gorm.Raw(`SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND state LIKE 'idle in transaction%'`).Scan(&open).Error; err != nil {
		t.Fatal(err)
	}
	if open != 0 {
		t.Errorf("%d transaction(s) open while the reset waits for a hash slot, want none", open)
	}
	free()
	if err := <-done; err != nil {
		t.Fatalf("ResetPassword = %v once a slot was free", err)
	}
	if err := svc.ResetPassword(context.Background(), token, "another fresh passphrase"); err == nil {
		t.Error("the link worked a second time")
	}
}

// TestResetPasswordLocksTheAccountFirst: a reset link used while the same
// account's reset mail is being sent (which locks the account, then marks
// its older links used) waits for that transaction instead of
// deadlocking with it: the mail's transaction commits and the link, which
// it used up, is refused. Before, the reset locked the link first and then
// the account, and PostgreSQL ended one of the two with a deadlock error
// (a 500 for whichever request it was).
func TestResetPasswordLocksTheAccountFirst(t *testing.T) {
	d, svc, user, token := withResetLink(t)
	ctx := context.Background()
	// The mail's transaction, as SendPasswordReset runs it: the account first.
	mail := d.Gorm.WithContext(ctx).Begin()
	defer mail.Rollback()
	if err := mail.Clauses(forUpdate).Where("id = ?", user).Take(&User{}).Error; err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.ResetPassword(ctx, token, "a fresh passphrase for the test") }()
	// Wait until the reset waits on a lock the mail's transaction holds.
	var holder int
	if err := mail.Raw(`SELECT pg_backend_pid()`).Scan(&holder).Error; err != nil {
		t.Fatal(err)
	}
	for {
		var n int
		if err := d.Gorm.Raw(`SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))`, holder).
			Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("ResetPassword returned %v without waiting for the account's lock", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	// Only the newest link works: the mail marks the older ones used.
	if err := mail.Model(&passwordReset{}).Where("user_id = ? AND used_at IS NULL", user).
		Update("used_at", time.Now().UTC()).Error; err != nil {
		t.Fatalf("marking the older links used: %v (a deadlock with the reset)", err)
	}
	if err := mail.Commit().Error; err != nil {
		t.Fatal(err)
	}
	err := <-done
	if err == nil {
		t.Fatal("the link worked after a newer reset mail had used it up")
	}
	if e, ok := apperr.As(err); !ok || e.Type != "invalid-reset-link" {
		t.Fatalf("ResetPassword = %v, want the refused link's answer", err)
	}
}

// whileHashSlotsHeld takes every slot of the process's password-hash gate,
// starts call (named name in failures) and returns once it waits for a
// slot: done has its result, free gives the slots back (and runs at the
// test's end if the test did not). A call that answers without waiting
// fails the test. Its users cannot be parallel: the gate is the process's.
func whileHashSlotsHeld(t *testing.T, name string, call func() error) (done <-chan error, free func()) {
	t.Helper()
	for range cap(passwordHashes.slots) {
		passwordHashes.slots <- struct{}{}
	}
	freed := false
	free = func() {
		if !freed {
			freed = true
			for range cap(passwordHashes.slots) {
				<-passwordHashes.slots
			}
		}
	}
	t.Cleanup(free)
	result := make(chan error, 1)
	go func() { result <- call() }()
	for passwordHashes.waiting.Load() == 0 {
		select {
		case err := <-result:
			free()
			t.Fatalf("%s answered %v without waiting for a hash slot", name, err)
		case <-time.After(time.Millisecond):
		}
	}
	return result, free
}

// resetClock is a service on d whose clock reads *now, mailing reset links
// to the development outbox, and a user of d with their address.
func resetClock(t *testing.T, d *db.DB, now *time.Time) (*Service, string) {
	t.Helper()
	mailer := mail.NewService(d.Gorm, "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc := testService(d).WithClock(func() time.Time { return *now }).WithPasswordResets(mailer, "https://contacts.example", nil)
	return svc, "u-" + dbtest.MustCreateUser(t, d).String() + "@example.test"
}

// TestSendPasswordResetCapsAnHour: an account gets resetsPerAccount links
// within an hour; a further one asked less than an hour after the first
// three is not sent, and one asked an hour after them is.
func TestSendPasswordResetCapsAnHour(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	tests := []struct {
		name      string
		asks      []time.Duration // when each link is asked for, after the first
		wantLinks int
	}{
		{"OKThree", []time.Duration{0, 0, 0}, 3},
		{"FourthWithinTheHour", []time.Duration{0, 0, 0, time.Hour - time.Second}, 3},
		{"OKFourthAnHourLater", []time.Duration{0, 0, 0, time.Hour}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			t0 := time.Now().UTC().Truncate(time.Second)
			now := t0
			svc, email := resetClock(t, d, &now)
			for _, at := range tt.asks {
				now = t0.Add(at)
				if err := svc.SendPasswordReset(t.Context(), ResetRequestArgs{Email: email}); err != nil {
					t.Fatal(err)
				}
			}
			var links int
			if err := d.Gorm.Raw(`SELECT count(*) FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.email = ?`, email).
				Scan(&links).Error; err != nil {
				t.Fatal(err)
			}
			if links != tt.wantLinks {
				t.Fatalf("%d links sent, want %d", links, tt.wantLinks)
			}
		})
	}
}

// TestResetLinkWorksForResetTTL: a mailed link sets a new password until
// ResetTTL after it was sent, and not from then on.
func TestResetLinkWorksForResetTTL(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	tests := []struct {
		name  string
		after time.Duration
		ok    bool
	}{
		{"OKJustBefore", ResetTTL - time.Second, true},
		{"ErrAtTheEnd", ResetTTL, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			t0 := time.Now().UTC().Truncate(time.Second)
			now := t0
			svc, email := resetClock(t, d, &now)
			if err := svc.SendPasswordReset(t.Context(), ResetRequestArgs{Email: email}); err != nil {
				t.Fatal(err)
			}
			var body string
			if err := d.Gorm.Raw(`SELECT body FROM outbox_emails WHERE to_address = ?`, email).Scan(&body).Error; err != nil {
				t.Fatal(err)
			}
			_, rest, found := strings.Cut(body, "/reset-password#token=")
			if !found {
				t.Fatalf("no link in %q", body)
			}
			now = t0.Add(tt.after)
			err := svc.ResetPassword(t.Context(), strings.Fields(rest)[0], "a fresh passphrase for the test")
			if e, _ := apperr.As(err); (err == nil) != tt.ok || (err != nil && e.Type != "invalid-reset-link") {
				t.Fatalf("the link %s after it was sent: %v, want ok %v", tt.after, err, tt.ok)
			}
		})
	}
}

// TestResetPasswordClearsTheAccountThrottle: a reset through a link
// forgets the account's sign-in failures and lifts its lock, so its owner
// signs in with the new password at once.
func TestResetPasswordClearsTheAccountThrottle(t *testing.T) {
	t.Parallel()
	d, svc, user, token := withResetLink(t)
	key := accountKey("u-" + user.String() + "@example.test")
	if err := d.Gorm.Exec(`INSERT INTO auth_throttle (key, failures, locked_until, updated_at) VALUES (?, 9, now() + interval '10 minutes', now())`,
		key).Error; err != nil {
		t.Fatal(err)
	}
	if err := svc.ResetPassword(t.Context(), token, "a fresh passphrase for the test"); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := d.Gorm.Raw(`SELECT count(*) FROM auth_throttle WHERE key = ?`, key).Scan(&left).Error; err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatal("the account's failures and lock outlived the reset")
	}
}
