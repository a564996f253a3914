package api

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/platform/syncbuf"
)

func TestSignup(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	taken := tb.MustSignup(t, "taken")
	tests := []struct {
		name       string
		body       any
		wantStatus int
		wantField  string
	}{
		{"OK", map[string]string{"email": "  New.User-" + uuid.NewString()[:6] + "@Example.test ", "password": testPassword, "name": " Ada Lovelace\u00a0", "tenant_name": "\u200bNew Co "}, 201, ""},
		{"ErrWeakPassword", map[string]string{"email": uniqueEmail("w"), "password": "password123", "tenant_name": "X Co"}, 422, "password"},
		{"ErrShortPassword", map[string]string{"email": uniqueEmail("s"), "password": "short", "tenant_name": "X Co"}, 422, "password"},
		{"ErrLongPassword", map[string]string{"email": uniqueEmail("l"), "password": strings.Repeat("x", 129), "tenant_name": "X Co"}, 422, "password"},
		{"ErrBadEmail", map[string]string{"email": "not-an-email", "password": testPassword, "tenant_name": "X Co"}, 422, "email"},
		{"ErrEmailTaken", map[string]string{"email": strings.ToUpper(taken.email), "password": testPassword, "tenant_name": "X Co"}, 422, "email"},
		{"ErrMissingTenantName", map[string]string{"email": uniqueEmail("m"), "password": testPassword}, 422, "tenant_name"},
		{"ErrBlankTenantName", map[string]string{"email": uniqueEmail("b"), "password": testPassword, "tenant_name": "    "}, 422, "tenant_name"},
		{"ErrTenantNameOneCharInSpaces", map[string]string{"email": uniqueEmail("b"), "password": testPassword, "tenant_name": "  x  "}, 422, "tenant_name"},
		{"ErrMassAssignmentRole", map[string]any{"email": uniqueEmail("r"), "password": testPassword, "tenant_name": "X Co", "system_role": "system_admin"}, 422, "system_role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.req(t, http.MethodPost, "/api/v1/auth/signup", "", tt.body)
			wantStatus(t, rec, tt.wantStatus)
			if tt.wantField != "" {
				p := decodeProblem(t, rec)
				if !strings.Contains(rec.Body.String(), `"field":"`+tt.wantField+`"`) {
					t.Fatalf("problem does not name %s: %v", tt.wantField, p)
				}
				return
			}
			tr := decode[TokenResponse](t, rec)
			if tr.TokenType != "Bearer" || tr.AccessToken == "" || tr.ExpiresIn <= 0 || tr.ExpiresIn > 900 || tr.Tenant == nil || tr.Tenant.Role != "org_admin" {
				t.Fatalf("token response %+v", tr)
			}
			if !strings.HasPrefix(tr.User.Email, "new.user-") || tr.User.SystemRole != "user" {
				t.Fatalf("email not normalized or role wrong: %+v", tr.User)
			}
			// Names are kept without their invisible edges; the sign-up is
			// the account's first sign-in, and its answer says so.
			if tr.User.Name != "Ada Lovelace" || tr.Tenant.Name != "New Co" || tr.User.LastLogin == nil {
				t.Fatalf("user %+v in %+v, want Ada Lovelace signed in just now in New Co", tr.User, tr.Tenant)
			}
			ck := rec.Result().Cookies()[0]
			if ck.Name != refreshCookie || !ck.HttpOnly || ck.Path != "/api/v1/auth" || ck.SameSite != http.SameSiteStrictMode {
				t.Fatalf("refresh cookie %+v", ck)
			}
			me := decode[MeResponse](t, tb.req(t, http.MethodGet, "/api/v1/me", tr.AccessToken, nil))
			if me.Package == nil || me.Package.Code != "free" || len(me.Memberships) != 1 {
				t.Fatalf("me %+v", me)
			}
		})
	}
	// Mass assignment left no account behind.
	var n int64
	tb.db.Gorm.Table("users").Where("system_role = 'system_admin' AND email LIKE 'r-%'").Count(&n)
	if n != 0 {
		t.Fatalf("a system admin was created through signup")
	}
}

// TestSignupReportsEveryInvalidField: one answer names every field that
// is wrong, whether the request's shape (lengths, required) or the
// sign-up rules (common password, email, organization name) refuse it, so
// the form shows all its errors at once instead of one per attempt; the
// problem's detail is the field's own sentence when only one is wrong.
func TestSignupReportsEveryInvalidField(t *testing.T) {
	t.Parallel()
	const invalidFields = "The sign-up has invalid fields."
	tb := setup(t)
	tests := []struct {
		name       string
		body       map[string]string
		wantFields []string
		wantDetail string // the problem's: the field's own when only one is wrong
	}{
		{"ErrCommonPasswordAndShortTenantName", map[string]string{"email": uniqueEmail("all"), "password": "password123", "tenant_name": "X"}, []string{"password", "tenant_name"}, invalidFields},
		{"ErrEmailPasswordAndBlankTenantName", map[string]string{"email": "not-an-email", "password": "password123", "tenant_name": "    "}, []string{"email", "password", "tenant_name"}, invalidFields},
		{"ErrShortPasswordAndBadEmail", map[string]string{"email": "not-an-email", "password": "short", "tenant_name": "X Co"}, []string{"email", "password"}, invalidFields},
		{"ErrMissingTenantNameAndCommonPassword", map[string]string{"email": uniqueEmail("all"), "password": "password123"}, []string{"password", "tenant_name"}, invalidFields},
		{"ErrPasswordIsEmailAndControlInName", map[string]string{"email": "same-as-pw@example.test", "password": "same-as-pw@example.test", "name": "Ada\u0007", "tenant_name": "X Co"}, []string{"name", "password"}, invalidFields},
		{"ErrOnlyTheEmail", map[string]string{"email": "not-an-email", "password": testPassword, "tenant_name": "X Co"}, []string{"email"}, "The email address is invalid."},
		// An email that is not one is still compared with the password, as typed.
		{"ErrPasswordIsTheInvalidEmail", map[string]string{"email": "not-an-email-but-long", "password": "Not-An-Email-But-Long", "tenant_name": "X Co"}, []string{"email", "password"}, invalidFields},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.req(t, http.MethodPost, "/api/v1/auth/signup", "", tt.body)
			wantStatus(t, rec, http.StatusUnprocessableEntity)
			p := decodeProblem(t, rec)
			errs, _ := p["errors"].([]any)
			var got []string
			for _, e := range errs {
				got = append(got, e.(map[string]any)["field"].(string))
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.wantFields) {
				t.Fatalf("fields %v, want each of %v once: %v", got, tt.wantFields, p)
			}
			if p["detail"] != tt.wantDetail {
				t.Fatalf("detail %q, want %q", p["detail"], tt.wantDetail)
			}
		})
	}
}

