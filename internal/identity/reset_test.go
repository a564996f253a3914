package identity

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestResetPasswordHashesOutsideItsTransaction: a password reset whose new
// password waits for a hash slot (a burst of sign-ins took them all) holds
// no transaction while it waits, so neither a pooled connection nor the
// locks on the link and the account; when a slot frees, the reset goes
// through. Not parallel: it takes every slot of the process's gate.
func TestResetPasswordHashesOutsideItsTransaction(t *testing.T) {
	d, _ := dbtest.Fresh(t)
	svc := NewService(d.Gorm, NewTokenIssuer([]byte("0123456789abcdef0123456789abcdef")), nil)
	user := dbtest.MustCreateUser(t, d)
	token := "reset-" + dbtest.UniqueWord()
	now := time.Now().UTC()
	if err := d.Gorm.Create(&passwordReset{ID: uuid.New(), UserID: user, TokenHash: HashSecret(token),
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}).Error; err != nil {
		t.Fatal(err)
	}
	for range cap(passwordHashes.slots) {
		passwordHashes.slots <- struct{}{}
	}
	freed := false
	free := func() {
		if !freed {
			freed = true
			for range cap(passwordHashes.slots) {
				<-passwordHashes.slots
			}
		}
	}
	defer free()
	done := make(chan error, 1)
	go func() { done <- svc.ResetPassword(context.Background(), token, "a fresh passphrase for the test") }()
	for passwordHashes.waiting.Load() == 0 {
		select {
		case err := <-done:
			t.Fatalf("ResetPassword returned %v before waiting for a hash slot", err)
		case <-time.After(time.Millisecond):
		}
	}
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
