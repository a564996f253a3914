package api

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// defaultPageSize is used when a request names none (capped by the package).
const defaultPageSize = 25

// SearchRequest is a contact search. A request without cursor is a new
// search (one unit of searches_per_month); pass next_cursor back, with the
// same query, filters and sort, for further pages at no cost (up to the
// first 10,000 contacts).
type SearchRequest struct {
	Query    string        `json:"query,omitempty" maxLength:"200" example:"jon smi"`
	Filters  SearchFilters `json:"filters,omitempty"`
	Sort     string        `json:"sort,omitempty" validate:"omitempty,oneof=relevance name updated" example:"relevance"`
	PageSize *int          `json:"page_size,omitempty" example:"25"`
	// Cursor is the next_cursor of the page before; empty for a new search.
	Cursor string `json:"cursor,omitempty" validate:"max=4096" example:""`
	Facets bool   `json:"facets,omitempty"`
} //	@name	SearchRequest

// SearchResponse is a page of results.
type SearchResponse struct {
	Items           []ContactResponse `json:"items"`
	NextCursor      string            `json:"next_cursor"`
	Total           int               `json:"total"`
	TotalIsCapped   bool              `json:"total_is_capped"`
	TotalIsEstimate bool              `json:"total_is_estimate"`
	Facets          *FacetsResponse   `json:"facets,omitempty"`
} //	@name	SearchResponse

// FacetsResponse counts values among the matches (approximate when is_capped).
type FacetsResponse struct {
	Seniority     []FacetCount `json:"seniority"`
	Department    []FacetCount `json:"department"`
	Country       []FacetCount `json:"country"`
	EmployeeRange []FacetCount `json:"employee_range"`
	IsCapped      bool         `json:"is_capped"`
} //	@name	Facets

// FacetCount is one facet value.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
} //	@name	FacetCount

func toFacets(f *contacts.Facets) *FacetsResponse {
	if f == nil {
		return nil
	}
	conv := func(in []contacts.FacetCount) []FacetCount {
		out := make([]FacetCount, len(in))
		for i, v := range in {
			out[i] = FacetCount{Value: v.Value, Count: v.Count}
		}
		return out
	}
	return &FacetsResponse{Seniority: conv(f.Seniority), Department: conv(f.Department), Country: conv(f.Country),
		EmployeeRange: conv(f.EmployeeRange), IsCapped: f.IsCapped}
}

// pageSize resolves the requested page size against the package maximum;
// the service answers 422 naming the maximum when it is out of range.
func pageSize(requested *int, maxSize int) int {
	if requested == nil {
		return min(defaultPageSize, maxSize)
	}
	return *requested
}

// setQuotaHeaders reports a monthly quota on the response. refused says
// the quota is what turned the request down (429): the RateLimit-* headers
// then describe it (limit, remaining, seconds until it resets) in place of
// an API key's per-minute window, which let the request through.
func setQuotaHeaders(c echo.Context, q limits.Quota, refused bool) {
	h := c.Response().Header()
	name := "X-Quota-" + titleMetric(q.Metric)
	h.Set(name+"-Limit", strconv.FormatInt(q.Limit, 10))
	h.Set(name+"-Used", strconv.FormatInt(q.Used, 10))
	h.Set(name+"-Remaining", strconv.FormatInt(q.Remaining, 10))
	h.Set(name+"-Reset", q.ResetAt.UTC().Format(time.RFC3339))
	if refused {
		setRateLimit(h, q.Limit, q.Remaining, int(math.Ceil(q.UntilReset().Seconds())))
	}
}

// setRateLimit sets the RateLimit-* headers: limit in the window,
// remaining in it, and resetSeconds until it ends.
func setRateLimit(h http.Header, limit, remaining int64, resetSeconds int) {
	h.Set("RateLimit-Limit", strconv.FormatInt(limit, 10))
	h.Set("RateLimit-Remaining", strconv.FormatInt(remaining, 10))
	h.Set("RateLimit-Reset", strconv.Itoa(resetSeconds))
}