// TestSignupThrottledPerAddress: every sign-up creates an organization
// with its own free quotas and costs a password hash, and answering an
// email that is taken says the account exists; one address may try 20
// times, then waits, like a reset request.
func TestSignupThrottledPerAddress(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	taken := tb.MustSignup(t, "signup-taken")
	randomAddr := func() string { r := uuid.New().ID(); return fmt.Sprintf("198.18.%d.%d:4242", r>>8&0xff, r&0xff) }
	addr := randomAddr()
	signup := func(email, remote string) *httptest.ResponseRecorder {
		body := fmt.Sprintf(`{"email":%q,"password":%q,"tenant_name":"Throttle Co"}`, email, testPassword)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/signup", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		req.RemoteAddr = remote
		rec := tb.serve(t, req)
		return rec
	}
	tests := []struct {
		name  string
		email func() string
		want  int
	}{
		{"OKNewAccount", func() string { return uniqueEmail("signup-burst") }, http.StatusCreated},
		{"ErrEmailTaken", func() string { return taken.email }, http.StatusUnprocessableEntity},
	}
	for i := range 20 {
		tt := tests[i%len(tests)]
		if rec := signup(tt.email(), addr); rec.Code != tt.want {
			t.Fatalf("attempt %d (%s): %d, want %d; %s", i+1, tt.name, rec.Code, tt.want, rec.Body.String())
		}
	}
	for _, tt := range tests {
		rec := signup(tt.email(), addr)
		wantStatus(t, rec, http.StatusTooManyRequests)
		if rec.Header().Get("Retry-After") == "" || decodeProblem(t, rec)["type"] != "rate-limited" {
			t.Fatalf("%s: throttled answer: %v %s", tt.name, rec.Header(), rec.Body.String())
		}
		wantThrottleHeaders(t, rec, 20)
	}
	// Another address is not held up by it.
	wantStatus(t, signup(uniqueEmail("signup-elsewhere"), randomAddr()), http.StatusCreated)
}

// wantThrottleHeaders checks the headers of a throttle's 429 (DESIGN.md
// §5: Retry-After and RateLimit-*): limit free attempts, none remaining,
// reset when Retry-After says.
func wantThrottleHeaders(t *testing.T, rec *httptest.ResponseRecorder, limit int) {
	t.Helper()
	h := rec.Header()
	if retry := h.Get("Retry-After"); retry == "" || h.Get("RateLimit-Limit") != strconv.Itoa(limit) ||
		h.Get("RateLimit-Remaining") != "0" || h.Get("RateLimit-Reset") != retry {
		t.Fatalf("throttled answer's headers: Retry-After %q, RateLimit-Limit %q (want %d), RateLimit-Remaining %q, RateLimit-Reset %q",
			retry, h.Get("RateLimit-Limit"), limit, h.Get("RateLimit-Remaining"), h.Get("RateLimit-Reset"))
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	s := tb.MustSignup(t, "login")
	tests := []struct {
		name       string
		email, pw  string
		wantStatus int
		wantAction string // the attempt's audit event
	}{
		{"OK", s.email, testPassword, 200, "auth.login"},
		{"OKCaseInsensitiveEmail", strings.ToUpper(s.email), testPassword, 200, "auth.login"},
		{"ErrWrongPassword", s.email, "wrong-password-123", 401, "auth.login_failed"},
		{"ErrUnknownEmail", uniqueEmail("nobody"), testPassword, 401, "auth.login_failed"},
	}
	var bodies []string
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := json.Marshal(map[string]string{"email": tt.email, "password": tt.pw})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(string(body)))
			req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
			addr := fmt.Sprintf("203.0.113.%d", i+1)
			req.RemoteAddr = addr + ":4000"
			rec := tb.serve(t, req)
			wantStatus(t, rec, tt.wantStatus)
			// Login is a public route: the attempt is still audited with
			// the caller's address, which says where a failed password
			// came from.
			var ips []string
			if err := tb.db.Gorm.Raw(`SELECT coalesce(host(ip), '') FROM audit_events WHERE request_id = ? AND action = ?`,
				rec.Header().Get(headerRequestID), tt.wantAction).Scan(&ips).Error; err != nil {
				t.Fatal(err)
			}
			if len(ips) != 1 || ips[0] != addr {
				t.Errorf("%s events of the attempt record addresses %q, want [%s]", tt.wantAction, ips, addr)
			}
			if tt.wantStatus == 401 {
				p := decodeProblem(t, rec)
				bodies = append(bodies, p["detail"].(string))
			}
		})
	}
	if len(bodies) == 2 && bodies[0] != bodies[1] {
		t.Fatalf("unknown email and wrong password answer differently: %q vs %q", bodies[0], bodies[1])
	}
}

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	s := tb.MustSignup(t, "throttle")
	for i := range 5 {
		rec := tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": s.email, "password": "wrong-password-123"})
		wantStatus(t, rec, http.StatusUnauthorized)
		_ = i
	}
	// Locked now, even with the right password.
	rec := tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": s.email, "password": testPassword})
	wantStatus(t, rec, http.StatusTooManyRequests)
	wantThrottleHeaders(t, rec, 5)
	p := decodeProblem(t, rec)
	if p["type"] != "login-throttled" {
		t.Fatalf("type %v", p["type"])
	}
	// Failures are audited.
	var n int64
	tb.db.Gorm.Table("audit_events").Where("action = 'auth.login_failed' AND target_id = ?", s.userID).Count(&n)
	if n != 5 {
		t.Fatalf("%d login_failed events, want 5", n)
	}
}

func TestLoginThrottleHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	s := tb.MustSignup(t, "burst")
	// A burst of parallel guesses gets the same five as guesses one after
	// another: each attempt is counted before its password is checked.
	const burst = 30
	codes := make(chan int, burst)
	var wg sync.WaitGroup
	for range burst {
		wg.Go(func() {
			codes <- tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": s.email, "password": "wrong-password-123"}).Code
		})
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for c := range codes {
		got[c]++
	}
	if got[http.StatusUnauthorized] != 5 || got[http.StatusTooManyRequests] != burst-5 {
		t.Fatalf("answers %v, want 5 × 401 and %d × 429", got, burst-5)
	}
}

func TestLoginThrottleByAddress(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	s := tb.MustSignup(t, "office")
	addr := fmt.Sprintf("10.77.%d.%d:4321", seq.Add(1)%250, seq.Load()/250%250) // this test's own address
	login := func(email, password string) int {
		body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		req.RemoteAddr = addr
		rec := tb.serve(t, req)
		return rec.Code
	}
	// Many people behind one address sign in all day: successes cost the
	// address nothing.
	for i := range 25 {
		if code := login(s.email, testPassword); code != http.StatusOK {
			t.Fatalf("sign-in %d: %d", i+1, code)
		}
	}
	// Guessing across accounts from one address: 20 free failures, then locked.
	for i := range 20 {
		if code := login(fmt.Sprintf("nobody-%d-%s@example.test", i, uuid.NewString()[:8]), "wrong-password-123"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, code)
		}
	}
	if code := login(s.email, testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("after 20 failures from the address: %d, want 429", code)
	}
}

