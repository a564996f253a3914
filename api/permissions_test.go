package api

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// expectedAccess is the DESIGN.md §2 matrix written out per route, kept
// apart from the permission table in internal/tenancy so that a mistake in
// either shows up here. A route missing from this table fails the test.
// "public" routes answer without credentials; "cookie" needs the refresh cookie.
var expectedAccess = map[string][]string{
	"GET /api/v1/status":                         {"public"},
	"GET /api/v1/packages":                       {"public"},
	"POST /api/v1/auth/signup":                   {"public"},
	"POST /api/v1/auth/login":                    {"public"},
	"POST /api/v1/auth/refresh":                  {"cookie"},
	"POST /api/v1/auth/logout":                   {"public"},
	"POST /api/v1/auth/password-reset":           {"public"},
	"POST /api/v1/auth/password-reset/confirm":   {"public"},
	"POST /api/v1/invitations/lookup":            {"public"},
	"POST /api/v1/invitations/accept":            {"public"},
	"POST /api/v1/auth/switch-tenant":            {"org_admin", "member", "viewer", "system_admin", "support"},
	"GET /api/v1/me":                             {"org_admin", "member", "viewer", "system_admin", "support"},
	"PATCH /api/v1/me":                           {"org_admin", "member", "viewer", "system_admin", "support"},
	"POST /api/v1/me/password":                   {"org_admin", "member", "viewer", "system_admin", "support"},
	"POST /api/v1/me/invitations/accept":         {"org_admin", "member", "viewer", "system_admin", "support"},
	"GET /api/v1/tenant":                         {"org_admin", "member", "viewer"},
	"PATCH /api/v1/tenant":                       {"org_admin"},
	"GET /api/v1/tenant/members":                 {"org_admin", "member", "viewer"},
	"PATCH /api/v1/tenant/members/:userId":       {"org_admin"},
	"DELETE /api/v1/tenant/members/:userId":      {"org_admin"},
	"POST /api/v1/tenant/invitations":            {"org_admin"},
	"GET /api/v1/tenant/invitations":             {"org_admin"},
	"DELETE /api/v1/tenant/invitations/:id":      {"org_admin"},
	"GET /api/v1/tenant/usage":                   {"org_admin", "member", "viewer"},
	"GET /api/v1/tenant/audit-events":            {"org_admin"},
	"POST /api/v1/contacts/search":               {"org_admin", "member", "viewer"},
	"GET /api/v1/contacts/:id":                   {"org_admin", "member", "viewer"},
	"GET /api/v1/companies/:id":                  {"org_admin", "member", "viewer"},
	"GET /api/v1/saved-contacts":                 {"org_admin", "member", "viewer"},
	"POST /api/v1/saved-contacts":                {"org_admin", "member"},
	"DELETE /api/v1/saved-contacts":              {"org_admin", "member"},
	"GET /api/v1/saved-contacts/export":          {"org_admin", "member"},
	"PATCH /api/v1/saved-contacts/:id":           {"org_admin", "member"},
	"POST /api/v1/saved-contacts/approve":        {"org_admin"},
	"POST /api/v1/saved-contacts/reject":         {"org_admin"},
	"GET /api/v1/lists":                          {"org_admin", "member", "viewer"},
	"POST /api/v1/lists":                         {"org_admin", "member"},
	"PATCH /api/v1/lists/:id":                    {"org_admin", "member"},
	"DELETE /api/v1/lists/:id":                   {"org_admin", "member"},
	"POST /api/v1/lists/:id/members":             {"org_admin", "member"},
	"DELETE /api/v1/lists/:id/members":           {"org_admin", "member"},
	"POST /api/v1/contacts/:id/corrections":      {"org_admin", "member"},
	"GET /api/v1/corrections":                    {"org_admin", "member", "viewer"},
	"GET /api/v1/admin/corrections":              {"system_admin", "support"},
	"POST /api/v1/admin/corrections/:id/accept":  {"system_admin"},
	"POST /api/v1/admin/corrections/:id/reject":  {"system_admin"},
	"GET /api/v1/billing/subscription":           {"org_admin", "member", "viewer"},
	"POST /api/v1/billing/checkout-session":      {"org_admin"},
	"POST /api/v1/billing/portal-session":        {"org_admin"},
	"POST /api/v1/billing/stripe/webhook":        {"webhook"},
	"GET /api/v1/api-keys":                       {"org_admin"},
	"POST /api/v1/api-keys":                      {"org_admin"},
	"DELETE /api/v1/api-keys/:id":                {"org_admin"},
	"POST /api/v1/api-keys/:id/rotate":           {"org_admin"},
	"GET /api/v1/api-keys/:id/usage":             {"org_admin"},
	"GET /api/v1/crm/connection":                 {"org_admin", "member", "viewer"},
	"DELETE /api/v1/crm/connection":              {"org_admin"},
	"POST /api/v1/crm/connect":                   {"org_admin"},
	"GET /api/v1/crm/oauth/callback":             {"public"},
	"POST /api/v1/crm/webhook":                   {"public"},
	"GET /api/v1/crm/settings":                   {"org_admin", "member", "viewer"},
	"PUT /api/v1/crm/settings":                   {"org_admin"},
	"POST /api/v1/crm/pushes":                    {"org_admin", "member"},
	"GET /api/v1/crm/pushes":                     {"org_admin", "member", "viewer"},
	"GET /api/v1/crm/pushes/:id":                 {"org_admin", "member", "viewer"},
	"POST /api/v1/imports":                       {"org_admin", "member"},
	"GET /api/v1/imports":                        {"org_admin", "member"},
	"GET /api/v1/imports/:id":                    {"org_admin", "member"},
	"PUT /api/v1/imports/:id/mapping":            {"org_admin", "member"},
	"POST /api/v1/imports/:id/start":             {"org_admin", "member"},
	"POST /api/v1/imports/:id/cancel":            {"org_admin", "member"},
	"DELETE /api/v1/imports/:id":                 {"org_admin", "member"},
	"GET /api/v1/imports/:id/records":            {"org_admin", "member"},
	"GET /api/v1/imports/:id/errors.csv":         {"org_admin", "member"},
	"POST /api/v1/admin/imports":                 {"system_admin"},
	"GET /api/v1/admin/imports":                  {"system_admin", "support"},
	"GET /api/v1/admin/imports/:id":              {"system_admin", "support"},
	"PUT /api/v1/admin/imports/:id/mapping":      {"system_admin"},
	"POST /api/v1/admin/imports/:id/start":       {"system_admin"},
	"POST /api/v1/admin/imports/:id/cancel":      {"system_admin"},
	"DELETE /api/v1/admin/imports/:id":           {"system_admin"},
	"GET /api/v1/admin/imports/:id/records":      {"system_admin", "support"},
	"GET /api/v1/admin/imports/:id/errors.csv":   {"system_admin", "support"},
	"GET /api/v1/admin/tenants":                  {"system_admin", "support"},
	"GET /api/v1/admin/tenants/:id":              {"system_admin", "support"},
	"PATCH /api/v1/admin/tenants/:id":            {"system_admin"},
	"PUT /api/v1/admin/tenants/:id/subscription": {"system_admin"},
	"GET /api/v1/admin/users":                    {"system_admin", "support"},
	"PATCH /api/v1/admin/users/:id":              {"system_admin"},
	"GET /api/v1/admin/packages":                 {"system_admin", "support"},
	"POST /api/v1/admin/packages":                {"system_admin"},
	"PATCH /api/v1/admin/packages/:id":           {"system_admin"},
	"GET /api/v1/admin/audit-events":             {"system_admin", "support"},
	"GET /api/v1/admin/outbox":                   {"system_admin"},

	"POST /api/v1/admin/tenants/:id/checkouts/:event_id/retry": {"system_admin"},
}

