package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// CRMConnectionResponse is the tenant's 1CloudAI CRM connection.
type CRMConnectionResponse struct {
	Status      string   `json:"status" enums:"not_connected,connected,needs_reauth,disconnected"`
	AccountID   string   `json:"account_id" example:"acc_123"`
	AccountName string   `json:"account_name" example:"Acme CRM"`
	Scopes      []string `json:"scopes" example:"contacts.read,contacts.write"`
	ConnectedBy *string  `json:"connected_by" extensions:"x-nullable"`
	// ConnectedByEmail is the address of the org admin who connected; ""
	// for API keys, which see people by id (connected_by) only.
	ConnectedByEmail string     `json:"connected_by_email" example:"admin@acme.test"`
	ConnectedAt      *time.Time `json:"connected_at" format:"date-time" extensions:"x-nullable"`
	StatusReason     string     `json:"status_reason" example:"The CRM refused the refresh token (invalid_grant): an org admin must reconnect."`
	StatusChangedAt  *time.Time `json:"status_changed_at" format:"date-time" extensions:"x-nullable"`
	LastPushAt       *time.Time `json:"last_push_at" format:"date-time" extensions:"x-nullable"`
	Queued           int        `json:"queued"`
	Paused           int        `json:"paused"`
} //	@name	CRMConnection

// CRMConnectResponse is where to send the browser to connect.
type CRMConnectResponse struct {
	AuthorizeURL string    `json:"authorize_url" example:"http://127.0.0.1:8090/oauth/authorize?client_id=contacts-dev&code_challenge=…&code_challenge_method=S256&response_type=code&state=…"`
	ExpiresAt    time.Time `json:"expires_at" format:"date-time"`
} //	@name	CRMConnect

// CRMSettingsRequest replaces the field ownership; fields left out go back
// to fill_if_empty.
type CRMSettingsRequest struct {
	FieldOwnership map[string]string `json:"field_ownership" validate:"required" example:"email:fill_if_empty,job_title:overwrite,phone:never"`
} //	@name	CRMSettingsRequest

// CRMSettingsResponse is the field ownership of every CRM field.
type CRMSettingsResponse struct {
	FieldOwnership map[string]string `json:"field_ownership" example:"email:fill_if_empty,first_name:fill_if_empty,last_name:fill_if_empty,phone:never,job_title:overwrite,company_name:fill_if_empty"`
} //	@name	CRMSettings

// CRMPushRequest says which contacts to push: contact_ids, or every
// approved contact the CRM does not hold yet.
type CRMPushRequest struct {
	ContactIDs           []string `json:"contact_ids,omitempty" validate:"omitempty,max=1000,dive,uuid" format:"uuid" example:"01856fc7-2400-7bbe-acd9-c1848b6bf8dd"`
	AllApprovedNotPushed bool     `json:"all_approved_not_pushed,omitempty"`
} //	@name	CRMPushRequest

// CRMPlanItem is a contact a push skips or rejects, and why.
type CRMPlanItem struct {
	ContactID string `json:"contact_id"`
	Action    string `json:"action" enums:"create,update,skip,reject"`
	// Reason: an API key without saved:read gets not_pushable instead of
	// not_found, not_saved, not_approved and rejected.
	Reason string `json:"reason" enums:"not_found,not_saved,not_approved,rejected,not_pushable,deleted_in_crm,already_queued,skipped_duplicate"`
} //	@name	CRMPlanItem

// CRMPushResult is a queued push (202) or a preview (dry_run, 200).
type CRMPushResult struct {
	ID             *string        `json:"id" extensions:"x-nullable"`
	DryRun         bool           `json:"dry_run"`
	Status         string         `json:"status" enums:"preview,queued,running,paused,completed,completed_with_errors,cancelled"`
	Total          int            `json:"total"`
	ToCreate       int            `json:"to_create"`
	ToUpdate       int            `json:"to_update"`
	Skipped        int            `json:"skipped"`
	Rejected       int            `json:"rejected"`
	Reasons        map[string]int `json:"reasons" example:"not_approved:2,skipped_duplicate:5"`
	Items          []CRMPlanItem  `json:"items"`
	QuotaRemaining int64          `json:"quota_remaining"`
} //	@name	CRMPushResult

