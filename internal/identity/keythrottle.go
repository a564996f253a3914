package identity

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Refused API keys (unknown, revoked or expired: each one cost an indexed
// lookup) are throttled per address like failed sign-ins, in auth_throttle
// under the address's own key: freeFailuresIP of them free, then each
// further one locks the address for twice as long as the one before (30 s
// up to 15 min), forgotten an hour after the last. While the address is
// locked an API-key request from it is refused (429 rate-limited) without
// a lookup unless the instance served its key recently (apikeys.SeenValid;
// api's authenticateKey decides): telling any other valid key from a guess
// is the lookup the lock saves. Only refusals are written; a key's lookup
// reads the address's lock in the same query
// (apikeys.Service.AuthenticateFrom), and a lock an instance has seen is
// kept in its memory until it ends, so that a locked address's unknown
// keys cost that instance no database work at all.

// maxRememberedLocks bounds the locks an instance keeps in memory; past it
// (a flood from very many addresses) a lock is read from the database.
const maxRememberedLocks = 1 << 16

// APIKeyThrottleKey is the auth_throttle key that counts the refused API
// keys of ip (an IPv6 address as its /64).
func APIKeyThrottleKey(ip string) string { return "ip:apikey:" + addressBucket(ip) }

// KeyThrottled is the answer to an API-key request from an address locked
// for wait: Retry-After only, since on the key routes the RateLimit-*
// headers describe the key's requests per minute.
func KeyThrottled(wait time.Duration) error {
	return &apperr.Error{Code: apperr.ERATELIMIT, Type: "rate-limited",
		Message:    "Too many invalid, revoked or expired API keys from this address; try again later.",
		RetryAfter: wait}
}

// addressLocks are the refused-key locks an instance has seen, by
// throttle key: until when each holds.
type addressLocks struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// KeyAddressLocked returns KeyThrottled while this instance knows ip to be
// locked, nil otherwise. It reads memory only.
func (s *Service) KeyAddressLocked(ip string) error {
	now := s.now()
	key := APIKeyThrottleKey(ip)
	s.keyLocks.mu.Lock()
	until, ok := s.keyLocks.until[key]
	if ok && !now.Before(until) {
		delete(s.keyLocks.until, key)
		ok = false
	}
	s.keyLocks.mu.Unlock()
	if !ok {
		return nil
	}
	return KeyThrottled(until.Sub(now))
}

// KeyAddressLock records that ip is locked for wait more (as a key's
// lookup read it) and returns KeyThrottled.
func (s *Service) KeyAddressLock(ip string, wait time.Duration) error {
	s.rememberKeyLock(APIKeyThrottleKey(ip), wait)
	return KeyThrottled(wait)
}

// KeyRefused counts a refused API key from ip. Returns ERATELIMIT (type
// rate-limited, counting nothing) while the address is locked; the refusal
// that uses up its free ones locks it and is answered as what it is.
func (s *Service) KeyRefused(ctx context.Context, ip string) error {
	key := APIKeyThrottleKey(ip)
	_, err := s.reserveAttempt(ctx, []string{key})
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.ERATELIMIT {
		s.rememberKeyLock(key, e.RetryAfter)
		return KeyThrottled(e.RetryAfter)
	}
	return err
}

func (s *Service) rememberKeyLock(key string, wait time.Duration) {
	now := s.now()
	s.keyLocks.mu.Lock()
	defer s.keyLocks.mu.Unlock()
	if len(s.keyLocks.until) >= maxRememberedLocks {
		for k, until := range s.keyLocks.until {
			if !now.Before(until) {
				delete(s.keyLocks.until, k)
			}
		}
		if len(s.keyLocks.until) >= maxRememberedLocks {
			return
		}
	}
	s.keyLocks.until[key] = now.Add(wait)
}
