package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestNamesShowText: a name people read elsewhere (a person's in the team
// list and the audit log, an organization's in invitation mail, an API key's,
// a package's on the plans page) follows the rule of contacts' free text: no
// control characters, white space collapsed, invisible characters trimmed
// at the edges, and something left to show. A name of zero-width spaces or
// Hangul fillers read as blank everywhere; a bell or a backspace went into
// mail subjects.
func TestNamesShowText(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "names")
	tb.MustSetPackage(t, admin.tenantID, "pro") // API keys
	staff := tb.MustSystemUser(t, "system_admin")
	invite := func(t *testing.T) string {
		rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": uniqueEmail("n"), "role": "viewer"})
		wantStatus(t, rec, http.StatusCreated)
		url := decode[InvitationResponse](t, rec).AcceptURL
		return url[strings.Index(url, "token=")+len("token="):]
	}
	signup := func(name, tenant string) map[string]string {
		return map[string]string{"email": uniqueEmail("s"), "password": testPassword, "name": name, "tenant_name": tenant}
	}
	tests := []struct {
		name   string
		method string
		path   string
		token  string
		body   func(t *testing.T) any
		field  string // the field a 422 names; "" for success
	}{
		{"ErrInvalidUserNameControl", http.MethodPost, "/api/v1/auth/signup", "",
			func(*testing.T) any { return signup("Eve\u0007", "Acme") }, "name"},
		{"ErrInvalidTenantNameInvisible", http.MethodPost, "/api/v1/auth/signup", "",
			func(*testing.T) any { return signup("Eve", "\u200b\u200b\u200b") }, "tenant_name"},
		{"ErrInvalidTenantNameFillers", http.MethodPatch, "/api/v1/tenant", admin.token,
			func(*testing.T) any { return map[string]string{"name": "\u3164\u3164\u3164"} }, "name"},
		{"ErrInvalidTenantNameControl", http.MethodPatch, "/api/v1/tenant", admin.token,
			func(*testing.T) any { return map[string]string{"name": "Acme\u0008\u0008"} }, "name"},
		{"ErrInvalidKeyNameBlank", http.MethodPost, "/api/v1/api-keys", admin.token,
			func(*testing.T) any { return map[string]any{"name": "\u2800", "scopes": []string{"contacts:read"}} }, "name"},
		{"ErrInvalidAcceptedNameControl", http.MethodPost, "/api/v1/invitations/accept", "",
			func(t *testing.T) any {
				return map[string]string{"token": invite(t), "name": "Mallory\u001b[31m", "password": testPassword}
			}, "name"},
		{"ErrInvalidPackageNameInvisible", http.MethodPost, "/api/v1/admin/packages", staff.token,
			func(*testing.T) any {
				return map[string]any{"code": "blank-" + strings.ToLower(uuid.NewString()[:6]), "name": "\u200b", "price_cents": 100,
					"max_users": 1, "searches_per_month": 1, "max_contacts_per_query": 1, "api_access": false, "api_requests_per_minute": 0,
					"import_rows_per_month": 1, "max_concurrent_jobs": 1, "crm_pushes_per_month": 1}
			}, "name"},
		{"OKEdgesTrimmed", http.MethodPost, "/api/v1/api-keys", admin.token,
			func(*testing.T) any {
				return map[string]any{"name": "\u200bCRM  sync\ufeff", "scopes": []string{"contacts:read"}}
			}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, tt.method, tt.path, tt.token, tt.body(t))
			if tt.field == "" {
				wantStatus(t, rec, http.StatusCreated)
				if !strings.Contains(rec.Body.String(), `"name":"CRM sync"`) {
					t.Fatalf("name not cleaned: %s", rec.Body.String())
				}
				return
			}
			wantStatus(t, rec, http.StatusUnprocessableEntity)
			if !strings.Contains(rec.Body.String(), `"field":"`+tt.field+`"`) {
				t.Fatalf("the problem does not name %s: %s", tt.field, rec.Body.String())
			}
		})
	}
}
