package tenancy

import (
	"testing"
	"time"
)

// TestInvitationStatus: an invitation is pending up to its expiry and
// expired at it, the instant from which accepting it is refused
// (expires_at > now()); the list showed it as pending then.
func TestInvitationStatus(t *testing.T) {
	t.Parallel()
	exp := time.Date(2026, time.December, 6, 12, 0, 0, 0, time.UTC)
	early := exp.Add(-time.Hour)
	late := exp.Add(time.Hour)
	tests := []struct {
		name string
		inv  Invitation
		now  time.Time
		want string
	}{
		{"PendingBefore", Invitation{ExpiresAt: exp}, exp.Add(-time.Microsecond), "pending"},
		{"ExpiredAt", Invitation{ExpiresAt: exp}, exp, "expired"},
		{"Accepted", Invitation{ExpiresAt: exp, AcceptedAt: &early}, late, "accepted"},
		{"Revoked", Invitation{ExpiresAt: exp, RevokedAt: &early}, late, "revoked"},
		{"RetiredAfterExpiry", Invitation{ExpiresAt: exp, RevokedAt: &late}, late, "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.inv.Status(tt.now); got != tt.want {
				t.Fatalf("status at %s = %s, want %s", tt.now, got, tt.want)
			}
		})
	}
}
