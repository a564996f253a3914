package identity

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestAccessTokenLifetime: an access token is good for AccessTokenTTL from
// its issue, with the verifier's leeway of 5 s on either side: a verifier
// whose clock is behind the issuer's by more than that refuses it too
// (issued in its future).
func TestAccessTokenLifetime(t *testing.T) {
	t.Parallel()
	issued := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		at     time.Duration // from the issue to the check
		wantOK bool
	}{
		{"OKAtOnce", 0, true},
		{"OKAtTheEnd", AccessTokenTTL, true},
		{"OKWithinTheLeeway", AccessTokenTTL + 4*time.Second, true},
		{"ErrPastTheLeeway", AccessTokenTTL + 6*time.Second, false},
		{"OKClockSlightlyBehind", -4 * time.Second, true},
		{"ErrClockBehindPastTheLeeway", -6 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iss := NewTokenIssuer([]byte("0123456789abcdef0123456789abcdef"))
			iss.now = func() time.Time { return issued }
			raw, exp, err := iss.Issue(uuid.New(), uuid.New(), uuid.New())
			if err != nil {
				t.Fatal(err)
			}
			if !exp.Equal(issued.Add(AccessTokenTTL)) {
				t.Fatalf("expires at %s, want %s", exp, issued.Add(AccessTokenTTL))
			}
			iss.now = func() time.Time { return issued.Add(tt.at) }
			_, err = iss.Verify(raw)
			if (err == nil) != tt.wantOK {
				t.Fatalf("Verify %s after the issue: %v, want ok %v", tt.at, err, tt.wantOK)
			}
		})
	}
}

// TestNewSecret: a refresh token or password reset link is 32 random bytes
// (256 bits, past guessing), URL-safe base64 without padding (it travels in
// a cookie and in a link), and is stored as its SHA-256 only.
func TestNewSecret(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 3 {
		s, hash, err := newSecret()
		if err != nil {
			t.Fatal(err)
		}
		if b, err := base64.RawURLEncoding.DecodeString(s); err != nil || len(b) != 32 {
			t.Fatalf("secret %q: %d bytes (%v), want 32", s, len(b), err)
		}
		if want := sha256.Sum256([]byte(s)); !bytes.Equal(hash, want[:]) {
			t.Fatalf("stored hash %x, want the SHA-256 of the secret %x", hash, want)
		}
		if seen[s] {
			t.Fatalf("secret %q issued twice", s)
		}
		seen[s] = true
	}
}

// TestHashSecret: the stored form of a token is the SHA-256 of its text,
// the same in every release: refresh tokens and reset links issued before
// an upgrade are looked up by it after (another hash would end every
// session and void every link the upgrade finds).
func TestHashSecret(t *testing.T) {
	t.Parallel()
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" // SHA-256("abc"), FIPS 180-2
	if got := hex.EncodeToString(HashSecret("abc")); got != abc {
		t.Fatalf("HashSecret(abc) = %s, want %s", got, abc)
	}
}
