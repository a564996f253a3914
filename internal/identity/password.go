package identity

import (
	"context"
	"crypto/rand"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/ccojocar/zxcvbn-go/frequency"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// HashParams are the argon2id parameters: OWASP's recommendation (19 MiB,
// 2 iterations, 1 lane). The time one hash takes here is in
// docs/PERFORMANCE.md.
var HashParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Password length bounds. The upper bound stops hashing megabytes.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// HashPassword returns the PHC-format argon2id hash of pw.
func HashPassword(ctx context.Context, pw string) (string, error) {
	var h string
	var err error
	if werr := passwordHashes.run(ctx, func() { h, err = argon2id.CreateHash(pw, HashParams) }); werr != nil {
		return "", werr
	}
	return h, err
}

// CheckPassword compares pw with hash in constant time. The error is only
// that of waiting for a hash slot (ctx ended first).
func CheckPassword(ctx context.Context, pw, hash string) (bool, error) {
	var ok bool
	var err error
	if werr := passwordHashes.run(ctx, func() { ok, err = argon2id.ComparePasswordAndHash(pw, hash) }); werr != nil {
		return false, werr
	}
	return err == nil && ok, nil
}

// maxHashes bounds the argon2id computations (a new password's hash or a
// password check) that run at once in this process. Each takes HashParams'
// 19 MiB and a core for about 30 ms; unbounded, a burst of requests that
// each hash (sign-ups and sign-ins from many addresses, or hundreds of
// requests accepting one invitation link at once, which all hash before the
// first one uses the link up) took memory by the gigabyte, enough to end the
// process. More at once than there are cores buys no throughput.
var maxHashes = max(2, runtime.GOMAXPROCS(0))

// passwordHashes is the gate every argon2id computation passes.
var passwordHashes = newHashGate(maxHashes)

// hashGate lets at most cap(slots) computations run at once.
type hashGate struct {
	slots chan struct{}
	// now counts the computations under way, peak the most there were at
	// once and waiting those waiting for a slot (tests read them).
	now, peak, waiting atomic.Int32
}

func newHashGate(n int) *hashGate { return &hashGate{slots: make(chan struct{}, n)} }

// run runs fn, an argon2id computation, once a slot is free: it waits as
// long as ctx allows (an API request's REQUEST_TIMEOUT) and, if that ends
// first, returns EUNAVAILABLE wrapping ctx's error without running fn.
func (g *hashGate) run(ctx context.Context, fn func()) error {
	if err := ctx.Err(); err != nil {
		return errHashBusy(err)
	}
	g.waiting.Add(1)
	select {
	case g.slots <- struct{}{}:
		g.waiting.Add(-1)
	case <-ctx.Done():
		g.waiting.Add(-1)
		return errHashBusy(ctx.Err())
	}
	defer func() { <-g.slots }()
	n := g.now.Add(1)
	defer g.now.Add(-1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	fn()
	return nil
}

// errHashBusy is the answer of a request that waited for a hash slot until
// its context ended (503 with Retry-After; a client that left gets none).
func errHashBusy(cause error) error {
	return &apperr.Error{Code: apperr.EUNAVAILABLE, Message: "Too many passwords are being checked right now; try again in a moment.",
		RetryAfter: 5 * time.Second, Err: fmt.Errorf("identity: wait for a password hash slot: %w", cause)}
}

// dummyHash is compared against when the email is unknown, so a login for a
// missing account costs the same time as a wrong password. Its password is
// random, known to no one: a sign-in that matched it would be taken for a
// right password by the throttle, which gives the address its failure back.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword(context.Background(), rand.Text())
	return h
})

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	list := frequency.Lists["Passwords"].List
	set := make(map[string]struct{}, len(list))
	for _, p := range list {
		set[strings.ToLower(p)] = struct{}{}
	}
	return set
})

// ValidatePassword applies the password policy: 10 to 128 characters, not
// one of the 30,000 most common passwords, not the email address. Returns
// EINVALID naming field.
func ValidatePassword(field, pw, email string) error {
	n := utf8.RuneCountInString(pw)
	msg := ""
	switch {
	case n < MinPasswordLen:
		msg = "must be at least 10 characters long"
	case n > MaxPasswordLen:
		msg = "must be at most 128 characters long"
	case isCommon(pw):
		msg = "is too common; choose a password that is not on lists of leaked passwords"
	case email != "" && strings.EqualFold(strings.TrimSpace(pw), strings.TrimSpace(email)):
		msg = "must not be your email address"
	}
	if msg == "" {
		return nil
	}
	return apperr.Invalid("The password does not meet the policy.", apperr.FieldError{Field: field, Message: msg})
}

func isCommon(pw string) bool {
	lower := strings.ToLower(pw)
	if _, ok := commonPasswords()[lower]; ok {
		return true
	}
	// One character repeated, or a common password with digits appended.
	first, size := utf8.DecodeRuneInString(lower)
	if strings.Count(lower, string(first))*size == len(lower) {
		return true
	}
	base := strings.TrimRight(lower, "0123456789!")
	if len(base) >= 4 && base != lower {
		if _, ok := commonPasswords()[base]; ok {
			return true
		}
	}
	return false
}
