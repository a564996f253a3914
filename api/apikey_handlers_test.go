package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/apikeys"
	"github.com/onecloudai/contacts/internal/platform/syncbuf"
)

// MustCreateKey issues an API key for admin's tenant with scopes.
func (tb *testBundle) MustCreateKey(t testing.TB, admin session, scopes ...string) APIKeyResponse {
	t.Helper()
	rec := tb.req(t, http.MethodPost, "/api/v1/api-keys", admin.token, map[string]any{"name": "test key", "scopes": scopes})
	wantStatus(t, rec, http.StatusCreated)
	return decode[APIKeyResponse](t, rec)
}

// MustRevokeKey revokes admin's tenant's key id, as a test's setup: the
// revoke route's own answers are tested in TestAPIKeyLifecycle.
func (tb *testBundle) MustRevokeKey(t testing.TB, admin session, id string) {
	t.Helper()
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/api-keys/"+id, admin.token, nil), http.StatusNoContent)
}

// keyReq sends a request authenticated by an API key, in the X-API-Key
// header or as a Bearer credential.
func (tb *testBundle) keyReq(t testing.TB, method, path, secret string, asBearer bool) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if asBearer {
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+secret)
	} else {
		req.Header.Set("X-API-Key", secret)
	}
	req.RemoteAddr = keyTestAddr()
	return tb.serve(t, req)
}

// keyJSON sends a JSON body authenticated by an API key (X-API-Key).
func (tb *testBundle) keyJSON(t testing.TB, method, path, secret string, body any) *httptest.ResponseRecorder {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(string(b)))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	req.Header.Set("X-API-Key", secret)
	req.RemoteAddr = keyTestAddr()
	return tb.serve(t, req)
}

func TestAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "keys")
	member := tb.MustJoin(t, admin, "member")

	// The Free package has no API access.
	rec := tb.req(t, http.MethodPost, "/api/v1/api-keys", admin.token, map[string]any{"name": "k", "scopes": []string{"usage:read"}})
	wantStatus(t, rec, http.StatusForbidden)
	if decodeProblem(t, rec)["type"] != "plan-feature-unavailable" {
		t.Fatal("want plan-feature-unavailable")
	}
	tb.MustSetPackage(t, admin.tenantID, "starter")

	tests := []struct {
		name       string
		token      string
		body       any
		wantStatus int
	}{
		{"ErrUnknownScope", admin.token, map[string]any{"name": "k", "scopes": []string{"admin:all"}}, 422},
		{"ErrNoScopes", admin.token, map[string]any{"name": "k", "scopes": []string{}}, 422},
		{"ErrDateOnlyExpiry", admin.token, map[string]any{"name": "k", "scopes": []string{"usage:read"}, "expires_at": "2027-06-01"}, 422},
		{"ErrPastExpiry", admin.token, map[string]any{"name": "k", "scopes": []string{"usage:read"}, "expires_at": "2020-01-01T00:00:00Z"}, 422},
		{"ErrForbiddenMember", member.token, map[string]any{"name": "k", "scopes": []string{"usage:read"}}, 403},
		{"ErrUnauthenticated", "", map[string]any{"name": "k", "scopes": []string{"usage:read"}}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/api-keys", tt.token, tt.body), tt.wantStatus)
		})
	}

	// A timestamp that does not parse is named, for the form to show its
	// error next to the field.
	rec = tb.req(t, http.MethodPost, "/api/v1/api-keys", admin.token,
		map[string]any{"name": "k", "scopes": []string{"usage:read"}, "expires_at": "2027-06-01"})
	wantStatus(t, rec, http.StatusUnprocessableEntity)
	if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Field != "expires_at" {
		t.Fatalf("errors %+v, want one on expires_at", p.Errors)
	}

	key := tb.MustCreateKey(t, admin, "usage:read", "contacts:read")
	if !strings.HasPrefix(key.Secret, "ock_") || len(key.Secret) != 53 || key.Prefix != key.Secret[:12] || key.Status != "active" {
		t.Fatalf("key %+v", key)
	}
	// Stored hashed only; listed without the secret.
	var clear int64
	tb.db.Gorm.Table("api_keys").Where("secret_hash = ?", []byte(key.Secret)).Count(&clear)
	list := tb.req(t, http.MethodGet, "/api/v1/api-keys", admin.token, nil)
	if clear != 0 || strings.Contains(list.Body.String(), key.Secret) {
		t.Fatal("secret stored or listed")
	}

	// Both header forms work; responses carry rate-limit headers.
	for _, bearer := range []bool{false, true} {
		rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, bearer)
		wantStatus(t, rec, http.StatusOK)
		for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
			if rec.Header().Get(h) == "" {
				t.Fatalf("missing %s", h)
			}
		}
		if rec.Header().Get("RateLimit-Limit") != "120" {
			t.Fatalf("limit %s, want Starter's 120", rec.Header().Get("RateLimit-Limit"))
		}
	}
	// Outside its scopes: 403 naming the scope. People-only routes: 403.
	rec = tb.keyReq(t, http.MethodGet, "/api/v1/tenant/members", key.Secret, false)
	wantStatus(t, rec, http.StatusForbidden)
	rec = tb.keyReq(t, http.MethodGet, "/api/v1/api-keys", key.Secret, false)
	wantStatus(t, rec, http.StatusForbidden)
	usageOnly := tb.MustCreateKey(t, admin, "contacts:read")
	rec = tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", usageOnly.Secret, false)
	wantStatus(t, rec, http.StatusForbidden)
	if p := decodeProblem(t, rec); !strings.Contains(p["detail"].(string), "usage:read") || p["required_scope"] != "usage:read" {
		t.Fatalf("403 does not name the scope: %v", p)
	}

	// Usage is counted without a write per request, and readable: four
	// authenticated requests (two answered, two refused for scope).
	usage := decode[APIKeyUsageResponse](t, tb.req(t, http.MethodGet, "/api/v1/api-keys/"+key.ID+"/usage", admin.token, nil))
	if usage.Total != 4 || len(usage.Days) != 30 {
		t.Fatalf("usage %+v", usage)
	}
	keys := decode[APIKeyList](t, tb.req(t, http.MethodGet, "/api/v1/api-keys", admin.token, nil))
	for _, k := range keys.Items {
		if k.ID == key.ID && (k.LastUsedAt == nil || k.CreatedBy != admin.email) {
			t.Fatalf("listed %+v", k)
		}
	}

	// Revoke: refused at once on this instance, with the generic answer.
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/api-keys/"+key.ID, admin.token, nil), 204)
	rec = tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
	wantStatus(t, rec, http.StatusUnauthorized)
	generic := decodeProblem(t, rec)["detail"]
	for _, bad := range []string{"ock_nonsense", "ock_" + strings.Repeat("A", 49), "garbage"} {
		rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", bad, false)
		wantStatus(t, rec, http.StatusUnauthorized)
		if decodeProblem(t, rec)["detail"] != generic {
			t.Fatalf("%q answered differently", bad)
		}
	}
	// Another tenant cannot revoke or read this tenant's keys.
	other := tb.MustSignup(t, "keys-other")
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/api-keys/"+usageOnly.ID, other.token, nil), 404)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/api-keys/"+usageOnly.ID+"/usage", other.token, nil), 404)
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/api-keys/"+uuid.NewString(), admin.token, nil), 404)
}