// TestAddressThrottleCountsIPv6Networks: an IPv6 client holds a whole /64
// (2^64 addresses), so a throttle per address would give it unlimited
// free tries by moving to the next one; its network counts as one address.
func TestAddressThrottleCountsIPv6Networks(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	send := func(path, body, remote string) int {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		req.RemoteAddr = remote
		rec := tb.serve(t, req)
		return rec.Code
	}
	// Invitations to five existing accounts, from a team with the seats for
	// them: proving an account to accept one is a sign-in, five free
	// failures per account, so the 20 attempts take four of them.
	inviter := tb.MustSignup(t, "v6inviter")
	tb.MustSetPackage(t, inviter.tenantID, "starter")
	var invitations []string
	for v := range 5 {
		victim := tb.MustSignup(t, fmt.Sprintf("v6invitee%d", v))
		rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", inviter.token, map[string]string{"email": victim.email, "role": "viewer"})
		wantStatus(t, rec, http.StatusCreated)
		_, token, _ := strings.Cut(decode[InvitationResponse](t, rec).AcceptURL, "token=")
		invitations = append(invitations, token)
	}
	tests := []struct {
		name string
		// try makes one attempt from remote and returns its status.
		try  func(i int, remote string) int
		want int // the answer to each of the 20 free attempts
	}{
		{"sign-in", func(i int, remote string) int {
			return send("/api/v1/auth/login", fmt.Sprintf(`{"email":%q,"password":"wrong-password-123"}`, uniqueEmail(fmt.Sprintf("v6guess%d", i))), remote)
		}, http.StatusUnauthorized},
		{"password reset", func(i int, remote string) int {
			return send("/api/v1/auth/password-reset", fmt.Sprintf(`{"email":%q}`, uniqueEmail(fmt.Sprintf("v6reset%d", i))), remote)
		}, http.StatusAccepted},
		{"accepting an invitation as an existing account", func(i int, remote string) int {
			return send("/api/v1/invitations/accept", fmt.Sprintf(`{"token":%q,"password":"wrong-password-123"}`, invitations[i/5]), remote)
		}, http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// This subtest's own /64.
			randomNet := func() string { r := uuid.New().ID(); return fmt.Sprintf("2001:db8:%x:%x", r>>16, r&0xffff) }
			network := randomNet()
			for i := range 20 {
				if code := tt.try(i, fmt.Sprintf("[%s::%x]:4321", network, i+1)); code != tt.want {
					t.Fatalf("attempt %d: %d, want %d", i+1, code, tt.want)
				}
			}
			if code := tt.try(20, fmt.Sprintf("[%s:ffff:ffff:ffff:ffff]:4321", network)); code != http.StatusTooManyRequests {
				t.Fatalf("21st attempt from another address of the same /64: %d, want 429", code)
			}
			// Another network is not held up by it.
			if code := tt.try(21, "["+randomNet()+"::1]:4321"); code != tt.want {
				t.Fatalf("another /64: %d, want %d", code, tt.want)
			}
		})
	}
}

func TestPasswordChecksShareTheThrottle(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	wrong := "wrong-password-123"
	tests := []struct {
		name string
		// guesser sets the scene and returns one wrong guess at victim's password.
		guesser func(t *testing.T, victim, attacker session) func() *httptest.ResponseRecorder
	}{
		{
			// Anyone can sign up and invite any email: accepting with an
			// existing account's password must not be an unlimited oracle.
			name: "accepting an invitation as an existing account",
			guesser: func(t *testing.T, victim, attacker session) func() *httptest.ResponseRecorder {
				rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", attacker.token, map[string]string{"email": victim.email, "role": "viewer"})
				wantStatus(t, rec, http.StatusCreated)
				inv := decode[InvitationResponse](t, rec)
				token := inv.AcceptURL[strings.Index(inv.AcceptURL, "token=")+6:]
				return func() *httptest.ResponseRecorder {
					return tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": wrong})
				}
			},
		},
		{
			// A stolen access token must not buy unlimited guesses either.
			name: "changing the password",
			guesser: func(t *testing.T, victim, _ session) func() *httptest.ResponseRecorder {
				return func() *httptest.ResponseRecorder {
					return tb.req(t, http.MethodPost, "/api/v1/me/password", victim.token,
						map[string]string{"current_password": wrong, "new_password": "brand-new-password-9"})
				}
			},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			victim := tb.MustSignup(t, fmt.Sprintf("victim%d", i))
			attacker := tb.MustSignup(t, fmt.Sprintf("attacker%d", i))
			guess := tt.guesser(t, victim, attacker)
			for range 5 {
				wantStatus(t, guess(), http.StatusUnprocessableEntity)
			}
			rec := guess()
			wantStatus(t, rec, http.StatusTooManyRequests)
			if decodeProblem(t, rec)["type"] != "login-throttled" {
				t.Fatal("want login-throttled")
			}
			// One throttle per account: sign-in is locked too, even with the right password.
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": victim.email, "password": testPassword}),
				http.StatusTooManyRequests)
		})
	}
}

func TestAccessTokenValidation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	s := tb.MustSignup(t, "jwt")
	claims := func(mod func(*identity.Claims)) identity.Claims {
		c := identity.Claims{
			RegisteredClaims: jwt.RegisteredClaims{
				Issuer: "1cloudai-contacts", Subject: s.userID, Audience: jwt.ClaimStrings{"1cloudai-contacts-api"},
				IssuedAt: jwt.NewNumericDate(time.Now()), ExpiresAt: jwt.NewNumericDate(time.Now().Add(5 * time.Minute)),
			},
			TenantID: s.tenantID,
		}
		// Reuse the session id from the real token so only the tested property differs.
		var real identity.Claims
		_, _, _ = jwt.NewParser().ParseUnverified(s.token, &real)
		c.SessionID = real.SessionID
		if mod != nil {
			mod(&c)
		}
		return c
	}
	sign := func(method jwt.SigningMethod, key any, c identity.Claims, typ string) string {
		tok := jwt.NewWithClaims(method, c)
		tok.Header["typ"] = typ
		str, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return str
	}
	secret := tb.srv.cfg.JWTSecret
	valid := sign(jwt.SigningMethodHS256, secret, claims(nil), "at+jwt")
	tests := []struct {
		name       string
		token      string
		wantStatus int
		scheme     string // of the Authorization header; "" is "Bearer"
	}{
		{"OKValid", valid, 200, ""},
		// RFC 9110 §11.1: the scheme is case-insensitive.
		{"OKLowercaseScheme", valid, 200, "bearer"},
		{"OKUppercaseScheme", valid, 200, "BEARER"},
		{"ErrBasicScheme", valid, 401, "Basic"},
		{"ErrAlgNone", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil), "at+jwt"), 401, ""},
		{"ErrOtherKey", sign(jwt.SigningMethodHS256, []byte("another-key-another-key-another-key"), claims(nil), "at+jwt"), 401, ""},
		{"ErrOtherHMAC", sign(jwt.SigningMethodHS512, secret, claims(nil), "at+jwt"), 401, ""},
		{"ErrExpired", sign(jwt.SigningMethodHS256, secret, claims(func(c *identity.Claims) {
			c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Minute))
		}), "at+jwt"), 401, ""},
		{"ErrNoExpiry", sign(jwt.SigningMethodHS256, secret, claims(func(c *identity.Claims) { c.ExpiresAt = nil }), "at+jwt"), 401, ""},
		{"ErrWrongAudience", sign(jwt.SigningMethodHS256, secret, claims(func(c *identity.Claims) {
			c.Audience = jwt.ClaimStrings{"someone-else"}
		}), "at+jwt"), 401, ""},
		{"ErrWrongIssuer", sign(jwt.SigningMethodHS256, secret, claims(func(c *identity.Claims) { c.Issuer = "evil" }), "at+jwt"), 401, ""},
		{"ErrWrongType", sign(jwt.SigningMethodHS256, secret, claims(nil), "JWT"), 401, ""},
		{"ErrGarbage", "not.a.jwt", 401, ""},
		{"ErrMissing", "", 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec *httptest.ResponseRecorder
			if tt.scheme == "" {
				rec = tb.req(t, http.MethodGet, "/api/v1/me", tt.token, nil)
			} else {
				req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
				req.Header.Set(echo.HeaderAuthorization, tt.scheme+" "+tt.token)
				rec = tb.serve(t, req)
			}
			wantStatus(t, rec, tt.wantStatus)
			if tt.wantStatus == 401 {
				decodeProblem(t, rec)
				if rec.Header().Get("WWW-Authenticate") == "" {
					t.Fatal("401 without WWW-Authenticate")
				}
			}
		})
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := time.Now().UTC().Truncate(time.Second) // the database keeps microseconds
	clock := tb.pinIdentityClock(start)
	s := tb.MustSignup(t, "refresh")

	rec := tb.refreshWith(t, s.refresh)
	wantStatus(t, rec, http.StatusOK)
	second := refreshCookieOf(rec)
	if second == "" || second == s.refresh {
		t.Fatal("refresh did not rotate the cookie")
	}
	fresh := decode[TokenResponse](t, rec).AccessToken
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/me", fresh, nil), http.StatusOK)

	// Replaying the spent token after the grace window for a lost answer
	// (TestRefreshGraceWindow) revokes the whole family...
	clock.Set(start.Add(identity.RefreshReuseGrace + time.Second))
	wantStatus(t, tb.refreshWith(t, s.refresh), http.StatusUnauthorized)
	// ...so the newest refresh token and the access tokens die too.
	wantStatus(t, tb.refreshWith(t, second), http.StatusUnauthorized)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/me", fresh, nil), http.StatusUnauthorized)
	// Replays of the ended family revoke nothing more, and are not audited
	// again: whoever holds an old token cannot fill the append-only log.
	for range 3 {
		wantStatus(t, tb.refreshWith(t, s.refresh), http.StatusUnauthorized)
	}

	var n int64
	// The event names the account whose session ended, so the log reads
	// without looking the user up, and is in the log of the organization
	// the session was in.
	tb.db.Gorm.Table("audit_events").Where("action = 'auth.refresh_reuse_detected' AND actor_user_id = ? AND actor_label = ? AND tenant_id = ?",
		s.userID, s.email, s.tenantID).Count(&n)
	if n != 1 {
		t.Fatalf("%d reuse audit events by %s in %s, want 1", n, s.email, s.tenantID)
	}
	// The session says why it ended, for the support question that follows.
	var reasons []string
	tb.db.Gorm.Raw(`SELECT coalesce(revoked_reason, '') FROM sessions WHERE user_id = ?`, s.userID).Scan(&reasons)
	if len(reasons) != 1 || reasons[0] != "refresh token reuse" {
		t.Fatalf("the session ended for %q, want [refresh token reuse]", reasons)
	}
	// Refresh tokens are stored hashed.
	var raw int64
	tb.db.Gorm.Table("refresh_tokens").Where("token_hash = ?", []byte(second)).Count(&raw)
	if raw != 0 {
		t.Fatal("refresh token stored in the clear")
	}
}

