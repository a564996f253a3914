// Package fakecrm is an in-memory 1CloudAI CRM that implements the whole
// contract of CRM_API.md, so every flow of the connector runs locally and in
// tests: the OAuth 2.0 authorization code flow with PKCE (S256) and an HTML
// consent page, rotating refresh tokens with a 60 s grace, revocation,
// GET /v1/account, batch upsert keyed by external_id with per-item results
// and 207, reads, the error shapes, per-account rate limits with
// X-RateLimit-* headers, and the signed uninstall and contact.deleted
// webhooks.
//
// Test hooks (never in production) sit under /_fake and as Go methods:
// uninstall an account, soft-delete a contact, change the token TTL and
// the rate limit, inject faults (the next N requests answer 429 or 503, or
// an upsert times out after its write commits), and count records.
//
// `contacts fakecrm` serves it; tests start it with httptest.NewServer(New(...)).
package fakecrm

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Scopes the fake grants.
const (
	ScopeRead  = "contacts.read"
	ScopeWrite = "contacts.write"
)

// RefreshGrace is how long a rotated refresh token keeps working.
const RefreshGrace = 60 * time.Second

// Options configure a Server.
type Options struct {
	// The registered OAuth client.
	ClientID     string
	ClientSecret string
	// RedirectURIs are the registered redirect URIs (exact match).
	RedirectURIs []string
	// WebhookURL receives app.uninstalled and contact.deleted; empty sends
	// none.
	WebhookURL string
	// WebhookSecret signs webhooks; empty means ClientSecret (the contract).
	WebhookSecret string
	// WebhookClient delivers webhooks; nil means a client with a 10 s timeout.
	WebhookClient *http.Client
	// WebhookRetries is how many times a failed delivery is retried in the
	// background (with backoff from one second); 0 delivers once.
	WebhookRetries int

	AccessTokenTTL time.Duration // default 1800 s
	RateLimit      int           // requests per window and account; default 100
	RateWindow     time.Duration // default 10 s
	// FaultRetryAfter is the Retry-After of an injected 429 (default 1 s).
	FaultRetryAfter time.Duration
	// TimeoutHold caps how long an injected timeout holds the answer when
	// the client does not give up first (default 30 s).
	TimeoutHold time.Duration
	// CustomProperties are the cf_* properties every account has
	// (default cf_source).
	CustomProperties []string
	// DefaultAccount prefills the consent page's account field.
	DefaultAccount string

	Now    func() time.Time
	Logger *slog.Logger
}

// FaultKind is an injected failure.
type FaultKind string

// Faults.
const (
	// FaultRateLimit answers 429 RATE_LIMITED with Retry-After.
	FaultRateLimit FaultKind = "429"
	// FaultUnavailable answers 503 UNAVAILABLE.
	FaultUnavailable FaultKind = "503"
	// FaultTimeout lets an upsert commit its write, then holds the answer
	// until the client gives up (a timeout after the write committed).
	FaultTimeout FaultKind = "timeout"
)

// Stats count what the server did.
type Stats struct {
	AuthorizeCodes  int `json:"authorize_codes"`
	CodeExchanges   int `json:"code_exchanges"`
	TokenRefreshes  int `json:"token_refreshes"`
	InvalidGrants   int `json:"invalid_grants"`
	Revocations     int `json:"revocations"`
	APIRequests     int `json:"api_requests"`
	UpsertRequests  int `json:"upsert_requests"`
	RateLimited     int `json:"rate_limited"`
	Unauthorized    int `json:"unauthorized"`
	FaultsInjected  int `json:"faults_injected"`
	WebhooksSent    int `json:"webhooks_sent"`
	WebhooksFailed  int `json:"webhooks_failed"`
	MaxInFlight     int `json:"max_in_flight"`
	currentInFlight int
}