// CRMPush is one push and how far it got.
type CRMPush struct {
	ID          string  `json:"id"`
	Status      string  `json:"status" enums:"queued,running,paused,completed,completed_with_errors,cancelled"`
	Selection   string  `json:"selection" enums:"contact_ids,all_approved_not_pushed"`
	RequestedBy *string `json:"requested_by" extensions:"x-nullable"`
	// RequestedByLabel names who asked: a person's email address, or
	// "api_key:" and the key's name. An API key reading a person's push
	// gets "" (people by id, requested_by, only).
	RequestedByLabel string     `json:"requested_by_label" example:"admin@acme.test"`
	Total            int        `json:"total"`
	ToCreate         int        `json:"to_create"`
	ToUpdate         int        `json:"to_update"`
	Skipped          int        `json:"skipped"`
	Rejected         int        `json:"rejected"`
	Queued           int        `json:"queued"`
	Paused           int        `json:"paused"`
	Created          int        `json:"created"`
	Updated          int        `json:"updated"`
	Failed           int        `json:"failed"`
	DeletedInCRM     int        `json:"deleted_in_crm"`
	Cancelled        int        `json:"cancelled"`
	CreatedAt        time.Time  `json:"created_at" format:"date-time"`
	UpdatedAt        time.Time  `json:"updated_at" format:"date-time"`
	FinishedAt       *time.Time `json:"finished_at" format:"date-time" extensions:"x-nullable"`
} //	@name	CRMPush

// CRMPushList is a page of pushes, newest first.
type CRMPushList struct {
	Items      []CRMPush `json:"items"`
	NextCursor string    `json:"next_cursor"`
} //	@name	CRMPushList

// CRMPushAttempt is one request to the CRM carrying the contact, with the
// CRM's answer for it.
type CRMPushAttempt struct {
	Attempt      int       `json:"attempt"`
	RequestID    string    `json:"request_id"`
	At           time.Time `json:"at" format:"date-time"`
	HTTPStatus   int       `json:"http_status" example:"207"`
	Outcome      string    `json:"outcome" enums:"created,updated,read,error,rate_limited,unauthorized,unavailable,timeout,network_error,rejected,interrupted"`
	ErrorCode    string    `json:"error_code" example:"EMAIL_CONFLICT"`
	ErrorMessage string    `json:"error_message" example:"Email used by contact c_77"`
	CRMRecordID  string    `json:"crm_record_id" example:"c_9001"`
	// The CRM's answer (one over 16 KiB is kept as {"omitted": "…"} saying
	// its length); null for an API key without contacts:read.
	Answer     json.RawMessage `json:"answer" swaggertype:"object" extensions:"x-nullable"`
	DurationMS int             `json:"duration_ms"`
} //	@name	CRMPushAttempt

// CRMPushItem is one contact of a push with every attempt.
type CRMPushItem struct {
	ContactID string `json:"contact_id"`
	// The contact's name; "" for an API key without contacts:read.
	ContactName string `json:"contact_name"`
	// The email sent (the tenant's correction, if any); "" for an API key
	// without contacts:read.
	Email        string           `json:"email"`
	Action       string           `json:"action" enums:"create,update,skip,reject"`
	Reason       string           `json:"reason"`
	Status       string           `json:"status" enums:"queued,paused,pushed,failed,deleted_in_crm,cancelled,skipped,rejected"`
	CRMResult    string           `json:"crm_result" enums:",created,updated"`
	CRMRecordID  string           `json:"crm_record_id"`
	ErrorCode    string           `json:"error_code"`
	ErrorMessage string           `json:"error_message"`
	Attempts     []CRMPushAttempt `json:"attempts"`
	UpdatedAt    time.Time        `json:"updated_at" format:"date-time"`
} //	@name	CRMPushItem

