package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// ContactIDsRequest names contacts for a bulk action (1 to 1,000).
type ContactIDsRequest struct {
	ContactIDs []string `json:"contact_ids" validate:"required,min=1,max=1000,dive,uuid" format:"uuid" example:"01856fc7-2400-7bbe-acd9-c1848b6bf8dd"`
} //	@name	ContactIDsRequest

// SaveContactsRequest saves contacts, optionally onto a list.
type SaveContactsRequest struct {
	ContactIDs []string `json:"contact_ids" validate:"required,min=1,max=1000,dive,uuid" format:"uuid" example:"01856fc7-2400-7bbe-acd9-c1848b6bf8dd"`
	ListID     *string  `json:"list_id,omitempty" validate:"omitempty,uuid" format:"uuid"`
} //	@name	SaveContactsRequest

// SaveResultResponse counts what a save did.
type SaveResultResponse struct {
	Saved        int `json:"saved"`
	AlreadySaved int `json:"already_saved"`
	AddedToList  int `json:"added_to_list"`
} //	@name	SaveResult

// CountResponse counts the contacts a bulk action changed.
type CountResponse struct {
	Count int `json:"count"`
} //	@name	CountResponse

// SavedPageResponse is a page of the saved view.
type SavedPageResponse struct {
	Items      []ContactResponse `json:"items"`
	NextCursor string            `json:"next_cursor"`
	// Matches counted up to 10,000 (total_is_capped: there are more), or
	// the planner's estimate (total_is_estimate) for free text or a filter
	// on the contact's fields expected to match more than 3,000; every page
	// of one query carries the first page's figures.
	Total           int  `json:"total"`
	TotalIsCapped   bool `json:"total_is_capped"`
	TotalIsEstimate bool `json:"total_is_estimate"`
} //	@name	SavedPage

func uuids(ids []string) []uuid.UUID {
	out := make([]uuid.UUID, len(ids))
	for i, s := range ids {
		out[i] = uuid.MustParse(s) // validated by the request's uuid tag
	}
	return out
}

// saveContacts godoc
//
//	@Summary			Save contacts
//	@Description		Saves up to 1,000 contacts in one call (idempotent: already saved ones are left as they are), optionally adding them to a list. Any id that does not exist or is another tenant's private contact fails the whole call with 404 and nothing is saved. API key scope: saved:write.
//	@ID					saveContacts
//	@Tags				saved
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:write"]
//	@Param				body						body		SaveContactsRequest	true	"Contacts"
//	@Success			200							{object}	SaveResultResponse
//	@Failure			400							{object}	Problem	"Malformed JSON or an empty body"
//	@Failure			401							{object}	Problem
//	@Failure			403							{object}	Problem
//	@Failure			404							{object}	Problem
//	@Failure			413							{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure			415							{object}	Problem	"Content-Type is not application/json"
//	@Failure			422							{object}	Problem
//	@Failure			429							{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,400,403,404,413,415,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,404,413,415,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,400,403,404,413,415,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429							{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429							{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429							{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429							{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/saved-contacts [post]
func (s *Server) saveContacts(c echo.Context) error {
	var req SaveContactsRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p := principal(c)
	params := contacts.SaveParams{ContactIDs: uuids(req.ContactIDs)}
	if req.ListID != nil {
		id := uuid.MustParse(*req.ListID)
		params.ListID = &id
	}
	res, err := s.svc.Contacts.SaveContacts(c.Request().Context(), p.TenantID, p.UserID, params)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SaveResultResponse{Saved: res.Saved, AlreadySaved: res.AlreadySaved, AddedToList: res.AddedToList})
}

// unsaveContacts godoc
//
//	@Summary			Unsave contacts
//	@Description		Removes contacts from the saved view and from every list. API key scope: saved:write.
//	@ID					unsaveContacts
//	@Tags				saved
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:write"]
//	@Param				body					body		ContactIDsRequest	true	"Contacts"
//	@Success			200						{object}	CountResponse
//	@Failure			400						{object}	Problem	"Malformed JSON or an empty body"
//	@Failure			401						{object}	Problem
//	@Failure			403						{object}	Problem
//	@Failure			413						{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure			415						{object}	Problem	"Content-Type is not application/json"
//	@Failure			422						{object}	Problem
//	@Failure			429						{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,400,403,413,415,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,413,415,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,400,403,413,415,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429						{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429						{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429						{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429						{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/saved-contacts [delete]
func (s *Server) unsaveContacts(c echo.Context) error {
	var req ContactIDsRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	n, err := s.svc.Contacts.UnsaveContacts(c.Request().Context(), principal(c).TenantID, uuids(req.ContactIDs))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CountResponse{Count: n})
}