// Record is a contact in an account.
type Record struct {
	ID         string            `json:"id"`
	ExternalID string            `json:"external_id,omitempty"`
	Properties map[string]string `json:"properties"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
	Deleted    bool              `json:"deleted"`
}

type account struct {
	id, name    string
	records     map[string]*Record // by CRM id
	byExternal  map[string]*Record
	byEmail     map[string]*Record // live records; emails are unique per account
	custom      map[string]bool
	windowStart time.Time
	windowCount int
}

type grant struct {
	id      string
	account string
	scopes  []string
	current string // the refresh token that does not expire
	revoked bool
}

type accessToken struct {
	grant   *grant
	expires time.Time
	revoked bool
}

type refreshToken struct {
	grant      *grant
	graceUntil time.Time // zero while it is the grant's current token
}

type authCode struct {
	redirectURI string
	challenge   string
	account     string
	scopes      []string
	expires     time.Time
	used        bool
}

type fault struct {
	kind  FaultKind
	count int
}

// Server is the fake CRM. It is an http.Handler.
type Server struct {
	mu       sync.Mutex
	opts     Options
	mux      *http.ServeMux
	accounts map[string]*account
	codes    map[string]*authCode
	grants   map[string]*grant
	access   map[string]*accessToken
	refresh  map[string]*refreshToken
	faults   []fault
	nextID   int
	stats    Stats
	afterW   func(accountID string)
	log      *slog.Logger
}

// New returns a Server with opts (defaults filled in).
func New(opts Options) *Server {
	if opts.AccessTokenTTL <= 0 {
		opts.AccessTokenTTL = 1800 * time.Second
	}
	if opts.RateLimit <= 0 {
		opts.RateLimit = 100
	}
	if opts.RateWindow <= 0 {
		opts.RateWindow = 10 * time.Second
	}
	if opts.FaultRetryAfter <= 0 {
		opts.FaultRetryAfter = time.Second
	}
	if opts.TimeoutHold <= 0 {
		opts.TimeoutHold = 30 * time.Second
	}
	if opts.WebhookSecret == "" {
		opts.WebhookSecret = opts.ClientSecret
	}
	if opts.WebhookClient == nil {
		opts.WebhookClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.CustomProperties == nil {
		opts.CustomProperties = []string{"cf_source"}
	}
	if opts.DefaultAccount == "" {
		opts.DefaultAccount = "acc_demo"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts: opts, accounts: map[string]*account{}, codes: map[string]*authCode{}, grants: map[string]*grant{},
		access: map[string]*accessToken{}, refresh: map[string]*refreshToken{}, nextID: 9000, log: opts.Logger,
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.index)
	m.HandleFunc("GET /oauth/authorize", s.authorizePage)
	m.HandleFunc("POST /oauth/authorize", s.authorizeDecision)
	m.HandleFunc("POST /oauth/token", s.token)
	m.HandleFunc("POST /oauth/revoke", s.revoke)
	m.HandleFunc("GET /v1/account", s.api(s.getAccount, ""))
	m.HandleFunc("POST /v1/contacts/batch/upsert", s.api(s.batchUpsert, ScopeWrite))
	m.HandleFunc("GET /v1/contacts/by-external-id/{external_id}", s.api(s.getByExternalID, ScopeRead))
	m.HandleFunc("GET /v1/contacts/{id}", s.api(s.getContact, ScopeRead))
	m.HandleFunc("GET /_fake/settings", s.getSettings)
	m.HandleFunc("POST /_fake/settings", s.putSettings)
	m.HandleFunc("GET /_fake/stats", s.getStats)
	m.HandleFunc("POST /_fake/faults", s.postFaults)
	m.HandleFunc("POST /_fake/accounts/{id}/uninstall", s.postUninstall)
	m.HandleFunc("POST /_fake/accounts/{id}/delete-contact/{external_id}", s.postDeleteContact)
	m.HandleFunc("POST /_fake/accounts/{id}/expire-tokens", s.postExpireTokens)
	m.HandleFunc("GET /_fake/accounts/{id}/records", s.getRecords)
	s.mux = m
}

// ServeHTTP serves the contract and the test hooks.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) now() time.Time { return s.opts.Now().UTC() }

// randToken returns prefix + 32 random hex characters.
func randToken(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// accountLocked returns the account id, creating it. s.mu is held.
func (s *Server) accountLocked(id string) *account {
	a := s.accounts[id]
	if a == nil {
		a = &account{id: id, name: "Fake CRM " + strings.TrimPrefix(id, "acc_"), records: map[string]*Record{},
			byExternal: map[string]*Record{}, byEmail: map[string]*Record{}, custom: map[string]bool{}}
		for _, p := range s.opts.CustomProperties {
			a.custom[p] = true
		}
		s.accounts[id] = a
	}
	return a
}

// --- Go test controls -------------------------------------------------------

// SetAccessTokenTTL changes the lifetime of access tokens issued from now on.
func (s *Server) SetAccessTokenTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.AccessTokenTTL = d
}

// SetRateLimit changes the per-account limit and window.
func (s *Server) SetRateLimit(n int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.RateLimit, s.opts.RateWindow = n, window
}

// InjectFault makes the next n API requests fail with kind (timeouts are
// taken by upserts only).
func (s *Server) InjectFault(kind FaultKind, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{kind: kind, count: n})
}

// AfterWrite sets a function called after each upsert commits, before the
// answer is written (nil removes it). Tests use it to disconnect or stop a
// worker at the worst moment.
func (s *Server) AfterWrite(fn func(accountID string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.afterW = fn
}

// ExpireAccessTokens makes every access token of the account expired.
func (s *Server) ExpireAccessTokens(accountID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.now().Add(-time.Second)
	for _, at := range s.access {
		if at.grant.account == accountID {
			at.expires = past
		}
	}
}

// AddRecord creates a record that the CRM's own users made (no
// external_id), e.g. to own an email.
func (s *Server) AddRecord(accountID string, props map[string]string) Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accountLocked(accountID)
	s.nextID++
	now := s.now()
	r := &Record{ID: "c_" + strconv.Itoa(s.nextID), Properties: map[string]string{}, CreatedAt: now, UpdatedAt: now}
	for k, v := range props {
		if k == "email" {
			v = strings.ToLower(v)
		}
		r.Properties[k] = v
	}
	a.records[r.ID] = r
	a.setEmail(r, r.Properties["email"])
	return *r
}

// EditRecord changes a record as a CRM user would ("" clears a
// property). It reports whether the record exists.
func (s *Server) EditRecord(accountID, externalID string, props map[string]string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountID]
	if a == nil || a.byExternal[externalID] == nil {
		return false
	}
	r := a.byExternal[externalID]
	for k, v := range props {
		if k == "email" {
			a.setEmail(r, strings.ToLower(v))
		}
		if v == "" {
			delete(r.Properties, k)
		} else {
			r.Properties[k] = v
		}
	}
	r.UpdatedAt = s.now()
	return true
}

// Records returns the account's records (deleted ones too), by id.
func (s *Server) Records(accountID string) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountID]
	if a == nil {
		return nil
	}
	out := make([]Record, 0, len(a.records))
	for _, r := range a.records {
		c := *r
		c.Properties = make(map[string]string, len(r.Properties))
		for k, v := range r.Properties {
			c.Properties[k] = v
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Count returns how many records the account holds that carry an
// external_id (ours), deleted ones included, and how many of those are live.
func (s *Server) Count(accountID string) (total, live int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountID]
	if a == nil {
		return 0, 0
	}
	for _, r := range a.records {
		if r.ExternalID == "" {
			continue
		}
		total++
		if !r.Deleted {
			live++
		}
	}
	return total, live
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// DeleteContact soft-deletes the record with externalID; later upserts of
// it answer RECORD_DELETED. With notify it sends the contact.deleted
// webhook. It reports whether such a record existed.
func (s *Server) DeleteContact(accountID, externalID string, notify bool) bool {
	s.mu.Lock()
	a := s.accounts[accountID]
	var r *Record
	if a != nil {
		r = a.byExternal[externalID]
	}
	if r == nil {
		s.mu.Unlock()
		return false
	}
	r.Deleted = true
	a.setEmail(r, "")
	r.UpdatedAt = s.now()
	id := r.ID
	s.mu.Unlock()
	if notify {
		s.sendWebhook("contact.deleted", accountID, map[string]any{"id": id, "external_id": externalID})
	}
	return true
}

// Uninstall revokes every grant of the account (tokens answer 401 and
// refresh answers invalid_grant) and sends the app.uninstalled webhook. It
// returns the HTTP status of the delivery (0 when none was made).
func (s *Server) Uninstall(accountID string) int {
	s.mu.Lock()
	for _, g := range s.grants {
		if g.account == accountID {
			g.revoked = true
		}
	}
	s.mu.Unlock()
	return s.sendWebhook("app.uninstalled", accountID, nil)
}

// GrantActive reports whether the account has a grant that is not revoked.
func (s *Server) GrantActive(accountID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.grants {
		if g.account == accountID && !g.revoked {
			return true
		}
	}
	return false
}

// setEmail keeps the email index in step with r's email. s.mu is held.
func (a *account) setEmail(r *Record, email string) {
	if old := r.Properties["email"]; old != "" && a.byEmail[old] == r {
		delete(a.byEmail, old)
	}
	if email != "" && !r.Deleted {
		a.byEmail[email] = r
	}
}
