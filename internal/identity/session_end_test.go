package identity

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestEndingSessionsKeepsAnEarlierEnd: a sign-out and a password set
// (change, reset, administrator) end the sessions that are live, and leave
// one that ended before as it ended: its time and its reason (a reuse
// detected, say) are what a support question asks about.
func TestEndingSessionsKeepsAnEarlierEnd(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := testService(d)
	ctx := context.Background()
	tests := []struct {
		name   string
		end    func(user, ended, live uuid.UUID) error
		reason string // the live session's, once ended
	}{
		{"Logout", func(_, ended, live uuid.UUID) error {
			if err := svc.Logout(ctx, ended); err != nil {
				return err
			}
			return svc.Logout(ctx, live)
		}, "logout"},
		{"PasswordSet", func(user, _, _ uuid.UUID) error {
			return svc.setPassword(d.Gorm.WithContext(ctx), user, "x2", nil, "password reset")
		}, "password reset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			user := dbtest.MustCreateUser(t, d)
			endedAt := time.Now().UTC().Add(-time.Hour).Truncate(time.Microsecond)
			ended, live := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
			if err := d.Gorm.Exec(`INSERT INTO sessions (id, user_id, user_agent, created_at, last_used_at, expires_at, revoked_at, revoked_reason)
				VALUES (?, ?, '', now() - interval '1 day', now(), now() + interval '1 day', ?, 'refresh token reuse'),
				       (?, ?, '', now() - interval '1 day', now(), now() + interval '1 day', NULL, NULL)`,
				ended, user, endedAt, live, user).Error; err != nil {
				t.Fatal(err)
			}
			if err := tt.end(user, ended, live); err != nil {
				t.Fatal(err)
			}
			var got []session
			if err := d.Gorm.Where("user_id = ?", user).Order("id").Find(&got).Error; err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Fatalf("%d sessions, want 2", len(got))
			}
			if e := got[0]; e.RevokedAt == nil || !e.RevokedAt.Equal(endedAt) || e.RevokedReason == nil || *e.RevokedReason != "refresh token reuse" {
				t.Errorf("the session ended before: revoked at %v for %v, want %s for refresh token reuse", e.RevokedAt, e.RevokedReason, endedAt)
			}
			if l := got[1]; l.RevokedAt == nil || l.RevokedReason == nil || *l.RevokedReason != tt.reason {
				t.Errorf("the live session: revoked at %v for %v, want ended for %s", l.RevokedAt, l.RevokedReason, tt.reason)
			}
		})
	}
}

// testService is the package's service over d with a fixed signing key.
func testService(d *db.DB) *Service {
	return NewService(d.Gorm, NewTokenIssuer([]byte("0123456789abcdef0123456789abcdef")), nil)
}
