package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSignInWithAnyUserAgent: the session keeps the client's User-Agent
// (at most 300 bytes) for the sessions a support question asks about. HTTP
// lets a header hold any byte but controls; one that is not UTF-8 (a
// Latin-1 "é"), or a long one cut inside a character, could not be stored,
// and signing in from such a client failed with a 500.
func TestSignInWithAnyUserAgent(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	u := tb.MustSignup(t, "agent")
	for _, tc := range []struct{ name, agent, stored string }{
		{"OKLatin1", "Caf\xe9Browser/1.0", "Caf\uFFFDBrowser/1.0"},
		{"OKCutInsideACharacter", strings.Repeat("a", 299) + "é and more", strings.Repeat("a", 299)},
		{"OKUnicode", "Navigateur/2.0 (é)", "Navigateur/2.0 (é)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login",
				strings.NewReader(`{"email":"`+u.email+`","password":"`+testPassword+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("User-Agent", tc.agent)
			rec := tb.serve(t, req)
			wantStatus(t, rec, http.StatusOK)
			var stored string
			if err := tb.db.Gorm.Raw(`SELECT user_agent FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1`, u.userID).
				Scan(&stored).Error; err != nil {
				t.Fatal(err)
			}
			if stored != tc.stored {
				t.Fatalf("stored user agent %q, want %q", stored, tc.stored)
			}
		})
	}
}

// TestSessionKeepsTheClientAddress: a session keeps the address it was
// started from, with the User-Agent, for the same support questions.
func TestSessionKeepsTheClientAddress(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	u := tb.MustSignup(t, "address")
	for _, tc := range []struct{ name, remote, stored string }{
		{"OKIPv4", "203.0.113.7:4321", "203.0.113.7"},
		{"OKIPv6", "[2001:db8::7]:4321", "2001:db8::7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login",
				strings.NewReader(`{"email":"`+u.email+`","password":"`+testPassword+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = tc.remote
			wantStatus(t, tb.serve(t, req), http.StatusOK)
			var stored []string
			if err := tb.db.Gorm.Raw(`SELECT coalesce(host(ip), '') FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1`, u.userID).
				Scan(&stored).Error; err != nil {
				t.Fatal(err)
			}
			if len(stored) != 1 || stored[0] != tc.stored {
				t.Fatalf("stored address %q, want %s", stored, tc.stored)
			}
		})
	}
}