// TestRefreshEndsAtTheSessionExpiry: a session's refresh token works up to
// the session's expiry and not at it: expires_at is the first instant it
// is over, as the access-token check (sessions.expires_at > now()) and
// the reset and invitation links have it.
func TestRefreshEndsAtTheSessionExpiry(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := time.Now().UTC().Truncate(time.Second) // the database keeps microseconds
	clock := tb.pinIdentityClock(start)
	s := tb.MustSignup(t, "expiry")

	clock.Set(start.Add(identity.RefreshTTL - time.Second))
	rec := tb.refreshWith(t, s.refresh)
	wantStatus(t, rec, http.StatusOK)
	clock.Set(start.Add(identity.RefreshTTL))
	wantStatus(t, tb.refreshWith(t, refreshCookieOf(rec)), http.StatusUnauthorized)
}

// TestRefreshGraceWindow: a client that lost the answer to its refresh (the
// server rotated the token, the new cookie never arrived) retries with the
// spent token. Within identity.RefreshReuseGrace of the rotation, while the
// successor is still unused, that is the same client: it gets a new token in
// the same session (the lost successor is revoked) instead of ending the
// session on every device. Later, or once the successor was used, it is
// reuse as before.
func TestRefreshGraceWindow(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := time.Now().UTC().Truncate(time.Second) // the database keeps microseconds
	clock := tb.pinIdentityClock(start)

	tests := []struct {
		name          string
		replayAfter   time.Duration // from the rotation to the replay of the spent token
		useSuccessor  bool          // the successor was refreshed before the replay
		want          int
		againAfter    time.Duration // a second replay of the spent token, from the rotation; 0: none
		wantAgain     int
		wantReuseLogs int64
	}{
		{name: "lost answer retried at once", want: http.StatusOK},
		{name: "lost answer retried at the end of the window", replayAfter: identity.RefreshReuseGrace, want: http.StatusOK},
		{name: "replayed after the window", replayAfter: identity.RefreshReuseGrace + time.Second,
			want: http.StatusUnauthorized, wantReuseLogs: 1},
		{name: "replayed after the successor was used", replayAfter: time.Second, useSuccessor: true,
			want: http.StatusUnauthorized, wantReuseLogs: 1},
		{name: "the window counts from the first rotation", replayAfter: time.Second, want: http.StatusOK,
			againAfter: identity.RefreshReuseGrace + time.Second, wantAgain: http.StatusUnauthorized, wantReuseLogs: 1},
		// The window docs/API.md promises clients.
		{name: "retried 30 seconds after", replayAfter: 30 * time.Second, want: http.StatusOK},
		{name: "replayed 31 seconds after", replayAfter: 31 * time.Second, want: http.StatusUnauthorized, wantReuseLogs: 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each case on its own stretch of the shared clock.
			at := start.Add(time.Duration(i) * time.Hour)
			clock.Set(at)
			s := tb.MustSignup(t, "grace")
			rec := tb.refreshWith(t, s.refresh)
			wantStatus(t, rec, http.StatusOK)
			successor := refreshCookieOf(rec)

			clock.Set(at.Add(tt.replayAfter))
			if tt.useSuccessor {
				rec = tb.refreshWith(t, successor)
				wantStatus(t, rec, http.StatusOK)
				successor = refreshCookieOf(rec)
			}
			rec = tb.refreshWith(t, s.refresh)
			wantStatus(t, rec, tt.want)
			live := successor
			if tt.want == http.StatusOK {
				live = refreshCookieOf(rec)
				if live == "" || live == successor || live == s.refresh {
					t.Fatalf("the retry within the window set cookie %q, want a new refresh token", live)
				}
				wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/me", decode[TokenResponse](t, rec).AccessToken, nil), http.StatusOK)
				if n := tb.liveRefreshTokens(t, s.userID); n != 1 {
					t.Fatalf("%d live refresh tokens after the retry, want exactly 1", n)
				}
			}
			if tt.againAfter != 0 {
				clock.Set(at.Add(tt.againAfter))
				wantStatus(t, tb.refreshWith(t, s.refresh), tt.wantAgain)
			}
			if tt.wantReuseLogs == 0 {
				// The session goes on: the newest token refreshes.
				wantStatus(t, tb.refreshWith(t, live), http.StatusOK)
			} else {
				// Reuse ended the session: its newest token died with it.
				wantStatus(t, tb.refreshWith(t, live), http.StatusUnauthorized)
				if n := tb.liveRefreshTokens(t, s.userID); n != 0 {
					t.Fatalf("%d live refresh tokens after reuse, want 0", n)
				}
			}
			var n int64
			tb.db.Gorm.Table("audit_events").Where("action = 'auth.refresh_reuse_detected' AND actor_user_id = ?", s.userID).Count(&n)
			if n != tt.wantReuseLogs {
				t.Fatalf("%d reuse audit events, want %d", n, tt.wantReuseLogs)
			}
		})
	}
}

