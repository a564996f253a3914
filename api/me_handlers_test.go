package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestUpdateMe: users keep their own user information accurate (Terms of
// Service, "Use of the service"): a signed-in user of any role changes
// their display name, teammates see the new one, the change is audited on
// the platform log, and the email address (the sign-in name) cannot be
// changed this way.
func TestUpdateMe(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "meadm")
	viewer := tb.MustJoin(t, admin, "viewer")

	rec := tb.req(t, http.MethodPatch, "/api/v1/me", viewer.token, map[string]string{"name": "  Zoë Fixed  "})
	wantStatus(t, rec, http.StatusOK)
	if u := decode[UserResponse](t, rec); u.Name != "Zoë Fixed" || u.ID != viewer.userID || u.Email != viewer.email {
		t.Fatalf("answer %+v, want the viewer named Zoë Fixed", u)
	}
	evs := tb.eventsOf(t, rec)
	if len(evs) != 1 || evs[0].Action != "user.updated" || evs[0].TargetID != viewer.userID || evs[0].TenantID != nil ||
		evs[0].ActorUserID == nil || *evs[0].ActorUserID != viewer.userID {
		t.Fatalf("audit %+v, want one platform user.updated by and about the viewer", evs)
	}
	if me := decode[MeResponse](t, tb.req(t, http.MethodGet, "/api/v1/me", viewer.token, nil)); me.User.Name != "Zoë Fixed" {
		t.Fatalf("GET /me name %q", me.User.Name)
	}
	members := decode[MemberList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/members", admin.token, nil))
	found := false
	for _, m := range members.Items {
		found = found || (m.UserID == viewer.userID && m.Name == "Zoë Fixed")
	}
	if !found {
		t.Fatalf("the team page does not show the new name: %+v", members.Items)
	}

	// The same name again changes and audits nothing; an empty one clears it.
	rec = tb.req(t, http.MethodPatch, "/api/v1/me", viewer.token, map[string]string{"name": "Zoë Fixed"})
	wantStatus(t, rec, http.StatusOK)
	if evs := tb.eventsOf(t, rec); len(evs) != 0 {
		t.Fatalf("an unchanged name audited %+v", evs)
	}
	rec = tb.req(t, http.MethodPatch, "/api/v1/me", viewer.token, map[string]string{"name": ""})
	wantStatus(t, rec, http.StatusOK)
	if u := decode[UserResponse](t, rec); u.Name != "" {
		t.Fatalf("name %q after clearing", u.Name)
	}

	tests := []struct {
		name  string
		token string
		body  any
		want  int
		field string
	}{
		{"ErrValidationControlCharacter", admin.token, map[string]string{"name": "Bad\u0007Name"}, 422, "name"},
		{"ErrValidationTooLong", admin.token, map[string]string{"name": strings.Repeat("n", 201)}, 422, "name"},
		{"ErrValidationEmailNotEditable", admin.token, map[string]string{"email": "new-" + admin.email}, 422, "email"},
		{"ErrUnauthenticated", "", map[string]string{"name": "Nobody"}, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodPatch, "/api/v1/me", tt.token, tt.body)
			wantStatus(t, rec, tt.want)
			if tt.field == "" {
				return
			}
			if !strings.Contains(rec.Body.String(), `"field":"`+tt.field+`"`) {
				t.Fatalf("no error for %s: %s", tt.field, rec.Body.String())
			}
		})
	}
	me := decode[MeResponse](t, tb.req(t, http.MethodGet, "/api/v1/me", admin.token, nil))
	if me.User.Name != "meadm" || me.User.Email != admin.email {
		t.Fatalf("a refused update changed the account: %+v", me.User)
	}
}
