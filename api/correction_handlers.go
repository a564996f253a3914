package api

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/contacts"
)

// CorrectionRequest corrects one field of a contact.
type CorrectionRequest struct {
	Field string `json:"field" validate:"required,oneof=title email phone company_name city country linkedin_url" example:"title"`
	// Value is the right value, trimmed and normalized before it is
	// checked: title takes 1 to 200 characters (code points), company_name
	// 1 to 300 and city 1 to 100, as an import does; the other fields a
	// valid email, phone number, country or LinkedIn URL.
	Value string `json:"value" validate:"required" maxLength:"500" example:"VP Engineering"`
} //	@name	CorrectionRequest

// CorrectionResponse is a submitted correction.
type CorrectionResponse struct {
	ID          string     `json:"id"`
	TenantID    string     `json:"tenant_id"`
	ContactID   string     `json:"contact_id"`
	Field       string     `json:"field"`
	OldValue    string     `json:"old_value"`
	NewValue    string     `json:"new_value"`
	Status      string     `json:"status" enums:"pending,accepted,rejected,withdrawn"`
	ReviewedAt  *time.Time `json:"reviewed_at" format:"date-time" extensions:"x-nullable"`
	CreatedAt   time.Time  `json:"created_at" format:"date-time"`
	ContactName string     `json:"contact_name,omitempty"`
	TenantName  string     `json:"tenant_name,omitempty"`
	// The user who submitted it; null for an API key's correction (or a
	// user since deleted).
	SubmittedBy *string `json:"submitted_by" extensions:"x-nullable"`
	// The submitter's name, or email when the name is empty; left out with
	// submitted_by null.
	SubmittedByName string `json:"submitted_by_name,omitempty"`
	// The API key that submitted it; null for a user's correction. Both
	// submitted_by and submitted_by_key null: a user since deleted.
	SubmittedByKey *string `json:"submitted_by_key" extensions:"x-nullable"`
	// That key's name (revoked keys keep theirs); left out with
	// submitted_by_key null.
	SubmittedByKeyName string `json:"submitted_by_key_name,omitempty"`
	// Accepted without staff review: a correction of the organization's own
	// private contact, or one back to the shared value (an undo).
	AppliedAtOnce bool `json:"applied_at_once"`
	// The record's value of the field now: old_value unless it changed since.
	CurrentValue string `json:"current_value"`
	// A pending correction whose field changed since it was submitted to
	// another value: accepting it is refused (409), as it would undo that.
	Stale bool `json:"stale"`
} //	@name	Correction

// CorrectionList is a page of corrections.
type CorrectionList struct {
	Items      []CorrectionResponse `json:"items"`
	NextCursor string               `json:"next_cursor"`
} //	@name	CorrectionList

func toCorrection(k contacts.Correction) CorrectionResponse {
	return CorrectionResponse{SubmittedBy: idString(k.SubmittedBy), SubmittedByName: k.SubmittedByName,
		SubmittedByKey: idString(k.SubmittedByKey), SubmittedByKeyName: k.SubmittedByKeyName, AppliedAtOnce: k.AppliedAtOnce(), ID: k.ID.String(), TenantID: k.TenantID.String(), ContactID: k.ContactID.String(), Field: k.Field,
		OldValue: k.OldValue, NewValue: k.NewValue, Status: k.Status, ReviewedAt: k.ReviewedAt, CreatedAt: k.CreatedAt.UTC(),
		ContactName: k.ContactName, TenantName: k.TenantName, CurrentValue: k.CurrentValue,
		Stale: k.Status == contacts.CorrectionPending && k.Stale()}
}

// CorrectionQueue is a page of the staff review queue.
type CorrectionQueue struct {
	Items      []CorrectionResponse `json:"items"`
	NextCursor string               `json:"next_cursor"`
	// Pending corrections the filters match, counted up to 1,000 (then
	// total_is_capped, and there are more).
	Total         int  `json:"total"`
	TotalIsCapped bool `json:"total_is_capped"`
} //	@name	CorrectionQueue

