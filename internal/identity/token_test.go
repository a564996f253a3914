package identity

import (
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
