package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/apikeys"
)

// CreateAPIKeyRequest issues a key.
type CreateAPIKeyRequest struct {
	Name      string     `json:"name" validate:"required" minLength:"1" maxLength:"100" example:"CRM sync"`
	Scopes    []string   `json:"scopes" validate:"required,min=1,max=9,dive,max=40" enums:"contacts:read,saved:read,saved:write,corrections:write,imports:read,imports:write,crm:read,crm:push,usage:read" example:"contacts:read,saved:write"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" format:"date-time" example:"2027-06-01T00:00:00Z"`
} //	@name	CreateAPIKeyRequest

// RotateAPIKeyRequest rotates a key's secret.
type RotateAPIKeyRequest struct {
	OverlapHours int `json:"overlap_hours,omitempty" validate:"gte=0,lte=168" example:"24"`
} //	@name	RotateAPIKeyRequest

// APIKeyResponse is a key; secret is present only in the answer that
// creates it (create or rotate).
type APIKeyResponse struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Prefix       string     `json:"prefix" example:"ock_4fGh01Kz"`
	Scopes       []string   `json:"scopes"`
	Status       string     `json:"status" enums:"active,expired,revoked"`
	CreatedBy    string     `json:"created_by" example:"admin@acme.test"`
	CreatedAt    time.Time  `json:"created_at" format:"date-time"`
	ExpiresAt    *time.Time `json:"expires_at" format:"date-time" extensions:"x-nullable"`
	RevokedAt    *time.Time `json:"revoked_at" format:"date-time" extensions:"x-nullable"`
	LastUsedAt   *time.Time `json:"last_used_at" format:"date-time" extensions:"x-nullable"`
	RotatedFrom  string     `json:"rotated_from_id,omitempty"`
	Secret       string     `json:"secret,omitempty" example:"ock_…"`
	SecretNotice string     `json:"secret_notice,omitempty"`
} //	@name	APIKey

// APIKeyList is the tenant's keys.
type APIKeyList struct {
	Items      []APIKeyResponse `json:"items"`
	NextCursor string           `json:"next_cursor"`
} //	@name	APIKeyList

func toAPIKey(k apikeys.Key, creator string) APIKeyResponse {
	out := APIKeyResponse{ID: k.ID.String(), Name: k.Name, Prefix: k.Prefix, Scopes: k.Scopes, Status: k.Status(time.Now()),
		CreatedBy: creator, CreatedAt: k.CreatedAt.UTC(), ExpiresAt: utcPtr(k.ExpiresAt), RevokedAt: utcPtr(k.RevokedAt),
		LastUsedAt: utcPtr(k.LastUsedAt)}
	if out.Scopes == nil {
		out.Scopes = []string{}
	}
	if k.RotatedFromID != nil {
		out.RotatedFrom = k.RotatedFromID.String()
	}
	return out
}

func created(c echo.Context, k apikeys.Created) error {
	out := toAPIKey(k.Key, principal(c).Email)
	out.Secret = k.Secret
	out.SecretNotice = "Store this secret now: it is shown only once and cannot be recovered."
	return c.JSON(http.StatusCreated, out)
}

// createAPIKey godoc
//
//	@Summary		Create an API key
//	@Description	Org admins only; the package must include API access; at most 100 live (neither revoked nor expired) keys per organization. The secret (ock_…) is returned once. Scopes: contacts:read, saved:read, saved:write, corrections:write, imports:read, imports:write, crm:read, crm:push, usage:read.
//	@ID				createAPIKey
//	@Tags			api-keys
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateAPIKeyRequest	true	"Key"
//	@Success		201		{object}	APIKeyResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem	"Not an org admin, or plan-feature-unavailable"
//	@Failure		409		{object}	Problem	"The organization already has 100 live keys"
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/api-keys [post]
func (s *Server) createAPIKey(c echo.Context) error {
	var req CreateAPIKeyRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p := principal(c)
	k, err := s.svc.APIKeys.Create(c.Request().Context(), p.TenantID, p.UserID, apikeys.CreateParams{Name: req.Name, Scopes: req.Scopes, ExpiresAt: req.ExpiresAt})
	if err != nil {
		return err
	}
	return created(c, k)
}

