package identity

import (
	"context"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

func TestAddressBucket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ip, want string
	}{
		{"OKIPv4", "203.0.113.7", "203.0.113.7"},
		{"OKIPv4Mapped", "::ffff:203.0.113.7", "203.0.113.7"},
		{"OKIPv6Network", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"OKIPv6SameNetwork", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"OKIPv6Zone", "fe80::1%eth0", "fe80::/64"},
		{"OKNotAnAddress", "unknown", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := addressBucket(tt.ip); got != tt.want {
				t.Fatalf("addressBucket(%q) = %q, want %q", tt.ip, got, tt.want)
			}
		})
	}
}

// TestLockFor: an account's key allows 5 failures and an address's 20;
// each failure past them locks the key twice as long as the one before,
// from 30 s up to 15 min.
func TestLockFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		key      string
		failures int
		want     time.Duration
	}{
		{"AccountFree", accountKey("a@example.com"), 4, 0},
		{"AccountFirstLock", accountKey("a@example.com"), 5, 30 * time.Second},
		{"AccountDoubles", accountKey("a@example.com"), 7, 2 * time.Minute},
		{"AccountLastBelowTheCap", accountKey("a@example.com"), 9, 8 * time.Minute},
		{"AccountCapped", accountKey("a@example.com"), 10, 15 * time.Minute},
		{"AccountLastThatADurationHolds", accountKey("a@example.com"), 33, 15 * time.Minute},
		{"AccountFirstPastWhatADurationHolds", accountKey("a@example.com"), 34, 15 * time.Minute},
		{"AccountFarPastTheCap", accountKey("a@example.com"), 200, 15 * time.Minute},
		{"AddressFirstPastWhatADurationHolds", ipKey("203.0.113.7"), 49, 15 * time.Minute},
		{"AddressFree", ipKey("203.0.113.7"), 19, 0},
		{"AddressFirstLock", ipKey("203.0.113.7"), 20, 30 * time.Second},
		{"AddressDoubles", ipKey("203.0.113.7"), 21, time.Minute},
		{"ResetAddressIsAnAddress", resetIPKey("203.0.113.7"), 20, 30 * time.Second},
		{"SignupAddressIsAnAddress", signupIPKey("203.0.113.7"), 19, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := lockFor(tt.key, tt.failures); got != tt.want {
				t.Fatalf("lockFor(%q, %d) = %s, want %s", tt.key, tt.failures, got, tt.want)
			}
		})
	}
}

// TestThrottleLocksFarPastTheFreeFailures: a key with many failures behind
// it (a patient guesser: one guess each time the lock ends) is locked for
// the longest lock after each further failure. Past 33 failures on an
// account (48 on an address) the lock used to overflow to a negative
// duration, which locked nothing: the next guesses came unthrottled.
func TestThrottleLocksFarPastTheFreeFailures(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := testService(d)
	ctx := context.Background()
	tests := []struct {
		name     string
		key      string
		failures int
	}{
		{"AccountAtTheLastCappedLock", accountKey(dbtest.UniqueWord() + "@example.com"), 32},
		{"AccountFirstPastWhatADurationHolds", accountKey(dbtest.UniqueWord() + "@example.com"), 33},
		{"AccountFarPast", accountKey(dbtest.UniqueWord() + "@example.com"), 1000},
		{"AddressFirstPastWhatADurationHolds", ipKey("address-" + dbtest.UniqueWord()), 48},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := d.Gorm.Exec(`INSERT INTO auth_throttle (key, failures, updated_at) VALUES (?, ?, now())`, tt.key, tt.failures).Error; err != nil {
				t.Fatal(err)
			}
			if _, err := svc.reserveAttempt(ctx, []string{tt.key}); err != nil {
				t.Fatalf("the guess after %d failures: %v", tt.failures, err)
			}
			_, err := svc.reserveAttempt(ctx, []string{tt.key})
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.ERATELIMIT || e.RetryAfter < maxLock-time.Minute || e.RetryAfter > maxLock {
				t.Fatalf("the guess after %d failures: %v, want locked for about %s", tt.failures+1, err, maxLock)
			}
		})
	}
}

