package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestLoginPicksTheTenant: a sign-in starts in the organization it names,
// else in the user's oldest membership of an active organization (a
// suspended one, where the session could do nothing but switch, only when
// it is all there is); naming one the user is not a member of is a 404.
// The session's refreshes stay in the organization it started in.
func TestLoginPicksTheTenant(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	staff := tb.MustSystemUser(t, "system_admin")
	stranger := tb.MustSignup(t, "pick-stranger")
	tests := []struct {
		name       string
		suspend    string // "first", "second" or "both": which of the user's tenants staff suspend
		tenant     string // "first", "second", "stranger" or "malformed": the tenant_id sent; "" sends none
		wantStatus int
		want       string // "first" or "second": the tenant the session starts in
	}{
		{"OKOldest", "", "", http.StatusOK, "first"},
		{"OKActiveBeforeSuspended", "first", "", http.StatusOK, "second"},
		{"OKOldestWhenAllSuspended", "both", "", http.StatusOK, "first"},
		{"OKNamed", "", "second", http.StatusOK, "second"},
		{"ErrNotAMember", "", "stranger", http.StatusNotFound, ""},
		{"ErrMalformedID", "", "malformed", http.StatusUnprocessableEntity, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			user := tb.MustSignup(t, "pick-first")
			second := tb.MustSignup(t, "pick-second")
			rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", second.token, map[string]string{"email": user.email, "role": "member"})
			wantStatus(t, rec, http.StatusCreated)
			_, token, _ := strings.Cut(decode[InvitationResponse](t, rec).AcceptURL, "token=")
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": testPassword}), http.StatusOK)
			ids := map[string]string{"first": user.tenantID, "second": second.tenantID, "stranger": stranger.tenantID, "malformed": "not-an-id"}
			for _, which := range []string{"first", "second"} {
				if tt.suspend == which || tt.suspend == "both" {
					wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/tenants/"+ids[which], staff.token,
						map[string]string{"status": "suspended", "reason": "login test"}), http.StatusOK)
				}
			}
			body := map[string]string{"email": user.email, "password": testPassword}
			if tt.tenant != "" {
				body["tenant_id"] = ids[tt.tenant]
			}
			rec = tb.req(t, http.MethodPost, "/api/v1/auth/login", "", body)
			wantStatus(t, rec, tt.wantStatus)
			if tt.want == "" {
				return
			}
			if got := decode[TokenResponse](t, rec).Tenant; got == nil || got.ID != ids[tt.want] {
				t.Fatalf("signed in to %+v, want the %s tenant %s", got, tt.want, ids[tt.want])
			}
			// The session stays where it started: a refresh is no new pick.
			rec = tb.refreshWith(t, refreshCookieOf(rec))
			wantStatus(t, rec, http.StatusOK)
			if got := decode[TokenResponse](t, rec).Tenant; got == nil || got.ID != ids[tt.want] {
				t.Fatalf("refreshed into %+v, want the %s tenant %s the session started in", got, tt.want, ids[tt.want])
			}
		})
	}
}
