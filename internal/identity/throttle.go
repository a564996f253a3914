package identity

import (
	"context"
	"errors"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Password-guessing throttling, shared by every instance through
// auth_throttle: sign-in, accepting an invitation with an existing
// account, and changing a password all check a password against it. After
// the free failures, each further one locks the key for twice as long as
// the one before (30 s, 1 min, 2 min, ... up to 15 min). An IP gets more
// free failures than an account, since many people can share an address.
const (
	freeFailuresEmail = 5
	freeFailuresIP    = 20
	baseLock          = 30 * time.Second
	maxLock           = 15 * time.Minute
	failureMemory     = time.Hour // failures older than this are forgotten
)

// accountKey and ipKey name the throttle keys of an email and an address;
// resetIPKey and signupIPKey are an address's keys for password reset
// requests and sign-ups.
func accountKey(email string) string { return "email:" + email }
func ipKey(ip string) string         { return "ip:" + addressBucket(ip) }
func resetIPKey(ip string) string    { return "ip:reset:" + addressBucket(ip) }
func signupIPKey(ip string) string   { return "ip:signup:" + addressBucket(ip) }

// addressBucket is what an address is throttled as: an IPv4 address (also
// one written IPv4-mapped) as itself, an IPv6 address as its /64. One
// subscriber gets a whole /64, and would otherwise have 2^64 addresses'
// worth of free failures by moving on to the next one.
func addressBucket(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.Prefix(64)
	if err != nil {
		return addr.String()
	}
	return p.String()
}

// freeFailures is how many failures key allows before each further one
// locks it.
func freeFailures(key string) int {
	if strings.HasPrefix(key, "ip:") {
		return freeFailuresIP
	}
	return freeFailuresEmail
}

func lockFor(key string, failures int) time.Duration {
	free := freeFailures(key)
	if failures < free {
		return 0
	}
	// Capped before the conversion: past 2^29 doublings the product no
	// longer fits a Duration, and the conversion's wrapped (negative)
	// value was no lock at all, so a guesser patient enough to reach 34
	// failures on an account (one guess per lock, a few hours) guessed
	// unthrottled from then on.
	d := float64(baseLock) * math.Pow(2, float64(failures-free))
	if d >= float64(maxLock) {
		return maxLock
	}
	return time.Duration(d)
}

// throttled is the refusal while a key that allows limit free failures is
// locked for wait.
func throttled(wait time.Duration, limit int) error {
	return &apperr.Error{Code: apperr.ERATELIMIT, Type: "login-throttled",
		Message:    "Too many failed sign-in attempts; try again later.",
		RetryAfter: wait, Limit: limit}
}

// reserveAddressAttempt counts a request that is limited per address
// whatever its outcome (a password reset request, a sign-up) against key:
// ERATELIMIT of type rate-limited, saying msg, once the address has used up
// its free attempts.
func (s *Service) reserveAddressAttempt(ctx context.Context, key, msg string) error {
	_, err := s.reserveAttempt(ctx, []string{key})
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.ERATELIMIT {
		return &apperr.Error{Code: apperr.ERATELIMIT, Type: "rate-limited", Message: msg, RetryAfter: e.RetryAfter, Limit: e.Limit}
	}
	return err
}

// throttleRow is a key's state, read under its row lock.
type throttleRow struct {
	Key       string
	Failures  int
	UpdatedAt time.Time // the last failure (or attempt under way)
	Stale     bool      // the last failure is older than failureMemory
	LockedFor float64   // seconds the key stays locked, 0 when it is not
}

// reservation is what reserveAttempt did to a key, for attemptSucceeded
// to undo: the failure count it set, and when the key's last failure was
// before it.
type reservation struct {
	failures    int
	lastFailure time.Time
}

// verifyPassword compares password with hash as one attempt against the
// throttle keys: ERATELIMIT (nothing compared) while a key is locked; a
// wrong password stays counted, a right one gives the attempt back.
func (s *Service) verifyPassword(ctx context.Context, keys []string, password, hash string) (bool, error) {
	reserved, err := s.reserveAttempt(ctx, keys)
	if err != nil {
		return false, err
	}
	// A check that could not wait its turn (maxHashes) stays counted: giving
	// it back would clear the account's failures as a right password does.
	ok, err := CheckPassword(ctx, password, hash)
	if err != nil || !ok {
		return false, err
	}
	s.attemptSucceeded(ctx, keys, reserved)
	return true, nil
}

// reserveAttempt counts a password check against its keys before it is
// made, as a failure until attemptSucceeded gives it back. Counting first
// is what makes the limit hold under concurrency: each attempt takes its
// turn on the keys' rows, so a burst of parallel guesses cannot all pass
// one check made before any of them failed. It returns what it did to
// each key, and ERATELIMIT (counting nothing) while any key is locked; the
// attempt that uses up a key's free failures locks it.
func (s *Service) reserveAttempt(ctx context.Context, keys []string) (map[string]reservation, error) {
	keys = slices.Sorted(slices.Values(keys)) // one lock order for every caller
	var wait time.Duration
	var limit int // the free failures of the key locked longest
	reserved := make(map[string]reservation, len(keys))
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, key := range keys {
			if err := tx.Exec(`INSERT INTO auth_throttle (key, failures, updated_at) VALUES (?, 0, now())
				ON CONFLICT (key) DO NOTHING`, key).Error; err != nil {
				return err
			}
		}
		var rows []throttleRow
		if err := tx.Raw(`SELECT key, failures, updated_at, updated_at < now() - make_interval(secs => ?) AS stale,
				greatest(extract(epoch FROM locked_until - now()), 0)::float8 AS locked_for
			FROM auth_throttle WHERE key IN ? ORDER BY key FOR UPDATE`, failureMemory.Seconds(), keys).Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			if d := time.Duration(r.LockedFor * float64(time.Second)); d > wait {
				wait, limit = d, freeFailures(r.Key)
			}
		}
		if wait > 0 {
			return nil
		}
		for _, r := range rows {
			n := r.Failures + 1
			if r.Stale {
				n = 1
			}
			if err := setFailures(tx, r.Key, n); err != nil {
				return err
			}
			reserved[r.Key] = reservation{failures: n, lastFailure: r.UpdatedAt}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		return nil, throttled(wait, limit)
	}
	return reserved, nil
}

