package crm

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/oauth2"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Connection statuses.
const (
	StatusNotConnected = "not_connected" // never connected (no row)
	StatusConnected    = "connected"
	StatusNeedsReauth  = "needs_reauth"
	StatusDisconnected = "disconnected"
)

// StateTTL is how long a Connect's state stays valid.
const StateTTL = 10 * time.Minute

// WebhookTolerance is the largest accepted clock skew of a webhook.
const WebhookTolerance = 5 * time.Minute

// Connection is what GET crm/connection shows.
type Connection struct {
	Status           string     `json:"status"`
	AccountID        string     `json:"account_id"`
	AccountName      string     `json:"account_name"`
	Scopes           []string   `json:"scopes"`
	ConnectedBy      *uuid.UUID `json:"connected_by"`
	ConnectedByLabel string     `json:"connected_by_label"`
	ConnectedAt      *time.Time `json:"connected_at"`
	StatusReason     string     `json:"status_reason"`
	StatusChangedAt  *time.Time `json:"status_changed_at"`
	LastPushAt       *time.Time `json:"last_push_at"`
	Queued           int        `json:"queued"`
	Paused           int        `json:"paused"`
}

// GetConnection returns the tenant's connection; a tenant that never
// connected gets status not_connected.
func (s *Service) GetConnection(ctx context.Context, tenantID uuid.UUID) (*Connection, error) {
	c, err := getConnection(ctx, s.db.Gorm, tenantID, false)
	if err != nil {
		return nil, err
	}
	out := &Connection{Status: StatusNotConnected, Scopes: []string{}}
	if c == nil {
		return out, nil
	}
	connectedAt, changedAt := c.ConnectedAt.UTC(), c.StatusChangedAt.UTC()
	out = &Connection{Status: c.Status, AccountID: c.AccountID, AccountName: c.AccountName, Scopes: c.Scopes,
		ConnectedBy: c.ConnectedBy, ConnectedByLabel: c.ConnectedByLabel, ConnectedAt: &connectedAt,
		StatusReason: c.StatusReason, StatusChangedAt: &changedAt, LastPushAt: utcPtr(c.LastPushAt)}
	if out.Scopes == nil {
		out.Scopes = []string{}
	}
	if out.Queued, out.Paused, err = openCounts(ctx, s.db.Gorm, tenantID); err != nil {
		return nil, err
	}
	return out, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func errNotConfigured() error {
	return &apperr.Error{Code: apperr.EUNAVAILABLE, Type: "crm-not-configured",
		Message: "The 1CloudAI CRM integration is not configured on this server (CRM_CLIENT_SECRET)."}
}

// encodeState makes the OAuth state: the tenant id (so the public callback
// finds the row by its key) and 32 random bytes, base64url. Only its hash
// is stored.
func encodeState(tenantID uuid.UUID) (state string, hash []byte) {
	raw := make([]byte, 16+32)
	copy(raw, tenantID[:])
	if _, err := rand.Read(raw[16:]); err != nil {
		panic("crm: no randomness: " + err.Error())
	}
	state = base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(state))
	return state, sum[:]
}

func decodeState(state string) (uuid.UUID, []byte, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(state)
	if err != nil || len(raw) != 48 {
		return uuid.Nil, nil, false
	}
	id, _ := uuid.FromBytes(raw[:16])
	sum := sha256.Sum256([]byte(state))
	return id, sum[:], true
}

// ConnectStart is a started OAuth flow: where to send the browser, until
// when, and the nonce the browser must keep (an HttpOnly cookie) and bring
// back to the callback.
type ConnectStart struct {
	AuthorizeURL string
	ExpiresAt    time.Time
	Browser      string
}

