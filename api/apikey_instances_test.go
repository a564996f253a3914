package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestAPIKeyChangesReachEveryInstanceAtOnce: two API instances share the
// database (two routers, each with its own services and key cache). What
// one of them changes about a key, its tenant or its package is answered
// by the other on its very next request with the key: revocation (401),
// rotation without overlap (401 for the old secret), suspension (403),
// a package without API access (403), a package's new request rate
// (RateLimit-Limit). Each instance cached the key by using it first; the
// cache used to keep the old answer on the other instance for up to 10 s.
func TestAPIKeyChangesReachEveryInstanceAtOnce(t *testing.T) {
	t.Parallel()
	a, b := setup(t), setup(t) // the same database, two servers
	sys := a.MustSystemUser(t, "system_admin")
	// warm uses the key on both instances, so each has it cached.
	warm := func(t *testing.T, secret string) {
		t.Helper()
		for _, tb := range []*testBundle{a, b} {
			wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", secret, false), http.StatusOK)
		}
	}
	problemType := func(t *testing.T, tb *testBundle, secret string, status int) string {
		t.Helper()
		rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", secret, false)
		wantStatus(t, rec, status)
		return decodeProblem(t, rec)["type"].(string)
	}

	t.Run("Revoke", func(t *testing.T) {
		admin := a.MustSignup(t, "inst-revoke")
		a.MustSetPackage(t, admin.tenantID, "starter")
		key := a.MustCreateKey(t, admin, "usage:read")
		warm(t, key.Secret)
		a.MustRevokeKey(t, admin, key.ID)
		for name, tb := range map[string]*testBundle{"revoking instance": a, "other instance": b} {
			if got := problemType(t, tb, key.Secret, http.StatusUnauthorized); got == "" {
				t.Fatalf("%s: no problem type", name)
			}
		}
	})

	t.Run("RotateWithoutOverlap", func(t *testing.T) {
		admin := a.MustSignup(t, "inst-rotate")
		a.MustSetPackage(t, admin.tenantID, "starter")
		key := a.MustCreateKey(t, admin, "usage:read")
		warm(t, key.Secret)
		rec := a.req(t, http.MethodPost, "/api/v1/api-keys/"+key.ID+"/rotate", admin.token, map[string]int{"overlap_hours": 0})
		wantStatus(t, rec, http.StatusCreated)
		problemType(t, b, key.Secret, http.StatusUnauthorized)
		wantStatus(t, b.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", decode[APIKeyResponse](t, rec).Secret, false), http.StatusOK)
	})

	t.Run("Suspend", func(t *testing.T) {
		admin := a.MustSignup(t, "inst-suspend")
		a.MustSetPackage(t, admin.tenantID, "starter")
		key := a.MustCreateKey(t, admin, "usage:read")
		warm(t, key.Secret)
		wantStatus(t, a.req(t, http.MethodPatch, "/api/v1/admin/tenants/"+admin.tenantID, sys.token,
			map[string]string{"status": "suspended", "reason": "abuse"}), http.StatusOK)
		if got := problemType(t, b, key.Secret, http.StatusForbidden); got != "tenant-suspended" {
			t.Fatalf("other instance: type %q, want tenant-suspended", got)
		}
		wantStatus(t, a.req(t, http.MethodPatch, "/api/v1/admin/tenants/"+admin.tenantID, sys.token,
			map[string]string{"status": "active", "reason": "resolved"}), http.StatusOK)
		wantStatus(t, b.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), http.StatusOK)
	})

	t.Run("Downgrade", func(t *testing.T) {
		admin := a.MustSignup(t, "inst-downgrade")
		a.MustSetPackage(t, admin.tenantID, "starter")
		key := a.MustCreateKey(t, admin, "usage:read")
		warm(t, key.Secret)
		wantStatus(t, a.req(t, http.MethodPut, "/api/v1/admin/tenants/"+admin.tenantID+"/subscription", sys.token,
			map[string]string{"package_code": "free", "status": "active", "reason": "downgrade"}), http.StatusOK)
		if got := problemType(t, b, key.Secret, http.StatusForbidden); got != "plan-feature-unavailable" {
			t.Fatalf("other instance: type %q, want plan-feature-unavailable", got)
		}
	})

	t.Run("PackageTerms", func(t *testing.T) {
		admin := a.MustSignup(t, "inst-terms")
		code := "inst-" + strings.ToLower(uuid.NewString()[:6])
		rec := a.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, map[string]any{"code": code, "name": "Terms " + code,
			"max_users": 3, "searches_per_month": 10, "max_contacts_per_query": 10, "api_access": true, "api_requests_per_minute": 500,
			"import_rows_per_month": 10, "max_concurrent_jobs": 1, "crm_pushes_per_month": 10})
		wantStatus(t, rec, http.StatusCreated)
		pkg := decode[PackageResponse](t, rec)
		a.MustSetPackage(t, admin.tenantID, code)
		key := a.MustCreateKey(t, admin, "usage:read")
		warm(t, key.Secret)
		wantStatus(t, a.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token,
			map[string]any{"api_requests_per_minute": 400}), http.StatusOK)
		rec = b.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
		wantStatus(t, rec, http.StatusOK)
		if got := rec.Header().Get("RateLimit-Limit"); got != "400" {
			t.Fatalf("other instance: RateLimit-Limit %s after the package's rate went to 400", got)
		}
		wantStatus(t, a.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token,
			map[string]any{"api_access": false}), http.StatusOK)
		if got := problemType(t, b, key.Secret, http.StatusForbidden); got != "plan-feature-unavailable" {
			t.Fatalf("other instance: type %q, want plan-feature-unavailable", got)
		}
	})
}

// TestAPIKey401Challenges: a 401 for an API key (unknown, malformed,
// revoked) carries WWW-Authenticate, as every 401 must (RFC 9110
// §15.5.2) and as the access-token path's do; the key path sent none.
func TestAPIKey401Challenges(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "challenge")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	key := tb.MustCreateKey(t, admin, "usage:read")
	tb.MustRevokeKey(t, admin, key.ID)
	tests := []struct {
		name, secret string
		bearer       bool
	}{
		{"ErrRevokedHeader", key.Secret, false},
		{"ErrRevokedBearer", key.Secret, true},
		{"ErrMalformedHeader", "ock_not-a-key", false},
		{"ErrMalformedBearer", "ock_not-a-key", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", tt.secret, tt.bearer)
			wantStatus(t, rec, http.StatusUnauthorized)
			decodeProblem(t, rec)
			if got := rec.Header().Get("WWW-Authenticate"); got != `Bearer realm="api", error="invalid_token"` {
				t.Fatalf("WWW-Authenticate %q", got)
			}
		})
	}
}
