package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TenantResponse is the current tenant.
type TenantResponse struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Status        string    `json:"status" enums:"active,suspended"`
	DefaultRegion string    `json:"default_region" example:"US"`
	CreatedAt     time.Time `json:"created_at" format:"date-time"`
} //	@name	Tenant

func toTenant(t tenancy.Tenant) TenantResponse {
	return TenantResponse{ID: t.ID.String(), Name: t.Name, Status: t.Status, DefaultRegion: t.DefaultRegion, CreatedAt: t.CreatedAt.UTC()}
}

// getTenant godoc
//
//	@Summary	Current tenant
//	@ID			getTenant
//	@Tags		tenant
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	TenantResponse
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Router		/tenant [get]
func (s *Server) getTenant(c echo.Context) error {
	t, err := s.svc.Tenancy.Get(c.Request().Context(), principal(c).TenantID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTenant(t))
}

// UpdateTenantRequest changes the tenant's own settings. The package,
// status and billing fields are not here: unknown fields are refused.
type UpdateTenantRequest struct {
	Name *string `json:"name,omitempty" minLength:"2" maxLength:"200" example:"Acme"`
	// DefaultRegion reads phone numbers without a country code: two
	// letters (an ISO 3166-1 alpha-2 code), stored in upper case.
	DefaultRegion *string `json:"default_region,omitempty" validate:"omitempty,len=2,alpha" minLength:"2" maxLength:"2" example:"GB"`
} //	@name	UpdateTenantRequest

// updateTenant godoc
//
//	@Summary		Update the tenant
//	@Description	Org admins rename the tenant or set its default phone region. Package and status cannot be changed here.
//	@ID				updateTenant
//	@Tags			tenant
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		UpdateTenantRequest	true	"Changes"
//	@Success		200		{object}	TenantResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/tenant [patch]
func (s *Server) updateTenant(c echo.Context) error {
	var req UpdateTenantRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	t, err := s.svc.Tenancy.Update(c.Request().Context(), principal(c).TenantID, tenancy.UpdateParams{Name: req.Name, DefaultRegion: req.DefaultRegion})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTenant(t))
}