// Connect starts the OAuth flow for an org admin: it stores a single-use
// state bound to tenant, user (10 minutes) and browser (the hash of a
// random nonce the browser keeps) with a PKCE verifier, and returns the
// CRM's authorize URL carrying the state and the S256 challenge. Returns
// EUNAVAILABLE when the integration is not configured.
func (s *Service) Connect(ctx context.Context, tenantID, userID uuid.UUID) (ConnectStart, error) {
	if !s.configured() {
		return ConnectStart{}, errNotConfigured()
	}
	state, hash := encodeState(tenantID)
	browser := rand.Text()
	browserHash := sha256.Sum256([]byte(browser))
	verifier := oauth2.GenerateVerifier()
	keyID, sealed := s.keys.Seal([]byte(verifier), stateAAD(tenantID, hash))
	now := s.now()
	st := &stateRow{TenantID: tenantID, StateHash: hash, UserID: userID, KeyID: keyID, VerifierEnc: sealed,
		BrowserHash: browserHash[:], CreatedAt: now, ExpiresAt: now.Add(StateTTL)}
	if err := s.db.WithTx(ctx, func(tx *gorm.DB) error { return insertState(ctx, tx, st) }); err != nil {
		return ConnectStart{}, err
	}
	return ConnectStart{AuthorizeURL: s.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)),
		ExpiresAt: st.ExpiresAt, Browser: browser}, nil
}

// sameBrowser reports whether nonce is the one whose SHA-256 is want.
func sameBrowser(want []byte, nonce string) bool {
	got := sha256.Sum256([]byte(nonce))
	return nonce != "" && subtle.ConstantTimeCompare(want, got[:]) == 1
}

func stateAAD(tenantID uuid.UUID, hash []byte) []byte {
	return []byte("crm_oauth_states:" + tenantID.String() + ":" + hex.EncodeToString(hash))
}

// Callback reasons (the Integrations page shows a message for each).
const (
	ReasonInvalidState   = "invalid_state"   // unknown or tampered state
	ReasonStateUsed      = "state_used"      // the state was used before (replay)
	ReasonStateExpired   = "state_expired"   // older than 10 minutes
	ReasonAccessDenied   = "access_denied"   // the user pressed Deny
	ReasonCRMError       = "crm_error"       // the CRM refused the request
	ReasonNotAllowed     = "not_allowed"     // the user is no longer an org admin
	ReasonExchangeFailed = "exchange_failed" // the code could not be exchanged
	ReasonMissingScopes  = "missing_scopes"  // the grant lacks contacts.read/write
	ReasonInternal       = "internal_error"
	ReasonOtherBrowser   = "other_browser"  // the callback lacks the browser cookie of crm/connect
	ReasonAccountInUse   = "account_in_use" // another organization is connected to this CRM account
)

// errAccountInUse: another tenant holds a connection to the CRM account.
var errAccountInUse = errors.New("crm: the CRM account is connected to another tenant")

// CallbackParams are the query of the OAuth redirect and the browser's
// nonce from Connect (its cookie).
type CallbackParams struct {
	Code    string
	State   string
	Error   string
	Browser string
}

