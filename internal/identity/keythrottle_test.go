package identity

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestKeyAddressLockMemory: a lock an instance has seen refuses the
// address's keys from memory (this service has no database at all) until
// it ends by the service's clock, for the whole /64 of an IPv6 address and
// for no other address; past maxRememberedLocks only ended locks make room.
func TestKeyAddressLockMemory(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := NewService(nil, nil, nil).WithClock(func() time.Time { return now })
	if err := s.KeyAddressLock("2001:db8:1:2::5", 30*time.Second); apperr.Code(err) != apperr.ERATELIMIT {
		t.Fatalf("KeyAddressLock: %v", err)
	}
	tests := []struct {
		name   string
		ip     string
		after  time.Duration
		locked bool
	}{
		{"ErrRateLimitedSameAddress", "2001:db8:1:2::5", 0, true},
		{"ErrRateLimitedSame64", "2001:db8:1:2:ffff::1", 29 * time.Second, true},
		{"OKOther64", "2001:db8:1:3::5", 0, false},
		{"OKOnceTheLockEnded", "2001:db8:1:2::5", 30 * time.Second, false},
	}
	for _, tt := range tests {
		now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(tt.after)
		err := s.KeyAddressLocked(tt.ip)
		if got := apperr.Code(err) == apperr.ERATELIMIT; got != tt.locked {
			t.Errorf("%s: KeyAddressLocked = %v, want locked %v", tt.name, err, tt.locked)
		}
		if e := (*apperr.Error)(nil); tt.locked && errors.As(err, &e) && e.RetryAfter != 30*time.Second-tt.after {
			t.Errorf("%s: Retry-After %v, want %v", tt.name, e.RetryAfter, 30*time.Second-tt.after)
		}
	}

	// The memory is bounded: full of live locks, a new one is not kept
	// (the database still has it); once they have ended they make room.
	now = time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC)
	for i := range maxRememberedLocks {
		s.rememberKeyLock(APIKeyThrottleKey("10.0.0.0")+strconv.Itoa(i), time.Minute)
	}
	s.rememberKeyLock(APIKeyThrottleKey("192.0.2.7"), time.Minute)
	if err := s.KeyAddressLocked("192.0.2.7"); err != nil {
		t.Fatalf("a lock past the bound was kept: %d entries", len(s.keyLocks.until))
	}
	now = now.Add(time.Minute)
	s.rememberKeyLock(APIKeyThrottleKey("192.0.2.7"), time.Minute)
	if err := s.KeyAddressLocked("192.0.2.7"); err == nil {
		t.Fatal("ended locks did not make room")
	}
	if n := len(s.keyLocks.until); n != 1 {
		t.Fatalf("%d locks remembered, want the 1 live one", n)
	}
}