// UpdateSavedContactRequest changes the tenant's note on a saved contact.
type UpdateSavedContactRequest struct {
	// Notes replaces the note; "" clears it. Leading and trailing spaces
	// and line breaks are trimmed, and the limit counts characters (code
	// points) after that.
	Notes *string `json:"notes" validate:"required" maxLength:"2000" example:"Met at SaaStr; prefers email."`
} //	@name	UpdateSavedContactRequest

// updateSavedContact godoc
//
//	@Summary			Set the note of a saved contact
//	@Description		Replaces the tenant's note on a saved contact (at most 2,000 characters; "" clears it) and returns the contact. The note is the tenant's own, shown as saved_notes and exported with the saved contacts; unsaving the contact drops it. The note is replaced whole, without a version check: of two saves at once, the later wins. A contact the tenant has not saved is 404. The contact's saved state and CRM state show as in getContact: a key without saved:read gets the contact without them. API key scope: saved:write.
//	@ID					updateSavedContact
//	@Tags				saved
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:write"]
//	@Param				id							path		string						true	"Contact id"
//	@Param				body						body		UpdateSavedContactRequest	true	"Note"
//	@Success			200							{object}	ContactResponse
//	@Failure			400							{object}	Problem	"Malformed JSON or an empty body"
//	@Failure			401							{object}	Problem
//	@Failure			403							{object}	Problem
//	@Failure			404							{object}	Problem				"The contact is not saved by this tenant"
//	@Failure			413							{object}	Problem				"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure			415							{object}	Problem				"Content-Type is not application/json"
//	@Failure			422							{object}	Problem				"The note is too long or is not text"
//	@Failure			429							{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,400,403,404,413,415,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,404,413,415,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,400,403,404,413,415,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429							{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429							{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429							{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429							{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/saved-contacts/{id} [patch]
func (s *Server) updateSavedContact(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdateSavedContactRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	ct, err := s.svc.Contacts.SetSavedNotes(c.Request().Context(), principal(c).TenantID, id, *req.Notes)
	if err != nil {
		return err
	}
	return s.contactJSON(c, ct)
}

// approveSaved godoc
//
//	@Summary		Approve saved contacts for the CRM
//	@Description	Org admins only. Marks saved contacts approved, so they can be pushed to the CRM.
//	@ID				approveSaved
//	@Tags			saved
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		ContactIDsRequest	true	"Contacts"
//	@Success		200		{object}	CountResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/saved-contacts/approve [post]
func (s *Server) approveSaved(c echo.Context) error {
	return s.reviewSaved(c, s.svc.Contacts.ApproveSaved)
}

// rejectSaved godoc
//
//	@Summary		Reject saved contacts for the CRM
//	@Description	Org admins only. Marks saved contacts rejected: they are not pushed.
//	@ID				rejectSaved
//	@Tags			saved
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		ContactIDsRequest	true	"Contacts"
//	@Success		200		{object}	CountResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/saved-contacts/reject [post]
func (s *Server) rejectSaved(c echo.Context) error {
	return s.reviewSaved(c, s.svc.Contacts.RejectSaved)
}

func (s *Server) reviewSaved(c echo.Context, review func(ctx context.Context, tenantID, userID uuid.UUID, ids []uuid.UUID) (int, error)) error {
	var req ContactIDsRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p := principal(c)
	n, err := review(c.Request().Context(), p.TenantID, p.UserID, uuids(req.ContactIDs))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CountResponse{Count: n})
}

// savedParams reads the saved view's filters from the query string:
// repeated parameters for multi-value filters (?seniorities=vp&seniorities=director).
// Unless paged, cursor and page_size are refused like unknown parameters:
// the export has no pages, and ignoring them would hide a client's mistake.
func savedParams(c echo.Context, maxSize int, paged bool) (contacts.SavedParams, error) {
	q := c.QueryParams()
	known := map[string]bool{"q": true, "status": true, "list_id": true, "cursor": true, "page_size": true,
		"titles": true, "seniorities": true, "departments": true, "company_names": true, "company_domains": true,
		"industries": true, "employee_ranges": true, "countries": true, "regions": true, "cities": true,
		"has_email": true, "has_phone": true, "bom": true, "plain_phones": true}
	for k := range q {
		switch {
		case !known[k]:
			return contacts.SavedParams{}, apperr.Invalid("Unknown query parameter.", apperr.FieldError{Field: k, Message: "is not a known filter"})
		case !paged && (k == "cursor" || k == "page_size"):
			return contacts.SavedParams{}, apperr.Invalid("Unknown query parameter.", apperr.FieldError{Field: k, Message: "is not accepted: the export has no pages"})
		case paged && (k == "bom" || k == "plain_phones"):
			return contacts.SavedParams{}, apperr.Invalid("Unknown query parameter.", apperr.FieldError{Field: k, Message: "is accepted only by the export"})
		}
	}
	hasEmail, err := queryBool(c, "has_email")
	if err != nil {
		return contacts.SavedParams{}, err
	}
	hasPhone, err := queryBool(c, "has_phone")
	if err != nil {
		return contacts.SavedParams{}, err
	}
	listID, err := queryUUID(c, "list_id")
	if err != nil {
		return contacts.SavedParams{}, err
	}
	size, err := queryPageSize(c, maxSize)
	if err != nil {
		return contacts.SavedParams{}, err
	}
	for i, st := range q["status"] {
		if st != "saved" && st != "approved" && st != "rejected" {
			return contacts.SavedParams{}, apperr.Invalid("Invalid filter.", apperr.FieldError{Field: fmt.Sprintf("status[%d]", i), Message: "must be one of: saved, approved, rejected"})
		}
	}
	return contacts.SavedParams{Query: q.Get("q"), Statuses: q["status"], ListID: listID, PageSize: size, MaxPageSize: maxSize,
		Cursor: q.Get("cursor"), Filters: contacts.Filters{Titles: q["titles"], Seniorities: q["seniorities"],
			Departments: q["departments"], CompanyNames: q["company_names"], CompanyDomains: q["company_domains"],
			Industries: q["industries"], EmployeeRanges: q["employee_ranges"], Countries: q["countries"],
			Regions: q["regions"], Cities: q["cities"], HasEmail: hasEmail, HasPhone: hasPhone},
		NoCorrections: !principal(c).TenantCorrected}, nil
}

