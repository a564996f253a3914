package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/contacts"
)

// ListRequest names a list.
type ListRequest struct {
	Name string `json:"name" validate:"required" minLength:"1" maxLength:"100" example:"Berlin CTOs"`
} //	@name	ListRequest

// ListResponse is a list of saved contacts.
type ListResponse struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	MemberCount int       `json:"member_count"`
	CreatedAt   time.Time `json:"created_at" format:"date-time"`
	UpdatedAt   time.Time `json:"updated_at" format:"date-time"`
} //	@name	List

// ListList is the tenant's lists.
type ListList struct {
	Items      []ListResponse `json:"items"`
	NextCursor string         `json:"next_cursor"`
} //	@name	ListList

func toList(l contacts.List) ListResponse {
	return ListResponse{ID: l.ID.String(), Name: l.Name, MemberCount: l.MemberCount, CreatedAt: l.CreatedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC()}
}

// listLists godoc
//
//	@Summary			Lists
//	@Description		The tenant's lists with member counts, all of them (at most 500), by name in natural order: numbers by their value ("List 2" before "List 10"), case and accents aside, ties by id. A contact's lists come in the same order. API key scope: saved:read.
//	@ID					listLists
//	@Tags				lists
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:read"]
//	@Success			200		{object}	ListList
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
//	@Router				/lists [get]
func (s *Server) listLists(c echo.Context) error {
	ls, err := s.svc.Contacts.ListLists(c.Request().Context(), principal(c).TenantID)
	if err != nil {
		return err
	}
	out := ListList{Items: make([]ListResponse, len(ls))}
	for i, l := range ls {
		out.Items[i] = toList(l)
	}
	return c.JSON(http.StatusOK, out)
}

// createList godoc
//
//	@Summary			Create a list
//	@Description		Names are unique per tenant, whatever their case, and "All saved contacts" (the SPA's view of every saved contact) is no list's (409); at most 500 lists per tenant (409). API key scope: saved:write.
//	@ID					createList
//	@Tags				lists
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:write"]
//	@Param				body						body		ListRequest	true	"List"
//	@Param				Idempotency-Key				header		string		false	"A key of yours (1 to 255 visible ASCII characters, a UUID say) that makes a retry safe: the same key and request within 24 hours answers the first answer again instead of running twice"
//	@Success			201							{object}	ListResponse
//	@Failure			400							{object}	Problem	"Malformed JSON or an empty body"
//	@Failure			401							{object}	Problem
//	@Failure			403							{object}	Problem
//	@Failure			409							{object}	Problem	"The name is taken (or is All saved contacts), or the organization has 500 lists, or idempotency-key-in-use"
//	@Failure			413							{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure			415							{object}	Problem	"Content-Type is not application/json"
//	@Failure			422							{object}	Problem
//	@Failure			429							{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				201,400,403,409,413,415,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				201,400,403,409,413,415,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				201,400,403,409,413,415,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429							{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429							{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429							{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429							{integer}	Retry-After			"Seconds to wait before retrying"
//	@Header				201							{string}	Idempotent-Replayed	"true when this is the stored answer to an earlier request with the same Idempotency-Key"
//	@Header				409							{integer}	Retry-After			"idempotency-key-in-use: seconds to wait before retrying (1); absent on the other 409s"
//	@Router				/lists [post]
func (s *Server) createList(c echo.Context) error {
	var req ListRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p := principal(c)
	l, err := s.svc.Contacts.CreateList(c.Request().Context(), p.TenantID, p.UserID, req.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toList(*l))
}

// renameList godoc
//
//	@Summary			Rename a list
//	@Description		The same names are refused as at creation (409). API key scope: saved:write.
//	@ID					renameList
//	@Tags				lists
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:write"]
//	@Param				id								path		string		true	"List id"
//	@Param				body							body		ListRequest	true	"New name"
//	@Success			200								{object}	ListResponse
//	@Failure			400								{object}	Problem	"Malformed JSON or an empty body"
//	@Failure			401								{object}	Problem
//	@Failure			403								{object}	Problem
//	@Failure			404								{object}	Problem
//	@Failure			409								{object}	Problem	"The name is another list's, or All saved contacts"
//	@Failure			413								{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure			415								{object}	Problem	"Content-Type is not application/json"
//	@Failure			422								{object}	Problem
//	@Failure			429								{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,400,403,404,409,413,415,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,404,409,413,415,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,400,403,404,409,413,415,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429								{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429								{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429								{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429								{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/lists/{id} [patch]
func (s *Server) renameList(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req ListRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	l, err := s.svc.Contacts.RenameList(c.Request().Context(), principal(c).TenantID, id, req.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(*l))
}

// deleteList godoc
//
//	@Summary			Delete a list
//	@Description		The contacts stay saved. API key scope: saved:write.
//	@ID					deleteList
//	@Tags				lists
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:write"]
//	@Param				id	path	string	true	"List id"
//	@Success			204
//	@Failure			401			{object}	Problem
//	@Failure			403			{object}	Problem
//	@Failure			404			{object}	Problem
//	@Failure			429			{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				204,403,404	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				204,403,404	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				204,403,404	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429			{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429			{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429			{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429			{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/lists/{id} [delete]
func (s *Server) deleteList(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Contacts.DeleteList(c.Request().Context(), principal(c).TenantID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// addListMembers godoc
//
//	@Summary			Add contacts to a list
//	@Description		Saves them too when they are not saved yet. API key scope: saved:write.
//	@ID					addListMembers
//	@Tags				lists
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:write"]
//	@Param				id							path		string				true	"List id"
//	@Param				body						body		ContactIDsRequest	true	"Contacts"
//	@Success			200							{object}	CountResponse
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
//	@Router				/lists/{id}/members [post]
func (s *Server) addListMembers(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req ContactIDsRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p := principal(c)
	n, err := s.svc.Contacts.AddListMembers(c.Request().Context(), p.TenantID, p.UserID, id, uuids(req.ContactIDs))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CountResponse{Count: n})
}

// removeListMembers godoc
//
//	@Summary			Remove contacts from a list
//	@Description		They stay saved. API key scope: saved:write.
//	@ID					removeListMembers
//	@Tags				lists
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["saved:write"]
//	@Param				id							path		string				true	"List id"
//	@Param				body						body		ContactIDsRequest	true	"Contacts"
//	@Success			200							{object}	CountResponse
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
//	@Router				/lists/{id}/members [delete]
func (s *Server) removeListMembers(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req ContactIDsRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	n, err := s.svc.Contacts.RemoveListMembers(c.Request().Context(), principal(c).TenantID, id, uuids(req.ContactIDs))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CountResponse{Count: n})
}
