package fakecrm

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

const codeTTL = 10 * time.Minute

var (
	verifierRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)
	accountRE  = regexp.MustCompile(`^acc_[a-z0-9_]{1,40}$`)
)

// authRequest is a validated authorization request.
type authRequest struct {
	ClientID      string
	RedirectURI   string
	Scope         string
	State         string
	Challenge     string
	Method        string
	ResponseType  string
	scopes        []string
	AccountPrompt string
}

// parseAuthRequest validates the query (or form) of an authorization
// request. A bad client or redirect URI is shown as an error page (never
// redirected to); other problems go back to the client as ?error=.
func (s *Server) parseAuthRequest(v url.Values) (ar authRequest, pageErr string, redirectErr string) {
	ar = authRequest{
		ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"), Scope: v.Get("scope"), State: v.Get("state"),
		Challenge: v.Get("code_challenge"), Method: v.Get("code_challenge_method"), ResponseType: v.Get("response_type"),
	}
	if ar.ClientID == "" || ar.ClientID != s.opts.ClientID {
		return ar, "Unknown client_id.", ""
	}
	if !slices.Contains(s.opts.RedirectURIs, ar.RedirectURI) {
		return ar, "redirect_uri does not match the registered value.", ""
	}
	if ar.ResponseType != "code" || ar.State == "" || ar.Method != "S256" || len(ar.Challenge) != 43 {
		return ar, "", "invalid_request"
	}
	ar.scopes = strings.Fields(ar.Scope)
	if len(ar.scopes) == 0 {
		return ar, "", "invalid_scope"
	}
	for _, sc := range ar.scopes {
		if sc != ScopeRead && sc != ScopeWrite {
			return ar, "", "invalid_scope"
		}
	}
	return ar, "", ""
}

func redirectWith(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values) {
	u, _ := url.Parse(redirectURI)
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>1CloudAI CRM · Authorize</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;background:#f4f6fb;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;box-shadow:0 4px 24px #0002;padding:32px;max-width:440px;width:100%}
h1{font-size:20px;margin:0 0 4px}p{color:#444}ul{padding-left:20px}
label{display:block;margin:16px 0 4px;font-weight:600}input[type=text]{width:100%;padding:8px;box-sizing:border-box}
.buttons{display:flex;gap:12px;margin-top:24px}button{flex:1;padding:10px;border-radius:8px;border:1px solid #888;font-size:15px;cursor:pointer}
button[value=allow]{background:#1c64f2;color:#fff;border-color:#1c64f2}.note{font-size:12px;color:#777;margin-top:16px}
</style></head><body><main>
<h1>Authorize {{.ClientID}}</h1>
<p><strong>1CloudAI Business Contacts</strong> wants to access your 1CloudAI CRM account:</p>
<ul>{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="response_type" value="{{.ResponseType}}">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="code_challenge" value="{{.Challenge}}">
<input type="hidden" name="code_challenge_method" value="{{.Method}}">
<label for="account">CRM account</label>
<input type="text" id="account" name="account" value="{{.Account}}" pattern="acc_[a-z0-9_]{1,40}" required>
<div class="buttons">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow">Allow</button>
</div>
</form>
<p class="note">This is the fake 1CloudAI CRM for development and tests (contacts fakecrm).</p>
</main></body></html>`))

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>1CloudAI CRM · Error</title></head>
<body><h1>Authorization error</h1><p>{{.}}</p></body></html>`))

// authorizePage shows the consent page (GET /oauth/authorize).
func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request) {
	ar, pageErr, redirErr := s.parseAuthRequest(r.URL.Query())
	if pageErr != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_ = errorPage.Execute(w, pageErr)
		return
	}
	if redirErr != "" {
		params := url.Values{"error": {redirErr}}
		if ar.State != "" {
			params.Set("state", ar.State)
		}
		redirectWith(w, r, ar.RedirectURI, params)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	_ = consentPage.Execute(w, map[string]any{
		"ClientID": ar.ClientID, "RedirectURI": ar.RedirectURI, "Scope": ar.Scope, "State": ar.State,
		"Challenge": ar.Challenge, "Method": ar.Method, "ResponseType": ar.ResponseType, "Scopes": ar.scopes,
		"Account": s.opts.DefaultAccount,
	})
}

// authorizeDecision takes the Allow/Deny of the consent page.
func (s *Server) authorizeDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	ar, pageErr, redirErr := s.parseAuthRequest(r.PostForm)
	if pageErr != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_ = errorPage.Execute(w, pageErr)
		return
	}
	if redirErr != "" {
		redirectWith(w, r, ar.RedirectURI, url.Values{"error": {redirErr}, "state": {ar.State}})
		return
	}
	if r.PostForm.Get("decision") != "allow" {
		redirectWith(w, r, ar.RedirectURI, url.Values{"error": {"access_denied"}, "state": {ar.State}})
		return
	}
	acc := strings.TrimSpace(r.PostForm.Get("account"))
	if !accountRE.MatchString(acc) {
		redirectWith(w, r, ar.RedirectURI, url.Values{"error": {"invalid_request"}, "state": {ar.State}})
		return
	}
	code := randToken("code_")
	s.mu.Lock()
	s.accountLocked(acc)
	s.codes[code] = &authCode{redirectURI: ar.RedirectURI, challenge: ar.Challenge, account: acc, scopes: ar.scopes,
		expires: s.now().Add(codeTTL)}
	s.stats.AuthorizeCodes++
	s.mu.Unlock()
	redirectWith(w, r, ar.RedirectURI, url.Values{"code": {code}, "state": {ar.State}})
}

