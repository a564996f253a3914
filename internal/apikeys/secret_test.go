package apikeys

import (
	"strings"
	"testing"
	"time"
)

// TestWellFormed: only a secret of the right length, prefix, alphabet and
// checksum is well formed (and so reaches the database).
func TestWellFormed(t *testing.T) {
	t.Parallel()
	good, err := newSecret()
	if err != nil {
		t.Fatal(err)
	}
	random := good[len(secretPrefix) : len(secretPrefix)+randomChars]
	flipped := []byte(random)
	flipped[0] = map[bool]byte{true: 'B', false: 'A'}[flipped[0] == 'A']
	tests := []struct {
		name   string
		secret string
		want   bool
	}{
		{"OK", good, true},
		{"ErrWrongPrefix", "ocx_" + good[len(secretPrefix):], false},
		{"ErrTooShort", good[:len(good)-1], false},
		{"ErrTooLong", good + "0", false},
		{"ErrChecksumOfAnotherRandomPart", secretPrefix + string(flipped) + checksum(random), false},
		{"ErrNotBase62", secretPrefix + "-" + random[1:] + checksum("-"+random[1:]), false},
		{"ErrFarTooShort", secretPrefix + "abc", false},
		{"ErrEmpty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := WellFormed(tt.secret); got != tt.want {
				t.Fatalf("WellFormed(%q) = %v, want %v", tt.secret, got, tt.want)
			}
			if !LooksLikeKey(good) || LooksLikeKey(strings.TrimPrefix(good, secretPrefix)) {
				t.Fatal("LooksLikeKey goes by the prefix")
			}
		})
	}
}

// TestKeyStatus: revoked wins over expired; a key expires at the instant
// of its expiry, not after it.
func TestKeyStatus(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.November, 30, 9, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Microsecond), now.Add(time.Microsecond)
	tests := []struct {
		name             string
		expires, revoked *time.Time
		want             string
	}{
		{"NoExpiry", nil, nil, "active"},
		{"ExpiresLater", &after, nil, "active"},
		{"ExpiresNow", &now, nil, "expired"},
		{"Expired", &before, nil, "expired"},
		{"Revoked", &after, &before, "revoked"},
		{"RevokedAndExpired", &before, &before, "revoked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := (Key{ExpiresAt: tt.expires, RevokedAt: tt.revoked}).Status(now); got != tt.want {
				t.Fatalf("status %s, want %s", got, tt.want)
			}
		})
	}
}
