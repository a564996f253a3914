package identity

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestAuthenticateRefusesAnEndedSession: an access token, however fresh,
// authenticates nobody once its session has expired or was revoked, nor
// when the session it names is another user's.
func TestAuthenticateRefusesAnEndedSession(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := testService(d)
	tests := []struct {
		name      string
		expiresIn time.Duration
		revoked   bool
		otherUser bool
		wantErr   bool
	}{
		{"OK", time.Hour, false, false, false},
		{"ErrExpired", -time.Second, false, false, true},
		{"ErrRevoked", time.Hour, true, false, true},
		{"ErrOtherUsersSession", time.Hour, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			user := dbtest.MustCreateUser(t, d)
			owner := user
			if tt.otherUser {
				owner = dbtest.MustCreateUser(t, d)
			}
			sessionID := uuid.Must(uuid.NewV7())
			var revokedAt *time.Time
			if tt.revoked {
				now := time.Now()
				revokedAt = &now
			}
			if err := d.Gorm.Exec(`INSERT INTO sessions (id, user_id, user_agent, created_at, last_used_at, expires_at, revoked_at)
				VALUES (?, ?, '', now() - interval '1 day', now(), now() + make_interval(secs => ?), ?)`,
				sessionID, owner, tt.expiresIn.Seconds(), revokedAt).Error; err != nil {
				t.Fatal(err)
			}
			token, _, err := svc.Tokens().Issue(user, uuid.Nil, sessionID)
			if err != nil {
				t.Fatal(err)
			}
			p, err := svc.Authenticate(context.Background(), token)
			if tt.wantErr {
				if apperr.Code(err) != apperr.EUNAUTHORIZED || p != nil {
					t.Fatalf("Authenticate: %v, want EUNAUTHORIZED", err)
				}
				return
			}
			if err != nil || p.UserID != user || p.SessionID != sessionID {
				t.Fatalf("Authenticate: %+v (%v)", p, err)
			}
		})
	}
}
