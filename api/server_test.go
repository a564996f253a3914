package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/syncbuf"
)

// testBundle is what an API test needs: the server over a real database.
type testBundle struct {
	srv *Server
	db  *db.DB
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	return setupWith(t, nil)
}

// setupWith is setup with extra environment (e.g. Stripe settings).
func setupWith(t testing.TB, extra map[string]string) *testBundle {
	t.Helper()
	return setupLogging(t, extra, io.Discard)
}

// setupLogging is setupWith whose server writes its JSON log to w.
func setupLogging(t testing.TB, extra map[string]string, w io.Writer) *testBundle {
	t.Helper()
	d := dbtest.Shared(t)
	env := map[string]string{"APP_ENV": "test", "MAX_BODY_BYTES": "1024"}
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := config.LoadFrom(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(w, nil))
	srv := New(Deps{Config: cfg, Logger: log, DB: d, Migrator: m, Registry: NewRegistry(d.Pool), Services: NewServices(cfg, log, d)})
	return &testBundle{srv: srv, db: d}
}

// do sends a request through the real router.
func (tb *testBundle) do(t *testing.T, method, path, contentType, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if contentType != "" {
		req.Header.Set(echo.HeaderContentType, contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return tb.serve(t, req)
}

func decodeProblem(t testing.TB, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := rec.Header().Get(echo.HeaderContentType); ct != "application/problem+json" {
		t.Fatalf("content type = %q, want application/problem+json; body %s", ct, rec.Body.String())
	}
	var p map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("decode problem: %v", err)
	}
	for _, k := range []string{"type", "title", "status", "code", "request_id"} {
		if _, ok := p[k]; !ok {
			t.Errorf("problem lacks %q: %v", k, p)
		}
	}
	if int(p["status"].(float64)) != rec.Code {
		t.Errorf("problem status %v != response status %d", p["status"], rec.Code)
	}
	return p
}

// probeRequest exercises binding and validation on a test-only route.
type probeRequest struct {
	Name     string   `json:"name" validate:"required,max=10"`
	PageSize int      `json:"page_size" validate:"gte=1,lte=100"`
	Email    string   `json:"email" validate:"omitempty,email"`
	Tags     []string `json:"tags" validate:"max=2,dive,min=2"`
}

func (tb *testBundle) withProbeRoute() *testBundle {
	tb.srv.echo.POST("/api/v1/_probe", func(c echo.Context) error {
		var req probeRequest
		if err := tb.srv.bind(c, &req); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, req)
	})
	tb.srv.echo.GET("/api/v1/_panic", func(echo.Context) error { panic("boom: secret-detail") })
	tb.srv.echo.GET("/api/v1/_fail", func(echo.Context) error { return io.ErrUnexpectedEOF })
	return tb
}