// Callback finishes the OAuth flow. It uses up the state first (so a
// replay fails even when this attempt does), checks it was issued less than
// 10 minutes ago, to this browser, for a user who is still an org admin of
// its tenant,
// exchanges the code with the PKCE verifier, reads the account, and stores
// the tokens encrypted, resuming pushes paused for re-authorization. A CRM
// account another tenant is connected to (connected or needs_reauth) is
// refused with account_in_use and the new grant revoked: one account serves
// one tenant. It
// returns "" on success or a reason; err carries a cause for the log only.
// Nothing is stored unless every step passed. Callbacks of a tenant that
// finish at once take turns: the later one replaces the earlier one's
// connection as a reconnect does.
func (s *Service) Callback(ctx context.Context, p CallbackParams) (reason string, err error) {
	tenantID, hash, ok := decodeState(p.State)
	if !ok {
		return ReasonInvalidState, nil
	}
	var st *stateRow
	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		var err error
		st, err = takeState(ctx, tx, tenantID, hash, s.now())
		return err
	})
	switch {
	case err != nil:
		return ReasonInternal, err
	case st == nil:
		return ReasonInvalidState, nil
	case st.UsedAt != nil:
		return ReasonStateUsed, nil
	case !s.now().Before(st.ExpiresAt):
		return ReasonStateExpired, nil
	case st.BrowserHash != nil && !sameBrowser(st.BrowserHash, p.Browser):
		return ReasonOtherBrowser, nil
	case p.Error == "access_denied":
		return ReasonAccessDenied, nil
	case p.Error != "":
		return ReasonCRMError, nil
	case p.Code == "":
		return ReasonExchangeFailed, nil
	}
	role, email, err := memberRole(ctx, s.db.Gorm, tenantID, st.UserID)
	if err != nil {
		return ReasonInternal, err
	}
	if role != "org_admin" {
		return ReasonNotAllowed, nil
	}
	verifier, err := s.keys.Open(st.KeyID, st.VerifierEnc, stateAAD(tenantID, hash))
	if err != nil {
		return ReasonInternal, err
	}
	oc := context.WithValue(ctx, oauth2.HTTPClient, s.http)
	tok, err := s.oauth.Exchange(oc, p.Code, oauth2.VerifierOption(string(verifier)))
	if err != nil || tok.RefreshToken == "" {
		return ReasonExchangeFailed, err
	}
	acct, err := s.fetchAccount(ctx, tok.AccessToken)
	if err != nil {
		s.revokeToken(ctx, tok.RefreshToken)
		return ReasonExchangeFailed, err
	}
	granted := acct.Scopes
	if scope, ok := tok.Extra("scope").(string); ok && scope != "" {
		granted = strings.Fields(scope)
	}
	if !slices.Contains(granted, ScopeRead) || !slices.Contains(granted, ScopeWrite) {
		s.revokeToken(ctx, tok.RefreshToken)
		return ReasonMissingScopes, nil
	}
	userID := st.UserID
	var oldGrant string // the refresh token of another account's grant, revoked once this one is stored
	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		// Callbacks of a tenant take turns, also for its first
		// connection, where there is no connection row to lock yet: the
		// second reads the first's connection and replaces it as a
		// reconnect or switch does (revoking the other account's grant),
		// instead of both reading none and the second overwriting a grant
		// no one revokes. It is its own statement, so the read below sees
		// what a callback that held the lock meanwhile committed.
		if err := lockCallbacks(ctx, tx, tenantID); err != nil {
			return err
		}
		// One tenant per CRM account: records there are keyed by our
		// contact ids, which are the same for every tenant (contacts are
		// shared), so a second tenant would write the first one's records
		// with its own corrections and field ownership, count them as
		// created, and each history would be wrong. The account's lock
		// (after the tenant's, always) makes two tenants' callbacks for
		// one account take turns, so they cannot both find it free.
		taken, err := accountHeldElsewhere(ctx, tx, acct.AccountID, tenantID)
		if err != nil {
			return err
		}
		if taken {
			return errAccountInUse
		}
		prev, err := getConnection(ctx, tx, tenantID, true)
		if err != nil {
			return err
		}
		now := s.now()
		c := &connRow{TenantID: tenantID, ID: uuid.Must(uuid.NewV7()), Status: StatusConnected, AccountID: acct.AccountID,
			AccountName: acct.Name, Scopes: granted, ConnectedBy: &userID, ConnectedByLabel: email, ConnectedAt: now,
			StatusChangedAt: now}
		changed := prev != nil && prev.AccountID != acct.AccountID
		if prev != nil {
			c.TokenVersion = prev.TokenVersion + 1
			c.LastPushAt = prev.LastPushAt
			if changed {
				// Records of the old account are not in the new one (a push
				// sending to it now settles as ACCOUNT_CHANGED), and its
				// grant is ours no longer: a switch ends it, as a disconnect
				// does. (Not on the same account: a new grant may replace
				// the old one there.)
				c.LastPushAt = nil
				if err := forgetPushes(ctx, tx, tenantID); err != nil {
					return err
				}
				if prev.Status != StatusDisconnected {
					if t, err := s.openTokens(prev); err == nil {
						oldGrant = t.refresh
					}
				}
			}
		}
		s.sealTokens(c, tok)
		if err := saveConnection(ctx, tx, c); err != nil {
			return err
		}
		resumed, err := s.resumePaused(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		data := map[string]any{"account_id": acct.AccountID, "account_name": acct.Name, "scopes": granted,
			"reconnect": prev != nil, "resumed_pushes": resumed}
		if changed {
			data["previous_account_id"] = prev.AccountID
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, ActorUserID: &userID, ActorLabel: email,
			Action: "crm.connected", TargetType: "crm_connection", TargetID: acct.AccountID, Data: data})
	})
	if errors.Is(err, errAccountInUse) {
		s.revokeToken(ctx, tok.RefreshToken)
		return ReasonAccountInUse, nil
	}
	if err != nil {
		s.revokeToken(ctx, tok.RefreshToken)
		return ReasonInternal, err
	}
	if oldGrant != "" {
		s.revokeToken(ctx, oldGrant)
	}
	return "", nil
}

