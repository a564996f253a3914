package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/identity"
)

// TestPasswordResetWhileTheOldOneIsChecked: a password check reads the
// account's hash, then waits its turn (the sign-in throttle's row lock, a
// hash slot) before it compares. A reset that commits meanwhile ends every
// session and must lock out whoever knew the old password: a sign-in, an
// invitation accepted with the account's password, or a password change
// from a session the reset ended, checked against the hash read before,
// must not start a session (or set a password) after the reset.
func TestPasswordResetWhileTheOldOneIsChecked(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	const resetTo = "the owner's new passphrase 7"
	const attackerChoice = "the attacker's own passphrase 9"
	tests := []struct {
		name string
		want int
		send func(t *testing.T, u session) *httptest.ResponseRecorder
	}{
		{"ErrSignIn", http.StatusUnauthorized, func(t *testing.T, u session) *httptest.ResponseRecorder {
			return tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": u.email, "password": testPassword})
		}},
		{"ErrAcceptInvitation", http.StatusUnprocessableEntity, func(t *testing.T, u session) *httptest.ResponseRecorder {
			admin := tb.MustSignup(t, "pwrace-admin")
			rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": u.email, "role": "member"})
			wantStatus(t, rec, http.StatusCreated)
			_, token, _ := strings.Cut(decode[InvitationResponse](t, rec).AcceptURL, "token=")
			return tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": testPassword})
		}},
		{"ErrChangePassword", http.StatusUnprocessableEntity, func(t *testing.T, u session) *httptest.ResponseRecorder {
			return tb.req(t, http.MethodPost, "/api/v1/me/password", u.token,
				map[string]string{"current_password": testPassword, "new_password": attackerChoice})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := tb.MustSignup(t, "pwrace")
			if err := tb.srv.svc.Identity.SendPasswordReset(t.Context(), identity.ResetRequestArgs{Email: u.email}); err != nil {
				t.Fatal(err)
			}
			link := tb.resetLinks(t, u.email)[0]
			// Hold the account's throttle row: the check waits there, after
			// it read the account.
			key := "email:" + u.email
			if _, err := tb.db.Pool.Exec(t.Context(), `INSERT INTO auth_throttle (key, failures, updated_at) VALUES ($1, 0, now())
				ON CONFLICT (key) DO NOTHING`, key); err != nil {
				t.Fatal(err)
			}
			hold, err := tb.db.Pool.Begin(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = hold.Rollback(t.Context()) }()
			var holder int
			if err := hold.QueryRow(t.Context(), `SELECT pg_backend_pid() FROM auth_throttle WHERE key = $1 FOR UPDATE`, key).Scan(&holder); err != nil {
				t.Fatal(err)
			}
			checked := make(chan *httptest.ResponseRecorder, 1)
			go func() { checked <- tt.send(t, u) }()
			check := waitBlocked(t, tb, []int{holder}, nil)
			// The owner resets the password meanwhile (its commit is done
			// when it waits for the same row, to clear the throttle).
			reset := make(chan *httptest.ResponseRecorder, 1)
			go func() {
				reset <- tb.req(t, http.MethodPost, "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": link, "password": resetTo})
			}()
			waitBlocked(t, tb, []int{holder, check}, []int{check}) // in line behind the check
			if err := hold.Rollback(t.Context()); err != nil {
				t.Fatal(err)
			}
			wantStatus(t, <-reset, http.StatusNoContent)
			wantStatus(t, <-checked, tt.want)
			var live int64
			tb.db.Gorm.Raw(`SELECT count(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL`, u.userID).Scan(&live)
			if live != 0 {
				t.Fatalf("%d sessions live after the reset", live)
			}
			var memberships int64
			tb.db.Gorm.Raw(`SELECT count(*) FROM memberships WHERE user_id = ?`, u.userID).Scan(&memberships)
			if memberships != 1 {
				t.Fatalf("%d memberships, want the account's own organization only", memberships)
			}
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": u.email, "password": resetTo}), http.StatusOK)
		})
	}
}
