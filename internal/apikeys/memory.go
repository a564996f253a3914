package apikeys

import (
	"crypto/sha256"
	"time"
)

// What an instance remembers of the secrets it looked up, so that some
// answers need no lookup (api's auth middleware decides with it):
//
//   - a refused secret (unknown, revoked or expired) is refused again for
//     RefusedMemory without a lookup. That is safe because a refused secret
//     never becomes valid: revocation and expiry are final (nothing clears
//     revoked_at, and a rotation only brings an old key's expiry nearer,
//     never later), and a new key, a rotation's too, gets a new random
//     secret, which its creator learns only once it is committed;
//   - a secret of an active key (its tenant suspended or not) is "seen valid"
//     for ValidMemory after its last use: from an address locked for refused
//     keys such a key is still looked up, any other key is not.
//
// Both are bounded (maxRemembered each) and kept by hash, never the secret.
const (
	RefusedMemory = time.Minute
	ValidMemory   = 15 * time.Minute
	maxRemembered = 1 << 16
)

// Memory is what this instance remembers of a secret.
type Memory int

const (
	// Unseen: nothing (or the secret is malformed): a lookup decides.
	Unseen Memory = iota
	// SeenValid: an active key's, used within ValidMemory.
	SeenValid
	// SeenRefused: refused within RefusedMemory; refused again without a lookup.
	SeenRefused
)

// Remembered says what this instance remembers of secret, from memory only.
// A refusal is remembered first: a key revoked since it was seen valid is
// refused from memory too.
func (s *Service) Remembered(secret string) Memory {
	if !WellFormed(secret) {
		return Unseen
	}
	h := sha256.Sum256([]byte(secret))
	now := s.now()
	s.memMu.Lock()
	defer s.memMu.Unlock()
	switch {
	case s.refused.has(h, now):
		return SeenRefused
	case s.valid.has(h, now):
		return SeenValid
	}
	return Unseen
}

// Lookups is how many keys this instance has read from the database.
func (s *Service) Lookups() int64 { return s.lookups.Load() }

// remember records what a lookup found of the secret whose hash is h.
func (s *Service) remember(h [32]byte, valid bool) {
	now := s.now()
	s.memMu.Lock()
	defer s.memMu.Unlock()
	if valid {
		s.valid.add(h, now)
	} else {
		s.refused.add(h, now)
	}
}

// recentSet is a bounded set of secret hashes, each a member for ttl after
// it was last added. Members are queued in the order they joined; the
// queue's head is dropped once it has lapsed, or to make room for a new
// member when the set holds max, but a member added again since it was
// queued goes back to the tail once instead (a second chance), so a key
// in steady use is not pushed out by newer ones. Each member is queued
// exactly once, so the memory is bounded by max. Not safe for concurrent
// use (Service.memMu).
type recentSet struct {
	ttl   time.Duration
	max   int
	last  map[[32]byte]time.Time // member → when it was last added
	queue []queuedHash           // one per member, oldest first
}

type queuedHash struct {
	hash [32]byte
	at   time.Time // its last addition when it was queued
}

func newRecentSet(ttl time.Duration, max int) *recentSet {
	return &recentSet{ttl: ttl, max: max, last: map[[32]byte]time.Time{}}
}

func (r *recentSet) has(h [32]byte, now time.Time) bool {
	t, ok := r.last[h]
	return ok && now.Sub(t) < r.ttl
}

func (r *recentSet) add(h [32]byte, now time.Time) {
	if _, ok := r.last[h]; ok {
		r.last[h] = now
		return
	}
	for len(r.queue) > 0 {
		q := r.queue[0]
		t := r.last[q.hash]
		lapsed := now.Sub(t) >= r.ttl
		if !lapsed && len(r.last) < r.max {
			break
		}
		r.queue = r.queue[1:]
		if !lapsed && t.After(q.at) {
			r.queue = append(r.queue, queuedHash{q.hash, t})
			continue
		}
		delete(r.last, q.hash)
	}
	r.last[h] = now
	r.queue = append(r.queue, queuedHash{h, now})
}