func TestErrorModel(t *testing.T) {
	t.Parallel()
	tb := setup(t).withProbeRoute()
	big := `{"name":"` + strings.Repeat("x", 2000) + `"}`
	// Bodies at MAX_BODY_BYTES (1024) and one byte over, padded with
	// whitespace: the limit admits a body of exactly its size.
	pad := func(body string, size int) string {
		return body[:len(body)-1] + strings.Repeat(" ", size-len(body)) + "}"
	}
	atLimit, overLimit := pad(`{"name":"a","page_size":0}`, 1024), pad(`{"name":"a","page_size":0}`, 1025)
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		wantStatus  int
		wantType    string
		wantDetail  string
		wantFields  []string
	}{
		{"UnknownAPIRoute", http.MethodGet, "/api/v1/nope", "", "", 404, "not-found", "No API route", nil},
		{"UnknownAPIRoutePost", http.MethodPost, "/api/v1/nope", "application/json", "{}", 404, "not-found", "", nil},
		{"MethodNotAllowed", http.MethodDelete, "/api/v1/status", "", "", 405, "method-not-allowed", "", nil},
		{"MalformedJSON", http.MethodPost, "/api/v1/_probe", "application/json", "{\n  \"name\": \"a\",,\n}", 400, "malformed-request", "line 2, column", nil},
		{"TruncatedJSON", http.MethodPost, "/api/v1/_probe", "application/json", `{"name":"a"`, 400, "malformed-request", "ends early", nil},
		{"EmptyBody", http.MethodPost, "/api/v1/_probe", "application/json", "", 400, "malformed-request", "empty", nil},
		{"NotAnObject", http.MethodPost, "/api/v1/_probe", "application/json", `[1,2]`, 400, "malformed-request", "JSON object", nil},
		{"WrongContentType", http.MethodPost, "/api/v1/_probe", "text/plain", `{"name":"a"}`, 415, "unsupported-media-type", "application/json", nil},
		{"MissingContentType", http.MethodPost, "/api/v1/_probe", "", `{"name":"a"}`, 415, "unsupported-media-type", "", nil},
		{"BodyTooLarge", http.MethodPost, "/api/v1/_probe", "application/json", big, 413, "payload-too-large", "1 KiB", nil},
		{"BodyAtLimit", http.MethodPost, "/api/v1/_probe", "application/json", atLimit, 422, "validation-error", "", []string{"page_size"}},
		{"BodyOneOverLimit", http.MethodPost, "/api/v1/_probe", "application/json", overLimit, 413, "payload-too-large", "1 KiB", nil},
		{"ValidationFailures", http.MethodPost, "/api/v1/_probe", "application/json", `{"page_size":0,"email":"nope","tags":["a"]}`, 422, "validation-error", "",
			[]string{"name", "page_size", "email", "tags[0]"}},
		{"UnknownField", http.MethodPost, "/api/v1/_probe", "application/json", `{"name":"a","page_size":1,"role":"org_admin"}`, 422, "validation-error", "", []string{"role"}},
		{"WrongFieldType", http.MethodPost, "/api/v1/_probe", "application/json", `{"name":"a","page_size":"ten"}`, 422, "validation-error", "", []string{"page_size"}},
		{"NULInField", http.MethodPost, "/api/v1/_probe", "application/json", `{"name":"a\u0000b","page_size":1}`, 422, "validation-error", "", []string{"name"}},
		{"NULInListItem", http.MethodPost, "/api/v1/_probe", "application/json", `{"name":"a","page_size":1,"tags":["ab","c\u0000d"]}`, 422, "validation-error", "", []string{"tags[1]"}},
		{"Panic", http.MethodGet, "/api/v1/_panic", "", "", 500, "internal-error", "request id", nil},
		{"InternalError", http.MethodGet, "/api/v1/_fail", "", "", 500, "internal-error", "request id", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.do(t, tt.method, tt.path, tt.contentType, tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body.String())
			}
			p := decodeProblem(t, rec)
			if p["type"] != tt.wantType {
				t.Errorf("type = %v, want %s", p["type"], tt.wantType)
			}
			if !strings.Contains(p["detail"].(string), tt.wantDetail) {
				t.Errorf("detail %q does not contain %q", p["detail"], tt.wantDetail)
			}
			if strings.Contains(rec.Body.String(), "secret-detail") || strings.Contains(rec.Body.String(), "unexpected EOF") {
				t.Errorf("internal error text leaked: %s", rec.Body.String())
			}
			if p["request_id"] != rec.Header().Get(headerRequestID) {
				t.Errorf("request_id %v != header %q", p["request_id"], rec.Header().Get(headerRequestID))
			}
			var got []string
			if errs, ok := p["errors"].([]any); ok {
				for _, e := range errs {
					got = append(got, e.(map[string]any)["field"].(string))
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.wantFields, ",") {
				t.Errorf("fields = %v, want %v", got, tt.wantFields)
			}
		})
	}
}