func TestAPIKeyExpiryAndRotation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "rotate")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	key := tb.MustCreateKey(t, admin, "usage:read")

	// Rotation with no overlap: the new secret works, the old one stops.
	rec := tb.req(t, http.MethodPost, "/api/v1/api-keys/"+key.ID+"/rotate", admin.token, map[string]int{"overlap_hours": 0})
	wantStatus(t, rec, http.StatusCreated)
	rotated := decode[APIKeyResponse](t, rec)
	if rotated.Secret == "" || rotated.Secret == key.Secret || rotated.RotatedFrom != key.ID {
		t.Fatalf("rotated %+v", rotated)
	}
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", rotated.Secret, false), 200)
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), 401)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/api-keys/"+key.ID+"/rotate", admin.token, map[string]int{"overlap_hours": 1}), 409)

	// An empty body means the default overlap (0).
	req := httptest.NewRequest(http.MethodPost, "/api/v1/api-keys/"+rotated.ID+"/rotate", nil)
	req.Header.Set(echo.HeaderAuthorization, "Bearer "+admin.token)
	norec := tb.serve(t, req)
	wantStatus(t, norec, http.StatusCreated)
	rotated = decode[APIKeyResponse](t, norec)

	// With an overlap both secrets work until it ends.
	rec = tb.req(t, http.MethodPost, "/api/v1/api-keys/"+rotated.ID+"/rotate", admin.token, map[string]int{"overlap_hours": 24})
	wantStatus(t, rec, http.StatusCreated)
	third := decode[APIKeyResponse](t, rec)
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", rotated.Secret, false), 200)
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", third.Secret, false), 200)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/api-keys/"+third.ID+"/rotate", admin.token, map[string]int{"overlap_hours": 169}), 422)

	// An expired key is refused like an unknown one.
	exp := tb.MustCreateKey(t, admin, "usage:read")
	tb.db.Gorm.Exec(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ?`, exp.ID)
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", exp.Secret, false), 401)
}

// TestAPIKeyRotateTwice: a key is rotated once, and a second rotation (a
// retry whose answer was lost, a second tab) names the successor to rotate
// instead (docs/API.md), also when the old secret has already stopped
// working: with no overlap (the default) it stops at once. It used to
// answer "the key is expired; create a new one instead", hiding that a
// successor exists.
func TestAPIKeyRotateTwice(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "rotate-twice")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	tests := []struct {
		name    string
		overlap int
		expire  bool // the overlap has ended by the second call
	}{
		{name: "NoOverlap", overlap: 0},
		{name: "OverlapRunning", overlap: 24},
		{name: "OverlapEnded", overlap: 1, expire: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := tb.MustCreateKey(t, admin, "usage:read")
			rec := tb.req(t, http.MethodPost, "/api/v1/api-keys/"+key.ID+"/rotate", admin.token, map[string]int{"overlap_hours": tt.overlap})
			wantStatus(t, rec, http.StatusCreated)
			successor := decode[APIKeyResponse](t, rec)
			if tt.expire {
				tb.db.Gorm.Exec(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ?`, key.ID)
			}
			rec = tb.req(t, http.MethodPost, "/api/v1/api-keys/"+key.ID+"/rotate", admin.token, map[string]int{"overlap_hours": tt.overlap})
			wantStatus(t, rec, http.StatusConflict)
			if detail, _ := decodeProblem(t, rec)["detail"].(string); !strings.Contains(detail, successor.Prefix) {
				t.Fatalf("detail %q does not name the successor %s", detail, successor.Prefix)
			}
		})
	}
}