// TestConcurrentRefreshesKeepTheSession: two tabs refreshing with the same
// cookie at once (a browser without the Web Locks the SPA serializes them
// with) are one legitimate user: both are answered with a new token, the
// session goes on, and exactly one refresh token is left to use.
func TestConcurrentRefreshesKeepTheSession(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	s := tb.MustSignup(t, "tabs")
	const tabs = 3
	recs := make([]*httptest.ResponseRecorder, tabs)
	var wg sync.WaitGroup
	for i := range tabs {
		wg.Go(func() { recs[i] = tb.refreshWith(t, s.refresh) })
	}
	wg.Wait()
	cookies := map[string]bool{}
	for _, rec := range recs {
		wantStatus(t, rec, http.StatusOK)
		cookies[refreshCookieOf(rec)] = true
	}
	if len(cookies) != tabs {
		t.Fatalf("%d distinct refresh cookies for %d refreshes, want one each", len(cookies), tabs)
	}
	if n := tb.liveRefreshTokens(t, s.userID); n != 1 {
		t.Fatalf("%d live refresh tokens, want exactly 1", n)
	}
	live := 0
	for cookie := range cookies {
		var n int64
		tb.db.Gorm.Table("refresh_tokens").Where("token_hash = ? AND used_at IS NULL", identity.HashSecret(cookie)).Count(&n)
		live += int(n)
	}
	if live != 1 {
		t.Fatalf("%d of the answered cookies are live, want 1", live)
	}
}

// liveRefreshTokens counts the refresh tokens of the user's unrevoked
// sessions that can still be spent.
func (tb *testBundle) liveRefreshTokens(t testing.TB, userID string) int64 {
	t.Helper()
	var n int64
	if err := tb.db.Gorm.Table("refresh_tokens rt").Joins("JOIN sessions s ON s.id = rt.session_id").
		Where("s.user_id = ? AND s.revoked_at IS NULL AND rt.used_at IS NULL", userID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSignupEmailTakenLogsNoError: a sign-up with an email that has an
// account is the client's mistake (422), not a failure of ours: nothing is
// logged at ERROR for it (the unique violation was logged as "sql error").
func TestSignupEmailTakenLogsNoError(t *testing.T) {
	t.Parallel()
	_, dsn := dbtest.Fresh(t) // its own pool, whose SQL log the test reads
	var logs syncbuf.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	d, err := db.Open(t.Context(), dsn, db.OpenOpts{MaxConns: 4, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	cfg, err := config.LoadFrom(func(k string) string { return map[string]string{"APP_ENV": "test"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	tb := &testBundle{srv: New(Deps{Config: cfg, Logger: log, DB: d, Services: NewServices(cfg, log, d)}), db: d}
	taken := tb.MustSignup(t, "taken")
	rec := tb.req(t, http.MethodPost, "/api/v1/auth/signup", "", map[string]string{
		"email": strings.ToUpper(taken.email), "password": testPassword, "tenant_name": "Again Inc"})
	wantStatus(t, rec, http.StatusUnprocessableEntity)
	if out := logs.String(); strings.Contains(out, `"level":"ERROR"`) {
		t.Fatalf("a taken email was logged as an error:\n%s", out)
	}
}

// TestRefreshSurvivesADatabaseFailure: a refresh the database could not
// answer says nothing about the refresh token, so it must neither end the
// session (clearing the cookie) nor answer 401 (the SPA then forgets
// that the browser has a session): the next refresh must still work.
func TestRefreshSurvivesADatabaseFailure(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t) // tables are renamed below: not on the shared database
	cfg, err := config.LoadFrom(func(k string) string { return map[string]string{"APP_ENV": "test"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tb := &testBundle{srv: New(Deps{Config: cfg, Logger: log, DB: d, Services: NewServices(cfg, log, d)}), db: d}
	s := tb.MustSignup(t, "dbfail")
	tests := []struct {
		name  string
		table string // made unreadable during the refresh
	}{
		{"refresh tokens", "refresh_tokens"},
		{"sessions", "sessions"},
		{"users", "users"},
	}
	cookie := s.refresh
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := d.Gorm.Exec(`ALTER TABLE ` + tt.table + ` RENAME TO unreadable`).Error; err != nil {
				t.Fatal(err)
			}
			rec := tb.refreshWith(t, cookie)
			if err := d.Gorm.Exec(`ALTER TABLE unreadable RENAME TO ` + tt.table).Error; err != nil {
				t.Fatal(err)
			}
			if rec.Code < 500 {
				t.Fatalf("refresh while %s cannot be read: %d, want 5xx; %s", tt.table, rec.Code, rec.Body.String())
			}
			for _, ck := range rec.Result().Cookies() {
				if ck.Name == refreshCookie {
					t.Fatalf("the failed refresh set the refresh cookie: %+v", ck)
				}
			}
			rec = tb.refreshWith(t, cookie)
			wantStatus(t, rec, http.StatusOK)
			cookie = refreshCookieOf(rec)
		})
	}
}

// TestLogout: signing out ends the session that either credential the
// request carries proves, the bearer access token or the refresh cookie (a
// browser whose access token expired sends only the cookie): both die.
func TestLogout(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name           string
		bearer, cookie bool
	}{
		{"OKAccessToken", true, false},
		{"OKRefreshCookie", false, true},
		{"OKBoth", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tb.MustSignup(t, "logout")
			req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/logout", nil)
			if tt.bearer {
				req.Header.Set(echo.HeaderAuthorization, "Bearer "+s.token)
			}
			if tt.cookie {
				req.AddCookie(&http.Cookie{Name: refreshCookie, Value: s.refresh})
			}
			wantStatus(t, tb.serve(t, req), http.StatusNoContent)
			wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/me", s.token, nil), http.StatusUnauthorized)
			wantStatus(t, tb.refreshWith(t, s.refresh), http.StatusUnauthorized)
		})
	}
}

func TestSwitchTenant(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "switch-a")
	b := tb.MustSignup(t, "switch-b")
	// b invites a's user into b's tenant.
	rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", b.token, map[string]string{"email": a.email, "role": "viewer"})
	wantStatus(t, rec, http.StatusCreated)
	inv := decode[InvitationResponse](t, rec)
	token := inv.AcceptURL[strings.Index(inv.AcceptURL, "token=")+6:]
	// An existing account must prove its password.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": "wrong-password-123"}), 422)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": testPassword}), 200)

	rec = tb.req(t, http.MethodPost, "/api/v1/auth/switch-tenant", a.token, map[string]string{"tenant_id": b.tenantID})
	wantStatus(t, rec, http.StatusOK)
	tr := decode[TokenResponse](t, rec)
	if tr.Tenant.ID != b.tenantID || tr.Tenant.Role != "viewer" {
		t.Fatalf("switched to %+v", tr.Tenant)
	}
	me := decode[MeResponse](t, tb.req(t, http.MethodGet, "/api/v1/me", tr.AccessToken, nil))
	if len(me.Memberships) != 2 || me.Tenant.ID != b.tenantID {
		t.Fatalf("me %+v", me)
	}
	// The session moved: its next refresh stays in the tenant switched to.
	refreshed := tb.refreshWith(t, a.refresh)
	wantStatus(t, refreshed, http.StatusOK)
	if got := decode[TokenResponse](t, refreshed).Tenant; got == nil || got.ID != b.tenantID {
		t.Fatalf("refreshed into %+v, want %s", got, b.tenantID)
	}
	// A tenant the user does not belong to.
	other := tb.MustSignup(t, "switch-c")
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/switch-tenant", a.token, map[string]string{"tenant_id": other.tenantID}), 404)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/switch-tenant", a.token, map[string]string{"tenant_id": "nope"}), 422)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/switch-tenant", "", map[string]string{"tenant_id": b.tenantID}), 401)
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	start := time.Now().UTC().Truncate(time.Second) // the database keeps microseconds
	clock := tb.pinIdentityClock(start)
	s := tb.MustSignup(t, "pw")
	other := tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": s.email, "password": testPassword})
	otherToken := decode[TokenResponse](t, other).AccessToken
	changedAt := func() time.Time {
		t.Helper()
		rec := tb.req(t, http.MethodGet, "/api/v1/me", s.token, nil)
		wantStatus(t, rec, 200)
		return decode[MeResponse](t, rec).User.PasswordChangedAt
	}
	if got := changedAt(); !got.Equal(start) {
		t.Fatalf("password_changed_at after sign-up = %s, want %s", got, start)
	}

	clock.Set(start.Add(2 * time.Minute))
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/me/password", s.token, map[string]string{"current_password": "wrong-one-12345", "new_password": "another-long-password"}), 422)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/me/password", s.token, map[string]string{"current_password": testPassword, "new_password": "qwertyuiop"}), 422)
	if got := changedAt(); !got.Equal(start) {
		t.Fatalf("password_changed_at after refused changes = %s, want %s", got, start)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/me/password", s.token, map[string]string{"current_password": testPassword, "new_password": "another-long-password"}), 204)
	// The other session ended; this one continues.
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/me", otherToken, nil), 401)
	if got, want := changedAt(), start.Add(2*time.Minute); !got.Equal(want) {
		t.Fatalf("password_changed_at after the change = %s, want %s", got, want)
	}
	rec := tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": s.email, "password": "another-long-password"})
	wantStatus(t, rec, 200)
	if got, want := decode[TokenResponse](t, rec).User.PasswordChangedAt, start.Add(2*time.Minute); !got.Equal(want) {
		t.Fatalf("the sign-in's user says password_changed_at %s, want %s", got, want)
	}
}

