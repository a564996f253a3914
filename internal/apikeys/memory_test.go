package apikeys

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestRefusedSecretsAreNotLookedUpAgain: a secret refused (unknown,
// revoked, expired) is refused again without a lookup for RefusedMemory,
// and looked up again after it; a valid key is looked up on every request
// (a revocation holds from the next one) and remembered as seen valid,
// until it is refused.
func TestRefusedSecretsAreNotLookedUpAgain(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, user := proTenant(t, d)
	now := time.Date(2026, time.November, 30, 9, 0, 0, 0, time.UTC)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0)).WithClock(func() time.Time { return now })
	key := mustCreate(t, svc, tenant, user, CreateParams{Name: "memory", Scopes: []string{"usage:read"}})
	unknown, err := newSecret()
	if err != nil {
		t.Fatal(err)
	}
	auth := func(secret string, want string, lookups int64) {
		t.Helper()
		before := svc.Lookups()
		_, read, err := svc.AuthenticateFrom(ctx, secret, "")
		if apperr.Code(err) != want {
			t.Fatalf("AuthenticateFrom: %v, want %q", err, want)
		}
		if got := svc.Lookups() - before; got != lookups || read.LookedUp != (lookups == 1) {
			t.Fatalf("%d lookups (LookedUp %v), want %d", got, read.LookedUp, lookups)
		}
	}

	auth(unknown, apperr.EUNAUTHORIZED, 1)
	for range 3 {
		auth(unknown, apperr.EUNAUTHORIZED, 0)
	}
	if m := svc.Remembered(unknown); m != SeenRefused {
		t.Fatalf("unknown secret remembered as %v", m)
	}
	now = now.Add(RefusedMemory)
	if m := svc.Remembered(unknown); m != Unseen {
		t.Fatalf("unknown secret remembered as %v after RefusedMemory", m)
	}
	auth(unknown, apperr.EUNAUTHORIZED, 1)

	auth(key.Secret, "", 1)
	auth(key.Secret, "", 1)
	if m := svc.Remembered(key.Secret); m != SeenValid {
		t.Fatalf("valid key remembered as %v", m)
	}
	if err := svc.Revoke(ctx, tenant, key.ID); err != nil {
		t.Fatal(err)
	}
	auth(key.Secret, apperr.EUNAUTHORIZED, 1) // the next request after the revocation
	auth(key.Secret, apperr.EUNAUTHORIZED, 0)
	if m := svc.Remembered(key.Secret); m != SeenRefused {
		t.Fatalf("revoked key remembered as %v, want refused (over seen valid)", m)
	}
	now = now.Add(ValidMemory)
	if m := svc.Remembered(key.Secret); m != Unseen {
		t.Fatalf("revoked key remembered as %v after ValidMemory", m)
	}
	if m := svc.Remembered("ock_malformed"); m != Unseen {
		t.Fatalf("malformed secret remembered as %v", m)
	}
}

func hashOf(i int) [32]byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	return sha256.Sum256(b[:])
}

// TestRecentSetBound: a service remembers at most maxRemembered refused
// secrets; the oldest make room for new ones. A member added again since
// it joined gets a second chance over one that was not, and lapsed members
// go first.
func TestRecentSetBound(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.November, 30, 9, 0, 0, 0, time.UTC)
	svc := NewService(nil, nil).WithClock(func() time.Time { return now })
	for i := range maxRemembered + 10 {
		svc.remember(hashOf(i), false)
	}
	if n := len(svc.refused.last); n != maxRemembered || len(svc.refused.queue) != maxRemembered {
		t.Fatalf("%d refused secrets remembered (%d queued), want %d", n, len(svc.refused.queue), maxRemembered)
	}
	if svc.refused.has(hashOf(9), now) || !svc.refused.has(hashOf(10), now) || !svc.refused.has(hashOf(maxRemembered+9), now) {
		t.Fatal("not the newest maxRemembered refused secrets remembered")
	}

	r := newRecentSet(time.Minute, 3)
	r.add(hashOf(1), now)
	r.add(hashOf(2), now)
	r.add(hashOf(3), now)
	r.add(hashOf(1), now.Add(time.Second)) // used again: a second chance
	r.add(hashOf(4), now.Add(2*time.Second))
	if !r.has(hashOf(1), now.Add(2*time.Second)) || r.has(hashOf(2), now.Add(2*time.Second)) {
		t.Fatal("the member used again was dropped, or the unused oldest kept")
	}
	// 3 lapses first (added at now); 1, 4 and the new 5 stay.
	r.add(hashOf(5), now.Add(time.Minute))
	for i, want := range map[int]bool{1: true, 3: false, 4: true, 5: true} {
		if got := r.has(hashOf(i), now.Add(time.Minute)); got != want {
			t.Errorf("member %d: %v, want %v", i, got, want)
		}
	}
	if len(r.last) != 3 || len(r.queue) != 3 {
		t.Fatalf("%d members, %d queued, want 3 and 3", len(r.last), len(r.queue))
	}
}

// TestRecentSetHoldsAMemberOnce: a valid key is remembered again on every
// request; its set holds it once, queued once, however often it comes.
func TestRecentSetHoldsAMemberOnce(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.November, 30, 9, 0, 0, 0, time.UTC)
	r := newRecentSet(time.Minute, 3)
	for i := range 1000 {
		r.add(hashOf(1), now.Add(time.Duration(i)*time.Millisecond))
	}
	if len(r.last) != 1 || len(r.queue) != 1 {
		t.Fatalf("%d members, %d queued after one member was added 1000 times, want 1 and 1", len(r.last), len(r.queue))
	}
	if !r.has(hashOf(1), now.Add(time.Minute)) {
		t.Fatal("the member lapsed a minute after its first addition, not its last")
	}
}
