package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTextLimitsCountAfterTrimming: a text field's limit counts characters
// (code points: an emoji is one) of the value as it is kept, with its
// surrounding spaces and line breaks trimmed. A value of exactly the limit
// that a textarea or a paste left a trailing line break on is not refused,
// and one a character over still is.
func TestTextLimitsCountAfterTrimming(t *testing.T) {
	t.Parallel()
	// Room for 2,000 emoji (8,000 bytes) and the padding.
	tb := setupWith(t, map[string]string{"MAX_BODY_BYTES": "65536"})
	tb.MustSeedContacts(t)
	a := tb.MustSignup(t, "trim")
	tb.MustSetPackage(t, a.tenantID, "starter")
	sys := tb.MustSystemUser(t, "system_admin")
	items := tb.search(t, a.token, map[string]any{"query": "manager", "page_size": 3}).Items
	saved := items[0].ID
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": []string{saved}}), 200)
	future := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)

	// padded is n emoji between spaces and line breaks: n characters once
	// trimmed, over 300 more before (past the correction value's 500 too).
	padded := func(n int) string { return " \n" + strings.Repeat("👍", n) + "\n" + strings.Repeat(" ", 300) }
	pkg := func(field, value string) map[string]any {
		body := map[string]any{"code": "p" + strings.ToLower(a.tenantID[:8]), "name": "Team", "price_cents": 9900, "max_users": 5,
			"searches_per_month": 500, "max_contacts_per_query": 50, "api_access": true, "api_requests_per_minute": 60,
			"import_rows_per_month": 10000, "max_concurrent_jobs": 1, "crm_pushes_per_month": 1000}
		body[field] = value
		return body
	}
	tests := []struct {
		name       string
		method     string
		path       string
		token      string
		body       func(string) any
		max        int
		field      string
		okStatus   int
		checkOver  bool
		overStatus int
	}{
		{"SavedNote", http.MethodPatch, "/api/v1/saved-contacts/" + saved, a.token,
			func(v string) any { return map[string]string{"notes": v} }, 2000, "notes", 200, true, 422},
		{"ListName", http.MethodPost, "/api/v1/lists", a.token,
			func(v string) any { return map[string]string{"name": v} }, 100, "name", 201, true, 422},
		{"CorrectionValue", http.MethodPost, "/api/v1/contacts/" + items[1].ID + "/corrections", a.token,
			func(v string) any { return map[string]string{"field": "title", "value": v} }, 200, "value", 201, true, 422},
		{"APIKeyName", http.MethodPost, "/api/v1/api-keys", a.token,
			func(v string) any { return map[string]any{"name": v, "scopes": []string{"contacts:read"}} }, 100, "name", 201, true, 422},
		{"TenantName", http.MethodPatch, "/api/v1/tenant", a.token,
			func(v string) any { return map[string]string{"name": v} }, 200, "name", 200, true, 422},
		{"SignupNames", http.MethodPost, "/api/v1/auth/signup", "",
			func(v string) any {
				return map[string]string{"email": uniqueEmail("trim"), "password": testPassword, "name": v, "tenant_name": v}
			}, 200, "name", 201, true, 422},
		{"SearchQuery", http.MethodPost, "/api/v1/contacts/search", a.token,
			func(v string) any { return map[string]any{"query": v, "page_size": 1} }, 200, "query", 200, true, 422},
		{"PackageName", http.MethodPost, "/api/v1/admin/packages", sys.token,
			func(v string) any { return pkg("name", v) }, 100, "name", 201, true, 422},
		{"PackageDescription", http.MethodPatch, "/api/v1/admin/packages/{pkg}", sys.token,
			func(v string) any { return map[string]string{"description": v} }, 500, "description", 200, true, 422},
		{"SubscriptionReason", http.MethodPut, "/api/v1/admin/tenants/" + a.tenantID + "/subscription", sys.token,
			func(v string) any {
				return map[string]any{"package_code": "starter", "status": "active", "reason": v, "current_period_end": future}
			}, 500, "reason", 200, true, 422},
		{"TenantStatusReason", http.MethodPatch, "/api/v1/admin/tenants/" + a.tenantID, sys.token,
			func(v string) any { return map[string]string{"status": "active", "reason": v} }, 500, "reason", 200, true, 422},
	}
	var pkgID string
	for _, tt := range tests {
		// Not parallel: the package description case edits the package the name case creates.
		t.Run(tt.name, func(t *testing.T) {
			path := strings.Replace(tt.path, "{pkg}", pkgID, 1)
			rec := tb.req(t, tt.method, path, tt.token, tt.body(padded(tt.max)))
			wantStatus(t, rec, tt.okStatus)
			if tt.name == "PackageName" {
				pkgID = decode[PackageResponse](t, rec).ID
			}
			if !tt.checkOver {
				return
			}
			rec = tb.req(t, tt.method, path, tt.token, tt.body(padded(tt.max+1)))
			wantStatus(t, rec, tt.overStatus)
			p := decode[Problem](t, rec)
			if !slices.ContainsFunc(p.Errors, func(e ProblemField) bool { return e.Field == tt.field }) {
				t.Fatalf("errors %+v, want one on %s", p.Errors, tt.field)
			}
		})
	}

	// An invited person's name, as at sign-up.
	for _, tt := range []struct {
		n    int
		want int
	}{{200, 200}, {201, 422}} {
		rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", a.token, map[string]string{"email": uniqueEmail("trim"), "role": "viewer"})
		wantStatus(t, rec, http.StatusCreated)
		inv := decode[InvitationResponse](t, rec)
		token := inv.AcceptURL[strings.Index(inv.AcceptURL, "token=")+len("token="):]
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "",
			map[string]string{"token": token, "name": padded(tt.n), "password": testPassword}), tt.want)
	}

	// A minimum counts after trimming too: spaces do not make a reason long enough.
	rec := tb.req(t, http.MethodPut, "/api/v1/admin/tenants/"+a.tenantID+"/subscription", sys.token,
		map[string]any{"package_code": "starter", "status": "active", "reason": "  ok  "})
	wantStatus(t, rec, 422)
	if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Field != "reason" {
		t.Fatalf("errors %+v, want one on reason", p.Errors)
	}
}