func TestAPIKeyPlanAndSuspension(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	admin := tb.MustSignup(t, "plan")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	key := tb.MustCreateKey(t, admin, "usage:read")
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), 200)

	// Dropping to a package without API access refuses the key (403), data kept.
	wantStatus(t, tb.req(t, http.MethodPut, "/api/v1/admin/tenants/"+admin.tenantID+"/subscription", sys.token,
		map[string]string{"package_code": "free", "status": "active", "reason": "downgrade"}), 200)
	rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
	wantStatus(t, rec, http.StatusForbidden)
	if decodeProblem(t, rec)["type"] != "plan-feature-unavailable" {
		t.Fatal("want plan-feature-unavailable")
	}
	// Nor can the key be rotated into a secret that could not be used; the
	// old one keeps its expiry for when API access comes back.
	rec = tb.req(t, http.MethodPost, "/api/v1/api-keys/"+key.ID+"/rotate", admin.token, map[string]int{"overlap_hours": 1})
	wantStatus(t, rec, http.StatusForbidden)
	if decodeProblem(t, rec)["type"] != "plan-feature-unavailable" {
		t.Fatal("rotate without API access: want plan-feature-unavailable")
	}
	wantStatus(t, tb.req(t, http.MethodPut, "/api/v1/admin/tenants/"+admin.tenantID+"/subscription", sys.token,
		map[string]string{"package_code": "starter", "status": "active", "reason": "upgrade"}), 200)
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), 200)

	// A suspended tenant's key gets 403.
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/tenants/"+admin.tenantID, sys.token, map[string]string{"status": "suspended", "reason": "abuse"}), 200)
	rec = tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
	wantStatus(t, rec, http.StatusForbidden)
	if decodeProblem(t, rec)["type"] != "tenant-suspended" {
		t.Fatal("want tenant-suspended")
	}
}

// MustRateLimitedKey signs up a tenant (prefix) on a package of its own
// that allows perMinute API requests a minute and returns its admin and a
// usage:read key. The windows are fixed minutes: the server's clock is
// pinned mid-minute, or a run that straddles a minute boundary would start
// a fresh window.
func (tb *testBundle) MustRateLimitedKey(t testing.TB, prefix string, perMinute int) (session, APIKeyResponse) {
	t.Helper()
	pinned := time.Now().UTC().Truncate(time.Minute).Add(30 * time.Second)
	tb.srv.svc.Limits.WithClock(func() time.Time { return pinned })
	sys := tb.MustSystemUser(t, "system_admin")
	admin := tb.MustSignup(t, prefix)
	code := prefix + "-" + strings.ToLower(uuid.NewString()[:6])
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, map[string]any{"code": code, "name": "Rate " + code,
		"max_users": 3, "searches_per_month": 10, "max_contacts_per_query": 10, "api_access": true, "api_requests_per_minute": perMinute,
		"import_rows_per_month": 10, "max_concurrent_jobs": 1, "crm_pushes_per_month": 10}), 201)
	tb.MustSetPackage(t, admin.tenantID, code)
	return admin, tb.MustCreateKey(t, admin, "usage:read")
}