// MemberResponse is a member of the tenant.
type MemberResponse struct {
	UserID    string     `json:"user_id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	Role      string     `json:"role" enums:"org_admin,member,viewer"`
	JoinedAt  time.Time  `json:"joined_at" format:"date-time"`
	LastLogin *time.Time `json:"last_login_at" format:"date-time" extensions:"x-nullable"`
} //	@name	Member

// MemberList is a page of members.
type MemberList struct {
	Items      []MemberResponse `json:"items"`
	NextCursor string           `json:"next_cursor"`
} //	@name	MemberList

func toMember(m tenancy.Member) MemberResponse {
	return MemberResponse{UserID: m.UserID.String(), Email: m.Email, Name: m.Name, Role: string(m.Role), JoinedAt: m.JoinedAt.UTC(), LastLogin: m.LastLogin}
}

// listMembers godoc
//
//	@Summary	List members
//	@ID			listMembers
//	@Tags		team
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	MemberList
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Router		/tenant/members [get]
func (s *Server) listMembers(c echo.Context) error {
	ms, err := s.svc.Tenancy.ListMembers(c.Request().Context(), principal(c).TenantID)
	if err != nil {
		return err
	}
	out := MemberList{Items: make([]MemberResponse, len(ms))}
	for i, m := range ms {
		out.Items[i] = toMember(m)
	}
	return c.JSON(http.StatusOK, out)
}

// UpdateMemberRequest changes a member's role.
type UpdateMemberRequest struct {
	Role string `json:"role" validate:"required,oneof=org_admin member viewer"`
} //	@name	UpdateMemberRequest

// updateMember godoc
//
//	@Summary		Change a member's role
//	@Description	Org admins only. The last org admin cannot be demoted (409).
//	@ID				updateMember
//	@Tags			team
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			userId	path		string				true	"User id"
//	@Param			body	body		UpdateMemberRequest	true	"Role"
//	@Success		200		{object}	MemberResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/tenant/members/{userId} [patch]
func (s *Server) updateMember(c echo.Context) error {
	id, err := pathID(c, "userId")
	if err != nil {
		return err
	}
	var req UpdateMemberRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p := principal(c)
	m, err := s.svc.Tenancy.ChangeRole(c.Request().Context(), p.TenantID, p.UserID, id, tenancy.Role(req.Role))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMember(m))
}

// removeMember godoc
//
//	@Summary		Remove a member
//	@Description	Org admins only. Takes effect on the member's next request. The last org admin cannot be removed (409).
//	@ID				removeMember
//	@Tags			team
//	@Security		BearerAuth
//	@Param			userId	path	string	true	"User id"
//	@Success		204
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem
//	@Router			/tenant/members/{userId} [delete]
func (s *Server) removeMember(c echo.Context) error {
	id, err := pathID(c, "userId")
	if err != nil {
		return err
	}
	p := principal(c)
	if err := s.svc.Tenancy.RemoveMember(c.Request().Context(), p.TenantID, p.UserID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// CreateInvitationRequest invites someone.
type CreateInvitationRequest struct {
	Email string `json:"email" validate:"required,max=254" example:"new.hire@acme.test"`
	Role  string `json:"role" validate:"required,oneof=org_admin member viewer"`
} //	@name	CreateInvitationRequest

// InvitationResponse is an invitation. accept_url is present only in the
// answer to its creation.
type InvitationResponse struct {
	ID         string     `json:"id"`
	Email      string     `json:"email"`
	Role       string     `json:"role" enums:"org_admin,member,viewer"`
	Status     string     `json:"status" enums:"pending,accepted,revoked,expired"`
	ExpiresAt  time.Time  `json:"expires_at" format:"date-time"`
	CreatedAt  time.Time  `json:"created_at" format:"date-time"`
	AcceptedAt *time.Time `json:"accepted_at" format:"date-time" extensions:"x-nullable"`
	AcceptURL  string     `json:"accept_url,omitempty"`
} //	@name	Invitation

// InvitationList is a page of invitations.
type InvitationList struct {
	Items      []InvitationResponse `json:"items"`
	NextCursor string               `json:"next_cursor"`
} //	@name	InvitationList

func toInvitation(i tenancy.Invitation) InvitationResponse {
	return InvitationResponse{ID: i.ID.String(), Email: i.Email, Role: string(i.Role), Status: i.Status(time.Now()),
		ExpiresAt: i.ExpiresAt.UTC(), CreatedAt: i.CreatedAt.UTC(), AcceptedAt: i.AcceptedAt}
}

// createInvitation godoc
//
//	@Summary		Invite a user
//	@Description	Org admins only. Returns the single-use accept link (valid 7 days) once, and mails it. Pending invitations count against the package's max_users (409 seat-limit-reached). Every invitation mails, so an organization makes at most 3 invitations to one address and 20 (or twice max_users, if more) in all per 24 hours, revoked and accepted ones included (429 rate-limited, Retry-After when the oldest leaves the window).
//	@ID				createInvitation
//	@Tags			team
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateInvitationRequest	true	"Invitation"
//	@Success		201		{object}	InvitationResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Failure		429		{object}	Problem				"rate-limited: the organization's invitations of the last 24 hours, to this address or in all, are used up"
//	@Header			429		{integer}	Retry-After			"Seconds until the oldest counted invitation leaves the 24 hours"
//	@Header			429		{integer}	RateLimit-Limit		"Invitations allowed per 24 hours (to the address, or in all)"
//	@Header			429		{integer}	RateLimit-Remaining	"0"
//	@Header			429		{integer}	RateLimit-Reset		"Seconds, as Retry-After"
//	@Router			/tenant/invitations [post]
func (s *Server) createInvitation(c echo.Context) error {
	var req CreateInvitationRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p := principal(c)
	inv, err := s.svc.Tenancy.Invite(c.Request().Context(), p.TenantID, p.UserID, req.Email, tenancy.Role(req.Role))
	if err != nil {
		return err
	}
	out := toInvitation(inv.Invitation)
	out.AcceptURL = inv.AcceptURL
	return c.JSON(http.StatusCreated, out)
}

// listInvitations godoc
//
//	@Summary	List invitations
//	@ID			listInvitations
//	@Tags		team
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	InvitationList
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Router		/tenant/invitations [get]
func (s *Server) listInvitations(c echo.Context) error {
	invs, err := s.svc.Tenancy.ListInvitations(c.Request().Context(), principal(c).TenantID)
	if err != nil {
		return err
	}
	out := InvitationList{Items: make([]InvitationResponse, len(invs))}
	for i, inv := range invs {
		out.Items[i] = toInvitation(inv)
	}
	return c.JSON(http.StatusOK, out)
}

// revokeInvitation godoc
//
//	@Summary	Revoke an invitation
//	@ID			revokeInvitation
//	@Tags		team
//	@Security	BearerAuth
//	@Param		id	path	string	true	"Invitation id"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem
//	@Router		/tenant/invitations/{id} [delete]
func (s *Server) revokeInvitation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Tenancy.RevokeInvitation(c.Request().Context(), principal(c).TenantID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// UsageResponse is every limit of the tenant with its use.
type UsageResponse struct {
	Package      PackageResponse       `json:"package"`
	Subscription *SubscriptionResponse `json:"subscription,omitempty"`
	Downgraded   bool                  `json:"downgraded"`
	Reason       string                `json:"reason,omitempty"`
	GraceEndsAt  *time.Time            `json:"grace_ends_at,omitempty" format:"date-time"`
	Seats        SeatsResponse         `json:"seats"`
	Quotas       []QuotaResponse       `json:"quotas"`
	// Live API keys (neither revoked nor expired); a package without API
	// access keeps them but refuses their requests.
	APIKeys int64 `json:"api_keys"`
} //	@name	Usage

// SeatsResponse counts users against max_users.
type SeatsResponse struct {
	Limit              int64 `json:"limit"`
	Members            int64 `json:"members"`
	PendingInvitations int64 `json:"pending_invitations"`
	Remaining          int64 `json:"remaining"`
} //	@name	Seats

// QuotaResponse is one metered monthly limit.
type QuotaResponse struct {
	Metric    string    `json:"metric" enums:"searches,import_rows,crm_pushes"`
	Limit     int64     `json:"limit"`
	Used      int64     `json:"used"`
	Remaining int64     `json:"remaining"`
	ResetAt   time.Time `json:"reset_at" format:"date-time"`
} //	@name	Quota

func toUsage(u limits.Usage) UsageResponse {
	out := UsageResponse{Package: toPackage(u.Plan.Package), Downgraded: u.Plan.Downgraded, Reason: u.Plan.Reason,
		GraceEndsAt: u.Plan.GraceEndsAt, Quotas: make([]QuotaResponse, len(u.Quotas)), APIKeys: u.APIKeys,
		Seats: SeatsResponse{Limit: u.Seats.Limit, Members: u.Seats.Members, PendingInvitations: u.Seats.PendingInvites, Remaining: u.Seats.Remaining}}
	if u.Plan.Subscription != nil {
		sub := toSubscription(*u.Plan.Subscription)
		out.Subscription = &sub
	}
	for i, q := range u.Quotas {
		out.Quotas[i] = QuotaResponse{Metric: string(q.Metric), Limit: q.Limit, Used: q.Used, Remaining: q.Remaining, ResetAt: q.ResetAt}
	}
	return out
}

// getUsage godoc
//
//	@Summary			Plan and usage
//	@Description		The tenant's effective package with every limit, seats used, and this month's metered use with reset times. API key scope: usage:read.
//	@ID					getUsage
//	@Tags				tenant
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["usage:read"]
//	@Success			200		{object}	UsageResponse
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
//	@Router				/tenant/usage [get]
func (s *Server) getUsage(c echo.Context) error {
	u, err := s.svc.Limits.UsageOf(c.Request().Context(), principal(c).TenantID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUsage(u))
}

// AuditEventResponse is one audit log entry.
type AuditEventResponse struct {
	ID         string         `json:"id"`
	TenantID   *string        `json:"tenant_id" extensions:"x-nullable"`
	ActorID    *string        `json:"actor_id" extensions:"x-nullable"`
	ActorType  string         `json:"actor_type" enums:"user,api_key,system"`
	ActorLabel string         `json:"actor_label"`
	Action     string         `json:"action" example:"member.role_changed"`
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	Data       map[string]any `json:"data"`
	IP         string         `json:"ip"`
	RequestID  string         `json:"request_id"`
	CreatedAt  time.Time      `json:"created_at" format:"date-time"`
} //	@name	AuditEvent

// AuditEventList is a page of audit events.
type AuditEventList struct {
	Items      []AuditEventResponse `json:"items"`
	NextCursor string               `json:"next_cursor"`
} //	@name	AuditEventList

func toAuditEvents(evs []audit.Event, next string) AuditEventList {
	out := AuditEventList{Items: make([]AuditEventResponse, len(evs)), NextCursor: next}
	for i, e := range evs {
		r := AuditEventResponse{ID: e.ID.String(), ActorType: "system", ActorLabel: e.ActorLabel, Action: e.Action,
			TargetType: e.TargetType, TargetID: e.TargetID, Data: e.Data, IP: e.IP, RequestID: e.RequestID, CreatedAt: e.CreatedAt}
		if e.TenantID != nil {
			v := e.TenantID.String()
			r.TenantID = &v
		}
		switch {
		case e.ActorUserID != nil:
			v := e.ActorUserID.String()
			r.ActorID, r.ActorType = &v, "user"
		case e.ActorAPIKeyID != nil:
			v := e.ActorAPIKeyID.String()
			r.ActorID, r.ActorType = &v, "api_key"
		}
		out.Items[i] = r
	}
	return out
}

func (s *Server) auditParams(c echo.Context) (audit.ListParams, error) {
	limit, err := queryLimit(c, 50, 200)
	if err != nil {
		return audit.ListParams{}, err
	}
	actor, err := queryUUID(c, "actor_id")
	if err != nil {
		return audit.ListParams{}, err
	}
	return audit.ListParams{Action: c.QueryParam("action"), ActorID: actor, Cursor: c.QueryParam("cursor"), Limit: limit}, nil
}

// listTenantAuditEvents godoc
//
//	@Summary		Tenant audit log
//	@Description	Org admins only. Newest first; filter by action (exact, or a prefix ending in *) and actor. Actions of 1CloudAI staff (suspension, plan changes by hand, correction reviews) name "1CloudAI staff", without account, IP or request id, and match no actor_id filter.
//	@ID				listTenantAuditEvents
//	@Tags			tenant
//	@Produce		json
//	@Security		BearerAuth
//	@Param			action		query		string	false	"Action, e.g. member.* or auth.login; any case"
//	@Param			actor_id	query		string	false	"User or API key id"	format(uuid)
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Param			limit		query		int		false	"Page size (1-200, default 50)"	minimum(1)	maximum(200)	default(50)
//	@Success		200			{object}	AuditEventList
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/tenant/audit-events [get]
func (s *Server) listTenantAuditEvents(c echo.Context) error {
	p, err := s.auditParams(c)
	if err != nil {
		return err
	}
	tid := principal(c).TenantID
	p.TenantID, p.StaffHidden = &tid, true
	evs, next, err := s.svc.Audit.List(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tenantAuditEvents(evs, next))
}

// tenantAuditEvents is the log as a tenant's members see it: what changed
// and why, but for an action of 1CloudAI staff (a platform route) not who
// at 1CloudAI did it from where: staff identities, IPs and request ids
// stay in the platform log.
func tenantAuditEvents(evs []audit.Event, next string) AuditEventList {
	out := toAuditEvents(evs, next)
	for i, e := range evs {
		if e.ActorStaff {
			h := &out.Items[i]
			h.ActorLabel, h.ActorType = "1CloudAI staff", "system"
			h.ActorID, h.IP, h.RequestID = nil, "", ""
		}
	}
	return out
}
