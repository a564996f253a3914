package fakecrm_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/crm/fakecrm"
)

const (
	clientID     = "client-1"
	clientSecret = "secret-1"
	redirectURI  = "http://app.test/callback"
	verifier     = "a-verifier-of-forty-three-characters-or-more-0123456789"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type bundle struct {
	fake  *fakecrm.Server
	srv   *httptest.Server
	clock *clock
	hooks chan *http.Request
	body  chan []byte
}

func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{clock: &clock{t: time.Now().UTC()}, hooks: make(chan *http.Request, 4), body: make(chan []byte, 4)}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.hooks <- r
		b.body <- body
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	b.fake = fakecrm.New(fakecrm.Options{ClientID: clientID, ClientSecret: clientSecret, RedirectURIs: []string{redirectURI},
		WebhookURL: hook.URL, Now: b.clock.Now, RateLimit: 5, RateWindow: 10 * time.Second})
	b.srv = httptest.NewServer(b.fake)
	t.Cleanup(b.srv.Close)
	return b
}

func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (b *bundle) authorizeURL(state, ch string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirectURI},
		"scope": {"contacts.read contacts.write"}, "state": {state}, "code_challenge": {ch}, "code_challenge_method": {"S256"}}
	return b.srv.URL + "/oauth/authorize?" + q.Encode()
}

func (b *bundle) code(t *testing.T, account string) string {
	t.Helper()
	loc, err := fakecrm.Consent(context.Background(), fakecrm.NoRedirects(), b.authorizeURL("st", challenge(verifier)), account, true)
	if err != nil {
		t.Fatal(err)
	}
	if loc.Query().Get("state") != "st" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %s", loc)
	}
	return loc.Query().Get("code")
}

func (b *bundle) form(t *testing.T, path string, v url.Values, basic bool) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(clientID, clientSecret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (b *bundle) api(t *testing.T, method, path, token, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

func (b *bundle) tokens(t *testing.T, account string) (access, refresh string) {
	t.Helper()
	st, out := b.form(t, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {b.code(t, account)},
		"redirect_uri": {redirectURI}, "code_verifier": {verifier}}, true)
	if st != 200 || out["account_id"] != account || out["token_type"] != "Bearer" {
		t.Fatalf("token %d %v", st, out)
	}
	return out["access_token"].(string), out["refresh_token"].(string)
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name      string
		params    func(code string) url.Values
		basic     bool
		wantState int
		wantError string
	}{
		{"OK", func(c string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {redirectURI}, "code_verifier": {verifier}}
		}, true, 200, ""},
		{"ErrWrongVerifier", func(c string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {redirectURI},
				"code_verifier": {verifier + "x"}}
		}, true, 400, "invalid_grant"},
		{"ErrRedirectMismatch", func(c string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {redirectURI + "/x"}, "code_verifier": {verifier}}
		}, true, 400, "invalid_grant"},
		{"ErrBadClient", func(c string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {redirectURI}, "code_verifier": {verifier}}
		}, false, 401, "invalid_client"},
		{"ClientInBody", func(c string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {redirectURI}, "code_verifier": {verifier},
				"client_id": {clientID}, "client_secret": {clientSecret}}
		}, false, 200, ""},
		{"ErrGrantType", func(string) url.Values { return url.Values{"grant_type": {"password"}} }, true, 400, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, out := b.form(t, "/oauth/token", tt.params(b.code(t, "acc_pkce")), tt.basic)
			if st != tt.wantState || (tt.wantError != "" && out["error"] != tt.wantError) {
				t.Fatalf("got %d %v", st, out)
			}
		})
	}
	// A code works once.
	code := b.code(t, "acc_pkce")
	p := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}, "code_verifier": {verifier}}
	if st, _ := b.form(t, "/oauth/token", p, true); st != 200 {
		t.Fatal("first use refused")
	}
	if st, out := b.form(t, "/oauth/token", p, true); st != 400 || out["error"] != "invalid_grant" {
		t.Fatalf("reuse: %d %v", st, out)
	}
}