// TestCreateUserOnExistingAccount: `contacts admin create-user` on an
// address that has an account sets its password like a reset (every
// session ends, audited) and changes its role only when one is given.
func TestCreateUserOnExistingAccount(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name, role, wantRole string
		audited              []string
		// locked: the account's sign-in was locked by wrong passwords
		// first (recovering an account under attack is what the command
		// is for; like a reset link it clears the lock).
		locked bool
	}{
		{"OKPasswordOnly", "", "user", []string{"user.password_reset"}, false},
		{"OKPromoted", "system_admin", "system_admin", []string{"user.password_reset", "user.system_role_changed"}, false},
		// The role it has already: no role change to audit.
		{"OKSameRole", "user", "user", []string{"user.password_reset"}, false},
		{"OKLockedAccount", "", "user", []string{"user.password_reset"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tb.MustSignup(t, "cli-"+strings.ToLower(tt.name))
			if tt.locked {
				for range 5 {
					wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/login", "",
						map[string]string{"email": s.email, "password": "wrong-password-123"}), http.StatusUnauthorized)
				}
				wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/login", "",
					map[string]string{"email": s.email, "password": testPassword}), http.StatusTooManyRequests)
			}
			u, err := tb.srv.svc.Identity.CreateUser(t.Context(), s.email, "", "a-brand-new-password-77", tt.role)
			if err != nil || u.SystemRole != tt.wantRole || u.ID.String() != s.userID {
				t.Fatalf("CreateUser = %+v, %v; want the same account as %s", u, err, tt.wantRole)
			}
			var got []string
			tb.db.Gorm.Raw(`SELECT action FROM audit_events WHERE target_id = ? AND action LIKE 'user.%' ORDER BY id`, s.userID).Scan(&got)
			if strings.Join(got, ",") != strings.Join(tt.audited, ",") {
				t.Fatalf("audited %q, want %q", got, tt.audited)
			}
			wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/me", s.token, nil), http.StatusUnauthorized)
			wantStatus(t, tb.refreshWith(t, s.refresh), http.StatusUnauthorized)
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/login", "",
				map[string]string{"email": s.email, "password": "a-brand-new-password-77"}), http.StatusOK)
		})
	}
}

// TestAcceptInvitationEndsPreviousSession: accepting in a browser signed in
// before (its access token sent along, as the SPA does) ends that session;
// an acceptance without one leaves everyone's sessions alone.
func TestAcceptInvitationEndsPreviousSession(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "accept-admin")
	tests := []struct {
		name      string
		signedIn  bool
		wantEnded bool
	}{
		{"OKSignedInBefore", true, true},
		{"OKFreshBrowser", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			previous := tb.MustSignup(t, "accept-prev")
			rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": uniqueEmail("accept-new"), "role": "member"})
			wantStatus(t, rec, http.StatusCreated)
			_, token, _ := strings.Cut(decode[InvitationResponse](t, rec).AcceptURL, "token=")
			bearer := ""
			if tt.signedIn {
				bearer = previous.token
			}
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/accept", bearer,
				map[string]string{"token": token, "name": "New", "password": testPassword}), http.StatusOK)
			want := http.StatusOK
			if tt.wantEnded {
				want = http.StatusUnauthorized
			}
			wantStatus(t, tb.refreshWith(t, previous.refresh), want)
		})
	}
}

// TestSignInAfterAddressLockEnds: behind one address (an office, a
// carrier's NAT) 20 failures lock it; once that lock has ended, people
// there sign in again, and a successful sign-in gives its attempt back
// whole: it neither locks the address nor extends a lock.
func TestSignInAfterAddressLockEnds(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	first := tb.MustSignup(t, "nat-first")
	second := tb.MustSignup(t, "nat-second")
	host := fmt.Sprintf("10.78.%d.%d", seq.Add(1)%250, seq.Load()/250%250) // this test's own address
	login := func(email, password string) int {
		body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		req.RemoteAddr = host + ":4321"
		return tb.serve(t, req).Code
	}
	for i := range 20 {
		if code := login(uniqueEmail(fmt.Sprintf("nat-guess%d", i)), "wrong-password-123"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, code)
		}
	}
	if code := login(first.email, testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("after 20 failures from the address: %d, want 429", code)
	}
	// The lock runs out (the database's clock cannot be moved: end it).
	if err := tb.db.Gorm.Exec(`UPDATE auth_throttle SET locked_until = now() - interval '1 second' WHERE key = ?`,
		"ip:"+host).Error; err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		email string
	}{
		{"OKFirstSignInAfterTheLock", first.email},
		{"OKNextPersonBehindTheAddress", second.email},
		{"OKAndTheNext", first.email},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := login(tt.email, testPassword); code != http.StatusOK {
				t.Fatalf("sign-in with the right password: %d, want 200", code)
			}
		})
	}
	// The failures are still remembered: the next wrong guess locks again.
	if code := login(uniqueEmail("nat-guess-again"), "wrong-password-123"); code != http.StatusUnauthorized {
		t.Fatalf("guess after the lock: %d, want 401", code)
	}
	if code := login(first.email, testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("after another failure: %d, want 429", code)
	}
}

// TestAccountEmailUnicodeForms: "zoë" written with a precomposed ë and
// with e plus a combining diaeresis is one address (Unicode canonical
// equivalence; RFC 6532 keeps addresses in NFC), whichever a keyboard,
// a paste or an address book produced. It is one account: signing up
// again is refused, and sign-in, a reset request and an invitation find
// the account whichever form is typed.
func TestAccountEmailUnicodeForms(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	id := uuid.NewString()[:8]
	composed := "zo\u00eb-" + id + "@m\u00fcller.example"                   // NFC
	decomposed := "zoe\u0308-" + id + "@mu\u0308ller.example"               // NFD
	shouted := "ZOE\u0308-" + strings.ToUpper(id) + "@MU\u0308LLER.EXAMPLE" // NFD, upper case
	rec := tb.req(t, http.MethodPost, "/api/v1/auth/signup", "", map[string]string{"email": decomposed, "password": testPassword, "tenant_name": "Zoe Co"})
	wantStatus(t, rec, http.StatusCreated)
	if got := decode[TokenResponse](t, rec).User.Email; got != composed {
		t.Errorf("account email %q (% x), want the composed form %q", got, got, composed)
	}
	admin := tb.MustSignup(t, "nfc-admin")
	tb.wantOneAccount(t, id, composed, admin, []spelling{{"Composed", composed}, {"DecomposedUpperCase", shouted}}, shouted, shouted)
}

