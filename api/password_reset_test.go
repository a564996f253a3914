package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/identity"
)

// resetLinks returns the tokens of the reset links mailed to email, oldest
// first (the development outbox keeps the bodies).
func (tb *testBundle) resetLinks(t testing.TB, email string) []string {
	t.Helper()
	var bodies []string
	if err := tb.db.Gorm.Raw(`SELECT body FROM outbox_emails WHERE to_address = ? AND subject LIKE 'Reset your%'
		ORDER BY created_at, id`, email).Scan(&bodies).Error; err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for _, b := range bodies {
		_, rest, ok := strings.Cut(b, "/reset-password#token=")
		if !ok {
			t.Fatalf("reset mail without a link: %q", b)
		}
		tokens = append(tokens, strings.Fields(rest)[0])
	}
	return tokens
}

// workResetRequests does what the identity.password_reset_request jobs
// queued for email would do (no worker runs in these tests).
func (tb *testBundle) workResetRequests(t testing.TB, email string) {
	t.Helper()
	var args []string
	if err := tb.db.Gorm.Raw(`WITH d AS (DELETE FROM river_job WHERE kind = 'identity.password_reset_request'
		AND args->>'email' = lower(?) RETURNING id, args) SELECT args::text FROM d ORDER BY id`, email).Scan(&args).Error; err != nil {
		t.Fatal(err)
	}
	for _, raw := range args {
		var a identity.ResetRequestArgs
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			t.Fatal(err)
		}
		if err := tb.srv.svc.Identity.SendPasswordReset(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPasswordReset: a forgotten password is reset through a mailed link,
// once and within the hour; asking never tells whether an account exists.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	const newPassword = "a brand new passphrase 7"
	tb.db.Gorm.Exec(`DELETE FROM auth_throttle WHERE key = 'ip:reset:192.0.2.1'`) // httptest's address, shared by the cases
	ask := func(t *testing.T, email string) {
		t.Helper()
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/password-reset", "", map[string]string{"email": email}), http.StatusAccepted)
		tb.workResetRequests(t, email)
	}
	confirm := func(t *testing.T, token, password string) *httptest.ResponseRecorder {
		t.Helper()
		return tb.req(t, http.MethodPost, "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": token, "password": password})
	}
	login := func(t *testing.T, email, password string) int {
		t.Helper()
		return tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}).Code
	}

	t.Run("OKResetEndsSessions", func(t *testing.T) {
		t.Parallel()
		u := tb.MustSignup(t, "reset")
		ask(t, strings.ToUpper(u.email))
		links := tb.resetLinks(t, u.email)
		if len(links) != 1 {
			t.Fatalf("%d reset mails", len(links))
		}
		wantStatus(t, confirm(t, links[0], "short"), http.StatusUnprocessableEntity) // the policy holds; the link still works
		wantStatus(t, confirm(t, links[0], newPassword), http.StatusNoContent)
		wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/me", u.token, nil), http.StatusUnauthorized)
		wantStatus(t, tb.refreshWith(t, u.refresh), http.StatusUnauthorized)
		if got := login(t, u.email, testPassword); got != http.StatusUnauthorized {
			t.Fatalf("the old password still signs in (%d)", got)
		}
		if got := login(t, u.email, newPassword); got != http.StatusOK {
			t.Fatalf("the new password does not sign in (%d)", got)
		}
		rec := confirm(t, links[0], newPassword+"x")
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		if p := decodeProblem(t, rec); p["type"] != "invalid-reset-link" {
			t.Fatalf("a used link: %v", p)
		}
		var events int64
		tb.db.Gorm.Table("audit_events").Where("target_id = ? AND action IN ('user.password_reset_requested', 'user.password_reset')", u.userID).Count(&events)
		if events != 2 {
			t.Fatalf("%d audit events, want the request and the reset", events)
		}
	})
	t.Run("OKOnlyTheNewestLinkWorks", func(t *testing.T) {
		t.Parallel()
		u := tb.MustSignup(t, "reset-twice")
		ask(t, u.email)
		ask(t, u.email)
		links := tb.resetLinks(t, u.email)
		if len(links) != 2 {
			t.Fatalf("%d reset mails", len(links))
		}
		wantStatus(t, confirm(t, links[0], newPassword), http.StatusUnprocessableEntity)
		wantStatus(t, confirm(t, links[1], newPassword), http.StatusNoContent)
	})
	// A link asked for before the password was set another way must not
	// set it again afterwards: whoever changed it (the owner who noticed
	// a stranger's request, or an administrator) ended that request.
	for _, tt := range []struct {
		name string
		set  func(t *testing.T, u session) string
	}{
		{"ErrLinkAfterPasswordChange", func(t *testing.T, u session) string {
			const changed = "a changed passphrase 31"
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/me/password", u.token,
				map[string]string{"current_password": testPassword, "new_password": changed}), http.StatusNoContent)
			return changed
		}},
		{"ErrLinkAfterAdministratorReset", func(t *testing.T, u session) string {
			const reset = "an administrator's passphrase 47"
			if _, err := tb.srv.svc.Identity.CreateUser(t.Context(), u.email, "", reset, ""); err != nil {
				t.Fatal(err)
			}
			return reset
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := tb.MustSignup(t, "reset-superseded")
			ask(t, u.email)
			current := tt.set(t, u)
			rec := confirm(t, tb.resetLinks(t, u.email)[0], newPassword)
			wantStatus(t, rec, http.StatusUnprocessableEntity)
			if p := decodeProblem(t, rec); p["type"] != "invalid-reset-link" {
				t.Fatalf("a superseded link: %v", p)
			}
			if got := login(t, u.email, current); got != http.StatusOK {
				t.Fatalf("the password set after the request no longer signs in (%d)", got)
			}
		})
	}
	t.Run("ErrExpiredLink", func(t *testing.T) {
		t.Parallel()
		u := tb.MustSignup(t, "reset-late")
		ask(t, u.email)
		tb.db.Gorm.Exec(`UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = ?`, u.userID)
		wantStatus(t, confirm(t, tb.resetLinks(t, u.email)[0], newPassword), http.StatusUnprocessableEntity)
		if got := login(t, u.email, testPassword); got != http.StatusOK {
			t.Fatalf("an expired link changed the password (%d)", got)
		}
	})
	t.Run("OKUnknownAddressLooksTheSame", func(t *testing.T) {
		t.Parallel()
		email := uniqueEmail("nobody")
		ask(t, email)
		if links := tb.resetLinks(t, email); len(links) != 0 {
			t.Fatalf("mail to an address with no account: %v", links)
		}
	})
	t.Run("OKCappedPerAccount", func(t *testing.T) {
		t.Parallel()
		u := tb.MustSignup(t, "reset-cap")
		for range 5 {
			ask(t, u.email)
		}
		if links := tb.resetLinks(t, u.email); len(links) != 3 {
			t.Fatalf("%d reset mails within an hour, want 3", len(links))
		}
	})
	for _, tt := range []struct {
		name string
		path string
		body any
	}{
		{"ErrInvalidEmail", "/api/v1/auth/password-reset", map[string]string{"email": "not-an-address"}},
		{"ErrInvalidMissingEmail", "/api/v1/auth/password-reset", map[string]string{}},
		{"ErrInvalidUnknownToken", "/api/v1/auth/password-reset/confirm", map[string]string{"token": "nope", "password": newPassword}},
		{"ErrInvalidMissingPassword", "/api/v1/auth/password-reset/confirm", map[string]string{"token": "nope"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantStatus(t, tb.req(t, http.MethodPost, tt.path, "", tt.body), http.StatusUnprocessableEntity)
		})
	}
}

// TestPasswordResetThrottledPerAddress: one address may ask 20 times,
// then waits, whatever the addresses it asks for (no account lookup
// happens in the request, so every answer takes the same path).
func TestPasswordResetThrottledPerAddress(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ask := func(email string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/password-reset", strings.NewReader(`{"email":"`+email+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "203.0.113.77:4242"
		return tb.serve(t, req)
	}
	tb.db.Gorm.Exec(`DELETE FROM auth_throttle WHERE key = 'ip:reset:203.0.113.77'`)
	for i := range 20 {
		wantStatus(t, ask(uniqueEmail(fmt.Sprintf("probe%d", i))), http.StatusAccepted)
	}
	rec := ask(uniqueEmail("probe-last"))
	wantStatus(t, rec, http.StatusTooManyRequests)
	if rec.Header().Get("Retry-After") == "" || decodeProblem(t, rec)["type"] != "rate-limited" {
		t.Fatalf("throttled answer: %v %s", rec.Header(), rec.Body.String())
	}
}