func TestAuthorizePage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := fakecrm.NoRedirects()
	tests := []struct {
		name      string
		url       string
		wantCode  int
		wantError string
	}{
		{"ConsentPage", b.authorizeURL("s", challenge(verifier)), 200, ""},
		{"ErrPlainChallenge", strings.Replace(b.authorizeURL("s", challenge(verifier)), "S256", "plain", 1), 302, "invalid_request"},
		{"ErrScope", strings.Replace(b.authorizeURL("s", challenge(verifier)), "contacts.write", "admin", 1), 302, "invalid_scope"},
		{"ErrUnregisteredRedirect", strings.Replace(b.authorizeURL("s", challenge(verifier)), "callback", "evil", 1), 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := client.Get(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantCode {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if tt.wantCode == 200 && (!strings.Contains(string(body), `value="allow"`) || !strings.Contains(string(body), `value="deny"`)) {
				t.Fatal("no Allow/Deny on the consent page")
			}
			if tt.wantError != "" {
				loc, _ := resp.Location()
				if loc.Query().Get("error") != tt.wantError || loc.Query().Get("state") != "s" {
					t.Fatalf("redirect %s", loc)
				}
			}
		})
	}
	loc, err := fakecrm.Consent(context.Background(), client, b.authorizeURL("s2", challenge(verifier)), "acc_x", false)
	if err != nil || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "s2" {
		t.Fatalf("deny: %v %v", loc, err)
	}
}

func TestRefreshRotationWithGrace(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, rt1 := b.tokens(t, "acc_rot")
	refresh := func(rt string) (int, map[string]any) {
		return b.form(t, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, true)
	}
	st, out := refresh(rt1)
	if st != 200 || out["refresh_token"] == rt1 {
		t.Fatalf("rotate: %d %v", st, out)
	}
	rt2 := out["refresh_token"].(string)
	// A racing refresh with the old token inside 60 s gets the same successor.
	if st, out := refresh(rt1); st != 200 || out["refresh_token"] != rt2 {
		t.Fatalf("grace: %d %v", st, out)
	}
	b.clock.Add(61 * time.Second)
	if st, out := refresh(rt1); st != 400 || out["error"] != "invalid_grant" {
		t.Fatalf("after grace: %d %v", st, out)
	}
	if st, _ := refresh(rt2); st != 200 {
		t.Fatal("the successor stopped working")
	}
	// Revoking a refresh token ends the grant.
	if st, _ := b.form(t, "/oauth/revoke", url.Values{"token": {rt2}}, true); st != 200 {
		t.Fatal("revoke")
	}
	if st, out := refresh(rt2); st != 400 || out["error"] != "invalid_grant" {
		t.Fatalf("after revoke: %d %v", st, out)
	}
	if st, _ := b.form(t, "/oauth/revoke", url.Values{"token": {"unknown"}}, true); st != 200 {
		t.Fatal("revoke of an unknown token must answer 200")
	}
}

func TestBatchUpsert(t *testing.T) {
	t.Parallel()
	b := setup(t)
	at, _ := b.tokens(t, "acc_up")
	b.fake.SetRateLimit(100, 10*time.Second)
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf(`{"external_id":"x%d","properties":{}}`, i)
	}
	tests := []struct {
		name     string
		body     string
		want     int
		wantCode string
	}{
		{"Created", `{"inputs":[{"external_id":"a","properties":{"email":"Jane@Acme.com","first_name":"Jane"}}]}`, 200, ""},
		{"ReplayUpdated", `{"inputs":[{"external_id":"a","properties":{"first_name":"Janet"}}]}`, 200, ""},
		{"PartialFailure", `{"inputs":[{"external_id":"b","properties":{"email":"jane@acme.com"}},
			{"external_id":"c","properties":{"cf_unknown":"1"}},{"external_id":"d","properties":{"id":"1"}},
			{"external_id":"e","properties":{"cf_source":"x","phone":"+1"}}]}`, 207, ""},
		{"ErrDuplicateInput", `{"inputs":[{"external_id":"z","properties":{}},{"external_id":"z","properties":{}}]}`, 400, "DUPLICATE_INPUT"},
		{"ErrBatchTooLarge", `{"inputs":[` + strings.Join(many, ",") + `]}`, 400, "BATCH_TOO_LARGE"},
		{"ErrEmpty", `{"inputs":[]}`, 400, "VALIDATION_ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, out := b.api(t, http.MethodPost, "/v1/contacts/batch/upsert", at, tt.body)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d: %v", resp.StatusCode, out)
			}
			if tt.wantCode != "" {
				if e := out["error"].(map[string]any); e["code"] != tt.wantCode || e["correlation_id"] == "" {
					t.Fatalf("error %v", out)
				}
			}
			if tt.name == "PartialFailure" {
				res := out["results"].([]any)
				codes := []string{}
				for _, r := range res {
					m := r.(map[string]any)
					if e, ok := m["error"].(map[string]any); ok {
						codes = append(codes, e["code"].(string))
					} else {
						codes = append(codes, m["status"].(string))
					}
				}
				if strings.Join(codes, ",") != "EMAIL_CONFLICT,UNKNOWN_PROPERTY,READ_ONLY_PROPERTY,created" || out["num_errors"] != 3.0 {
					t.Fatalf("results %v", codes)
				}
			}
		})
	}
	recs := b.fake.Records("acc_up")
	if total, _ := b.fake.Count("acc_up"); total != 2 || recs[0].Properties["email"] != "jane@acme.com" || recs[0].Properties["first_name"] != "Janet" {
		t.Fatalf("records %+v", recs)
	}
	// Reads, and a deleted record is not resurrected.
	if resp, out := b.api(t, http.MethodGet, "/v1/contacts/by-external-id/a", at, ""); resp.StatusCode != 200 || out["id"] != recs[0].ID {
		t.Fatalf("read %d %v", resp.StatusCode, out)
	}
	if resp, _ := b.api(t, http.MethodGet, "/v1/contacts/nope", at, ""); resp.StatusCode != 404 {
		t.Fatal("want 404")
	}
	b.fake.DeleteContact("acc_up", "a", true)
	if resp, _ := b.api(t, http.MethodGet, "/v1/contacts/"+recs[0].ID, at, ""); resp.StatusCode != 410 {
		t.Fatal("want 410")
	}
	resp, out := b.api(t, http.MethodPost, "/v1/contacts/batch/upsert", at, `{"inputs":[{"external_id":"a","properties":{}}]}`)
	if resp.StatusCode != 207 || !strings.Contains(fmt.Sprint(out), "RECORD_DELETED") {
		t.Fatalf("upsert of a deleted record %d %v", resp.StatusCode, out)
	}
	r := <-b.hooks
	body := <-b.body
	if !strings.Contains(string(body), `"contact.deleted"`) ||
		r.Header.Get("X-1CloudAI-Signature") != fakecrm.Sign(clientSecret, mustInt(r.Header.Get("X-1CloudAI-Timestamp")), body) {
		t.Fatalf("webhook %s %v", body, r.Header)
	}
}