// TestRoutePermissions walks every registered API route with every kind of
// principal and checks allow (anything but 401/403) or deny (403; 401
// without credentials). Requests carry no body, so allowed calls stop at
// validation without changing anything.
func TestRoutePermissions(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "perm")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	principals := map[string]string{
		"org_admin":    admin.token,
		"member":       tb.MustJoin(t, admin, "member").token,
		"viewer":       tb.MustJoin(t, admin, "viewer").token,
		"system_admin": tb.MustSystemUser(t, "system_admin").token,
		"support":      tb.MustSystemUser(t, "support").token,
	}
	for route := range tb.srv.access {
		if _, ok := expectedAccess[route]; !ok {
			t.Errorf("route %s has no entry in expectedAccess: add one", route)
		}
	}
	for route, allowed := range expectedAccess {
		if _, ok := tb.srv.access[route]; !ok {
			t.Errorf("expectedAccess names %s, which is not registered", route)
			continue
		}
		method, path, _ := strings.Cut(route, " ")
		path = strings.NewReplacer(":userId", uuid.NewString(), ":id", uuid.NewString()).Replace(path)
		if slices.Contains(allowed, "webhook") {
			// Signed by the sender; without a valid signature it is a 400 or
			// 503 (no secret), never a 401 or 403.
			if rec := tb.req(t, method, path, "", nil); rec.Code == 401 || rec.Code == 403 {
				t.Errorf("%s: webhook answered %d", route, rec.Code)
			}
			continue
		}
		if slices.Contains(allowed, "cookie") {
			// The refresh cookie is the credential; no cookie is a 401 by design.
			if rec := tb.req(t, method, path, "", nil); rec.Code != http.StatusUnauthorized {
				t.Errorf("%s without cookie: %d, want 401", route, rec.Code)
			}
			continue
		}
		if slices.Contains(allowed, "public") {
			if rec := tb.req(t, method, path, "", nil); rec.Code == 401 || rec.Code == 403 {
				t.Errorf("%s: public route answered %d", route, rec.Code)
			}
			continue
		}
		if rec := tb.req(t, method, path, "", nil); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s without credentials: %d, want 401", route, rec.Code)
		}
		for who, token := range principals {
			rec := tb.req(t, method, path, token, nil)
			want := slices.Contains(allowed, who)
			got := rec.Code != http.StatusForbidden && rec.Code != http.StatusUnauthorized
			if want != got {
				t.Errorf("%s as %s: status %d, allowed=%v", route, who, rec.Code, want)
			}
		}
	}
}