// TestAttemptSucceededGivesBackOnlyItsOwnFailure: a right password forgets
// the account's failures, and gives the address back the failure its own
// check reserved. When another check of the address failed meanwhile, that
// failure stays, with its time (failures are forgotten an hour after the
// last one), not the time the address had before this check, and with the
// lock it earns at the count that stays: the 20th failure of an address
// that becomes its 19th locks nothing (it stayed locked 30 s), and one that
// becomes the 20th locks 30 s, not the minute of a 21st (a lock can end
// while a check waits for a hash slot, up to REQUEST_TIMEOUT).
func TestAttemptSucceededGivesBackOnlyItsOwnFailure(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := testService(d)
	ctx := context.Background()
	tests := []struct {
		name          string
		otherFailures int // other checks of the address failed between the reservation and the success
		wantAddress   int
		wantRecent    bool          // the address's updated_at is the other failure's, not its old one
		wantLock      time.Duration // how long the address stays locked, 0 none
	}{
		{"Alone", 0, 18, false, 0},
		{"AnotherFailedMeanwhile", 1, 19, true, 0},
		{"TwoFailedMeanwhileTheFirstLockEnded", 2, 20, true, baseLock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			account, address := accountKey(dbtest.UniqueWord()+"@example.com"), ipKey("address-"+dbtest.UniqueWord())
			if err := d.Gorm.Exec(`INSERT INTO auth_throttle (key, failures, updated_at) VALUES (?, 3, now() - interval '30 minutes'), (?, 18, now() - interval '30 minutes')`,
				account, address).Error; err != nil {
				t.Fatal(err)
			}
			keys := []string{account, address}
			reserved, err := svc.reserveAttempt(ctx, keys)
			if err != nil {
				t.Fatal(err)
			}
			for range tt.otherFailures {
				// The lock a failure earned ends before the next (as if
				// the check had waited that long).
				if err := d.Gorm.Exec(`UPDATE auth_throttle SET locked_until = NULL WHERE key = ?`, address).Error; err != nil {
					t.Fatal(err)
				}
				if _, err := svc.reserveAttempt(ctx, []string{address}); err != nil {
					t.Fatal(err)
				}
			}
			// The right password's check ends 10 s after the last failure.
			if err := d.Gorm.Exec(`UPDATE auth_throttle SET updated_at = updated_at - interval '10 seconds',
				locked_until = locked_until - interval '10 seconds' WHERE key = ?`, address).Error; err != nil {
				t.Fatal(err)
			}
			svc.attemptSucceeded(ctx, keys, reserved)
			var rows []struct {
				Key      string
				Failures int
				Recent   bool    // updated within the last minute
				LockFor  float64 // seconds from the last failure to the end of the lock, 0 none
			}
			if err := d.Gorm.Raw(`SELECT key, failures, updated_at > now() - interval '1 minute' AS recent,
					coalesce(extract(epoch FROM locked_until - updated_at), 0)::float8 AS lock_for
				FROM auth_throttle WHERE key IN ? ORDER BY key`, keys).
				Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].Key != address {
				t.Fatalf("throttle rows %+v, want the address's alone (the account's failures forgotten)", rows)
			}
			lock := time.Duration(rows[0].LockFor * float64(time.Second)).Round(time.Second)
			if rows[0].Failures != tt.wantAddress || rows[0].Recent != tt.wantRecent || lock != tt.wantLock {
				t.Fatalf("the address: %d failures, updated in the last minute %v, locked %s after; want %d, %v, %s",
					rows[0].Failures, rows[0].Recent, lock, tt.wantAddress, tt.wantRecent, tt.wantLock)
			}
		})
	}
}