// IntegrationsURL is where the callback sends the browser: the
// Integrations page with the outcome.
func (s *Service) IntegrationsURL(reason string) string {
	q := url.Values{"crm": {"connected"}}
	if reason != "" {
		q = url.Values{"crm": {"error"}, "reason": {reason}}
	}
	return strings.TrimRight(s.cfg.PublicURL, "/") + "/integrations?" + q.Encode()
}

// revokeToken asks the CRM to end a grant (RFC 7009). Best effort: the
// tokens are deleted on our side whatever the answer.
func (s *Service) revokeToken(ctx context.Context, refreshToken string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.RequestTimeout)
	defer cancel()
	form := url.Values{"token": {refreshToken}, "token_type_hint": {"refresh_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(s.cfg.AuthBase, "/")+"/oauth/revoke",
		strings.NewReader(form.Encode()))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(s.cfg.ClientID), url.QueryEscape(s.cfg.ClientSecret))
	resp, err := s.http.Do(req)
	if err != nil {
		s.log.WarnContext(ctx, "crm: revoke failed", "error_kind", netErrorKind(err))
		return
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.log.WarnContext(ctx, "crm: revoke answered", "status", resp.StatusCode)
	}
}

// Disconnect deletes the tokens, cancels queued and paused pushes and
// writes an audit event, then revokes the grant at the CRM. Disconnecting a
// disconnected tenant does nothing. Returns ENOTFOUND when the tenant never
// connected.
//
// The grant is revoked after the disconnect is committed (as a switch to
// another account revokes the old grant), with the refresh token read under
// the connection row's lock: a push job that runs meanwhile finds the
// connection disconnected and cancels its contacts, where, revoked first,
// it would meet a dead grant, read the disconnect as the CRM ending it and
// mark the connection needs_reauth.
func (s *Service) Disconnect(ctx context.Context, tenantID uuid.UUID) error {
	reason := "Disconnected."
	if label := audit.ActorFrom(ctx).Label; label != "" {
		reason = "Disconnected by " + label + "."
	}
	var grant string
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		c, err := getConnection(ctx, tx, tenantID, true)
		if err != nil {
			return err
		}
		if c == nil {
			return apperr.Errorf(apperr.ENOTFOUND, "The 1CloudAI CRM is not connected.")
		}
		if c.Status == StatusDisconnected {
			return nil
		}
		if t, err := s.openTokens(c); err == nil {
			grant = t.refresh
		}
		return s.disconnectTx(ctx, tx, *c, reason, audit.Event{})
	})
	if err != nil {
		return err
	}
	if grant != "" {
		s.revokeToken(ctx, grant)
	}
	return nil
}

// WebhookResult says what a webhook delivery did: Tenants counts the
// connections it applied to, Ignored those it left alone because they are
// newer than the event (a reconnect after an uninstall).
type WebhookResult struct {
	EventID   string `json:"event_id"`
	Type      string `json:"type"`
	Duplicate bool   `json:"duplicate"`
	Tenants   int    `json:"tenants"`
	Ignored   int    `json:"ignored"`
}

