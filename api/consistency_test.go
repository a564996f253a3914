package api

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestCSVDownloadErrorsAreNotAttachments: a CSV route that refuses (an
// unknown list, another tenant's import) answers a problem document shown
// as one, not a file download named .csv holding the JSON.
func TestCSVDownloadErrorsAreNotAttachments(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "csverr")
	missing := uuid.Must(uuid.NewV7()).String()
	tests := []struct {
		name string
		path string
	}{
		{"ErrNotFoundSavedExportList", "/api/v1/saved-contacts/export?list_id=" + missing},
		{"ErrNotFoundImportErrors", "/api/v1/imports/" + missing + "/errors.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.req(t, http.MethodGet, tt.path, admin.token, nil)
			wantStatus(t, rec, http.StatusNotFound)
			decodeProblem(t, rec)
			if cd := rec.Header().Get("Content-Disposition"); cd != "" {
				t.Errorf("problem carries Content-Disposition %q: a browser saves it as a CSV file", cd)
			}
		})
	}
}

// TestPageSizeNameMixUp: lists page with limit or with page_size (the
// contact lists with page_size, the others with limit). A list that is
// sent the other name refuses it (422 naming it) instead of ignoring it
// and answering a page of the default size.
func TestPageSizeNameMixUp(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "pagename")
	sys := tb.MustSystemUser(t, "system_admin")
	tests := []struct {
		name, token, path, wantField string
	}{
		{"OKLimit", admin.token, "/api/v1/imports?limit=5", ""},
		{"OKPageSize", admin.token, "/api/v1/corrections?page_size=5", ""},
		{"ErrPageSizeOnImports", admin.token, "/api/v1/imports?page_size=5", "page_size"},
		{"ErrPageSizeOnCRMPushes", admin.token, "/api/v1/crm/pushes?page_size=5", "page_size"},
		{"ErrPageSizeOnAuditEvents", admin.token, "/api/v1/tenant/audit-events?page_size=5", "page_size"},
		{"ErrPageSizeOnAdminTenants", sys.token, "/api/v1/admin/tenants?page_size=5", "page_size"},
		{"ErrLimitOnCorrections", admin.token, "/api/v1/corrections?limit=5", "limit"},
		{"ErrLimitOnReviewQueue", sys.token, "/api/v1/admin/corrections?limit=5", "limit"},
		{"ErrLimitOnSaved", admin.token, "/api/v1/saved-contacts?limit=5", "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.req(t, http.MethodGet, tt.path, tt.token, nil)
			if tt.wantField == "" {
				wantStatus(t, rec, http.StatusOK)
				return
			}
			wantStatus(t, rec, http.StatusUnprocessableEntity)
			p := decodeProblem(t, rec)
			errs, _ := p["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["field"] != tt.wantField {
				t.Fatalf("errors = %v, want one naming %s", p["errors"], tt.wantField)
			}
		})
	}
}

// TestRateLimitProblemNamesTheLimit: API keys are limited per key and per
// tenant (every key of the tenant together). A 429 says which of the two
// refused, so the integrator whose quiet key is refused because another
// key used the tenant's minute learns why.
func TestRateLimitProblemNamesTheLimit(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin, key := tb.MustRateLimitedKey(t, "ratescope", 2)
	key2 := tb.MustCreateKey(t, admin, "usage:read")
	for range 2 {
		wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), http.StatusOK)
	}
	tests := []struct {
		name, secret, wantScope, wantDetail string
	}{
		{"ErrKeyOverItsLimit", key.Secret, "api_key", "this API key"},
		{"ErrTenantOverItsLimit", key2.Secret, "tenant", "shared by all its API keys"},
	}
	for _, tt := range tests {
		rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", tt.secret, false)
		wantStatus(t, rec, http.StatusTooManyRequests)
		if rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", tt.name)
		}
		p := decodeProblem(t, rec)
		if p["limit_scope"] != tt.wantScope || !strings.Contains(p["detail"].(string), tt.wantDetail) {
			t.Errorf("%s: limit_scope %v, detail %q; want %s and %q", tt.name, p["limit_scope"], p["detail"], tt.wantScope, tt.wantDetail)
		}
	}
}

// TestMethodsAndPathsAsDocumented holds the router to what docs/API.md
// says of methods and paths: OPTIONS answers 204 with Allow, HEAD is not
// an API method (405 with Allow), a trailing slash names no route.
func TestMethodsAndPathsAsDocumented(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantAllow          string
	}{
		{"OKOptions", http.MethodOptions, "/api/v1/lists", http.StatusNoContent, "OPTIONS, GET, POST"},
		{"ErrHead", http.MethodHead, "/api/v1/status", http.StatusMethodNotAllowed, "OPTIONS, GET"},
		{"ErrMethod", http.MethodDelete, "/api/v1/lists", http.StatusMethodNotAllowed, "OPTIONS, GET, POST"},
		{"ErrTrailingSlash", http.MethodGet, "/api/v1/status/", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.do(t, tt.method, tt.path, "", "")
			wantStatus(t, rec, tt.wantStatus)
			if got := rec.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
		})
	}
}

// TestEveryOperationInTheGuide: each operation of openapi/openapi.json has
// its line in docs/API.md's "Every route", written `METHOD /path` as the
// spec names it, so a reader of the guide finds every route.
func TestEveryOperationInTheGuide(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../openapi/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	guide, err := os.ReadFile("../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(guide), "\n## Every route\n")
	if !ok {
		t.Fatal(`docs/API.md has no "## Every route" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	n := 0
	for path, ops := range spec.Paths {
		for method := range ops {
			switch method {
			case "get", "post", "put", "patch", "delete":
			default:
				continue
			}
			n++
			if op := "`" + strings.ToUpper(method) + " " + path + "`"; !strings.Contains(section, op) {
				t.Errorf("docs/API.md, Every route: no line names %s", op)
			}
		}
	}
	if n < 80 {
		t.Fatalf("read only %d operations from openapi/openapi.json", n)
	}
}
