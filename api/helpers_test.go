package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/billing"
)

const testPassword = "a-long-test-password-42"

var seq atomic.Int64

// session is a signed-in test user.
type session struct {
	token    string
	refresh  string
	userID   string
	tenantID string
	email    string
}

// req sends a JSON request with an optional bearer token and returns the
// recorder.
func (tb *testBundle) req(t testing.TB, method, path, token string, body any) *httptest.ResponseRecorder {
	t.Helper()
	var payload string
	if body != nil {
		if s, ok := body.(string); ok {
			payload = s
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			payload = string(b)
		}
	}
	req := httptest.NewRequest(method, path, strings.NewReader(payload))
	if payload != "" {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	if token != "" {
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+token)
	}
	req.RemoteAddr = fmt.Sprintf("10.1.%d.%d:1234", seq.Add(1)%250, seq.Load()%250)
	return tb.serve(t, req)
}

// keyTestAddr is a request's own client address for the API-key helpers:
// refused keys are throttled per address, and the package's tests send
// many in parallel, which from httptest's one address would lock each
// other out.
func keyTestAddr() string {
	n := seq.Add(1)
	return fmt.Sprintf("10.2.%d.%d:1234", n/250%250, n%250)
}

// serve sends req through the real router; the response is held to the
// API description (conformance_test.go).
func (tb *testBundle) serve(t testing.TB, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	return serve(t, tb.srv.Handler(), req)
}

func wantStatus(t testing.TB, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status = %d, want %d; body: %s", rec.Code, want, rec.Body.String())
	}
}

func decode[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T: %v; body %s", v, err, rec.Body.String())
	}
	return v
}

func refreshCookieOf(rec *httptest.ResponseRecorder) string {
	for _, c := range rec.Result().Cookies() {
		if c.Name == refreshCookie {
			return c.Value
		}
	}
	return ""
}

func uniqueEmail(prefix string) string {
	return fmt.Sprintf("%s-%s@example.test", prefix, uuid.NewString()[:8])
}

// MustSignup creates a user with a new tenant (org_admin, Free package).
func (tb *testBundle) MustSignup(t testing.TB, prefix string) session {
	t.Helper()
	email := uniqueEmail(prefix)
	rec := tb.req(t, http.MethodPost, "/api/v1/auth/signup", "", map[string]string{
		"email": email, "password": testPassword, "name": prefix, "tenant_name": prefix + " Inc"})
	wantStatus(t, rec, http.StatusCreated)
	tr := decode[TokenResponse](t, rec)
	return session{token: tr.AccessToken, refresh: refreshCookieOf(rec), userID: tr.User.ID, tenantID: tr.Tenant.ID, email: email}
}

// MustJoin invites a new user into admin's tenant with role and accepts.
func (tb *testBundle) MustJoin(t testing.TB, admin session, role string) session {
	t.Helper()
	email := uniqueEmail(role)
	rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": email, "role": role})
	wantStatus(t, rec, http.StatusCreated)
	inv := decode[InvitationResponse](t, rec)
	token := inv.AcceptURL[strings.Index(inv.AcceptURL, "token=")+len("token="):]
	rec = tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "name": role, "password": testPassword})
	wantStatus(t, rec, http.StatusOK)
	tr := decode[TokenResponse](t, rec)
	return session{token: tr.AccessToken, refresh: refreshCookieOf(rec), userID: tr.User.ID, tenantID: tr.Tenant.ID, email: email}
}

// MustSystemUser creates a user with a system role and signs them in.
func (tb *testBundle) MustSystemUser(t testing.TB, role string) session {
	t.Helper()
	email := uniqueEmail(role)
	if _, err := tb.srv.svc.Identity.CreateUser(t.Context(), email, role, testPassword, role); err != nil {
		t.Fatal(err)
	}
	rec := tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": testPassword})
	wantStatus(t, rec, http.StatusOK)
	tr := decode[TokenResponse](t, rec)
	return session{token: tr.AccessToken, refresh: refreshCookieOf(rec), userID: tr.User.ID, email: email}
}

// MustSetPackage puts a tenant on a package (as platform staff would).
func (tb *testBundle) MustSetPackage(t testing.TB, tenantID, code string) {
	t.Helper()
	if _, err := tb.srv.svc.Billing.SetManual(t.Context(), uuid.MustParse(tenantID), billing.ManualParams{
		PackageCode: code, Status: billing.StatusActive, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
}

// quotaTime is where the quota tests stand the server's limits clock:
// mid-month, so that a run crossing a month boundary on the wall clock
// cannot split one test's metering over two periods.
var quotaTime = time.Date(2026, time.November, 15, 12, 0, 0, 0, time.UTC)

// testClock is a clock a test sets and moves.
type testClock struct{ ns atomic.Int64 }

func (c *testClock) Now() time.Time  { return time.Unix(0, c.ns.Load()) }
func (c *testClock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

// pinLimitsClock makes the server's limits (quota periods and resets, rate
// windows, subscription terms) read the time from a clock standing at at,
// which the test may move. Call it before the first request.
func (tb *testBundle) pinLimitsClock(at time.Time) *testClock {
	c := &testClock{}
	c.Set(at)
	tb.srv.svc.Limits.WithClock(c.Now)
	return c
}

// pinIdentityClock makes the server's sign-in, sessions and tokens read the
// time from a clock standing at at, which the test may move.
func (tb *testBundle) pinIdentityClock(at time.Time) *testClock {
	c := &testClock{}
	c.Set(at)
	tb.srv.svc.Identity.WithClock(c.Now)
	return c
}

// refreshWith calls /auth/refresh with the cookie.
func (tb *testBundle) refreshWith(t testing.TB, cookie string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/refresh", nil)
	req.AddCookie(&http.Cookie{Name: refreshCookie, Value: cookie})
	return tb.serve(t, req)
}