// spelling is one way an address is written, named for a subtest.
type spelling struct{ name, email string }

// wantOneAccount checks that the only account whose address ends in
// "-"+id+"@..." holds canonical, and that each of spellings is that
// account: signing up again with it is refused and it signs in; a reset
// request written resetAs finds the account, and an invitation from admin
// to inviteAs names canonical and is accepted into it.
func (tb *testBundle) wantOneAccount(t *testing.T, id, canonical string, admin session, spellings []spelling, resetAs, inviteAs string) {
	t.Helper()
	type subtest struct {
		name string
		do   func(t *testing.T)
	}
	var tests []subtest
	for _, sp := range spellings {
		tests = append(tests, subtest{"ErrSignupAgain" + sp.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/signup", "", map[string]string{"email": sp.email, "password": testPassword, "tenant_name": "Again"}),
				http.StatusUnprocessableEntity)
		}})
	}
	for _, sp := range spellings {
		tests = append(tests, subtest{"OKLogin" + sp.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": sp.email, "password": testPassword}), http.StatusOK)
		}})
	}
	tests = append(tests, subtest{"OKResetRequestFindsTheAccount", func(t *testing.T) {
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/password-reset", "", map[string]string{"email": resetAs}), http.StatusAccepted)
		tb.workResetRequests(t, canonical)
		if links := tb.resetLinks(t, canonical); len(links) != 1 {
			t.Fatalf("%d reset mails to the account, want 1", len(links))
		}
	}}, subtest{"OKInvitationFindsTheAccount", func(t *testing.T) {
		rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": inviteAs, "role": "viewer"})
		wantStatus(t, rec, http.StatusCreated)
		inv := decode[InvitationResponse](t, rec)
		if inv.Email != canonical {
			t.Fatalf("invitation to %q, want %q", inv.Email, canonical)
		}
		_, token, _ := strings.Cut(inv.AcceptURL, "token=")
		preview := decode[InvitationPreviewResponse](t, tb.req(t, http.MethodPost, "/api/v1/invitations/lookup", "", map[string]string{"token": token}))
		if preview.Email != canonical {
			t.Fatalf("preview %+v: want %q", preview, canonical)
		}
		rec = tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": testPassword})
		wantStatus(t, rec, http.StatusOK)
		if tr := decode[TokenResponse](t, rec); tr.User.Email != canonical || tr.Tenant.ID != admin.tenantID {
			t.Fatalf("accepted as %+v in %+v", tr.User, tr.Tenant)
		}
	}})
	for _, tt := range tests {
		t.Run(tt.name, tt.do)
	}
	var accounts int64
	tb.db.Gorm.Table("users").Where("email::text LIKE ?", "%-"+id+"@%").Count(&accounts)
	if accounts != 1 {
		t.Fatalf("%d accounts for one address, want 1", accounts)
	}
}

// TestInvitationLookupKeepsAccountsPrivate: the invitation's link is shown
// to the org admin who created it, who may invite any address. Its lookup
// said whether that address had an account on the platform (in any
// organization): the answer for an address with an account and one
// without must not differ but for the address itself.
func TestInvitationLookupKeepsAccountsPrivate(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "lookup-admin")
	other := tb.MustSignup(t, "lookup-other") // an account of another organization
	answer := func(email string) string {
		t.Helper()
		rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": email, "role": "viewer"})
		wantStatus(t, rec, http.StatusCreated)
		inv := decode[InvitationResponse](t, rec)
		_, token, _ := strings.Cut(inv.AcceptURL, "token=")
		rec = tb.req(t, http.MethodPost, "/api/v1/invitations/lookup", "", map[string]string{"token": token})
		wantStatus(t, rec, http.StatusOK)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		delete(body, "email")
		delete(body, "expires_at")
		out, _ := json.Marshal(body)
		return string(out)
	}
	withAccount, without := answer(other.email), answer(uniqueEmail("lookup-nobody"))
	if withAccount != without {
		t.Fatalf("lookup of an address with an account %s, without %s: they differ", withAccount, without)
	}
}

// TestAccountEmailCanonicalForms: an account's address takes the canonical
// form contacts' addresses take (emailaddr.Canonical) wherever it enters:
// a punycode domain is its Unicode one, fullwidth forms (an East Asian
// input method's "＠" and letters) are ASCII, a display name or a mailto:
// link is the address. Each spelling made a second account for the same
// mailbox, or failed to sign in, find the account for a reset or an
// invitation, or be found by staff.
func TestAccountEmailCanonicalForms(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	id := uuid.NewString()[:8]
	canonical := "ann-" + id + "@m\u00fcller.example"
	punycode := "ann-" + id + "@xn--mller-kva.example"
	fullwidth := "ＡＮＮ-" + strings.ToUpper(id) + "＠ＭÜＬＬＥＲ．ｅｘａｍｐｌｅ"
	named := "Ann Lee <mailto:" + strings.ToUpper(punycode) + ">"
	rec := tb.req(t, http.MethodPost, "/api/v1/auth/signup", "", map[string]string{"email": punycode, "password": testPassword, "tenant_name": "Ann Co"})
	wantStatus(t, rec, http.StatusCreated)
	if got := decode[TokenResponse](t, rec).User.Email; got != canonical {
		t.Fatalf("account email %q, want %q", got, canonical)
	}
	admin := tb.MustSignup(t, "canon-admin")
	tb.wantOneAccount(t, id, canonical, admin, []spelling{{"Canonical", canonical}, {"Fullwidth", fullwidth}, {"Named", named}}, fullwidth, named)
	sys := tb.MustSystemUser(t, "support")
	users := decode[UserList](t, tb.req(t, http.MethodGet, "/api/v1/admin/users?q="+url.QueryEscape(strings.ToUpper(punycode)), sys.token, nil))
	if len(users.Items) != 1 || users.Items[0].Email != canonical {
		t.Fatalf("staff lookup found %+v, want the account of %q", users.Items, canonical)
	}
}

// TestLoginKeepsNoTypedPassword: people type their password into the email
// field by mistake. A failed sign-in is audited (in the append-only log
// platform staff read) and throttled per account, but what was typed there
// is kept only when it is an email address: a password never lands in the
// audit log or the throttle table.
func TestLoginKeepsNoTypedPassword(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	s := tb.MustSignup(t, "typo")
	secret := "Tr0ub4dor&3-" + uuid.NewString()[:8]
	tests := []struct {
		name   string
		email  string
		logged string // what the audit event names, "" for nothing of what was typed
	}{
		{"OKPasswordInTheEmailField", secret, ""},
		{"OKPasswordWithSpaces", "  " + secret + "  ", ""},
		{"OKUnknownAddressIsNamed", "Nobody-" + secret[12:] + "@Example.test", "nobody-" + secret[12:] + "@example.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": tt.email, "password": testPassword})
			wantStatus(t, rec, http.StatusUnauthorized)
			if p := decodeProblem(t, rec); p["detail"] != "The email or password is incorrect." {
				t.Fatalf("detail %v: want the answer of a wrong password", p["detail"])
			}
		})
	}
	// A wrong password of a real account still names it.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": s.email, "password": "wrong-password-123"}), http.StatusUnauthorized)

	var leaked []string
	if err := tb.db.Gorm.Raw(`SELECT action || ' ' || target_id || ' ' || data::text FROM audit_events WHERE target_id ILIKE ? OR data::text ILIKE ?
		UNION ALL SELECT 'auth_throttle ' || key FROM auth_throttle WHERE key ILIKE ?`,
		"%"+secret[:12]+"%", "%"+secret[:12]+"%", "%"+secret[:12]+"%").Scan(&leaked).Error; err != nil {
		t.Fatal(err)
	}
	if len(leaked) != 0 {
		t.Errorf("what was typed into the email field is stored: %q", leaked)
	}
	var named []string
	tb.db.Gorm.Raw(`SELECT target_id FROM audit_events WHERE action = 'auth.login_failed' AND target_id IN (?, ?) ORDER BY id`,
		tests[2].logged, s.userID).Scan(&named)
	if len(named) != 2 {
		t.Errorf("login_failed events name %q, want the unknown address and the account", named)
	}
}