func toCorrections(p *contacts.CorrectionPage) CorrectionList {
	out := CorrectionList{Items: make([]CorrectionResponse, len(p.Items)), NextCursor: p.NextCursor}
	for i, k := range p.Items {
		out.Items[i] = toCorrection(k)
	}
	return out
}

// submitCorrection godoc
//
//	@Summary			Correct a contact
//	@Description		Corrects title, email, phone, company_name, city, country or linkedin_url. The value is validated and normalized (email syntax, phone to E.164 with the tenant's default region, country to ISO 3166). Your tenant sees it at once, and its searches and saved view match the corrected value (filters, free text, rank, totals and facets); platform staff may accept it into the shared record. A correction of your organization's own private contact is applied at once (status accepted), and so is one back to the shared value; the others wait for review (pending), at most 500 in any 24 hours per organization (then 429 rate-limited with Retry-After). API key scope: corrections:write.
//	@ID					submitCorrection
//	@Tags				corrections
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["corrections:write"]
//	@Param				id								path		string				true	"Contact id"
//	@Param				body							body		CorrectionRequest	true	"Correction"
//	@Param				Idempotency-Key					header		string				false	"A key of yours (1 to 255 visible ASCII characters, a UUID say) that makes a retry safe: the same key and request within 24 hours answers the first answer again instead of running twice"
//	@Success			201								{object}	CorrectionResponse
//	@Failure			400								{object}	Problem	"Malformed JSON or an empty body"
//	@Failure			401								{object}	Problem
//	@Failure			403								{object}	Problem
//	@Failure			404								{object}	Problem
//	@Failure			409								{object}	Problem	"idempotency-key-in-use: a request with the same Idempotency-Key is still running"
//	@Failure			413								{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure			415								{object}	Problem	"Content-Type is not application/json"
//	@Failure			422								{object}	Problem
//	@Failure			429								{object}	Problem				"rate-limited: the organization sent 500 corrections of shared contacts to review in the last 24 hours, or the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				201,400,403,404,409,413,415,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				201,400,403,404,409,413,415,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				201,400,403,404,409,413,415,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429								{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute, or corrections for review allowed per 24 hours"
//	@Header				429								{integer}	RateLimit-Remaining	"rate-limited: requests left this minute, or corrections left (0)"
//	@Header				429								{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends, or until the oldest counted correction leaves the 24 hours"
//	@Header				429								{integer}	Retry-After			"Seconds to wait before retrying"
//	@Header				201								{string}	Idempotent-Replayed	"true when this is the stored answer to an earlier request with the same Idempotency-Key"
//	@Header				409								{integer}	Retry-After			"idempotency-key-in-use: seconds to wait before retrying (1); absent on the other 409s"
//	@Router				/contacts/{id}/corrections [post]
func (s *Server) submitCorrection(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req CorrectionRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p := principal(c)
	k, err := s.svc.Contacts.SubmitCorrection(c.Request().Context(), p.TenantID, p.UserID, id, req.Field, req.Value)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toCorrection(*k))
}

// correctionParams reads the parameters both correction lists take. The
// tenant's list adds status; the review queue lists pending ones only, so
// it does not read status at all.
func correctionParams(c echo.Context) (contacts.CorrectionListParams, error) {
	contactID, err := queryUUID(c, "contact_id")
	if err != nil {
		return contacts.CorrectionListParams{}, err
	}
	size, err := queryPageSize(c, 100)
	if err != nil {
		return contacts.CorrectionListParams{}, err
	}
	return contacts.CorrectionListParams{ContactID: contactID, PageSize: size, MaxPageSize: 100, Cursor: c.QueryParam("cursor")}, nil
}