func TestAPIKeyRateLimit(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin, key := tb.MustRateLimitedKey(t, "rate", 3)
	for i := 3; i >= 1; i-- {
		rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
		wantStatus(t, rec, http.StatusOK)
		if rec.Header().Get("RateLimit-Remaining") != strconv.Itoa(i-1) {
			t.Fatalf("remaining %s, want %d", rec.Header().Get("RateLimit-Remaining"), i-1)
		}
	}
	rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
	wantStatus(t, rec, http.StatusTooManyRequests)
	retry, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 || rec.Header().Get("RateLimit-Remaining") != "0" || rec.Header().Get("RateLimit-Limit") != "3" {
		t.Fatalf("429 headers: %v", rec.Header())
	}
	if decodeProblem(t, rec)["type"] != "rate-limited" {
		t.Fatal("want rate-limited")
	}
	// A second key of the same tenant shares the tenant's budget.
	key2 := tb.MustCreateKey(t, admin, "usage:read")
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key2.Secret, false), 429)
	// When the window has passed (moved back here instead of sleeping), requests pass again.
	tb.db.Gorm.Exec(`UPDATE rate_limit_windows SET window_start = window_start - interval '1 minute'
		WHERE bucket IN (?, ?)`, "key:"+key.ID, "tenant:"+admin.tenantID)
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), 200)
}

// TestAPIKeyRateLimitLogged: a key over its rate limit is still a known
// key of a known tenant, and docs/OPERATIONS.md promises every
// authenticated request's log line names them. The 429 was logged without
// tenant_id and api_key_id, so an operator asked why an integration is
// refused could not find its requests.
func TestAPIKeyRateLimitLogged(t *testing.T) {
	t.Parallel()
	var logs syncbuf.Buffer
	tb := setupLogging(t, nil, &logs)
	admin, key := tb.MustRateLimitedKey(t, "ratelog", 1)
	tests := []struct {
		name   string
		status int
	}{
		{name: "Allowed", status: http.StatusOK},
		{name: "RateLimited", status: http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
		wantStatus(t, rec, tt.status)
		type logLine struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
			Status    int    `json:"status"`
			TenantID  string `json:"tenant_id"`
			APIKeyID  string `json:"api_key_id"`
		}
		var line logLine
		for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var got logLine
			if err := json.Unmarshal([]byte(l), &got); err == nil && got.Msg == "request" && got.RequestID == rec.Header().Get("X-Request-ID") {
				line = got
			}
		}
		if line.Msg != "request" || line.Status != tt.status {
			t.Fatalf("%s: no request log line with status %d for %s", tt.name, tt.status, rec.Header().Get("X-Request-ID"))
		}
		if line.TenantID != admin.tenantID || line.APIKeyID != key.ID {
			t.Errorf("%s: logged tenant_id %q api_key_id %q, want %q %q", tt.name, line.TenantID, line.APIKeyID, admin.tenantID, key.ID)
		}
	}
}

// keyPost sends a JSON POST authenticated by an API key.
func (tb *testBundle) keyPost(t testing.TB, path, secret string, body any) *httptest.ResponseRecorder {
	t.Helper()
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(string(b)))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	req.Header.Set("X-API-Key", secret)
	req.RemoteAddr = keyTestAddr()
	return tb.serve(t, req)
}

func TestAPIKeyUsageCountsUTCDays(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	// Requests count under the UTC day of the service clock, and the usage
	// window ends on that day whatever the database session's time zone:
	// two requests late on one day, one just after midnight.
	late := time.Date(2025, time.March, 14, 23, 50, 0, 0, time.UTC)
	now := late
	tb.srv.svc.APIKeys.WithClock(func() time.Time { return now })
	admin := tb.MustSignup(t, "usagedays")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	key := tb.MustCreateKey(t, admin, "usage:read")
	for range 2 {
		wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), http.StatusOK)
	}
	tb.srv.svc.APIKeys.FlushUsage(t.Context())
	now = late.Add(20 * time.Minute)
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), http.StatusOK)

	usage := decode[APIKeyUsageResponse](t, tb.req(t, http.MethodGet, "/api/v1/api-keys/"+key.ID+"/usage", admin.token, nil))
	if len(usage.Days) != 30 || usage.Total != 3 {
		t.Fatalf("usage %+v", usage)
	}
	for i, want := range map[int]APIKeyUsageDay{
		0:  {Day: "2025-02-14", Requests: 0},
		28: {Day: "2025-03-14", Requests: 2},
		29: {Day: "2025-03-15", Requests: 1},
	} {
		if usage.Days[i] != want {
			t.Errorf("day %d = %+v, want %+v", i, usage.Days[i], want)
		}
	}
}