// TestAddressForgetsOldFailures: an address's failures are forgotten an
// hour after the last of them, also while people keep signing in from it
// (an office, a carrier's NAT): a right password is no failure, and does
// not keep the old ones alive, so one typo later is one failure, not a
// lock of everyone behind the address.
func TestAddressForgetsOldFailures(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	s := tb.MustSignup(t, "nat-forget")
	host := fmt.Sprintf("10.79.%d.%d", seq.Add(1)%250, seq.Load()/250%250) // this test's own address
	key := "ip:" + host
	login := func(email, password string) int {
		body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		req.RemoteAddr = host + ":4321"
		return tb.serve(t, req).Code
	}
	// The database's clock cannot be moved: move the address's row back.
	age := func(d string) {
		t.Helper()
		if err := tb.db.Gorm.Exec(`UPDATE auth_throttle SET updated_at = updated_at - ?::interval,
			locked_until = CASE WHEN locked_until - ?::interval > now() THEN locked_until - ?::interval END WHERE key = ?`,
			d, d, d, key).Error; err != nil {
			t.Fatal(err)
		}
	}
	for i := range 20 {
		if code := login(uniqueEmail(fmt.Sprintf("nat-old%d", i)), "wrong-password-123"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, code)
		}
	}
	age("59 minutes")
	// Someone signs in a minute before the failures are an hour old...
	if code := login(s.email, testPassword); code != http.StatusOK {
		t.Fatalf("sign-in after the lock: %d, want 200", code)
	}
	age("2 minutes")
	// ...and a minute after, someone mistypes once: one failure.
	if code := login(s.email, "wrong-password-123"); code != http.StatusUnauthorized {
		t.Fatalf("a typo: %d, want 401", code)
	}
	if code := login(s.email, testPassword); code != http.StatusOK {
		t.Fatalf("sign-in after one typo on an address whose failures are over an hour old: %d, want 200", code)
	}
	var failures int
	if err := tb.db.Gorm.Raw(`SELECT failures FROM auth_throttle WHERE key = ?`, key).Scan(&failures).Error; err != nil {
		t.Fatal(err)
	}
	if failures != 1 {
		t.Fatalf("the address counts %d failures, want the 1 of the last hour", failures)
	}
}

// TestAcceptInvitationSignedIn: a user signed in as the invited address joins
// with one click (no password), and the session moves to the new tenant.
func TestAcceptInvitationSignedIn(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	inviter := tb.MustSignup(t, "accept-si-admin")
	tb.MustSetPackage(t, inviter.tenantID, "starter")
	invite := func(t *testing.T, email string) string {
		t.Helper()
		rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", inviter.token, map[string]string{"email": email, "role": "member"})
		wantStatus(t, rec, http.StatusCreated)
		_, token, _ := strings.Cut(decode[InvitationResponse](t, rec).AcceptURL, "token=")
		return token
	}
	const path = "/api/v1/me/invitations/accept"

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		user := tb.MustSignup(t, "accept-si-user")
		token := invite(t, user.email)
		rec := tb.req(t, http.MethodPost, path, user.token, map[string]string{"token": token})
		wantStatus(t, rec, http.StatusOK)
		tr := decode[TokenResponse](t, rec)
		if tr.Tenant == nil || tr.Tenant.ID != inviter.tenantID || tr.Tenant.Role != "member" {
			t.Fatalf("tenant %+v", tr.Tenant)
		}
		me := decode[MeResponse](t, tb.req(t, http.MethodGet, "/api/v1/me", tr.AccessToken, nil))
		if len(me.Memberships) != 2 || me.Tenant.ID != inviter.tenantID {
			t.Fatalf("me %+v", me)
		}
		// The session moved: a refresh keeps the new tenant.
		refreshed := tb.refreshWith(t, user.refresh)
		wantStatus(t, refreshed, http.StatusOK)
		if got := decode[TokenResponse](t, refreshed).Tenant; got == nil || got.ID != inviter.tenantID {
			t.Fatalf("refreshed into %+v", got)
		}
		// Single use.
		wantStatus(t, tb.req(t, http.MethodPost, path, user.token, map[string]string{"token": token}), http.StatusNotFound)
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		t.Parallel()
		token := invite(t, uniqueEmail("accept-si-anon"))
		wantStatus(t, tb.req(t, http.MethodPost, path, "", map[string]string{"token": token}), http.StatusUnauthorized)
	})
	t.Run("ErrForbiddenOtherEmail", func(t *testing.T) {
		t.Parallel()
		other := tb.MustSignup(t, "accept-si-other")
		token := invite(t, uniqueEmail("accept-si-invitee"))
		wantStatus(t, tb.req(t, http.MethodPost, path, other.token, map[string]string{"token": token}), http.StatusForbidden)
		// The invitation is still open for the right person.
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/lookup", "", map[string]string{"token": token}), http.StatusOK)
	})
	t.Run("ErrNotFoundRevoked", func(t *testing.T) {
		t.Parallel()
		user := tb.MustSignup(t, "accept-si-revoked")
		rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", inviter.token, map[string]string{"email": user.email, "role": "member"})
		wantStatus(t, rec, http.StatusCreated)
		inv := decode[InvitationResponse](t, rec)
		_, token, _ := strings.Cut(inv.AcceptURL, "token=")
		wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/tenant/invitations/"+inv.ID, inviter.token, nil), http.StatusNoContent)
		// One click does not look the link up first: the acceptance itself
		// must refuse a revoked invitation.
		wantStatus(t, tb.req(t, http.MethodPost, path, user.token, map[string]string{"token": token}), http.StatusNotFound)
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/lookup", "", map[string]string{"token": token}), http.StatusNotFound)
		me := decode[MeResponse](t, tb.req(t, http.MethodGet, "/api/v1/me", user.token, nil))
		if len(me.Memberships) != 1 {
			t.Fatalf("memberships %+v, want only the user's own", me.Memberships)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		t.Parallel()
		user := tb.MustSignup(t, "accept-si-unknown")
		wantStatus(t, tb.req(t, http.MethodPost, path, user.token, map[string]string{"token": "no-such-invitation-token"}), http.StatusNotFound)
	})
	t.Run("ErrNoToken", func(t *testing.T) {
		t.Parallel()
		user := tb.MustSignup(t, "accept-si-empty")
		rec := tb.req(t, http.MethodPost, path, user.token, map[string]string{"token": ""})
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		if errs, _ := decodeProblem(t, rec)["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "token" {
			t.Fatalf("errors %v", errs)
		}
	})
}