func mustInt(s string) int64 {
	var n int64
	_, _ = fmt.Sscan(s, &n)
	return n
}

func TestAuthRateLimitsAndFaults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	at, _ := b.tokens(t, "acc_rl")
	if resp, out := b.api(t, http.MethodGet, "/v1/account", "nope", ""); resp.StatusCode != 401 ||
		!strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") || !strings.Contains(fmt.Sprint(out), "INVALID_TOKEN") {
		t.Fatalf("bad token %d %v", resp.StatusCode, out)
	}
	for i := 4; i >= 0; i-- {
		resp, out := b.api(t, http.MethodGet, "/v1/account", at, "")
		if resp.StatusCode != 200 || out["account_id"] != "acc_rl" || resp.Header.Get("X-RateLimit-Remaining") != fmt.Sprint(i) ||
			resp.Header.Get("X-RateLimit-Limit") != "5" || resp.Header.Get("X-RateLimit-Reset") == "" {
			t.Fatalf("request %d: %d %v %v", i, resp.StatusCode, resp.Header, out)
		}
	}
	resp, out := b.api(t, http.MethodGet, "/v1/account", at, "")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "10" || !strings.Contains(fmt.Sprint(out), "TEN_SECONDLY") {
		t.Fatalf("over the limit: %d %v %v", resp.StatusCode, resp.Header, out)
	}
	b.clock.Add(10 * time.Second)
	b.fake.InjectFault(fakecrm.FaultUnavailable, 1)
	if resp, _ := b.api(t, http.MethodGet, "/v1/account", at, ""); resp.StatusCode != 503 {
		t.Fatalf("fault %d", resp.StatusCode)
	}
	if resp, _ := b.api(t, http.MethodGet, "/v1/account", at, ""); resp.StatusCode != 200 {
		t.Fatalf("after the fault %d", resp.StatusCode)
	}
	b.fake.SetAccessTokenTTL(5 * time.Second)
	at2, _ := b.tokens(t, "acc_rl")
	b.clock.Add(6 * time.Second)
	if resp, out := b.api(t, http.MethodGet, "/v1/account", at2, ""); resp.StatusCode != 401 || !strings.Contains(fmt.Sprint(out), "TOKEN_EXPIRED") {
		t.Fatalf("expired %d %v", resp.StatusCode, out)
	}
	// Uninstall revokes and sends the signed webhook.
	if st := b.fake.Uninstall("acc_rl"); st != 204 {
		t.Fatalf("webhook status %d", st)
	}
	<-b.hooks
	if body := <-b.body; !strings.Contains(string(body), `"app.uninstalled"`) {
		t.Fatalf("webhook %s", body)
	}
	if resp, _ := b.api(t, http.MethodGet, "/v1/account", at, ""); resp.StatusCode != 401 {
		t.Fatal("token alive after uninstall")
	}
}