// TestAPIKeysRefusedOnAccountRoutes: the routes of a person's account take
// no API key (a key belongs to the tenant): 403 insufficient-scope, not a
// 404 for a missing user or a 500 from a password change.
func TestAPIKeysRefusedOnAccountRoutes(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "keyacct")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	key := tb.MustCreateKey(t, admin, "contacts:read")
	tests := []struct {
		name, method, path string
		body               any
	}{
		{"ErrMe", http.MethodGet, "/api/v1/me", nil},
		{"ErrUpdateMe", http.MethodPatch, "/api/v1/me", map[string]string{"name": "Set by a key"}},
		{"ErrPassword", http.MethodPost, "/api/v1/me/password", map[string]string{"current_password": testPassword, "new_password": "another-long-password-9"}},
		{"ErrSwitchTenant", http.MethodPost, "/api/v1/auth/switch-tenant", map[string]string{"tenant_id": admin.tenantID}},
		{"ErrAcceptInvitation", http.MethodPost, "/api/v1/me/invitations/accept", map[string]string{"token": "any-token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.req(t, tt.method, tt.path, key.Secret, tt.body)
			wantStatus(t, rec, http.StatusForbidden)
			if p := decodeProblem(t, rec); p["type"] != "insufficient-scope" {
				t.Fatalf("problem %v", p)
			}
		})
	}
	// The same routes still serve the person.
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/me", admin.token, nil), http.StatusOK)
}

// TestAPIKeyTimestampsUTC: a key's timestamps are RFC 3339 UTC (DESIGN §5)
// in every answer, to the microsecond the database keeps. The create answer
// used to echo expires_at as the request wrote it ("+02:00", nanoseconds),
// so the same key read back from the list showed another string.
func TestAPIKeyTimestampsUTC(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "keys-utc")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	local := time.Now().Add(48 * time.Hour).In(time.FixedZone("CEST", 2*3600)).Truncate(time.Second).Add(123456789 * time.Nanosecond)
	want := local.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)

	rec := tb.req(t, http.MethodPost, "/api/v1/api-keys", admin.token,
		map[string]any{"name": "utc", "scopes": []string{"usage:read"}, "expires_at": local.Format(time.RFC3339Nano)})
	wantStatus(t, rec, http.StatusCreated)
	var created struct {
		ID        string `json:"id"`
		ExpiresAt string `json:"expires_at"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil {
		t.Fatal(err)
	}
	var listed struct {
		Items []struct {
			ID        string `json:"id"`
			ExpiresAt string `json:"expires_at"`
		} `json:"items"`
	}
	if err := json.Unmarshal(tb.req(t, http.MethodGet, "/api/v1/api-keys", admin.token, nil).Body.Bytes(), &listed); err != nil {
		t.Fatal(err)
	}
	rec = tb.req(t, http.MethodPost, "/api/v1/api-keys/"+created.ID+"/rotate", admin.token, map[string]int{"overlap_hours": 0})
	wantStatus(t, rec, http.StatusCreated)
	var rotated struct {
		ExpiresAt string `json:"expires_at"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &rotated); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"create": created.ExpiresAt, "rotate": rotated.ExpiresAt}
	for _, k := range listed.Items {
		if k.ID == created.ID {
			got["list"] = k.ExpiresAt
		}
	}
	for _, answer := range []string{"create", "rotate", "list"} {
		if got[answer] != want {
			t.Errorf("%s: expires_at %q, want %q", answer, got[answer], want)
		}
	}
}