// listSaved godoc
//
//	@Summary			Saved contacts
//	@Description		The tenant's saved contacts, newest saved first, with the search filters (repeat a parameter for several values), free text q, status and list. Filters and q match the values the tenant sees, its corrections applied, as search does. crm_status and crm_last_pushed_at only for people and API keys with crm:read. API key scope: saved:read.
//	@ID					listSaved
//	@Tags				saved
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:read"]
//	@Param				q					query		string		false	"Free text"
//	@Param				status				query		[]string	false	"saved, approved, rejected"			collectionFormat(multi)	Enums(saved, approved, rejected)
//	@Param				list_id				query		string		false	"Only contacts on this list"		format(uuid)
//	@Param				titles				query		[]string	false	"Titles"							collectionFormat(multi)
//	@Param				seniorities			query		[]string	false	"Seniorities"						collectionFormat(multi)
//	@Param				departments			query		[]string	false	"Departments"						collectionFormat(multi)
//	@Param				company_names		query		[]string	false	"Company names"						collectionFormat(multi)
//	@Param				company_domains		query		[]string	false	"Company domains"					collectionFormat(multi)
//	@Param				industries			query		[]string	false	"Industries"						collectionFormat(multi)
//	@Param				employee_ranges		query		[]string	false	"Employee ranges"					collectionFormat(multi)
//	@Param				countries			query		[]string	false	"Countries (ISO 3166-1 alpha-2)"	collectionFormat(multi)
//	@Param				regions				query		[]string	false	"Regions"							collectionFormat(multi)
//	@Param				cities				query		[]string	false	"Cities"							collectionFormat(multi)
//	@Param				has_email			query		bool		false	"Has an email"
//	@Param				has_phone			query		bool		false	"Has a phone"
//	@Param				cursor				query		string		false	"next_cursor of the previous page"
//	@Param				page_size			query		int			false	"1 to the package's max_contacts_per_query (default 25, or that maximum if smaller)"	minimum(1)	default(25)
//	@Success			200					{object}	SavedPageResponse
//	@Failure			400					{object}	Problem
//	@Failure			401					{object}	Problem
//	@Failure			403					{object}	Problem
//	@Failure			404					{object}	Problem	"list_id names no list of the tenant"
//	@Failure			422					{object}	Problem
//	@Failure			429					{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,400,403,404,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,404,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,400,403,404,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429					{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429					{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429					{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429					{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/saved-contacts [get]
func (s *Server) listSaved(c echo.Context) error {
	ctx := c.Request().Context()
	tid := principal(c).TenantID
	plan, err := s.svc.Limits.Plan(ctx, tid)
	if err != nil {
		return err
	}
	p, err := savedParams(c, plan.Package.MaxContactsPerQuery, true)
	if err != nil {
		return err
	}
	page, err := s.svc.Contacts.ListSaved(ctx, tid, p)
	if err != nil {
		return savedFieldNames(err)
	}
	items := toContacts(page.Items)
	if err := s.shapeContacts(ctx, principal(c), items); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SavedPageResponse{Items: items, NextCursor: page.NextCursor, Total: page.Total,
		TotalIsCapped: page.TotalIsCapped, TotalIsEstimate: page.TotalIsEstimate})
}