// webhookEvent is the CRM's envelope.
type webhookEvent struct {
	EventID    string `json:"event_id"`
	Type       string `json:"type"`
	AccountID  string `json:"account_id"`
	ClientID   string `json:"client_id"`
	OccurredAt string `json:"occurred_at"`
	ID         string `json:"id"`
	ExternalID string `json:"external_id"`
}

func errSignature(msg string) error {
	return &apperr.Error{Code: apperr.EMALFORMED, Type: "invalid-signature", Message: msg}
}

// VerifyWebhook checks the signature (constant-time HMAC-SHA256 over
// timestamp "." body) and the 5-minute timestamp window. Returns EMALFORMED
// (type invalid-signature or stale-timestamp), or EUNAVAILABLE without a
// webhook secret.
func (s *Service) VerifyWebhook(body []byte, timestamp, signature string) error {
	if s.cfg.WebhookSecret == "" {
		return errNotConfigured() // never accept unsigned events
	}
	ts, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return errSignature("X-1CloudAI-Timestamp is missing or not a Unix time.")
	}
	if skew := s.now().Sub(time.Unix(ts, 0)); skew > WebhookTolerance || skew < -WebhookTolerance {
		return &apperr.Error{Code: apperr.EMALFORMED, Type: "stale-timestamp",
			Message: "The webhook timestamp is more than 5 minutes away from our clock."}
	}
	m := hmac.New(sha256.New, []byte(s.cfg.WebhookSecret))
	m.Write([]byte(strconv.FormatInt(ts, 10) + "."))
	m.Write(body)
	want := m.Sum(nil)
	for _, part := range strings.Split(signature, ",") {
		v, ok := strings.CutPrefix(strings.TrimSpace(part), "v1=")
		if !ok {
			continue
		}
		got, err := hex.DecodeString(v)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errSignature("The webhook signature does not match.")
}