// oauthError writes an RFC 6749 error.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="1CloudAI CRM"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// clientForm reads the form of a token endpoint's request and
// authenticates its client; it answers the request's OAuth error and
// returns false when either fails.
func (s *Server) clientForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The body must be a form.")
		return false
	}
	if !s.clientOK(r) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return false
	}
	return true
}

// clientOK checks client authentication (HTTP Basic or body).
func (s *Server) clientOK(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	return id == s.opts.ClientID &&
		subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) == 1
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// token is POST /oauth/token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if !s.clientForm(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	f := r.PostForm
	var g *grant
	switch f.Get("grant_type") {
	case "authorization_code":
		code, verifier := f.Get("code"), f.Get("code_verifier")
		if code == "" || verifier == "" || f.Get("redirect_uri") == "" {
			oauthError(w, http.StatusBadRequest, "invalid_request", "code, redirect_uri and code_verifier are required.")
			return
		}
		c := s.codes[code]
		switch {
		case c == nil, c.used, now.After(c.expires):
			s.stats.InvalidGrants++
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The authorization code is invalid, expired or used.")
			return
		case c.redirectURI != f.Get("redirect_uri"):
			s.stats.InvalidGrants++
			oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request.")
			return
		case !verifierRE.MatchString(verifier) || subtle.ConstantTimeCompare([]byte(s256(verifier)), []byte(c.challenge)) != 1:
			s.stats.InvalidGrants++
			oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed.")
			return
		}
		c.used = true
		g = &grant{id: randToken("g_"), account: c.account, scopes: c.scopes}
		s.grants[g.id] = g
		g.current = randToken("rt_")
		s.refresh[g.current] = &refreshToken{grant: g}
		s.stats.CodeExchanges++
	case "refresh_token":
		rt := s.refresh[f.Get("refresh_token")]
		switch {
		case rt == nil, rt.grant.revoked, !rt.graceUntil.IsZero() && now.After(rt.graceUntil):
			s.stats.InvalidGrants++
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is invalid, revoked or expired.")
			return
		}
		g = rt.grant
		if rt.graceUntil.IsZero() {
			// Rotate: the presented token keeps working for the grace period
			// and then answers with the same successor, so racing refreshes
			// converge on one refresh token.
			rt.graceUntil = now.Add(RefreshGrace)
			g.current = randToken("rt_")
			s.refresh[g.current] = &refreshToken{grant: g}
		}
		s.stats.TokenRefreshes++
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.")
		return
	}
	at := randToken("at_")
	s.access[at] = &accessToken{grant: g, expires: now.Add(s.opts.AccessTokenTTL)}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": at, "token_type": "Bearer", "expires_in": int(s.opts.AccessTokenTTL / time.Second),
		"refresh_token": g.current, "scope": strings.Join(g.scopes, " "), "account_id": g.account,
	})
}

// revoke is POST /oauth/revoke (RFC 7009): always 200 for an authenticated
// client. A refresh token ends its whole grant.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if !s.clientForm(w, r) {
		return
	}
	tok := r.PostForm.Get("token")
	s.mu.Lock()
	if rt := s.refresh[tok]; rt != nil {
		rt.grant.revoked = true
		s.stats.Revocations++
	} else if at := s.access[tok]; at != nil {
		at.revoked = true
		s.stats.Revocations++
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}