// listAPIKeys godoc
//
//	@Summary		List API keys
//	@Description	Org admins only. Prefix, name, scopes, creator, created, last used, expiry and status; never the secret. Every live key, then the newest revoked or expired ones, up to 500 keys.
//	@ID				listAPIKeys
//	@Tags			api-keys
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	APIKeyList
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Router			/api-keys [get]
func (s *Server) listAPIKeys(c echo.Context) error {
	ctx := c.Request().Context()
	s.svc.APIKeys.FlushUsage(ctx)
	ks, err := s.svc.APIKeys.List(ctx, principal(c).TenantID)
	if err != nil {
		return err
	}
	out := APIKeyList{Items: make([]APIKeyResponse, len(ks))}
	for i, k := range ks {
		out.Items[i] = toAPIKey(k.Key, k.CreatorEmail)
	}
	return c.JSON(http.StatusOK, out)
}

// revokeAPIKey godoc
//
//	@Summary		Revoke an API key
//	@Description	Org admins only. Immediate on every server instance: the next request with the key is refused (401).
//	@ID				revokeAPIKey
//	@Tags			api-keys
//	@Security		BearerAuth
//	@Param			id	path	string	true	"Key id"
//	@Success		204
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/api-keys/{id} [delete]
func (s *Server) revokeAPIKey(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.APIKeys.Revoke(c.Request().Context(), principal(c).TenantID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// rotateAPIKey godoc
//
//	@Summary		Rotate an API key
//	@Description	Org admins only; the package must include API access. Issues a new secret (a new key with the same name, scopes and expiry, returned once) and keeps the old secret valid for overlap_hours (0–168), so integrations switch without downtime. A key is rotated once, unless its successor was revoked: then it can be rotated again while its secret works (a new overlap never lengthens it).
//	@ID				rotateAPIKey
//	@Tags			api-keys
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"Key id"
//	@Param			body	body		RotateAPIKeyRequest	false	"Overlap; optional (no body: overlap_hours 0)"
//	@Success		201		{object}	APIKeyResponse
//	@Failure		400		{object}	Problem	"Malformed JSON (an empty body without a Content-Type is fine)"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem	"Not an org admin, or plan-feature-unavailable"
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem	"Key revoked or expired; rotated already to a successor not revoked (rotate that one); or, with an overlap, the organization already has 100 live keys"
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/api-keys/{id}/rotate [post]
func (s *Server) rotateAPIKey(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req RotateAPIKeyRequest
	if err := s.bindOptional(c, &req); err != nil {
		return err
	}
	p := principal(c)
	k, err := s.svc.APIKeys.Rotate(c.Request().Context(), p.TenantID, id, p.UserID, time.Duration(req.OverlapHours)*time.Hour)
	if err != nil {
		return err
	}
	return created(c, k)
}

// APIKeyUsageResponse is a key's requests per day.
type APIKeyUsageResponse struct {
	KeyID string           `json:"key_id"`
	Days  []APIKeyUsageDay `json:"days"`
	Total int64            `json:"total"`
} //	@name	APIKeyUsage

// APIKeyUsageDay is one day of requests.
type APIKeyUsageDay struct {
	Day      string `json:"day" example:"2026-11-28"`
	Requests int64  `json:"requests"`
} //	@name	APIKeyUsageDay

// getAPIKeyUsage godoc
//
//	@Summary		API key usage
//	@Description	Org admins only. Requests per UTC day for the last 30 days (oldest first, today last). Counts are gathered in memory and written every few seconds.
//	@ID				getAPIKeyUsage
//	@Tags			api-keys
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Key id"
//	@Success		200	{object}	APIKeyUsageResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/api-keys/{id}/usage [get]
func (s *Server) getAPIKeyUsage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	days, err := s.svc.APIKeys.Usage(c.Request().Context(), principal(c).TenantID, id, 30)
	if err != nil {
		return err
	}
	out := APIKeyUsageResponse{KeyID: id.String(), Days: make([]APIKeyUsageDay, len(days))}
	for i, d := range days {
		out.Days[i] = APIKeyUsageDay{Day: d.Day.Format(time.DateOnly), Requests: d.Requests}
		out.Total += d.Requests
	}
	return c.JSON(http.StatusOK, out)
}