// TestAPIKeyListHoldsEveryLiveKey: revoked and rotated keys are kept (the
// audit and the usage chart name them), so a tenant gathers many. The list
// answers every live key however many retired ones are newer, so none can
// drop out of the page that revokes it; and live keys are capped, so that
// list stays bounded.
func TestAPIKeyListHoldsEveryLiveKey(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "key-list")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	live := tb.MustCreateKey(t, admin, "usage:read")
	// 600 retired keys, all newer than the live one.
	tb.db.Gorm.Exec(`INSERT INTO api_keys (tenant_id, id, name, prefix, secret_hash, scopes, revoked_at)
		SELECT ?, uuidv7_like, 'old', 'ock_old', sha256(uuidv7_like::text::bytea), '{usage:read}', now()
		FROM (SELECT ('01ffffff-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid AS uuidv7_like FROM generate_series(1, 600) g) s`,
		admin.tenantID)

	list := decode[APIKeyList](t, tb.req(t, http.MethodGet, "/api/v1/api-keys", admin.token, nil))
	found := false
	for _, k := range list.Items {
		found = found || k.ID == live.ID
	}
	if !found {
		t.Fatalf("the live key %s is not among the %d keys listed", live.ID, len(list.Items))
	}

	// Up to apikeys.MaxLiveKeys live keys; the next is refused, naming the cap.
	tb.db.Gorm.Exec(`INSERT INTO api_keys (tenant_id, id, name, prefix, secret_hash, scopes)
		SELECT ?, gen_random_uuid(), 'live', 'ock_live', sha256(gen_random_uuid()::text::bytea), '{usage:read}'
		FROM generate_series(1, ?)`, admin.tenantID, apikeys.MaxLiveKeys-2)
	tb.MustCreateKey(t, admin, "usage:read")
	rec := tb.req(t, http.MethodPost, "/api/v1/api-keys", admin.token, map[string]any{"name": "one too many", "scopes": []string{"usage:read"}})
	wantStatus(t, rec, http.StatusConflict)
	if detail, _ := decodeProblem(t, rec)["detail"].(string); !strings.Contains(detail, strconv.Itoa(apikeys.MaxLiveKeys)) {
		t.Fatalf("detail %q does not name the cap", detail)
	}
	// Revoking one makes room again.
	tb.MustRevokeKey(t, admin, live.ID)
	tb.MustCreateKey(t, admin, "usage:read")
}

// TestAPIKeyRefusedRequestsNotCounted: a request the key is refused (its
// tenant suspended, its package without API access, the key revoked) is
// no use of the key: it adds nothing to the key's daily requests, leaves
// last_used_at alone and takes nothing from the per-minute windows, so the
// tenant's budget is whole when the key works again. A suspended tenant's
// requests used to count in all three.
func TestAPIKeyRefusedRequestsNotCounted(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	pinned := time.Now().UTC().Truncate(time.Minute).Add(30 * time.Second)
	tb.srv.svc.Limits.WithClock(func() time.Time { return pinned })
	sys := tb.MustSystemUser(t, "system_admin")
	tests := []struct {
		name     string
		wantType string
		refuse   func(t *testing.T, admin session, key APIKeyResponse)
	}{
		{"SuspendedTenant", "tenant-suspended", func(t *testing.T, admin session, _ APIKeyResponse) {
			wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/tenants/"+admin.tenantID, sys.token,
				map[string]string{"status": "suspended", "reason": "abuse"}), http.StatusOK)
		}},
		{"NoAPIAccess", "plan-feature-unavailable", func(t *testing.T, admin session, _ APIKeyResponse) {
			wantStatus(t, tb.req(t, http.MethodPut, "/api/v1/admin/tenants/"+admin.tenantID+"/subscription", sys.token,
				map[string]string{"package_code": "free", "status": "active", "reason": "downgrade"}), http.StatusOK)
		}},
		{"RevokedKey", "", func(t *testing.T, admin session, key APIKeyResponse) {
			tb.MustRevokeKey(t, admin, key.ID)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			admin := tb.MustSignup(t, "refused-"+strings.ToLower(tt.name))
			tb.MustSetPackage(t, admin.tenantID, "starter")
			key := tb.MustCreateKey(t, admin, "usage:read")
			wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), http.StatusOK)
			tb.srv.svc.APIKeys.FlushUsage(t.Context())
			type counts struct {
				Requests int64
				LastUsed *time.Time
				KeyRate  int64
				TenRate  int64
			}
			read := func() counts {
				t.Helper()
				var c counts
				if err := tb.db.Gorm.Raw(`SELECT
					(SELECT COALESCE(sum(requests), 0) FROM api_key_usage_daily WHERE key_id = ?) AS requests,
					(SELECT last_used_at FROM api_keys WHERE id = ?) AS last_used,
					(SELECT COALESCE(sum(count), 0) FROM rate_limit_windows WHERE bucket = ?) AS key_rate,
					(SELECT COALESCE(sum(count), 0) FROM rate_limit_windows WHERE bucket = ?) AS ten_rate`,
					key.ID, key.ID, "key:"+key.ID, "tenant:"+admin.tenantID).Scan(&c).Error; err != nil {
					t.Fatal(err)
				}
				return c
			}
			before := read()
			if before.Requests != 1 || before.LastUsed == nil || before.KeyRate != 1 || before.TenRate != 1 {
				t.Fatalf("after one request: %+v", before)
			}
			tt.refuse(t, admin, key)
			for range 3 {
				rec := tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
				if rec.Code != http.StatusForbidden && rec.Code != http.StatusUnauthorized {
					t.Fatalf("refused request: status %d, body %s", rec.Code, rec.Body.String())
				}
				if p := decodeProblem(t, rec); tt.wantType != "" && p["type"] != tt.wantType {
					t.Fatalf("problem %v, want type %s", p, tt.wantType)
				}
			}
			tb.srv.svc.APIKeys.FlushUsage(t.Context())
			if after := read(); after.Requests != before.Requests || !after.LastUsed.Equal(*before.LastUsed) ||
				after.KeyRate != before.KeyRate || after.TenRate != before.TenRate {
				t.Fatalf("refused requests counted: before %+v, after %+v", before, after)
			}
		})
	}
}