// CRMPushDetail is a push with a page of its contacts.
type CRMPushDetail struct {
	CRMPush
	Items           []CRMPushItem `json:"items"`
	NextItemsCursor string        `json:"next_items_cursor"`
} //	@name	CRMPushDetail

// CRMWebhookResult acknowledges a webhook delivery.
type CRMWebhookResult struct {
	EventID   string `json:"event_id"`
	Type      string `json:"type" example:"app.uninstalled"`
	Duplicate bool   `json:"duplicate"`
} //	@name	CRMWebhookResult

func idString(id *uuid.UUID) *string {
	if id == nil {
		return nil
	}
	s := id.String()
	return &s
}

// getCRMConnection godoc
//
//	@Summary			CRM connection
//	@Description		The tenant's 1CloudAI CRM connection: account, who connected it and when, status (not_connected, connected, needs_reauth, disconnected), the last successful push and how many contacts wait. API key scope: crm:read.
//	@ID					getCRMConnection
//	@Tags				crm
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["crm:read"]
//	@Success			200		{object}	CRMConnectionResponse
//	@Failure			401		{object}	Problem
//	@Failure			403		{object}	Problem
//	@Failure			429		{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,403	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,403	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,403	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429		{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429		{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429		{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429		{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/crm/connection [get]
func (s *Server) getCRMConnection(c echo.Context) error {
	conn, err := s.svc.CRM.GetConnection(c.Request().Context(), principal(c).TenantID)
	if err != nil {
		return err
	}
	by := personLabel(principal(c), conn.ConnectedBy, conn.ConnectedByLabel)
	return c.JSON(http.StatusOK, CRMConnectionResponse{Status: conn.Status, AccountID: conn.AccountID,
		AccountName: conn.AccountName, Scopes: conn.Scopes, ConnectedBy: idString(conn.ConnectedBy),
		ConnectedByEmail: by, ConnectedAt: conn.ConnectedAt, StatusReason: conn.StatusReason,
		StatusChangedAt: conn.StatusChangedAt, LastPushAt: conn.LastPushAt, Queued: conn.Queued, Paused: conn.Paused})
}

// connectCRM godoc
//
//	@Summary		Connect the CRM
//	@Description	Org admins only. Starts the OAuth 2.0 authorization code flow with PKCE (S256): answers the CRM's authorize URL carrying a single-use state bound to this tenant and user (valid 10 minutes), and sets the crm_oauth_browser cookie (HttpOnly, for the callback only) that binds the attempt to this browser. Send this browser there; the CRM sends it back to /crm/oauth/callback. Reconnecting (e.g. after needs_reauth) resumes paused pushes.
//	@ID				connectCRM
//	@Tags			crm
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	CRMConnectResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		503	{object}	Problem	"crm-not-configured"
//	@Router			/crm/connect [post]
func (s *Server) connectCRM(c echo.Context) error {
	p := principal(c)
	start, err := s.svc.CRM.Connect(c.Request().Context(), p.TenantID, p.UserID)
	if err != nil {
		return err
	}
	s.setCRMBrowserCookie(c, start.Browser, time.Until(start.ExpiresAt))
	return c.JSON(http.StatusOK, CRMConnectResponse{AuthorizeURL: start.AuthorizeURL, ExpiresAt: start.ExpiresAt.UTC()})
}

// crmBrowserCookie carries the nonce that binds a CRM connection attempt
// to the browser that started it. Only the callback receives it; Lax,
// because the CRM sends the browser back with a top-level navigation.
const crmBrowserCookie = "crm_oauth_browser"

func (s *Server) setCRMBrowserCookie(c echo.Context, value string, ttl time.Duration) {
	s.setCookie(c, &http.Cookie{Name: crmBrowserCookie, Value: value, Path: "/api/v1/crm/oauth/callback",
		SameSite: http.SameSiteLaxMode}, ttl)
}

