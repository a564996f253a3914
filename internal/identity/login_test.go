package identity

import (
	"context"
	"fmt"
	"testing"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestLoginComparesAPasswordForEveryEmail: a sign-in for an email no
// account has, or for text that is no address at all, waits for a hash
// slot and compares the password (with the dummy hash) as a wrong password
// for an existing account does, so its answer takes as long and cannot
// tell which addresses have accounts (medians of 120 sign-ins each: 33 ms
// for either email). Not parallel: it takes every slot of the process's
// gate.
func TestLoginComparesAPasswordForEveryEmail(t *testing.T) {
	d := dbtest.Shared(t)
	svc := testService(d)
	var known User
	if err := d.Gorm.Where("id = ?", dbtest.MustCreateUser(t, d)).Take(&known).Error; err != nil {
		t.Fatal(err)
	}
	dummyHash() // made once, before the test holds the slots it takes one of
	tests := []struct {
		name, email, ip string
	}{
		{"KnownEmailWrongPassword", known.Email, "192.0.2.1"},
		{"UnknownEmail", "nobody-" + dbtest.UniqueWord() + "@example.test", "192.0.2.2"},
		{"NotAnAddress", "correct horse battery staple", "192.0.2.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done, free := whileHashSlotsHeld(t, "Login", func() error {
				_, err := svc.Login(context.Background(), LoginParams{Email: tt.email, Password: "not the password 1"}, ClientInfo{IP: tt.ip})
				return err
			})
			free()
			if err := <-done; !apperr.Is(err, apperr.EUNAUTHORIZED) {
				t.Fatalf("Login = %v, want EUNAUTHORIZED", err)
			}
		})
	}
}

// TestLoginOfAnUnknownEmailIsAFailureWhateverThePassword: a sign-in for an
// email no account has is a failed sign-in for any password, that of the
// dummy hash compared against included: it is audited, and it counts
// toward the address's throttle. (The dummy hash's password was a string
// in the source; a sign-in that guessed it matched, and the address's
// failure was given back as for a right password.)
func TestLoginOfAnUnknownEmailIsAFailureWhateverThePassword(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := testService(d)
	tests := []struct {
		name, password string
	}{
		{"FormerDummyPassword", "timing-equalizer-not-a-password"},
		{"AnyPassword", "not the password 1"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			email := "nobody-" + dbtest.UniqueWord() + "@example.test"
			ip := fmt.Sprintf("198.51.100.%d", 10+i)
			_, err := svc.Login(context.Background(), LoginParams{Email: email, Password: tt.password}, ClientInfo{IP: ip})
			if !apperr.Is(err, apperr.EUNAUTHORIZED) {
				t.Fatalf("Login = %v, want EUNAUTHORIZED", err)
			}
			var audited int64
			if err := d.Gorm.Table("audit_events").Where("action = 'auth.login_failed' AND target_type = 'email' AND target_id = ?", email).
				Count(&audited).Error; err != nil {
				t.Fatal(err)
			}
			if audited != 1 {
				t.Errorf("auth.login_failed events for %s = %d, want 1", email, audited)
			}
			var failures []int
			if err := d.Gorm.Raw(`SELECT failures FROM auth_throttle WHERE key = ?`, ipKey(ip)).Scan(&failures).Error; err != nil {
				t.Fatal(err)
			}
			if len(failures) != 1 || failures[0] != 1 {
				t.Errorf("the address's failures = %v, want [1]", failures)
			}
		})
	}
}