// TestPackageEditReachesCachedKeys: staff taking API access off a package
// (or lowering its requests per minute) holds for the keys of its tenants
// from the next request, as moving a tenant to another package does. The
// keys' cached principals carried the package's old terms for keyCacheTTL.
func TestPackageEditReachesCachedKeys(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	tests := []struct {
		name      string
		edit      map[string]any
		wantLimit string // RateLimit-Limit of the next answer; "" = refused
	}{
		{"APIAccessOff", map[string]any{"api_access": false}, ""},
		{"LowerRate", map[string]any{"api_requests_per_minute": 7}, "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := "edit-" + strings.ToLower(uuid.NewString()[:6])
			rec := tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, map[string]any{"code": code, "name": "Edit " + tt.name,
				"max_users": 5, "searches_per_month": 500, "max_contacts_per_query": 50, "api_access": true, "api_requests_per_minute": 60,
				"import_rows_per_month": 10000, "max_concurrent_jobs": 1, "crm_pushes_per_month": 1000})
			wantStatus(t, rec, http.StatusCreated)
			pkg := decode[PackageResponse](t, rec)
			admin := tb.MustSignup(t, "pkg-edit")
			tb.MustSetPackage(t, admin.tenantID, code)
			key := tb.MustCreateKey(t, admin, "usage:read")
			rec = tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
			wantStatus(t, rec, http.StatusOK)
			if rec.Header().Get("RateLimit-Limit") != "60" {
				t.Fatalf("RateLimit-Limit %q before the edit", rec.Header().Get("RateLimit-Limit"))
			}

			wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, tt.edit), http.StatusOK)
			rec = tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false)
			if tt.wantLimit == "" {
				wantStatus(t, rec, http.StatusForbidden)
				if decodeProblem(t, rec)["type"] != "plan-feature-unavailable" {
					t.Fatalf("want plan-feature-unavailable: %s", rec.Body.String())
				}
				return
			}
			wantStatus(t, rec, http.StatusOK)
			if got := rec.Header().Get("RateLimit-Limit"); got != tt.wantLimit {
				t.Fatalf("RateLimit-Limit %q after the edit, want %s", got, tt.wantLimit)
			}
		})
	}
}

// TestUsageCountsLiveAPIKeys: the usage answer says how many of the
// tenant's API keys would work on a package with API access (neither
// revoked nor expired), so the billing page can warn, after any change to
// a package without API access, that those keys are refused now.
func TestUsageCountsLiveAPIKeys(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "usage-keys")
	viewer := tb.MustJoin(t, admin, "viewer")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	tb.MustCreateKey(t, admin, "usage:read")
	revoked := tb.MustCreateKey(t, admin, "usage:read")
	tb.MustRevokeKey(t, admin, revoked.ID)
	expired := tb.MustCreateKey(t, admin, "usage:read")
	tb.db.Gorm.Exec("UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = ?", expired.ID)
	other := tb.MustSignup(t, "usage-keys-other")
	tb.MustSetPackage(t, other.tenantID, "starter")
	tb.MustCreateKey(t, other, "usage:read")
	tb.MustCreateKey(t, other, "usage:read")
	// A plain change to a package without API access: the key is kept.
	tb.MustSetPackage(t, admin.tenantID, "free")

	tests := []struct {
		name          string
		token         string
		wantKeys      int64
		wantAPIAccess bool
	}{
		{"AdminAfterChangeToFree", admin.token, 1, false},
		{"ViewerAfterChangeToFree", viewer.token, 1, false},
		{"OtherTenantOnStarter", other.token, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := decode[UsageResponse](t, tb.req(t, http.MethodGet, "/api/v1/tenant/usage", tt.token, nil))
			if u.APIKeys != tt.wantKeys || u.Package.APIAccess != tt.wantAPIAccess || u.Downgraded {
				t.Fatalf("api_keys %d, package %s (api access %v), downgraded %v", u.APIKeys, u.Package.Code, u.Package.APIAccess, u.Downgraded)
			}
			b := decode[BillingResponse](t, tb.req(t, http.MethodGet, "/api/v1/billing/subscription", tt.token, nil))
			if b.Usage.APIKeys != tt.wantKeys {
				t.Fatalf("billing api_keys %d, want %d", b.Usage.APIKeys, tt.wantKeys)
			}
		})
	}
}