// crmOAuthCallback godoc
//
//	@Summary		OAuth callback
//	@Description	Where the CRM sends the browser after consent. Validates the state (single use, 10 minutes, bound to tenant, user and the browser that called crm/connect: its crm_oauth_browser cookie), exchanges the code with the PKCE verifier, reads the account and stores the tokens encrypted; then redirects to /integrations?crm=connected, or /integrations?crm=error&reason=… (invalid_state, state_used, state_expired, other_browser, access_denied, crm_error, not_allowed, exchange_failed, missing_scopes, account_in_use, internal_error) with nothing stored. account_in_use: another organization is connected to (or must reconnect) this CRM account; one account serves one organization, since its records are keyed by contact ids every organization shares, and it is free again once that organization disconnects.
//	@ID				crmOAuthCallback
//	@Tags			crm
//	@Param			code	query	string	false	"Authorization code"
//	@Param			state	query	string	false	"The state from crm/connect"
//	@Param			error	query	string	false	"The CRM's error (access_denied, …)"
//	@Success		302		"Redirect to the Integrations page"
//	@Header			302		{string}	Location	"PUBLIC_URL + /integrations?crm=connected, or + /integrations?crm=error&reason=…"
//	@Failure		400		{object}	Problem
//	@Router			/crm/oauth/callback [get]
func (s *Server) crmOAuthCallback(c echo.Context) error {
	ctx := c.Request().Context()
	browser := ""
	if ck, err := c.Cookie(crmBrowserCookie); err == nil {
		browser = ck.Value
	}
	s.setCRMBrowserCookie(c, "", 0) // one attempt per cookie, whatever its outcome
	reason, err := s.svc.CRM.Callback(ctx, crm.CallbackParams{Code: c.QueryParam("code"), State: c.QueryParam("state"),
		Error: c.QueryParam("error"), Browser: browser})
	if err != nil {
		s.log.WarnContext(ctx, "crm: oauth callback failed", "request_id", requestID(c), "reason", reason, "error", err)
	}
	return c.Redirect(http.StatusFound, s.svc.CRM.IntegrationsURL(reason))
}