// exportSaved godoc
//
//	@Summary			Export saved contacts as CSV
//	@Description		Streams the filtered saved view (same parameters as GET /saved-contacts, without paging: cursor and page_size are refused with 422) as UTF-8 CSV with a header row. Cells that start with = + - @ (or their fullwidth and small forms), TAB or CR get a leading apostrophe so spreadsheets do not run them as formulas. Rows are read 1,000 at a time, newest saved first, as the saved view pages: a contact saved while the file streams may be left out. A failure after the first byte (the database, or the list deleted meanwhile) cuts the connection instead of ending the file, so a download that ends normally is whole. Each export is recorded in the organization's audit log (saved_contacts.exported, with the rows written and whether the file went out whole). API key scope: saved:read.
//	@ID					exportSaved
//	@Tags				saved
//	@Produce			text/csv
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:read"]
//	@Param				q				query		string		false	"Free text"
//	@Param				status			query		[]string	false	"saved, approved, rejected"			collectionFormat(multi)	Enums(saved, approved, rejected)
//	@Param				list_id			query		string		false	"Only contacts on this list"		format(uuid)
//	@Param				titles			query		[]string	false	"Titles"							collectionFormat(multi)
//	@Param				seniorities		query		[]string	false	"Seniorities"						collectionFormat(multi)
//	@Param				departments		query		[]string	false	"Departments"						collectionFormat(multi)
//	@Param				company_names	query		[]string	false	"Company names"						collectionFormat(multi)
//	@Param				company_domains	query		[]string	false	"Company domains"					collectionFormat(multi)
//	@Param				industries		query		[]string	false	"Industries"						collectionFormat(multi)
//	@Param				employee_ranges	query		[]string	false	"Employee ranges"					collectionFormat(multi)
//	@Param				countries		query		[]string	false	"Countries (ISO 3166-1 alpha-2)"	collectionFormat(multi)
//	@Param				regions			query		[]string	false	"Regions"							collectionFormat(multi)
//	@Param				cities			query		[]string	false	"Cities"							collectionFormat(multi)
//	@Param				has_email		query		bool		false	"Has an email"
//	@Param				has_phone		query		bool		false	"Has a phone"
//	@Param				bom				query		bool		false	"Start with a UTF-8 byte order mark, so that Excel reads the accents right (the SPA asks for it; CSV libraries usually do not want one)"
//	@Param				plain_phones	query		bool		false	"Write phones (E.164, as stored) without the apostrophe that otherwise keeps a spreadsheet from reading their + as a formula: for programs that read the file (a spreadsheet shows such a phone as a number without the +)"
//	@Success			200				{file}		file
//	@Failure			401				{object}	Problem
//	@Failure			403				{object}	Problem
//	@Failure			404				{object}	Problem	"list_id names no list of the tenant"
//	@Failure			422				{object}	Problem
//	@Failure			429				{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,403,404,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,403,404,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,403,404,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429				{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429				{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429				{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429				{integer}	Retry-After			"Seconds to wait before retrying"
//	@Header				200				{string}	Content-Disposition	"attachment, file name saved-contacts-<UTC date>.csv"
//	@Router				/saved-contacts/export [get]
func (s *Server) exportSaved(c echo.Context) error {
	p, err := savedParams(c, 1, false)
	if err != nil {
		return err
	}
	p.PageSize, p.MaxPageSize, p.Cursor = 0, 0, ""
	bom, err := queryBool(c, "bom")
	if err != nil {
		return err
	}
	plainPhones, err := queryBool(c, "plain_phones")
	if err != nil {
		return err
	}
	opts := contacts.ExportOptions{BOM: bom != nil && *bom, PlainPhones: plainPhones != nil && *plainPhones}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="saved-contacts-%s.csv"`, time.Now().UTC().Format("2006-01-02")))
	// Problems found before the first byte are still problem documents: the
	// service validates before it writes.
	return savedFieldNames(s.svc.Contacts.ExportSaved(c.Request().Context(), principal(c).TenantID, p, opts, &lazyWriter{c: c}))
}

// savedFieldNames names the fields of the service's validation errors as
// the saved view's query string does: the search's "query" is q here and
// "filters.countries[0]" is countries[0].
func savedFieldNames(err error) error {
	if e, ok := apperr.As(err); ok && e.Code == apperr.EINVALID {
		for i, f := range e.Fields {
			switch {
			case f.Field == "query":
				e.Fields[i].Field = "q"
			case strings.HasPrefix(f.Field, "filters."):
				e.Fields[i].Field = strings.TrimPrefix(f.Field, "filters.")
			}
		}
	}
	return err
}

// lazyWriter commits the 200 status only when the first byte is written, so
// an error before that still becomes a problem document.
type lazyWriter struct {
	c       echo.Context
	started bool
}

func (w *lazyWriter) Write(b []byte) (int, error) {
	if !w.started {
		w.started = true
		w.c.Response().WriteHeader(http.StatusOK)
	}
	return w.c.Response().Write(b)
}
