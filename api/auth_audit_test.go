package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAuthEventsAudited: every sign-in, password change and failure of
// one writes exactly one audit event naming the account; a sign-in's
// belongs to the organization the session starts in, so that its audit
// log shows when its members signed in (a tenant's log reads only its own
// events).
func TestAuthEventsAudited(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "authaud-admin")
	tests := []struct {
		name   string
		do     func(t *testing.T, s session) *httptest.ResponseRecorder
		status int
		action string
		tenant bool // the event belongs to the user's tenant
		actor  bool // the event names the user as its actor
	}{
		{"Login", func(t *testing.T, s session) *httptest.ResponseRecorder {
			return tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": s.email, "password": testPassword})
		}, http.StatusOK, "auth.login", true, true},
		{"ErrLoginWrongPassword", func(t *testing.T, s session) *httptest.ResponseRecorder {
			return tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": s.email, "password": "wrong-password-123"})
		}, http.StatusUnauthorized, "auth.login_failed", false, false},
		{"PasswordChanged", func(t *testing.T, s session) *httptest.ResponseRecorder {
			return tb.req(t, http.MethodPost, "/api/v1/me/password", s.token,
				map[string]string{"current_password": testPassword, "new_password": "another-long-password"})
		}, http.StatusNoContent, "user.password_changed", false, true},
		{"ErrPasswordChangeWrongCurrent", func(t *testing.T, s session) *httptest.ResponseRecorder {
			return tb.req(t, http.MethodPost, "/api/v1/me/password", s.token,
				map[string]string{"current_password": "wrong-password-123", "new_password": "another-long-password"})
		}, http.StatusUnprocessableEntity, "user.password_change_failed", false, true},
		{"ErrAcceptWithWrongPassword", func(t *testing.T, s session) *httptest.ResponseRecorder {
			rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": s.email, "role": "viewer"})
			wantStatus(t, rec, http.StatusCreated)
			_, token, _ := strings.Cut(decode[InvitationResponse](t, rec).AcceptURL, "token=")
			return tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": "wrong-password-123"})
		}, http.StatusUnprocessableEntity, "auth.login_failed", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tb.MustSignup(t, "authaud")
			rec := tt.do(t, s)
			wantStatus(t, rec, tt.status)
			evs := tb.eventsOf(t, rec)
			if len(evs) != 1 {
				t.Fatalf("%d audit events %+v, want one %s", len(evs), evs, tt.action)
			}
			e := evs[0]
			switch {
			case e.Action != tt.action:
				t.Errorf("action %q, want %q", e.Action, tt.action)
			case e.TargetID != s.userID:
				t.Errorf("target %q, want the user %s", e.TargetID, s.userID)
			case tt.tenant && (e.TenantID == nil || *e.TenantID != s.tenantID):
				t.Errorf("tenant %v, want the user's %s", e.TenantID, s.tenantID)
			case !tt.tenant && e.TenantID != nil:
				t.Errorf("tenant %v on an event of the account", *e.TenantID)
			case tt.actor && (e.ActorUserID == nil || *e.ActorUserID != s.userID):
				t.Errorf("actor %v, want the user %s", e.ActorUserID, s.userID)
			}
		})
	}
}

// TestSignupAudited: a sign-up writes one auth.signup event on the new
// account, in the new organization's log (a tenant's log reads only its
// own events), by the new account: its id and its email as the actor's.
func TestSignupAudited(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	email := uniqueEmail("signup-audit")
	rec := tb.req(t, http.MethodPost, "/api/v1/auth/signup", "", map[string]string{
		"email": email, "password": testPassword, "tenant_name": "Audit Co"})
	wantStatus(t, rec, http.StatusCreated)
	tr := decode[TokenResponse](t, rec)
	var signups []auditedRow
	for _, e := range tb.eventsOf(t, rec) {
		if e.Action == "auth.signup" {
			signups = append(signups, e)
		}
	}
	if len(signups) != 1 {
		t.Fatalf("%d auth.signup events %+v, want one", len(signups), signups)
	}
	e := signups[0]
	switch {
	case e.TargetID != tr.User.ID:
		t.Errorf("target %q, want the new user %s", e.TargetID, tr.User.ID)
	case e.TenantID == nil || *e.TenantID != tr.Tenant.ID:
		t.Errorf("tenant %v, want the new organization %s", e.TenantID, tr.Tenant.ID)
	case e.ActorUserID == nil || *e.ActorUserID != tr.User.ID || e.ActorLabel != email:
		t.Errorf("actor %v labelled %q, want the new user %s labelled %s", e.ActorUserID, e.ActorLabel, tr.User.ID, email)
	}
}