// quotaHeaderNames lists every X-Quota-* header (for CORS).
func quotaHeaderNames() []string {
	var out []string
	for _, m := range limits.Metrics {
		for _, part := range []string{"-Limit", "-Used", "-Remaining", "-Reset"} {
			out = append(out, "X-Quota-"+titleMetric(m)+part)
		}
	}
	return out
}

func titleMetric(m limits.Metric) string {
	switch m {
	case limits.Searches:
		return "Searches"
	case limits.ImportRows:
		return "Import-Rows"
	default:
		return "CRM-Pushes"
	}
}

// searchContacts godoc
//
//	@Summary			Search contacts
//	@Description		Free text over name, title and company (prefix- and typo-tolerant; a quoted phrase matches its whole words in order within one field) plus filters, both matching the values the tenant sees (its own corrections in place of the shared values); sort by relevance, name or recently updated; keyset pagination with a signed cursor; the pages of one search end after its first 10,000 contacts (next_cursor empty), narrow the search for the others. page_size is 1 to the package's max_contacts_per_query (default 25). A new search (no cursor) uses one unit of searches_per_month when it is answered (a refused or failed search costs nothing). The same search again by the same user or API key within 15 minutes of its charge (the same query, filters and sort; letter case, spacing, the kind of quotes, the order of filter values and page_size aside) is free, and is answered even when the quota is used up. The X-Quota-Searches-* headers report the quota, X-Search-Charged whether this answer used a unit. Each contact carries the tenant's saved state (saved, saved_status, saved_at, saved_notes, lists) only for people and API keys with saved:read, and its CRM state (crm_status, crm_last_pushed_at) only for people and keys with crm:read; filters.exclude_saved needs saved:read (403 insufficient-scope without it). API key scope: contacts:read.
//	@ID					searchContacts
//	@Tags				contacts
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["contacts:read"]
//	@Param				body						body		SearchRequest	true	"Query"
//	@Success			200							{object}	SearchResponse
//	@Failure			400							{object}	Problem	"Malformed JSON, or a tampered or foreign cursor"
//	@Failure			401							{object}	Problem
//	@Failure			403							{object}	Problem
//	@Failure			413							{object}	Problem						"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure			415							{object}	Problem						"Content-Type is not application/json"
//	@Failure			422							{object}	Problem						"Unknown filter, bad value, query over 200 characters, page_size out of range"
//	@Failure			429							{object}	Problem						"quota-exceeded (searches), or rate-limited"
//	@Failure			500							{object}	Problem						"The search failed on the server; it is not charged, so a retry costs nothing"
//	@Header				200,400,403,413,415,422,500	{integer}	RateLimit-Limit				"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,413,415,422,500	{integer}	RateLimit-Remaining			"API-key requests: requests left in the current minute"
//	@Header				200,400,403,413,415,422,500	{integer}	RateLimit-Reset				"API-key requests: seconds until the minute ends"
//	@Header				429							{integer}	RateLimit-Limit				"rate-limited: requests allowed per minute; quota-exceeded: the monthly quota"
//	@Header				429							{integer}	RateLimit-Remaining			"rate-limited: requests left this minute (0); quota-exceeded: what remains of the monthly quota"
//	@Header				429							{integer}	RateLimit-Reset				"rate-limited: seconds until the minute ends; quota-exceeded: seconds until the quota resets"
//	@Header				429							{integer}	Retry-After					"Seconds to wait before retrying"
//	@Header				200,429						{integer}	X-Quota-Searches-Limit		"The monthly quota"
//	@Header				200,429						{integer}	X-Quota-Searches-Used		"Used this month"
//	@Header				200,429						{integer}	X-Quota-Searches-Remaining	"Left this month"
//	@Header				200,429						{string}	X-Quota-Searches-Reset		"When the quota resets, RFC 3339"
//	@Header				200							{boolean}	X-Search-Charged			"true when this answer used a unit of the quota: a new search; false for a next page or a free repeat"
//	@Router				/contacts/search [post]
func (s *Server) searchContacts(c echo.Context) error {
	var req SearchRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	// Leaving out saved contacts reads the tenant's saved state: a key
	// without saved:read is refused (403) rather than told which are saved.
	if req.Filters.ExcludeSaved {
		if err := principal(c).Can(tenancy.PermSavedRead); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	tid := principal(c).TenantID
	plan, err := s.svc.Limits.Plan(ctx, tid)
	if err != nil {
		return err
	}
	maxSize := plan.Package.MaxContactsPerQuery
	params := contacts.SearchParams{Query: req.Query, Filters: req.Filters.domain(),
		Sort: req.Sort, PageSize: pageSize(req.PageSize, maxSize), MaxPageSize: maxSize, Cursor: req.Cursor, Facets: req.Facets,
		NoCorrections: !principal(c).TenantCorrected}
	if req.Cursor == "" {
		// A new search with nothing left of the quota is refused before it
		// runs (the 429 costs a counter read, not a search), unless it
		// repeats one charged within limits.RepeatWindow.
		if err := s.requireSearchLeft(ctx, tid, plan, searcher(principal(c)), params); err != nil {
			return err
		}
	}
	res, err := s.svc.Contacts.Search(ctx, tid, params)
	if err != nil {
		return err
	}
	// The page is complete (CRM states included) before the search is
	// charged: a search that fails on the way is not paid for, so a retry
	// does not pay twice. The charge is one atomic statement that refuses
	// when the quota ran out meanwhile, so of searches racing for the last
	// unit one is answered and the others get the 429.
	items := toContacts(res.Items)
	if err := s.shapeContacts(ctx, principal(c), items); err != nil {
		return err
	}
	var (
		q       limits.Quota
		charged bool
	)
	if res.NewSearch {
		q, charged, err = s.svc.Limits.ConsumeSearch(ctx, tid, plan,
			limits.SearchReceipt{PrincipalID: searcher(principal(c)), Search: res.Identity})
	} else {
		q, err = s.svc.Limits.PeekPlan(ctx, tid, plan, limits.Searches)
	}
	if err != nil {
		return err
	}
	setQuotaHeaders(c, q, false)
	c.Response().Header().Set(headerSearchCharged, strconv.FormatBool(charged))
	return c.JSON(http.StatusOK, SearchResponse{Items: items, NextCursor: res.NextCursor, Total: res.Total,
		TotalIsCapped: res.TotalIsCapped, TotalIsEstimate: res.TotalIsEstimate, Facets: toFacets(res.Facets)})
}

// headerSearchCharged says whether a search's answer used a unit of the
// quota (a browser client on another origin may read it: CORS exposes it).
const headerSearchCharged = "X-Search-Charged"

// searcher is who a search is charged for: the API key, or the user.
func searcher(p *tenancy.Principal) uuid.UUID {
	if p.IsAPIKey() {
		return p.APIKeyID
	}
	return p.UserID
}

// requireSearchLeft refuses a new search when the searches quota is used
// up, unless who repeats a search charged within limits.RepeatWindow.
func (s *Server) requireSearchLeft(ctx context.Context, tid uuid.UUID, plan limits.Plan, who uuid.UUID, p contacts.SearchParams) error {
	q, err := s.svc.Limits.PeekPlan(ctx, tid, plan, limits.Searches)
	if err != nil || q.Remaining > 0 {
		return err
	}
	if id, err := contacts.SearchIdentity(p); err == nil {
		free, err := s.svc.Limits.RepeatIsFree(ctx, tid, limits.SearchReceipt{PrincipalID: who, Search: id})
		if err != nil || free {
			return err
		}
	}
	return limits.QuotaError(q, 1)
}

// getContact godoc
//
//	@Summary			Get a contact
//	@Description		The contact with the tenant's corrections applied; its saved state (saved, saved_status, saved_at, saved_notes, lists) for people and API keys with saved:read, its CRM state (crm_status, crm_last_pushed_at) for people and keys with crm:read (absent otherwise). Another tenant's private contact is 404. API key scope: contacts:read.
//	@ID					getContact
//	@Tags				contacts
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["contacts:read"]
//	@Param				id			path		string	true	"Contact id"
//	@Success			200			{object}	ContactResponse
//	@Failure			401			{object}	Problem
//	@Failure			403			{object}	Problem
//	@Failure			404			{object}	Problem
//	@Failure			429			{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,403,404	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,403,404	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,403,404	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429			{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429			{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429			{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429			{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/contacts/{id} [get]
func (s *Server) getContact(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ct, err := s.svc.Contacts.GetContact(c.Request().Context(), principal(c).TenantID, id)
	if err != nil {
		return err
	}
	return s.contactJSON(c, ct)
}

// CompanyResponse is a company with a page of the contacts the tenant sees there.
type CompanyResponse struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	Domain               string            `json:"domain"`
	Industry             string            `json:"industry"`
	EmployeeRange        string            `json:"employee_range"`
	RevenueRange         string            `json:"revenue_range"`
	Country              string            `json:"country"`
	Region               string            `json:"region"`
	City                 string            `json:"city"`
	LinkedInURL          string            `json:"linkedin_url"`
	FoundedYear          *int              `json:"founded_year" extensions:"x-nullable"`
	ContactCount         int               `json:"contact_count"`
	ContactCountIsCapped bool              `json:"contact_count_is_capped"`
	Contacts             []ContactResponse `json:"contacts"`
	NextContactsCursor   string            `json:"next_contacts_cursor"`
} //	@name	Company

