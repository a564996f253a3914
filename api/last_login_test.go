package api

import (
	"net/http"
	"testing"
	"time"
)

// TestLastLoginRecorded: every way a session starts (sign-up, sign-in,
// invitation accept) is a sign-in, and the account's last_login_at, which
// /me and an organization's member list show, is its time.
func TestLastLoginRecorded(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := time.Now().UTC().Truncate(time.Second) // the database keeps microseconds
	clock := tb.pinIdentityClock(start)
	admin := tb.MustSignup(t, "lastlogin-admin")
	tests := []struct {
		name string
		// begin starts a session at the clock's time and returns its
		// access token.
		begin func(t *testing.T) string
	}{
		{"Signup", func(t *testing.T) string { return tb.MustSignup(t, "lastlogin").token }},
		{"Login", func(t *testing.T) string {
			s := tb.MustSignup(t, "lastlogin")
			clock.Set(clock.Now().Add(time.Minute))
			rec := tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": s.email, "password": testPassword})
			wantStatus(t, rec, http.StatusOK)
			return decode[TokenResponse](t, rec).AccessToken
		}},
		{"InvitationAccept", func(t *testing.T) string { return tb.MustJoin(t, admin, "member").token }},
	}
	// Not parallel: the cases move the bundle's one clock.
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Set(start.Add(time.Duration(i+1) * time.Hour))
			token := tt.begin(t)
			want := clock.Now().UTC()
			me := decode[MeResponse](t, tb.req(t, http.MethodGet, "/api/v1/me", token, nil))
			if me.User.LastLogin == nil || !me.User.LastLogin.Equal(want) {
				t.Fatalf("last_login_at %v, want %s", me.User.LastLogin, want)
			}
		})
	}
}