// HandleWebhook verifies and applies a CRM webhook: app.uninstalled
// disconnects every tenant connected to the account (the CRM has already
// revoked the tokens) and contact.deleted marks the contact deleted in the
// CRM so it is not pushed again. Deliveries are deduplicated by event_id in
// the same transaction as their effect, so a failed delivery is retried
// whole. The CRM retries for up to 24 hours, so an uninstall may arrive
// after an org admin reconnected: it applies only to a connection made at
// or before its occurred_at, and is recorded as handled either way. (A late
// contact.deleted needs no such check: the CRM never resurrects a deleted
// record, so it holds for a newer connection to the same account too.)
// Returns EMALFORMED for a bad signature, timestamp or body (an
// app.uninstalled without a valid occurred_at included).
func (s *Service) HandleWebhook(ctx context.Context, body []byte, timestamp, signature string) (*WebhookResult, error) {
	if err := s.VerifyWebhook(body, timestamp, signature); err != nil {
		return nil, err
	}
	// The body is kept as jsonb: one JSON value of valid UTF-8 (a value
	// with data after it, or bytes of no character, made the insert fail,
	// a 500 the CRM retries for a day).
	var ev webhookEvent
	if !utf8.Valid(body) || !json.Valid(body) {
		return nil, apperr.Errorf(apperr.EMALFORMED, "The webhook body must be the CRM's event envelope.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&ev); err != nil || ev.EventID == "" || ev.Type == "" || ev.AccountID == "" {
		return nil, apperr.Errorf(apperr.EMALFORMED, "The webhook body must be the CRM's event envelope.")
	}
	occurredAt, err := parseOccurredAt(ev)
	if err != nil {
		return nil, err
	}
	res := &WebhookResult{EventID: ev.EventID, Type: ev.Type}
	if ev.ClientID != "" && ev.ClientID != s.cfg.ClientID {
		return res, nil // another app's event: nothing of ours
	}
	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		fresh, err := recordWebhook(ctx, tx, ev.EventID, ev.Type, ev.AccountID, body)
		if err != nil {
			return err
		}
		if !fresh {
			res.Duplicate = true
			return nil
		}
		conns, err := connectionsOfAccount(ctx, tx, ev.AccountID)
		if err != nil {
			return err
		}
		actor := audit.Event{ActorLabel: "1CloudAI CRM (webhook " + ev.EventID + ")"}
		for _, c := range conns {
			switch ev.Type {
			case "app.uninstalled":
				if !connectedBy(c.ConnectedAt, occurredAt) {
					// A reconnect after the uninstall: the new grant is alive.
					res.Ignored++
					s.log.InfoContext(ctx, "crm: uninstall webhook older than the connection; ignored",
						"tenant_id", c.TenantID.String(), "event_id", ev.EventID,
						"occurred_at", occurredAt, "connected_at", c.ConnectedAt.UTC())
					continue
				}
				if err := s.disconnectTx(ctx, tx, c, "The app was uninstalled in the 1CloudAI CRM.", actor); err != nil {
					return err
				}
			case "contact.deleted":
				contactID, err := uuid.Parse(ev.ExternalID)
				if err != nil {
					continue // not one of ours
				}
				if err := markDeletedInCRM(ctx, tx, c.TenantID, contactID, ev.ID); err != nil {
					return err
				}
			}
			res.Tenants++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// parseOccurredAt reads the event's occurred_at (RFC 3339). app.uninstalled
// needs it to tell an old connection from a newer one; other events may
// omit it, but an unreadable one makes any event malformed.
func parseOccurredAt(ev webhookEvent) (time.Time, error) {
	if ev.OccurredAt == "" && ev.Type != "app.uninstalled" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, ev.OccurredAt)
	if err != nil {
		return time.Time{}, apperr.Errorf(apperr.EMALFORMED, "The webhook's occurred_at must be an RFC 3339 time.")
	}
	return t.UTC(), nil
}

// connectedBy reports whether a connection made at connectedAt existed when
// an event occurred. The CRM sends whole seconds, so a connection made
// within the event's second counts as existing: a reconnect needs a consent
// round trip, which takes longer than the rest of that second.
func connectedBy(connectedAt, occurredAt time.Time) bool {
	return !connectedAt.Truncate(time.Second).After(occurredAt)
}

// disconnectTx is disconnect inside a transaction that already holds the
// connection row.
func (s *Service) disconnectTx(ctx context.Context, tx *gorm.DB, c connRow, reason string, actor audit.Event) error {
	if err := setDisconnected(ctx, tx, c.TenantID, reason, s.now()); err != nil {
		return err
	}
	n, err := cancelOpen(ctx, tx, c.TenantID, "DISCONNECTED", "The CRM was disconnected before this contact was sent.")
	if err != nil {
		return err
	}
	tenantID := c.TenantID
	ev := actor
	ev.TenantID, ev.Action, ev.TargetType, ev.TargetID = &tenantID, "crm.disconnected", "crm_connection", c.AccountID
	ev.Data = map[string]any{"account_id": c.AccountID, "reason": reason, "cancelled_pushes": n}
	return audit.Write(ctx, tx, ev)
}

// Field ownership modes.
const (
	OwnFillIfEmpty = "fill_if_empty" // send a value only where the CRM has none
	OwnOverwrite   = "overwrite"     // our value replaces the CRM's
	OwnNever       = "never"         // never send the field
)

// Fields are the CRM's standard properties we push.
var Fields = []string{"email", "first_name", "last_name", "phone", "job_title", "company_name"}

// Settings are the tenant's CRM settings.
type Settings struct {
	FieldOwnership map[string]string `json:"field_ownership"`
	// ETag names this version of the settings (a hash of the field
	// ownership), for If-Match.
	ETag string `json:"-"`
}

// settingsETag is the entity tag of a full field ownership: a quoted hash
// of its fields and modes, in field order.
func settingsETag(full map[string]string) string {
	h := sha256.New()
	for _, f := range slices.Sorted(maps.Keys(full)) {
		h.Write([]byte(f + "=" + full[f] + "\n"))
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// MatchesETag reports whether an If-Match header's tags (ifMatch, already
// split) name etag: "*" names any. Weak tags never match (If-Match
// compares strongly).
func MatchesETag(ifMatch []string, etag string) bool {
	for _, t := range ifMatch {
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// GetSettings returns the field ownership of every field (fill_if_empty
// unless set).
func (s *Service) GetSettings(ctx context.Context, tenantID uuid.UUID) (*Settings, error) {
	m, err := loadOwnership(ctx, s.db.Gorm, tenantID)
	if err != nil {
		return nil, err
	}
	return &Settings{FieldOwnership: m, ETag: settingsETag(m)}, nil
}

// PutSettings replaces the field ownership: fields left out go back to
// fill_if_empty. The fields that change are audited (crm.settings_updated)
// with what they were and became; a save that changes nothing writes
// nothing. Returns EINVALID naming an unknown field or mode.
func (s *Service) PutSettings(ctx context.Context, tenantID uuid.UUID, userID *uuid.UUID, modes map[string]string) (*Settings, error) {
	return s.PutSettingsIfMatch(ctx, tenantID, userID, modes, nil)
}

// PutSettingsIfMatch is PutSettings that, when ifMatch is not nil, saves
// only while the settings are the version one of its tags names (an
// If-Match header: the ETag of the settings the caller read), so an admin
// who edited settings another admin changed meanwhile does not undo that
// change unknowingly. Returns EPRECONDITION when they changed, and what
// PutSettings returns.
func (s *Service) PutSettingsIfMatch(ctx context.Context, tenantID uuid.UUID, userID *uuid.UUID, modes map[string]string, ifMatch []string) (*Settings, error) {
	var fields []apperr.FieldError
	keys := make([]string, 0, len(modes))
	for k := range modes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch {
		case !slices.Contains(Fields, k):
			fields = append(fields, apperr.FieldError{Field: "field_ownership." + k,
				Message: "is not a CRM field; fields: " + strings.Join(Fields, ", ")})
		case modes[k] != OwnFillIfEmpty && modes[k] != OwnOverwrite && modes[k] != OwnNever:
			fields = append(fields, apperr.FieldError{Field: "field_ownership." + k,
				Message: "must be one of: fill_if_empty, overwrite, never"})
		}
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid("The settings have invalid fields.", fields...)
	}
	full := make(map[string]string, len(Fields))
	for _, f := range Fields {
		full[f] = OwnFillIfEmpty
		if m, ok := modes[f]; ok {
			full[f] = m
		}
	}
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		// The tenant row's lock makes two saves at once take turns, so each
		// compares with what the other stored. It is its own statement: the
		// read below must see what a save that held the lock committed.
		if err := tx.WithContext(ctx).Exec(`SELECT 1 FROM tenants WHERE id = ? FOR NO KEY UPDATE`, tenantID).Error; err != nil {
			return fmt.Errorf("crm: lock tenant: %w", err)
		}
		before, err := loadOwnership(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		if ifMatch != nil && !MatchesETag(ifMatch, settingsETag(before)) {
			return apperr.Errorf(apperr.EPRECONDITION,
				"Someone changed the CRM settings since you opened them: reload to see their change, then make yours.")
		}
		// What each changed field was and became, as package.updated
		// records it; a save that changes nothing writes and audits nothing.
		changed := map[string]string{}
		changes := map[string][2]string{}
		for f, m := range full {
			if before[f] != m {
				changed[f], changes[f] = m, [2]string{before[f], m}
			}
		}
		if len(changed) == 0 {
			return nil
		}
		if err := saveOwnership(ctx, tx, tenantID, userID, changed); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "crm.settings_updated",
			TargetType: "crm_settings", TargetID: tenantID.String(), Data: map[string]any{"changes": changes}})
	})
	if err != nil {
		return nil, err
	}
	return &Settings{FieldOwnership: full, ETag: settingsETag(full)}, nil
}