// listCorrections godoc
//
//	@Summary			The tenant's corrections
//	@Description		Newest first; filter by status and contact. API key scope: contacts:read.
//	@ID					listCorrections
//	@Tags				corrections
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["contacts:read"]
//	@Param				status			query		string	false	"Only corrections in this status"	Enums(pending, accepted, rejected, withdrawn)
//	@Param				contact_id		query		string	false	"Contact id"						format(uuid)
//	@Param				cursor			query		string	false	"next_cursor of the previous page"
//	@Param				page_size		query		int		false	"1-100 (default 25)"	minimum(1)	maximum(100)	default(25)
//	@Success			200				{object}	CorrectionList
//	@Failure			400				{object}	Problem
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
//	@Router				/corrections [get]
func (s *Server) listCorrections(c echo.Context) error {
	p, err := correctionParams(c)
	if err != nil {
		return err
	}
	p.Status = c.QueryParam("status")
	page, err := s.svc.Contacts.ListCorrections(c.Request().Context(), principal(c).TenantID, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCorrections(page))
}

// listPendingCorrections godoc
//
//	@Summary		Correction review queue (platform)
//	@Description	System admins and support: pending corrections of every tenant, oldest first; filter by tenant, field and contact (filters combine). total counts the pending corrections the filters match, up to 1,000 (total_is_capped). Only pending ones: there is no status filter.
//	@ID				listPendingCorrections
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			tenant_id	query		string	false	"Only corrections this tenant submitted"	format(uuid)
//	@Param			field		query		string	false	"Only corrections of this field"			Enums(title, email, phone, company_name, city, country, linkedin_url)
//	@Param			contact_id	query		string	false	"Only corrections of this contact"			format(uuid)
//	@Param			cursor		query		string	false	"next_cursor of the previous page (of the same filters)"
//	@Param			page_size	query		int		false	"1-100 (default 25)"	minimum(1)	maximum(100)	default(25)
//	@Success		200			{object}	CorrectionQueue
//	@Failure		400			{object}	Problem	"A cursor of another query"
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		422			{object}	Problem	"page_size out of range, tenant_id or contact_id not an id, or an unknown field"
//	@Router			/admin/corrections [get]
func (s *Server) listPendingCorrections(c echo.Context) error {
	p, err := correctionParams(c)
	if err != nil {
		return err
	}
	if p.TenantID, err = queryUUID(c, "tenant_id"); err != nil {
		return err
	}
	p.Field = c.QueryParam("field")
	page, err := s.svc.Contacts.ListPendingCorrections(c.Request().Context(), p)
	if err != nil {
		return err
	}
	list := toCorrections(page)
	return c.JSON(http.StatusOK, CorrectionQueue{Items: list.Items, NextCursor: list.NextCursor, Total: page.Total, TotalIsCapped: page.TotalIsCapped})
}

// acceptCorrection godoc
//
//	@Summary		Accept a correction (platform)
//	@Description	System admins only: the shared record takes the corrected value, so every tenant sees it. Refused (409) when the shared value changed since the correction was submitted (it is neither the value corrected nor the correction): accepting would undo the newer change. Audited.
//	@ID				acceptCorrection
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Correction id"
//	@Success		200	{object}	CorrectionResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"Already reviewed, or the shared value changed since the correction was submitted"
//	@Router			/admin/corrections/{id}/accept [post]
func (s *Server) acceptCorrection(c echo.Context) error {
	return s.reviewCorrection(c, s.svc.Contacts.AcceptCorrection)
}

// rejectCorrection godoc
//
//	@Summary		Reject a correction (platform)
//	@Description	System admins only: the shared record is unchanged; the submitting tenant keeps its value, marked rejected. Audited.
//	@ID				rejectCorrection
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Correction id"
//	@Success		200	{object}	CorrectionResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"Already reviewed"
//	@Router			/admin/corrections/{id}/reject [post]
func (s *Server) rejectCorrection(c echo.Context) error {
	return s.reviewCorrection(c, s.svc.Contacts.RejectCorrection)
}

func (s *Server) reviewCorrection(c echo.Context, review func(ctx context.Context, reviewerID, id uuid.UUID) (*contacts.Correction, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	k, err := review(c.Request().Context(), principal(c).UserID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCorrection(*k))
}