// attemptSucceeded gives back an attempt that reserveAttempt counted as
// reserved (nil for keys of accounts only): the account's failures are
// forgotten (as before the reservation, a right password clears them),
// and an address keeps only the failures it had, as they were: unlocked,
// and as old, so that they are still forgotten an hour after the last of
// them however many right passwords come from it meanwhile.
func (s *Service) attemptSucceeded(ctx context.Context, keys []string, reserved map[string]reservation) {
	_ = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, key := range slices.Sorted(slices.Values(keys)) {
			if strings.HasPrefix(key, "email:") {
				if err := tx.Exec(`DELETE FROM auth_throttle WHERE key = ?`, key).Error; err != nil {
					return err
				}
				continue
			}
			var failures []int
			if err := tx.Raw(`SELECT failures FROM auth_throttle WHERE key = ? FOR UPDATE`, key).Scan(&failures).Error; err != nil {
				return err
			}
			if len(failures) == 0 || failures[0] == 0 {
				continue
			}
			// The address was not locked when the attempt was reserved; a
			// lock the reservation itself earned goes with it (past the
			// free failures, every reservation earns one), and so does the
			// time it counted. When another attempt was reserved meanwhile,
			// its time stays, with the lock its failure earns at the count
			// that stays: none under the free failures, and from the
			// failure's time the lock one fewer earns (it could be reserved
			// only once the lock before it ended, as when this check waited
			// for a hash slot).
			n := failures[0] - 1
			r, ok := reserved[key]
			var err error
			if ok && failures[0] == r.failures {
				err = tx.Exec(`UPDATE auth_throttle SET failures = ?, locked_until = NULL, updated_at = ? WHERE key = ?`,
					n, r.lastFailure, key).Error
			} else {
				lock := lockFor(key, n).Seconds()
				err = tx.Exec(`UPDATE auth_throttle SET failures = ?,
					locked_until = CASE WHEN ?::float8 > 0 THEN updated_at + make_interval(secs => ?) END WHERE key = ?`,
					n, lock, lock, key).Error
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// setFailures stores a key's failure count and the lock it earns.
func setFailures(tx *gorm.DB, key string, n int) error {
	lock := lockFor(key, n).Seconds()
	return tx.Exec(`UPDATE auth_throttle SET failures = ?, updated_at = now(),
		locked_until = CASE WHEN ?::float8 > 0 THEN now() + make_interval(secs => ?) END WHERE key = ?`,
		n, lock, lock, key).Error
}