// disconnectCRM godoc
//
//	@Summary		Disconnect the CRM
//	@Description	Org admins only. Revokes the grant at the CRM, deletes the tokens, cancels queued pushes and writes an audit event. Disconnecting again does nothing.
//	@ID				disconnectCRM
//	@Tags			crm
//	@Security		BearerAuth
//	@Success		204
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem	"Never connected"
//	@Router			/crm/connection [delete]
func (s *Server) disconnectCRM(c echo.Context) error {
	if err := s.svc.CRM.Disconnect(c.Request().Context(), principal(c).TenantID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// crmWebhook godoc
//
//	@Summary		CRM webhook
//	@Description	Called by the 1CloudAI CRM, not by clients. Verifies X-1CloudAI-Signature (v1=hex HMAC-SHA256 of timestamp "." body) and a 5-minute X-1CloudAI-Timestamp window, deduplicates on event_id, then applies app.uninstalled (disconnect every tenant connected to the account) or contact.deleted (never push that contact again).
//	@ID				crmWebhook
//	@Tags			crm
//	@Accept			json
//	@Produce		json
//	@Param			X-1CloudAI-Timestamp	header		string	true	"Unix seconds"
//	@Param			X-1CloudAI-Signature	header		string	true	"v1=<hex>"
//	@Param			body					body		object	true	"The CRM's event envelope"
//	@Success		200						{object}	CRMWebhookResult
//	@Failure		400						{object}	Problem	"invalid-signature, stale-timestamp or a malformed body"
//	@Failure		413						{object}	Problem
//	@Failure		503						{object}	Problem	"crm-not-configured (no webhook secret)"
//	@Router			/crm/webhook [post]
func (s *Server) crmWebhook(c echo.Context) error {
	body, err := readBody(c.Request())
	if err != nil {
		return err
	}
	res, err := s.svc.CRM.HandleWebhook(c.Request().Context(), body, c.Request().Header.Get("X-1CloudAI-Timestamp"),
		c.Request().Header.Get("X-1CloudAI-Signature"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CRMWebhookResult{EventID: res.EventID, Type: res.Type, Duplicate: res.Duplicate})
}

// getCRMSettings godoc
//
//	@Summary			CRM settings
//	@Description		Field ownership of each CRM field (email, first_name, last_name, phone, job_title, company_name): fill_if_empty (default: write only where the CRM's value is empty or still the one we sent), overwrite, or never. API key scope: crm:read.
//	@ID					getCRMSettings
//	@Tags				crm
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["crm:read"]
//	@Success			200		{object}	CRMSettingsResponse
//	@Failure			401		{object}	Problem
//	@Failure			403		{object}	Problem
//	@Failure			429		{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,403	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,403	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,403	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429		{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429		{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429		{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429		{integer}	Retry-After			"Seconds to wait before retrying"
//	@Header				200		{string}	ETag				"This version of the settings: send it back as If-Match when you change them"
//	@Router				/crm/settings [get]
func (s *Server) getCRMSettings(c echo.Context) error {
	st, err := s.svc.CRM.GetSettings(c.Request().Context(), principal(c).TenantID)
	if err != nil {
		return err
	}
	c.Response().Header().Set(headerETag, st.ETag)
	return c.JSON(http.StatusOK, CRMSettingsResponse{FieldOwnership: st.FieldOwnership})
}

// putCRMSettings godoc
//
//	@Summary		Change CRM settings
//	@Description	Org admins only. Replaces the field ownership; fields left out go back to fill_if_empty. Send If-Match with the ETag of the settings you edited (GET /crm/settings) and the change is refused with 412 precondition-failed when another admin changed them meanwhile, instead of undoing their change; without If-Match the save always applies.
//	@ID				putCRMSettings
//	@Tags			crm
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body		body		CRMSettingsRequest	true	"Field ownership"
//	@Param			If-Match	header		string				false	"The ETag of the settings you edited"
//	@Success		200			{object}	CRMSettingsResponse
//	@Failure		400			{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		413			{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		412			{object}	Problem	"precondition-failed: the settings changed since the If-Match ETag was read"
//	@Failure		415			{object}	Problem	"Content-Type is not application/json"
//	@Failure		422			{object}	Problem
//	@Header			200			{string}	ETag	"The settings' new version"
//	@Router			/crm/settings [put]
func (s *Server) putCRMSettings(c echo.Context) error {
	var req CRMSettingsRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p := principal(c)
	st, err := s.svc.CRM.PutSettingsIfMatch(c.Request().Context(), p.TenantID, &p.UserID, req.FieldOwnership, ifMatch(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set(headerETag, st.ETag)
	return c.JSON(http.StatusOK, CRMSettingsResponse{FieldOwnership: st.FieldOwnership})
}

// createCRMPush godoc
//
//	@Summary			Push contacts to the CRM
//	@Description		Pushes approved saved contacts: contact_ids (up to 1,000), or all_approved_not_pushed. Others are reported as rejected with a reason; a contact the CRM already holds with the same content is skipped (skipped_duplicate); changed content updates the same record. With ?dry_run=true nothing is queued and the answer (200) previews how many will be created, updated, skipped or rejected. Why a contact is rejected (not_found, not_saved, not_approved, rejected) tells the tenant's saved state, so an API key without saved:read is told not_pushable for each of them, in the preview, the queued answer and the push's contacts (GET /crm/pushes/{id}). Otherwise the push is queued (202) and its progress is at /crm/pushes/{id}. Each contact counts once against crm_pushes_per_month when the CRM takes it: it is held against the quota from when it is sent, however many retries it takes, and given back to the month it was charged in if its push fails for good, is cancelled or goes to an account the connection no longer has. API key scope: crm:push.
//	@ID					createCRMPush
//	@Tags				crm
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["crm:push"]
//	@Param				dry_run							query		bool			false	"Preview only"
//	@Param				body							body		CRMPushRequest	true	"Contacts"
//	@Param				Idempotency-Key					header		string			false	"A key of yours (1 to 255 visible ASCII characters, a UUID say) that makes a retry safe: the same key and request within 24 hours answers the first answer again instead of running twice"
//	@Success			200								{object}	CRMPushResult	"Preview (dry_run)"
//	@Success			202								{object}	CRMPushResult	"Queued"
//	@Failure			400								{object}	Problem			"Malformed JSON or an empty body"
//	@Failure			401								{object}	Problem
//	@Failure			403								{object}	Problem
//	@Failure			409								{object}	Problem	"crm-not-connected or crm-needs-reauth, or idempotency-key-in-use"
//	@Failure			413								{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure			415								{object}	Problem	"Content-Type is not application/json"
//	@Failure			422								{object}	Problem
//	@Failure			429								{object}	Problem							"quota-exceeded (crm_pushes), or rate-limited"
//	@Header				200,202,400,403,409,413,415,422	{integer}	RateLimit-Limit					"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,202,400,403,409,413,415,422	{integer}	RateLimit-Remaining				"API-key requests: requests left in the current minute"
//	@Header				200,202,400,403,409,413,415,422	{integer}	RateLimit-Reset					"API-key requests: seconds until the minute ends"
//	@Header				429								{integer}	RateLimit-Limit					"rate-limited: requests allowed per minute; quota-exceeded: the monthly quota"
//	@Header				429								{integer}	RateLimit-Remaining				"rate-limited: requests left this minute (0); quota-exceeded: what remains of the monthly quota"
//	@Header				429								{integer}	RateLimit-Reset					"rate-limited: seconds until the minute ends; quota-exceeded: seconds until the quota resets"
//	@Header				429								{integer}	Retry-After						"Seconds to wait before retrying"
//	@Header				429								{integer}	X-Quota-CRM-Pushes-Limit		"The monthly quota (quota-exceeded only)"
//	@Header				429								{integer}	X-Quota-CRM-Pushes-Used			"Used this month (quota-exceeded only)"
//	@Header				429								{integer}	X-Quota-CRM-Pushes-Remaining	"Left this month (quota-exceeded only)"
//	@Header				429								{string}	X-Quota-CRM-Pushes-Reset		"When the quota resets, RFC 3339 (quota-exceeded only)"
//	@Header				200,202							{string}	Idempotent-Replayed				"true when this is the stored answer to an earlier request with the same Idempotency-Key"
//	@Header				409								{integer}	Retry-After						"idempotency-key-in-use: seconds to wait before retrying (1); absent on the other 409s"
//	@Router				/crm/pushes [post]
func (s *Server) createCRMPush(c echo.Context) error {
	dry, err := queryBool(c, "dry_run")
	if err != nil {
		return err
	}
	dryRun := dry != nil && *dry
	var req CRMPushRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	ids := make([]uuid.UUID, len(req.ContactIDs))
	for i, v := range req.ContactIDs {
		ids[i] = uuid.MustParse(v) // validated above
	}
	p := principal(c)
	var by *uuid.UUID
	if !p.IsAPIKey() {
		by = &p.UserID
	}
	// Why a contact is not pushed tells whether the tenant saved it and how
	// it was reviewed: data of saved:read (see shapeContacts).
	res, err := s.svc.CRM.RequestPush(c.Request().Context(), p.TenantID, by,
		crm.PushParams{ContactIDs: ids, AllApprovedNotPushed: req.AllApprovedNotPushed, DryRun: dryRun,
			HideSaved: p.Can(tenancy.PermSavedRead) != nil})
	if err != nil {
		return err
	}
	out := CRMPushResult{ID: idString(res.ID), DryRun: res.DryRun, Status: res.Status, Total: res.Total, ToCreate: res.ToCreate,
		ToUpdate: res.ToUpdate, Skipped: res.Skipped, Rejected: res.Rejected, Reasons: res.Reasons,
		Items: make([]CRMPlanItem, len(res.Items)), QuotaRemaining: res.QuotaRemaining}
	for i, it := range res.Items {
		out.Items[i] = CRMPlanItem{ContactID: it.ContactID.String(), Action: it.Action, Reason: it.Reason}
	}
	if dryRun {
		return c.JSON(http.StatusOK, out)
	}
	return c.JSON(http.StatusAccepted, out)
}

// personLabel is how viewer sees the person userID, labelled label (an
// email address): people of the tenant see the address (they may list the
// team), API keys do not (no scope reads the team), so for them it is "".
// A label of no person (userID nil: a key, the system) stays.
func personLabel(viewer *tenancy.Principal, userID *uuid.UUID, label string) string {
	if userID != nil && viewer.IsAPIKey() {
		return ""
	}
	return label
}

func toCRMPush(viewer *tenancy.Principal, p crm.Push) CRMPush {
	return CRMPush{ID: p.ID.String(), Status: p.Status, Selection: p.Selection, RequestedBy: idString(p.RequestedBy),
		RequestedByLabel: personLabel(viewer, p.RequestedBy, p.RequestedByLabel), Total: p.Total, ToCreate: p.ToCreate, ToUpdate: p.ToUpdate, Skipped: p.Skipped,
		Rejected: p.Rejected, Queued: p.Queued, Paused: p.Paused, Created: p.Created, Updated: p.Updated, Failed: p.Failed,
		DeletedInCRM: p.DeletedInCRM, Cancelled: p.Cancelled, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, FinishedAt: p.FinishedAt}
}

// crmQueryTime reads an optional RFC 3339 query parameter. Returns EINVALID.
func crmQueryTime(c echo.Context, name string) (*time.Time, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, apperr.Invalid("Invalid query parameter.", apperr.FieldError{Field: name, Message: "must be an RFC 3339 time"})
	}
	return &t, nil
}

// listCRMPushes godoc
//
//	@Summary			Push history
//	@Description		The tenant's pushes, newest first, with their counts. Filter by status, by a contact they included, and by creation time (from inclusive, to exclusive). API key scope: crm:read.
//	@ID					listCRMPushes
//	@Tags				crm
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["crm:read"]
//	@Param				status			query		string	false	"Push status"						Enums(queued, running, paused, completed, completed_with_errors, cancelled)
//	@Param				contact_id		query		string	false	"Pushes that included this contact"	format(uuid)
//	@Param				from			query		string	false	"Created at or after (RFC 3339)"	format(date-time)
//	@Param				to				query		string	false	"Created before (RFC 3339)"			format(date-time)
//	@Param				limit			query		int		false	"Page size (1–100, default 25)"		minimum(1)	maximum(100)	default(25)
//	@Param				cursor			query		string	false	"next_cursor of the previous page"
//	@Success			200				{object}	CRMPushList
//	@Failure			400				{object}	Problem	"malformed-request: a cursor this list did not issue"
//	@Failure			401				{object}	Problem
//	@Failure			403				{object}	Problem
//	@Failure			422				{object}	Problem
//	@Failure			429				{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,400,403,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,400,403,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429				{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429				{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429				{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429				{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/crm/pushes [get]
func (s *Server) listCRMPushes(c echo.Context) error {
	limit, err := queryLimit(c, 25, 100)
	if err != nil {
		return err
	}
	contact, err := queryUUID(c, "contact_id")
	if err != nil {
		return err
	}
	from, err := crmQueryTime(c, "from")
	if err != nil {
		return err
	}
	to, err := crmQueryTime(c, "to")
	if err != nil {
		return err
	}
	page, err := s.svc.CRM.ListPushes(c.Request().Context(), principal(c).TenantID, crm.ListParams{Status: c.QueryParam("status"),
		ContactID: contact, From: from, To: to, Limit: limit, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return err
	}
	out := CRMPushList{Items: make([]CRMPush, len(page.Items)), NextCursor: page.NextCursor}
	for i, p := range page.Items {
		out.Items[i] = toCRMPush(principal(c), p)
	}
	return c.JSON(http.StatusOK, out)
}

// getCRMPush godoc
//
//	@Summary			A push
//	@Description		A push with a page of its contacts in push order, each with every attempt and the CRM's answer for it. For an API key without saved:read a contact's reason not_found, not_saved, not_approved or rejected reads not_pushable, and the error code NOT_FOUND or NOT_APPROVED of a contact rejected at send time reads NOT_PUSHABLE. For an API key without contacts:read a contact is its contact_id only: contact_name and email are empty and every attempt's answer is null (the CRM's answer to a read is the record's properties); statuses, codes and messages stay. API key scope: crm:read.
//	@ID					getCRMPush
//	@Tags				crm
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["crm:read"]
//	@Param				id					path		string	true	"Push id"
//	@Param				item_status			query		string	false	"Only contacts in this status"				Enums(queued, paused, pushed, failed, deleted_in_crm, cancelled, skipped, rejected)
//	@Param				items_limit			query		int		false	"Contacts per page (1–500, default 100)"	minimum(1)	maximum(500)	default(100)
//	@Param				items_cursor		query		string	false	"next_items_cursor of the previous page"
//	@Success			200					{object}	CRMPushDetail
//	@Failure			400					{object}	Problem	"malformed-request: an items_cursor this push did not issue"
//	@Failure			401					{object}	Problem
//	@Failure			403					{object}	Problem
//	@Failure			404					{object}	Problem
//	@Failure			422					{object}	Problem
//	@Failure			429					{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,400,403,404,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,404,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,400,403,404,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429					{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429					{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429					{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429					{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/crm/pushes/{id} [get]
func (s *Server) getCRMPush(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	limit := 100
	if v := c.QueryParam("items_limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return apperr.Invalid("The limit is out of range.", apperr.FieldError{Field: "items_limit", Message: "must be between 1 and 500"})
		}
		limit = n
	}
	d, err := s.svc.CRM.GetPush(c.Request().Context(), principal(c).TenantID, id,
		crm.ItemParams{Status: c.QueryParam("item_status"), Limit: limit, Cursor: c.QueryParam("items_cursor"),
			HideSaved: principal(c).Can(tenancy.PermSavedRead) != nil, HideContacts: principal(c).Can(tenancy.PermContactsRead) != nil})
	if err != nil {
		return err
	}
	out := CRMPushDetail{CRMPush: toCRMPush(principal(c), d.Push), Items: make([]CRMPushItem, len(d.Items)), NextItemsCursor: d.NextItemsCursor}
	for i, it := range d.Items {
		item := CRMPushItem{ContactID: it.ContactID.String(), ContactName: it.ContactName, Email: it.Email, Action: it.Action,
			Reason: it.Reason, Status: it.Status, CRMResult: it.CRMResult, CRMRecordID: it.CRMRecordID, ErrorCode: it.ErrorCode,
			ErrorMessage: it.ErrorMessage, Attempts: make([]CRMPushAttempt, len(it.Attempts)), UpdatedAt: it.UpdatedAt}
		for j, a := range it.Attempts {
			item.Attempts[j] = CRMPushAttempt{Attempt: a.Attempt, RequestID: a.RequestID.String(), At: a.At, HTTPStatus: a.HTTPStatus,
				Outcome: a.Outcome, ErrorCode: a.ErrorCode, ErrorMessage: a.ErrorMessage, CRMRecordID: a.CRMRecordID,
				Answer: a.Answer, DurationMS: a.DurationMS}
		}
		out.Items[i] = item
	}
	return c.JSON(http.StatusOK, out)
}