// TestRateLimitAfterAccess: a key over its minute that calls a route it
// may not use (a person's route, or one outside its scopes) is told so
// (403), not to wait (429), and the refused calls do not use its minute.
func TestRateLimitAfterAccess(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	_, key := tb.MustRateLimitedKey(t, "rate-access", 1) // usage:read only
	refused := []struct {
		name, method, path string
	}{
		{"ErrForbiddenPersonRoute", http.MethodGet, "/api/v1/me"},
		{"ErrForbiddenScope", http.MethodGet, "/api/v1/imports"},
	}
	for _, tt := range refused {
		wantStatus(t, tb.keyReq(t, tt.method, tt.path, key.Secret, false), http.StatusForbidden)
	}
	// The refusals did not use the minute: the one request it allows is
	// still there.
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), http.StatusOK)
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.keyReq(t, tt.method, tt.path, key.Secret, false), http.StatusForbidden)
		})
	}
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/tenant/usage", key.Secret, false), http.StatusTooManyRequests)
}

// TestKeyAndTokenTogether: a request carrying an API key and an access token
// (Swagger UI sends every credential its Authorize dialog holds) is the
// key's, as docs/API.md says: the key's scopes apply, not the person's role.
func TestKeyAndTokenTogether(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "both-credentials")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	key := tb.MustCreateKey(t, admin, "contacts:read")
	tests := []struct {
		name     string
		withKey  bool
		want     int
		wantType string
	}{
		{"OKTokenOnly", false, http.StatusOK, ""},
		{"ErrInsufficientScopeKeyAndToken", true, http.StatusForbidden, "insufficient-scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, "/api/v1/imports", nil)
			req.Header.Set(echo.HeaderAuthorization, "Bearer "+admin.token)
			if tt.withKey {
				req.Header.Set("X-API-Key", key.Secret)
			}
			req.RemoteAddr = keyTestAddr()
			rec := tb.serve(t, req)
			wantStatus(t, rec, tt.want)
			if tt.wantType != "" && !strings.Contains(rec.Body.String(), `"type":"`+tt.wantType+`"`) {
				t.Fatalf("body %s, want type %s", rec.Body.String(), tt.wantType)
			}
		})
	}
}

// TestKeyHeaderBeforeBearerKey: a request that carries two API keys, one
// in X-API-Key and another as a Bearer credential, is the X-API-Key's, as
// one with a key and an access token is (TestKeyAndTokenTogether): that
// key's scopes apply, its refusal is the answer (the Bearer key is no
// second try), and the Bearer key is neither looked up nor counted as a
// refusal of the address.
func TestKeyHeaderBeforeBearerKey(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "two-keys")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	usage := tb.MustCreateKey(t, admin, "usage:read")
	contacts := tb.MustCreateKey(t, admin, "contacts:read")
	tests := []struct {
		name, header, bearer string
		want                 int
		wantRefusals         int
	}{
		{"OKTheHeaderKeysScope", usage.Secret, contacts.Secret, http.StatusOK, 0},
		{"ErrInsufficientScopeOfTheHeaderKey", contacts.Secret, usage.Secret, http.StatusForbidden, 0},
		{"ErrUnauthorizedHeaderKeyUnknown", unknownKey(t), usage.Secret, http.StatusUnauthorized, 1},
		{"OKBearerKeyUnknownNotRead", usage.Secret, unknownKey(t), http.StatusOK, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, "/api/v1/tenant/usage", nil)
			req.Header.Set(headerAPIKey, tt.header)
			req.Header.Set(echo.HeaderAuthorization, "Bearer "+tt.bearer)
			req.RemoteAddr = keyTestAddr()
			rec := tb.serve(t, req)
			wantStatus(t, rec, tt.want)
			if tt.want == http.StatusForbidden {
				if p := decodeProblem(t, rec); p["type"] != "insufficient-scope" {
					t.Fatalf("problem type %v, want insufficient-scope", p["type"])
				}
			}
			host, _, _ := strings.Cut(req.RemoteAddr, ":")
			if n := throttleFailures(t, tb, host); n != tt.wantRefusals {
				t.Fatalf("the address counts %d refused keys, want %d", n, tt.wantRefusals)
			}
		})
	}
}