func TestMethodNotAllowedListsAllow(t *testing.T) {
	t.Parallel()
	rec := setup(t).do(t, http.MethodPost, "/api/v1/status", "application/json", "{}")
	if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Header().Get("Allow"), "GET") {
		t.Fatalf("status %d allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestProbeOK(t *testing.T) {
	t.Parallel()
	rec := setup(t).withProbeRoute().do(t, http.MethodPost, "/api/v1/_probe", "application/json; charset=utf-8", `{"name":"ok","page_size":5,"tags":["ab"]}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
}

// TestRequestID: a client's X-Request-ID is kept (echoed, and named in the
// log lines, problem documents and audit events of the request) only when
// it is 1 to 128 letters, digits and ". _ : -"; anything else (a space, a
// tab or another control character, a letter outside ASCII, one longer)
// is replaced by a fresh id, so that it cannot split a log line or a
// header, or pass for another request's id in a log search.
func TestRequestID(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name, in string
		keep     bool
	}{
		{"KeepsClientID", "abc-123.X:y_z", true},
		{"KeepsTheLongest", strings.Repeat("a", 128), true},
		{"ReplacesHostileID", "bad id\r\nSet-Cookie: x", false},
		{"ReplacesSpace", "abc 123", false},
		{"ReplacesTab", "abc\t123", false},
		{"ReplacesControl", "abc\x01123", false},
		{"ReplacesDelete", "abc\x7f123", false},
		{"ReplacesNonASCII", "abc-é", false},
		{"ReplacesSlash", "abc/123", false},
		{"ReplacesOneTooLong", strings.Repeat("a", 129), false},
		{"ReplacesTooLong", strings.Repeat("a", 200), false},
		{"GeneratesWhenMissing", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
			if tt.in != "" {
				req.Header.Set(headerRequestID, tt.in)
			}
			rec := tb.serve(t, req)
			got := rec.Header().Get(headerRequestID)
			if tt.keep && got != tt.in {
				t.Fatalf("request id = %q, want %q", got, tt.in)
			}
			if !tt.keep && (got == "" || got == tt.in) {
				t.Fatalf("request id = %q, want a fresh one", got)
			}
		})
	}
}

func TestOperationalEndpoints(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name, path  string
		wantStatus  int
		wantContent string
		// head: HEAD answers as GET does (uptime monitors probe with it;
		// net/http drops the body). API routes answer their methods only.
		head bool
	}{
		{"Healthz", "/healthz", 200, `"ok"`, true},
		{"Readyz", "/readyz", 200, `"ready"`, true},
		{"Status", "/api/v1/status", 200, `"database":"ok"`, false},
		{"OpenAPI", "/openapi.json", 200, `"openapi"`, true},
		{"DocsRedirect", "/docs", 302, "", true},
		// Swagger UI's handler sent /docs/ to /docs//index.html.
		{"DocsSlashRedirect", "/docs/", 302, "", true},
		{"SwaggerUI", "/docs/index.html", 200, "swagger-ui", true},
		// Swagger UI's own spec addresses: the spec is /openapi.json only.
		{"SwaggerDocJSON", "/docs/doc.json", 404, "/openapi.json", true},
		{"SwaggerDocYAML", "/docs/doc.yaml", 404, "/openapi.json", true},
		{"SwaggerDocJSONInQuery", "/docs/index.css?v=/doc.json", 200, "box-sizing", true},
		{"Metrics", "/metrics", 200, "go_goroutines", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.do(t, http.MethodGet, tt.path, "", "")
			if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.wantContent) {
				t.Fatalf("status %d body %.300s", rec.Code, rec.Body.String())
			}
			if loc := rec.Header().Get(echo.HeaderLocation); rec.Code/100 == 3 && loc != "/docs/index.html" {
				t.Fatalf("Location %q, want /docs/index.html", loc)
			}
			if rec := tb.do(t, http.MethodHead, tt.path, "", ""); tt.head && rec.Code != tt.wantStatus {
				t.Fatalf("HEAD: status %d, GET answers %d", rec.Code, tt.wantStatus)
			}
		})
	}
}

// TestMetricsToken: with METRICS_TOKEN set (production requires it),
// /metrics answers only the scraper that sends it.
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, map[string]string{"METRICS_TOKEN": "scrape-0123456789abcdef"})
	tests := []struct {
		name, authorization string
		want                int
	}{
		{"OKToken", "Bearer scrape-0123456789abcdef", http.StatusOK},
		{"ErrNoToken", "", http.StatusUnauthorized},
		{"ErrWrongToken", "Bearer scrape-0123456789abcdeX", http.StatusUnauthorized},
		{"ErrPrefixOfToken", "Bearer scrape", http.StatusUnauthorized},
		{"ErrNotBearer", "Basic c2NyYXBlLTAxMjM0NTY3ODlhYmNkZWY=", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var headers []string
			if tt.authorization != "" {
				headers = []string{echo.HeaderAuthorization, tt.authorization}
			}
			rec := tb.do(t, http.MethodGet, "/metrics", "", "", headers...)
			wantStatus(t, rec, tt.want)
			if got := strings.Contains(rec.Body.String(), "go_goroutines"); got != (tt.want == http.StatusOK) {
				t.Fatalf("metrics in the answer: %v; body %.200s", got, rec.Body.String())
			}
		})
	}
}

// TestAccessLogPath: the access log names the path the client asked for,
// Swagger UI's assets included (its handler rewrites the request's path).
func TestAccessLogPath(t *testing.T) {
	t.Parallel()
	var buf syncbuf.Buffer
	cfg, err := config.LoadFrom(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Deps{Config: cfg, Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	for _, p := range []string{"/docs/swagger-ui.css", "/docs/index.html", "/healthz"} {
		rec := serve(t, srv.Handler(), httptest.NewRequest(http.MethodGet, p, nil))
		wantStatus(t, rec, http.StatusOK)
		var line struct{ Msg, Path string }
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &line); err != nil || line.Msg != "request" {
			t.Fatalf("last log line %q: %v", lines[len(lines)-1], err)
		}
		if line.Path != p {
			t.Errorf("GET %s logged as path %q", p, line.Path)
		}
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.do(t, http.MethodGet, "/healthz", "", "")
	tb.do(t, "AAA1", "/healthz", "", "") // an invented method is no label value of its own
	// Metrics name requests by route template, after they happened.
	rec := tb.do(t, http.MethodGet, "/metrics", "", "")
	if strings.Contains(rec.Body.String(), "AAA1") {
		t.Error("an invented method became a metric label")
	}
	for _, want := range []string{`http_requests_total{method="GET",route="/healthz",status="200"}`, `method="OTHER"`, "go_goroutines", "http_request_duration_seconds_bucket",
		`pgxpool_max_conns{db_name="contacts"}`, `pgxpool_acquired_conns{db_name="contacts"}`, `pgxpool_empty_acquire{db_name="contacts"}`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestSecurityHeaders: every answer, the API's and the docs page's, keeps
// the browser from sniffing types and from framing the page on another
// site (X-Frame-Options and CSP frame-ancestors, for browsers that honour
// only one of the two).
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	want := []struct{ header, contains string }{
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Content-Security-Policy", "frame-ancestors 'none'"},
		{"Content-Security-Policy", "object-src 'none'"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
	}
	for _, path := range []string{"/api/v1/status", "/docs"} {
		rec := tb.do(t, http.MethodGet, path, "", "")
		for _, w := range want {
			if got := rec.Header().Get(w.header); !strings.Contains(got, w.contains) {
				t.Errorf("GET %s: %s %q, want %q in it", path, w.header, got, w.contains)
			}
		}
		if rec.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET %s: CORS must be same-origin by default", path)
		}
	}
}

// TestAPIResponsesAreNotStored: what the API answers a signed-in user
// (their account, members, contacts) is kept in no browser or proxy cache,
// where it would outlive signing out on a shared computer.
func TestAPIResponsesAreNotStored(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "nostore")
	for _, path := range []string{"/api/v1/me", "/api/v1/tenant", "/api/v1/tenant/members", "/api/v1/api-keys", "/api/v1/saved-contacts"} {
		rec := tb.req(t, http.MethodGet, path, admin.token, nil)
		wantStatus(t, rec, http.StatusOK)
		if got := rec.Header().Get(echo.HeaderCacheControl); got != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", path, got)
		}
	}
	// Answers that carry a secret: a token grant and an API key's.
	rec := tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": admin.email, "password": testPassword})
	wantStatus(t, rec, http.StatusOK)
	tb.MustSetPackage(t, admin.tenantID, "pro")
	key := tb.req(t, http.MethodPost, "/api/v1/api-keys", admin.token, map[string]any{"name": "no-store", "scopes": []string{"usage:read"}})
	wantStatus(t, key, http.StatusCreated)
	for _, rec := range []*httptest.ResponseRecorder{rec, key} {
		if got := rec.Header().Get(echo.HeaderCacheControl); got != "no-store" {
			t.Errorf("a secret's answer: Cache-Control %q, want no-store", got)
		}
	}
}

// TestHTTPSProtections: under an https PUBLIC_URL (its scheme in any case,
// as URLs allow) the refresh cookie is Secure and HSTS is sent; under http
// neither, or development over http could not sign in.
func TestHTTPSProtections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		publicURL string
		https     bool
	}{
		{"https://contacts.example.com", true},
		{"HTTPS://contacts.example.com", true},
		{"Https://contacts.example.com/", true},
		{"http://localhost:8080", false},
	}
	for _, tt := range tests {
		t.Run(tt.publicURL, func(t *testing.T) {
			tb := setupWith(t, map[string]string{"PUBLIC_URL": tt.publicURL})
			rec := tb.req(t, http.MethodPost, "/api/v1/auth/signup", "", map[string]string{
				"email": uniqueEmail("https"), "password": testPassword, "tenant_name": "HTTPS Inc"})
			wantStatus(t, rec, http.StatusCreated)
			var ck *http.Cookie
			for _, c := range rec.Result().Cookies() {
				if c.Name == refreshCookie {
					ck = c
				}
			}
			if ck == nil {
				t.Fatal("no refresh cookie")
			}
			if ck.Secure != tt.https || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/api/v1/auth" {
				t.Errorf("refresh cookie Secure=%v HttpOnly=%v SameSite=%v Path=%q, want Secure=%v, HttpOnly, Strict, /api/v1/auth",
					ck.Secure, ck.HttpOnly, ck.SameSite, ck.Path, tt.https)
			}
			if got := rec.Header().Get("Strict-Transport-Security") != ""; got != tt.https {
				t.Errorf("HSTS sent: %v, want %v", got, tt.https)
			}
		})
	}
}

// TestContentSecurityPolicy: no page may run an inline script but Swagger
// UI's, whose one starting script is allowed by its hash: an injected
// script there does not run either.
func TestContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		path        string
		docsScripts bool
	}{
		{"/docs/index.html", true},
		{"/docs", true},
		{"/docsearch", false},
		{"/docs.html", false},
		{"/", false},
		{"/api/v1/status", false},
	}
	index := tb.do(t, http.MethodGet, "/docs/index.html", "", "")
	scriptsOfIndex := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(index.Body.String(), -1)
	if index.Code != http.StatusOK || len(scriptsOfIndex) == 0 {
		t.Fatalf("/docs/index.html: %d with %d inline scripts", index.Code, len(scriptsOfIndex))
	}
	for _, tt := range tests {
		rec := tb.do(t, http.MethodGet, tt.path, "", "")
		csp := rec.Header().Get("Content-Security-Policy")
		scripts := ""
		for _, d := range strings.Split(csp, ";") {
			if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src ") {
				scripts = d
			}
		}
		if scripts == "" {
			t.Fatalf("%s: no script-src in %q", tt.path, csp)
		}
		if strings.Contains(scripts, "'unsafe-inline'") {
			t.Errorf("%s: %q allows every inline script", tt.path, scripts)
		}
		for _, m := range scriptsOfIndex {
			sum := sha256.Sum256([]byte(m[1]))
			source := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
			if got := strings.Contains(scripts, source); got != tt.docsScripts {
				t.Errorf("%s: %q allows Swagger UI's starting script: %v, want %v", tt.path, scripts, got, tt.docsScripts)
			}
		}
	}
}

func TestReadyzFailsWhenMigrationsPending(t *testing.T) {
	t.Parallel()
	dsn := dbtest.Empty(t)
	d, err := db.Open(context.Background(), dsn, db.OpenOpts{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	m, _ := db.NewMigrator(d.SQL)
	cfg, _ := config.LoadFrom(func(string) string { return "" })
	srv := New(Deps{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: d, Migrator: m})
	rec := serve(t, srv.Handler(), httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !bytes.Contains(rec.Body.Bytes(), []byte("migrations are pending")) {
		t.Fatalf("status %d body %s", rec.Code, rec.Body.String())
	}
}

// TestReadyzWhileStartingOrStopping: /readyz answers 503 while the
// process starts (its migration step) and from SIGTERM on, saying which;
// those answers are its planned state, logged at INFO: every rollout
// logged an ERROR line per probe, and ERROR is what pages an operator.
// A database that does not answer stays an ERROR.
func TestReadyzWhileStartingOrStopping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		set       func(*Server)
		closeDB   bool
		wantBody  string
		wantError bool
	}{
		{name: "OKReady", set: func(*Server) {}, wantBody: `"ready"`},
		{name: "ErrStarting", set: func(s *Server) { s.Starting(true) }, wantBody: "Starting up"},
		{name: "ErrStopping", set: func(s *Server) { s.draining.Store(true) }, wantBody: "Shutting down"},
		{name: "ErrDatabaseDown", set: func(*Server) {}, closeDB: true, wantBody: "database is unreachable", wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.Shared(t)
			if tt.closeDB {
				var err error
				if d, err = db.Open(context.Background(), dbtest.Empty(t), db.OpenOpts{MaxConns: 2}); err != nil {
					t.Fatal(err)
				}
				d.Close() // a closed pool behaves like an unreachable server
			}
			var logs syncbuf.Buffer
			cfg, _ := config.LoadFrom(func(string) string { return "" })
			srv := New(Deps{Config: cfg, Logger: slog.New(slog.NewJSONHandler(&logs, nil)), DB: d})
			tt.set(srv)
			rec := serve(t, srv.Handler(), httptest.NewRequest(http.MethodGet, "/readyz", nil))
			wantStatus := http.StatusServiceUnavailable
			if tt.name == "OKReady" {
				wantStatus = http.StatusOK
			}
			if rec.Code != wantStatus || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Fatalf("/readyz: %d %s; want %d with %q", rec.Code, rec.Body.String(), wantStatus, tt.wantBody)
			}
			if got := strings.Contains(logs.String(), `"level":"ERROR"`); got != tt.wantError {
				t.Fatalf("an ERROR line logged: %v, want %v; logs:\n%s", got, tt.wantError, logs.String())
			}
		})
	}
}

func TestReadyzFailsWhenDatabaseDown(t *testing.T) {
	t.Parallel()
	dsn := dbtest.Empty(t)
	d, err := db.Open(context.Background(), dsn, db.OpenOpts{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	d.Close() // a closed pool behaves like an unreachable server
	cfg, _ := config.LoadFrom(func(string) string { return "" })
	srv := New(Deps{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: d})
	for _, path := range []string{"/readyz", "/api/v1/status"} {
		rec := serve(t, srv.Handler(), httptest.NewRequest(http.MethodGet, path, nil))
		switch path {
		case "/readyz":
			if rec.Code != http.StatusServiceUnavailable {
				t.Fatalf("readyz status %d", rec.Code)
			}
		default:
			if !strings.Contains(rec.Body.String(), `"unavailable"`) {
				t.Fatalf("status body %s", rec.Body.String())
			}
		}
	}
}

func TestSPAFallback(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	// Without a built SPA the fallback says how to build it; with one it
	// serves index.html. Either way it is not an API 404.
	rec := tb.do(t, http.MethodGet, "/search/some/client/route", "", "")
	if rec.Code != http.StatusOK && rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d", rec.Code)
	}
	rec = tb.do(t, http.MethodPost, "/some/page", "application/json", "{}")
	if rec.Code != http.StatusNotFound {
		t.Fatalf("POST to a client route: status %d", rec.Code)
	}
	decodeProblem(t, rec)
}

// TestSPAServesFilesAndRoutes: built files are served as they are, client
// routes get index.html, and a missing bundle under /assets/ (asked for by
// an index.html cached before a deploy) is 404, not index.html as script.
func TestSPAServesFilesAndRoutes(t *testing.T) {
	t.Parallel()
	srv := spaServer(t, fstest.MapFS{
		"index.html":           {Data: []byte(`<!doctype html><script type="module" src="/assets/index-new.js"></script>`)},
		"assets/index-new.js":  {Data: []byte(`console.log("new")`)},
		"assets/index-new.css": {Data: []byte(`body{}`)},
		"favicon.svg":          {Data: []byte(`<svg/>`)},
	})
	tests := []struct {
		name, path string
		wantStatus int
		wantType   string // Content-Type prefix
		wantBody   string
	}{
		{"OKBundle", "/assets/index-new.js", 200, "text/javascript", `console.log("new")`},
		{"OKStylesheet", "/assets/index-new.css", 200, "text/css", "body{}"},
		{"OKRootFile", "/favicon.svg", 200, "image/svg+xml", "<svg/>"},
		{"OKRoot", "/", 200, "text/html", "index-new.js"},
		{"OKSearchRoute", "/search", 200, "text/html", "index-new.js"},
		{"OKSavedRoute", "/saved", 200, "text/html", "index-new.js"},
		{"OKNestedRoute", "/lists/0195/members", 200, "text/html", "index-new.js"},
		{"ErrStaleBundle", "/assets/index-old.js", 404, "application/problem+json", "reload"},
		{"ErrStaleNestedAsset", "/assets/fonts/gone.woff2", 404, "application/problem+json", ""},
		{"ErrAssetsFolder", "/assets/", 404, "application/problem+json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := serve(t, srv.Handler(), httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %.200s", rec.Code, tt.wantStatus, rec.Body.String())
			}
			if ct := rec.Header().Get(echo.HeaderContentType); !strings.HasPrefix(ct, tt.wantType) {
				t.Fatalf("content type %q, want %s", ct, tt.wantType)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Fatalf("body %.200s does not contain %q", rec.Body.String(), tt.wantBody)
			}
		})
	}
}

// spaServer is a server whose SPA build is spa.
func spaServer(t *testing.T, spa fstest.MapFS) *Server {
	t.Helper()
	d := dbtest.Shared(t)
	cfg, err := config.LoadFrom(func(k string) string { return map[string]string{"APP_ENV": "test"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return New(Deps{Config: cfg, Logger: log, DB: d, Registry: NewRegistry(d.Pool), Services: NewServices(cfg, log, d), SPA: spa})
}

// TestSPAAssetsCompressed: the SPA's files go compressed to a browser that
// accepts it (its first load was 1 MB as stored), as they are to one that
// does not, and caches keep the two apart (Vary).
func TestSPAAssetsCompressed(t *testing.T) {
	t.Parallel()
	bundle := strings.Repeat(`export function f(){return "a bundle compresses well"};`, 400)
	srv := spaServer(t, fstest.MapFS{
		"index.html":         {Data: []byte(`<!doctype html><script type="module" src="/assets/index-a.js"></script>`)},
		"assets/index-a.js":  {Data: []byte(bundle)},
		"assets/index-a.css": {Data: []byte(strings.Repeat("body{margin:0}", 400))},
	})
	tests := []struct {
		name, path, accept, wantEncoding, wantBody string
	}{
		{"OKGzipBundle", "/assets/index-a.js", "gzip, deflate, br", "gzip", bundle},
		{"OKGzipStylesheet", "/assets/index-a.css", "gzip", "gzip", strings.Repeat("body{margin:0}", 400)},
		{"OKIdentityWithoutAcceptEncoding", "/assets/index-a.js", "", "", bundle},
		{"OKIdentityRefused", "/assets/index-a.js", "gzip;q=0", "", bundle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.accept != "" {
				req.Header.Set(echo.HeaderAcceptEncoding, tt.accept)
			}
			rec := serve(t, srv.Handler(), req)
			wantStatus(t, rec, http.StatusOK)
			if got := rec.Header().Get(echo.HeaderContentEncoding); got != tt.wantEncoding {
				t.Fatalf("Content-Encoding %q, want %q", got, tt.wantEncoding)
			}
			if !strings.Contains(rec.Header().Get(echo.HeaderVary), echo.HeaderAcceptEncoding) {
				t.Fatalf("Vary %q does not name Accept-Encoding", rec.Header().Get(echo.HeaderVary))
			}
			if cc := rec.Header().Get(echo.HeaderCacheControl); !strings.Contains(cc, "immutable") {
				t.Fatalf("Cache-Control %q", cc)
			}
			body := rec.Body.Bytes()
			if tt.wantEncoding == "gzip" {
				if len(body)*4 > len(tt.wantBody) {
					t.Fatalf("%d bytes compressed to %d", len(tt.wantBody), len(body))
				}
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if string(body) != tt.wantBody {
				t.Fatalf("body %.100s…", body)
			}
		})
	}
}

// TestClientIP: X-Forwarded-For counts only from a trusted proxy, and then
// names the nearest address that is not one.
func TestClientIP(t *testing.T) {
	t.Parallel()
	_, lb, _ := net.ParseCIDR("10.0.0.0/8")
	tests := []struct {
		name    string
		proxies []*net.IPNet
		remote  string
		xff     string
		want    string
	}{
		{"OKDirect", nil, "203.0.113.9:4000", "", "203.0.113.9"},
		{"OKDirectIgnoresForwarded", nil, "203.0.113.9:4000", "198.51.100.1", "203.0.113.9"},
		{"OKBehindProxy", []*net.IPNet{lb}, "10.1.2.3:4000", "198.51.100.1", "198.51.100.1"},
		{"OKNearestUntrusted", []*net.IPNet{lb}, "10.1.2.3:4000", "192.0.2.66, 198.51.100.1, 10.9.9.9", "198.51.100.1"},
		{"OKSpoofFromOutside", []*net.IPNet{lb}, "203.0.113.9:4000", "198.51.100.1", "203.0.113.9"},
		{"OKPrivateNotTrustedUnlessListed", []*net.IPNet{lb}, "192.168.1.5:4000", "198.51.100.1", "192.168.1.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = tt.remote
			if tt.xff != "" {
				req.Header.Set(echo.HeaderXForwardedFor, tt.xff)
			}
			if got := clientIP(tt.proxies)(req); got != tt.want {
				t.Fatalf("client IP %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTrustedProxyAttribution: behind TRUSTED_PROXIES a sign-in is audited
// under the client's address, not the load balancer's.
func TestTrustedProxyAttribution(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8"})
	s := tb.MustSignup(t, "proxied")
	body, _ := json.Marshal(map[string]string{"email": s.email, "password": testPassword})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", bytes.NewReader(body))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	req.RemoteAddr = "10.0.0.2:5555"
	req.Header.Set(echo.HeaderXForwardedFor, "198.51.100.23")
	rec := tb.serve(t, req)
	wantStatus(t, rec, http.StatusOK)
	var ip string
	tb.db.Gorm.Raw(`SELECT host(ip) FROM audit_events WHERE action = 'auth.login' AND actor_user_id = ? ORDER BY id DESC LIMIT 1`, s.userID).Scan(&ip)
	if ip != "198.51.100.23" {
		t.Fatalf("sign-in audited from %q, want the client's 198.51.100.23", ip)
	}
}

// TestHostileText: PostgreSQL's text holds no NUL and only valid UTF-8;
// such a value in any JSON field or query parameter of any route is bad
// input (422), never a failed statement (500). Each route below answered
// 500 before.
func TestHostileText(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "hostile")
	sys := tb.MustSystemUser(t, "system_admin")
	tests := []struct {
		name, method, path, token string
		body                      any
		field                     string
	}{
		{"LoginEmail", http.MethodPost, "/api/v1/auth/login", "", `{"email":"a\u0000b@example.com","password":"whatever-long"}`, "email"},
		{"SignupTenantName", http.MethodPost, "/api/v1/auth/signup", "", map[string]string{"email": uniqueEmail("nul"),
			"password": testPassword, "name": "Nul", "tenant_name": "a\x00b"}, "tenant_name"},
		{"TenantName", http.MethodPatch, "/api/v1/tenant", admin.token, map[string]string{"name": "a\x00b"}, "name"},
		{"APIKeyName", http.MethodPost, "/api/v1/api-keys", admin.token, map[string]any{"name": "a\x00b", "scopes": []string{"contacts:read"}}, "name"},
		{"AuditActionNUL", http.MethodGet, "/api/v1/tenant/audit-events?action=%00", admin.token, nil, "action"},
		{"AdminTenantsQueryInvalidUTF8", http.MethodGet, "/api/v1/admin/tenants?q=%ff", sys.token, nil, "q"},
		{"AdminUsersQuery", http.MethodGet, "/api/v1/admin/users?q=%c0%80", sys.token, nil, "q"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.req(t, tt.method, tt.path, tt.token, tt.body)
			wantStatus(t, rec, http.StatusUnprocessableEntity)
			p := decodeProblem(t, rec)
			errs, _ := p["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["field"] != tt.field {
				t.Fatalf("errors %v, want one naming %s", p["errors"], tt.field)
			}
		})
	}
}

// TestCORSExposesWhatClientsRead: with CORS_ALLOWED_ORIGINS set, a browser
// client on an allowed origin may read the headers the API documents for
// it: the request id, rate limits, quotas, whether a search was charged,
// an export's file name, whether an answer was replayed and an ETag; and
// may send an Idempotency-Key and If-Match.
func TestCORSExposesWhatClientsRead(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.example.com"})
	req := httptest.NewRequest(http.MethodGet, "/api/v1/status", nil)
	req.Header.Set("Origin", "https://app.example.com")
	rec := tb.serve(t, req)
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Fatalf("Access-Control-Allow-Origin %q", got)
	}
	exposed := strings.Split(rec.Header().Get("Access-Control-Expose-Headers"), ",")
	for i := range exposed {
		exposed[i] = strings.TrimSpace(exposed[i])
	}
	for _, want := range []string{"X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After",
		"X-Quota-Searches-Remaining", "X-Search-Charged", "Content-Disposition", "Idempotent-Replayed", "ETag"} {
		if !slices.ContainsFunc(exposed, func(h string) bool { return strings.EqualFold(h, want) }) {
			t.Errorf("%s is not exposed: %v", want, exposed)
		}
	}
	// A preflight lets a browser client send an Idempotency-Key.
	pre := httptest.NewRequest(http.MethodOptions, "/api/v1/lists", nil)
	pre.Header.Set("Origin", "https://app.example.com")
	pre.Header.Set("Access-Control-Request-Method", http.MethodPost)
	pre.Header.Set("Access-Control-Request-Headers", "idempotency-key,if-match")
	rec = tb.serve(t, pre)
	for _, want := range []string{"idempotency-key", "if-match"} {
		if got := rec.Header().Get("Access-Control-Allow-Headers"); !strings.Contains(strings.ToLower(got), want) {
			t.Errorf("Access-Control-Allow-Headers %q lacks %s", got, want)
		}
	}
}

// TestClientGoneIsNoServerError: a request whose client went away (its
// context cancelled) while the handler worked is logged as 499, not as an
// internal error and a 500.
func TestClientGoneIsNoServerError(t *testing.T) {
	t.Parallel()
	var logs syncbuf.Buffer
	tb := setupLogging(t, nil, &logs)
	admin := tb.MustSignup(t, "gone")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/tenant/usage", nil)
	req.Header.Set("Authorization", "Bearer "+admin.token)
	// Not tb.serve: no one reads a 499, and the API description has none.
	rec := httptest.NewRecorder()
	tb.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != statusClientClosedRequest {
		t.Fatalf("status %d, want %d; %s", rec.Code, statusClientClosedRequest, rec.Body.String())
	}
	if out := logs.String(); strings.Contains(out, "internal error") || !strings.Contains(out, `"status":499`) {
		t.Fatalf("log:\n%s", out)
	}
}

// TestReadinessChecksOnceForEveryProber: /readyz is public, so probes (or
// a flood) that arrive together share one database check, and a passed
// check answers for readyFor; a failed one is not kept, so the first probe
// after the database is back sees it.
func TestReadinessChecksOnceForEveryProber(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	r := readiness{now: func() time.Time { return now }}
	var calls atomic.Int32
	release := make(chan struct{})
	blocked := func(context.Context) error {
		calls.Add(1)
		<-release
		return nil
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := r.check(blocked); err != nil {
				t.Error(err)
			}
		})
	}
	for calls.Load() == 0 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("20 probes at once ran the database check %d times", n)
	}

	counted := func(err error) func(context.Context) error {
		return func(context.Context) error { calls.Add(1); return err }
	}
	calls.Store(0)
	now = now.Add(readyFor - time.Millisecond)
	if err := r.check(counted(nil)); err != nil || calls.Load() != 0 {
		t.Fatalf("within readyFor of a pass: %v, %d checks; want the pass kept", err, calls.Load())
	}
	now = now.Add(time.Millisecond)
	down := errors.New("down")
	for range 2 {
		if err := r.check(counted(down)); err != down {
			t.Fatalf("after readyFor: %v, want the check's failure", err)
		}
	}
	if err := r.check(counted(nil)); err != nil || calls.Load() != 3 {
		t.Fatalf("after two failures: %v, %d checks; want each probe to check", err, calls.Load())
	}
}