// expectedKeyScope is the API key column of the DESIGN.md §2 matrix per
// route: the one scope that lets a key call it. Tenant routes not named
// here are for people only ("—" in the matrix) and refuse every key.
var expectedKeyScope = map[string]string{
	"POST /api/v1/contacts/search":          "contacts:read",
	"GET /api/v1/contacts/:id":              "contacts:read",
	"GET /api/v1/companies/:id":             "contacts:read",
	"GET /api/v1/corrections":               "contacts:read",
	"GET /api/v1/saved-contacts":            "saved:read",
	"GET /api/v1/saved-contacts/export":     "saved:read",
	"GET /api/v1/lists":                     "saved:read",
	"POST /api/v1/saved-contacts":           "saved:write",
	"DELETE /api/v1/saved-contacts":         "saved:write",
	"PATCH /api/v1/saved-contacts/:id":      "saved:write",
	"POST /api/v1/lists":                    "saved:write",
	"PATCH /api/v1/lists/:id":               "saved:write",
	"DELETE /api/v1/lists/:id":              "saved:write",
	"POST /api/v1/lists/:id/members":        "saved:write",
	"DELETE /api/v1/lists/:id/members":      "saved:write",
	"POST /api/v1/contacts/:id/corrections": "corrections:write",
	"POST /api/v1/imports":                  "imports:write",
	"PUT /api/v1/imports/:id/mapping":       "imports:write",
	"POST /api/v1/imports/:id/start":        "imports:write",
	"POST /api/v1/imports/:id/cancel":       "imports:write",
	"DELETE /api/v1/imports/:id":            "imports:write",
	"GET /api/v1/imports":                   "imports:read",
	"GET /api/v1/imports/:id":               "imports:read",
	"GET /api/v1/imports/:id/records":       "imports:read",
	"GET /api/v1/imports/:id/errors.csv":    "imports:read",
	"POST /api/v1/crm/pushes":               "crm:push",
	"GET /api/v1/crm/pushes":                "crm:read",
	"GET /api/v1/crm/pushes/:id":            "crm:read",
	"GET /api/v1/crm/connection":            "crm:read",
	"GET /api/v1/crm/settings":              "crm:read",
	"GET /api/v1/tenant/usage":              "usage:read",
}

// TestRouteKeyScopes walks every authenticated API route with API keys: a
// key holding only the route's scope is let through, a key holding every
// other scope is refused (403), and the people-only and platform routes
// refuse a key holding every scope. A key never reaches further than the
// matrix says, nor than an org_admin could.
func TestRouteKeyScopes(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "scope")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	all := []string{"contacts:read", "saved:read", "saved:write", "corrections:write", "imports:read",
		"imports:write", "crm:read", "crm:push", "usage:read"}
	only := map[string]string{}
	allBut := map[string]string{}
	for _, sc := range all {
		only[sc] = tb.MustCreateKey(t, admin, sc).Secret
		allBut[sc] = tb.MustCreateKey(t, admin, slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == sc })...).Secret
	}
	everything := tb.MustCreateKey(t, admin, all...).Secret
	for route := range expectedKeyScope {
		if _, ok := tb.srv.access[route]; !ok {
			t.Errorf("expectedKeyScope names %s, which is not registered", route)
		}
	}
	for route, access := range tb.srv.access {
		if access.public {
			continue
		}
		method, path, _ := strings.Cut(route, " ")
		path = strings.NewReplacer(":userId", uuid.NewString(), ":id", uuid.NewString()).Replace(path)
		denied := func(rec *httptest.ResponseRecorder) bool { return rec.Code == http.StatusForbidden }
		scope, ok := expectedKeyScope[route]
		if !ok {
			if rec := tb.req(t, method, path, everything, nil); !denied(rec) {
				t.Errorf("%s with a key of every scope: %d, want 403", route, rec.Code)
			}
			continue
		}
		if !slices.Contains(expectedAccess[route], "org_admin") {
			t.Errorf("%s: a key scope on a route an org_admin cannot call", route)
		}
		if rec := tb.req(t, method, path, only[scope], nil); rec.Code == http.StatusForbidden || rec.Code == http.StatusUnauthorized {
			t.Errorf("%s with a %s key: %d, want allowed", route, scope, rec.Code)
		}
		if rec := tb.req(t, method, path, allBut[scope], nil); !denied(rec) {
			t.Errorf("%s with a key of every scope but %s: %d, want 403", route, scope, rec.Code)
		}
	}
}