// getCompany godoc
//
//	@Summary			Get a company
//	@Description		The company and a page of its contacts visible to the tenant (cursor, page_size 1 to the package maximum; the pages end after the first 10,000 contacts, as many as contact_count counts), as the tenant sees them: a contact whose company name the tenant corrected is listed under the company that name names, not its shared one; the contacts' saved and CRM state as in getContact (saved:read, crm:read). API key scope: contacts:read.
//	@ID					getCompany
//	@Tags				contacts
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["contacts:read"]
//	@Param				id					path		string	true	"Company id"
//	@Param				cursor				query		string	false	"next_contacts_cursor of the previous page"
//	@Param				page_size			query		int		false	"Contacts per page: 1 to the package's max_contacts_per_query (default 25, or that maximum if smaller)"	minimum(1)	default(25)
//	@Success			200					{object}	CompanyResponse
//	@Failure			400					{object}	Problem
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
//	@Router				/companies/{id} [get]
func (s *Server) getCompany(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	tid := principal(c).TenantID
	plan, err := s.svc.Limits.Plan(ctx, tid)
	if err != nil {
		return err
	}
	size, err := queryPageSize(c, plan.Package.MaxContactsPerQuery)
	if err != nil {
		return err
	}
	d, err := s.svc.Contacts.GetCompany(ctx, tid, id, contacts.PageParams{PageSize: size, MaxPageSize: plan.Package.MaxContactsPerQuery, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return err
	}
	people := toContacts(d.Contacts)
	if err := s.shapeContacts(ctx, principal(c), people); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CompanyResponse{ID: d.ID.String(), Name: d.Name, Domain: d.Domain, Industry: d.Industry,
		EmployeeRange: d.EmployeeRange, RevenueRange: d.RevenueRange, Country: d.Country, Region: d.Region, City: d.City,
		LinkedInURL: d.LinkedInURL, FoundedYear: d.FoundedYear, ContactCount: d.ContactCount, ContactCountIsCapped: d.ContactCountCapped,
		Contacts: people, NextContactsCursor: d.NextContactsCursor})
}
