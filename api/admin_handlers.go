package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// AdminTenantResponse is a tenant in the platform console.
type AdminTenantResponse struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status" enums:"active,suspended"`
	// PackageCode is the package in force: the one whose limits apply
	// (Free when the subscription's is not in force, or without one).
	PackageCode string `json:"package_code"`
	// SubscriptionPackageCode is the subscription's package ("" without a
	// subscription); it differs from PackageCode when Downgraded.
	SubscriptionPackageCode string `json:"subscription_package_code"`
	SubscriptionStatus      string `json:"subscription_status"`
	// Downgraded says the subscription's package is not in force (period
	// ended, canceled, past due beyond grace, incomplete).
	Downgraded bool      `json:"downgraded"`
	Members    int64     `json:"members"`
	CreatedAt  time.Time `json:"created_at" format:"date-time"`
} //	@name	AdminTenant

// AdminTenantList is a page of tenants.
type AdminTenantList struct {
	Items      []AdminTenantResponse `json:"items"`
	NextCursor string                `json:"next_cursor"`
} //	@name	AdminTenantList

// listAdminTenants godoc
//
//	@Summary		Tenants (platform)
//	@Description	System admins and support. Search by name, member email or id; newest first.
//	@ID				listAdminTenants
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			q		query		string	false	"Name, member email or id"
//	@Param			status	query		string	false	"active or suspended"	Enums(active, suspended)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Param			limit	query		int		false	"Page size (1-100, default 25)"	minimum(1)	maximum(100)	default(25)
//	@Success		200		{object}	AdminTenantList
//	@Failure		400		{object}	Problem	"A cursor that is not valid"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		422		{object}	Problem	"limit out of range, or an unknown status"
//	@Router			/admin/tenants [get]
func (s *Server) listAdminTenants(c echo.Context) error {
	limit, err := queryLimit(c, 25, 100)
	if err != nil {
		return err
	}
	ts, next, err := s.svc.Tenancy.ListTenants(c.Request().Context(), tenancy.ListTenantsParams{
		Query: c.QueryParam("q"), Status: c.QueryParam("status"), Cursor: c.QueryParam("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	ids := make([]uuid.UUID, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	plans, err := s.svc.Limits.Plans(c.Request().Context(), ids)
	if err != nil {
		return err
	}
	out := AdminTenantList{Items: make([]AdminTenantResponse, len(ts)), NextCursor: next}
	for i, t := range ts {
		plan := plans[t.ID]
		item := AdminTenantResponse{ID: t.ID.String(), Name: t.Name, Status: t.Status, PackageCode: plan.Package.Code,
			SubscriptionStatus: t.SubscriptionStatus, Downgraded: plan.Downgraded, Members: t.Members, CreatedAt: t.CreatedAt.UTC()}
		if t.SubscriptionStatus != "" {
			item.SubscriptionPackageCode = t.PackageCode
		}
		out.Items[i] = item
	}
	return c.JSON(http.StatusOK, out)
}

// AdminTenantDetail is one tenant with its usage and members.
type AdminTenantDetail struct {
	Tenant          TenantResponse   `json:"tenant"`
	SuspendedReason *string          `json:"suspended_reason" extensions:"x-nullable"`
	Usage           UsageResponse    `json:"usage"`
	Members         []MemberResponse `json:"members"`
	// FailedCheckouts are checkouts the tenant paid at Stripe that were
	// never applied (their job gave up), oldest first: retry each once
	// what made it fail is fixed.
	FailedCheckouts []FailedCheckoutResponse `json:"failed_checkouts"`
} //	@name	AdminTenantDetail

// FailedCheckoutResponse is a paid checkout that was never applied: its
// Stripe event, when it arrived and what its job left as the outcome.
type FailedCheckoutResponse struct {
	EventID    string    `json:"event_id" example:"evt_1QxY2Z"`
	ReceivedAt time.Time `json:"received_at" format:"date-time"`
	Outcome    string    `json:"outcome" example:"failed after 10 attempts: fetch subscription: connection refused"`
} //	@name	FailedCheckout

// getAdminTenant godoc
//
//	@Summary	Tenant detail (platform)
//	@ID			getAdminTenant
//	@Tags		admin
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Tenant id"
//	@Success	200	{object}	AdminTenantDetail
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/admin/tenants/{id} [get]
func (s *Server) getAdminTenant(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	t, err := s.svc.Tenancy.Get(ctx, id)
	if err != nil {
		return err
	}
	u, err := s.svc.Limits.UsageOf(ctx, id)
	if err != nil {
		return err
	}
	ms, err := s.svc.Tenancy.ListMembers(ctx, id)
	if err != nil {
		return err
	}
	fcs, err := s.svc.Billing.FailedCheckouts(ctx, id)
	if err != nil {
		return err
	}
	out := AdminTenantDetail{Tenant: toTenant(t), SuspendedReason: t.SuspendedReason, Usage: toUsage(u), Members: make([]MemberResponse, len(ms)),
		FailedCheckouts: make([]FailedCheckoutResponse, len(fcs))}
	for i, m := range ms {
		out.Members[i] = toMember(m)
	}
	for i, f := range fcs {
		out.FailedCheckouts[i] = FailedCheckoutResponse{EventID: f.EventID, ReceivedAt: f.ReceivedAt.UTC(), Outcome: f.Outcome}
	}
	return c.JSON(http.StatusOK, out)
}

// retryTenantCheckout godoc
//
//	@Summary		Retry a paid checkout that was never applied (platform)
//	@Description	System admins only. Runs again the job that applies a checkout the tenant paid at Stripe whose job gave up (failed_checkouts of the tenant detail), once what made it fail is fixed: a new job with fresh attempts; the checkout reads as queued meanwhile. Audited (billing.checkout_retried). 404 when the tenant has no completed checkout with that Stripe event id; 409 when it did not fail (applied, or still queued).
//	@ID				retryTenantCheckout
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Tenant id"
//	@Param			event_id	path	string	true	"Stripe event id of the checkout (checkout.session.completed)"
//	@Success		204
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem
//	@Router			/admin/tenants/{id}/checkouts/{event_id}/retry [post]
func (s *Server) retryTenantCheckout(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	// An unknown tenant has no checkout either: RetryCheckout's 404.
	if err := s.svc.Billing.RetryCheckout(c.Request().Context(), id, c.Param("event_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// SetTenantStatusRequest suspends or reactivates a tenant.
type SetTenantStatusRequest struct {
	Status string `json:"status" validate:"required,oneof=active suspended"`
	Reason string `json:"reason,omitempty" maxLength:"500" example:"Invoices unpaid since March"`
} //	@name	SetTenantStatusRequest

// setTenantStatus godoc
//
//	@Summary		Suspend or reactivate a tenant (platform)
//	@Description	System admins only. Suspension (a reason of 3 to 500 characters required) takes effect on the tenant's next request; its imports and CRM pushes pause (between batches) until it is reactivated. It leaves billing alone: a Stripe subscription goes on renewing (cancel it at Stripe when the suspension ends the relationship). Audited (tenant.suspended, tenant.reactivated; the tenant's log shows the reason).
//	@ID				setTenantStatus
//	@Tags			admin
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string					true	"Tenant id"
//	@Param			body	body		SetTenantStatusRequest	true	"Status"
//	@Success		200		{object}	TenantResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/admin/tenants/{id} [patch]
func (s *Server) setTenantStatus(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req SetTenantStatusRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	t, err := s.svc.Tenancy.SetStatus(c.Request().Context(), id, req.Status, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTenant(t))
}

// SetSubscriptionRequest assigns a package by hand.
type SetSubscriptionRequest struct {
	PackageCode      string     `json:"package_code" validate:"required,max=40" example:"pro"`
	Status           string     `json:"status" validate:"required,oneof=trialing active past_due canceled incomplete"`
	CurrentPeriodEnd *time.Time `json:"current_period_end,omitempty" format:"date-time" example:"2027-01-01T00:00:00Z"`
	Reason           string     `json:"reason" validate:"required" minLength:"3" maxLength:"500" example:"Annual contract signed offline"`
} //	@name	SetSubscriptionRequest

// setTenantSubscription godoc
//
//	@Summary		Assign a subscription manually (platform)
//	@Description	System admins only: sets package, status and optional period end with a required reason. Audited and shown in the tenant's billing history. Besides verified Stripe events this is the only way a paid package is activated.
//	@ID				setTenantSubscription
//	@Tags			admin
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string					true	"Tenant id"
//	@Param			body	body		SetSubscriptionRequest	true	"Subscription"
//	@Success		200		{object}	SubscriptionResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/admin/tenants/{id}/subscription [put]
func (s *Server) setTenantSubscription(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req SetSubscriptionRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	sub, err := s.svc.Billing.SetManual(c.Request().Context(), id, billing.ManualParams{
		PackageCode: req.PackageCode, Status: req.Status, PeriodEnd: req.CurrentPeriodEnd, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSubscription(sub))
}

// UserList is a page of users.
type UserList struct {
	Items      []UserResponse `json:"items"`
	NextCursor string         `json:"next_cursor"`
} //	@name	UserList

// listAdminUsers godoc
//
//	@Summary	Users (platform)
//	@ID			listAdminUsers
//	@Tags		admin
//	@Produce	json
//	@Security	BearerAuth
//	@Param		q		query		string	false	"Email or name"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Param		limit	query		int		false	"Page size (1-100, default 25)"	minimum(1)	maximum(100)	default(25)
//	@Success	200		{object}	UserList
//	@Failure	400		{object}	Problem	"A cursor that is not valid"
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	422		{object}	Problem	"limit out of range"
//	@Router		/admin/users [get]
func (s *Server) listAdminUsers(c echo.Context) error {
	limit, err := queryLimit(c, 25, 100)
	if err != nil {
		return err
	}
	us, next, err := s.svc.Identity.ListUsers(c.Request().Context(), identity.ListUsersParams{Query: c.QueryParam("q"), Cursor: c.QueryParam("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	out := UserList{Items: make([]UserResponse, len(us)), NextCursor: next}
	for i, u := range us {
		out.Items[i] = toUser(u)
	}
	return c.JSON(http.StatusOK, out)
}

// SetSystemRoleRequest changes a user's platform role.
type SetSystemRoleRequest struct {
	SystemRole string `json:"system_role" validate:"required,oneof=system_admin support user"`
} //	@name	SetSystemRoleRequest

// setUserSystemRole godoc
//
//	@Summary	Set a user's system role (platform)
//	@ID			setUserSystemRole
//	@Tags		admin
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string					true	"User id"
//	@Param		body	body		SetSystemRoleRequest	true	"Role"
//	@Success	200		{object}	UserResponse
//	@Failure	400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Failure	409		{object}	Problem
//	@Failure	413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure	415		{object}	Problem	"Content-Type is not application/json"
//	@Failure	422		{object}	Problem
//	@Router		/admin/users/{id} [patch]
func (s *Server) setUserSystemRole(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req SetSystemRoleRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	u, err := s.svc.Identity.SetSystemRole(c.Request().Context(), principal(c), id, req.SystemRole)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUser(u))
}

// listAdminPackages godoc
//
//	@Summary		All packages (platform)
//	@Description	Including inactive ones.
//	@ID				listAdminPackages
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	PackageList
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Router			/admin/packages [get]
func (s *Server) listAdminPackages(c echo.Context) error {
	ps, err := s.svc.Billing.ListPackages(c.Request().Context(), false)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPackages(ps))
}

// CreatePackageRequest creates a package. The fields without omitempty are
// required: billing.CreatePackage checks them and names every one that is
// missing, and the description marks them required (--requiredByDefault).
// Its fields and types are PackageRequest's, so one converts to the other.
type CreatePackageRequest struct {
	Code                 *string `json:"code" minLength:"2" maxLength:"40" example:"team"`
	Name                 *string `json:"name" minLength:"1" maxLength:"100" example:"Team"`
	Description          *string `json:"description,omitempty" maxLength:"500" example:"For teams of up to 10 users"`
	PriceCents           *int    `json:"price_cents,omitempty" validate:"omitempty,gte=0,lte=2147483647" example:"4900"`
	Currency             *string `json:"currency,omitempty" validate:"omitempty,len=3" minLength:"3" maxLength:"3" example:"usd"`
	StripePriceID        *string `json:"stripe_price_id,omitempty" maxLength:"100" example:"price_1QTeamMonthlyUSD"`
	MaxUsers             *int    `json:"max_users" validate:"omitempty,gte=1,lte=2147483647" example:"10"`
	SearchesPerMonth     *int    `json:"searches_per_month" validate:"omitempty,gte=0,lte=2147483647" example:"5000"`
	MaxContactsPerQuery  *int    `json:"max_contacts_per_query" validate:"omitempty,gte=1,lte=1000" example:"100"`
	APIAccess            *bool   `json:"api_access,omitempty"`
	APIRequestsPerMinute *int    `json:"api_requests_per_minute" validate:"omitempty,gte=0,lte=2147483647" example:"120"`
	ImportRowsPerMonth   *int    `json:"import_rows_per_month" validate:"omitempty,gte=0,lte=2147483647" example:"50000"`
	MaxConcurrentJobs    *int    `json:"max_concurrent_jobs" validate:"omitempty,gte=1,lte=64" example:"2"`
	CRMPushesPerMonth    *int    `json:"crm_pushes_per_month" validate:"omitempty,gte=0,lte=2147483647" example:"5000"`
	MaxImportFileBytes   *int64  `json:"max_import_file_bytes,omitempty" validate:"omitempty,gte=1024,lte=4294967296" example:"52428800"`
	SortOrder            *int    `json:"sort_order,omitempty" validate:"omitempty,gte=-2147483648,lte=2147483647" example:"2"`
	Active               *bool   `json:"active,omitempty"`
} //	@name	CreatePackageRequest

// PackageRequest updates a package: only the fields sent change.
type PackageRequest struct {
	Code                 *string `json:"code,omitempty" minLength:"2" maxLength:"40" example:"team"`
	Name                 *string `json:"name,omitempty" minLength:"1" maxLength:"100" example:"Team"`
	Description          *string `json:"description,omitempty" maxLength:"500" example:"For teams of up to 10 users"`
	PriceCents           *int    `json:"price_cents,omitempty" validate:"omitempty,gte=0,lte=2147483647" example:"4900"`
	Currency             *string `json:"currency,omitempty" validate:"omitempty,len=3" minLength:"3" maxLength:"3" example:"usd"`
	StripePriceID        *string `json:"stripe_price_id,omitempty" maxLength:"100" example:"price_1QTeamMonthlyUSD"`
	MaxUsers             *int    `json:"max_users,omitempty" validate:"omitempty,gte=1,lte=2147483647" example:"10"`
	SearchesPerMonth     *int    `json:"searches_per_month,omitempty" validate:"omitempty,gte=0,lte=2147483647" example:"5000"`
	MaxContactsPerQuery  *int    `json:"max_contacts_per_query,omitempty" validate:"omitempty,gte=1,lte=1000" example:"100"`
	APIAccess            *bool   `json:"api_access,omitempty"`
	APIRequestsPerMinute *int    `json:"api_requests_per_minute,omitempty" validate:"omitempty,gte=0,lte=2147483647" example:"120"`
	ImportRowsPerMonth   *int    `json:"import_rows_per_month,omitempty" validate:"omitempty,gte=0,lte=2147483647" example:"50000"`
	MaxConcurrentJobs    *int    `json:"max_concurrent_jobs,omitempty" validate:"omitempty,gte=1,lte=64" example:"2"`
	CRMPushesPerMonth    *int    `json:"crm_pushes_per_month,omitempty" validate:"omitempty,gte=0,lte=2147483647" example:"5000"`
	MaxImportFileBytes   *int64  `json:"max_import_file_bytes,omitempty" validate:"omitempty,gte=1024,lte=4294967296" example:"52428800"`
	SortOrder            *int    `json:"sort_order,omitempty" validate:"omitempty,gte=-2147483648,lte=2147483647" example:"2"`
	Active               *bool   `json:"active,omitempty"`
} //	@name	PackageRequest

func (r PackageRequest) params() billing.PackageParams {
	return billing.PackageParams{Code: r.Code, Name: r.Name, Description: r.Description, PriceCents: r.PriceCents,
		Currency: r.Currency, StripePriceID: r.StripePriceID, MaxUsers: r.MaxUsers, SearchesPerMonth: r.SearchesPerMonth,
		MaxContactsPerQuery: r.MaxContactsPerQuery, APIAccess: r.APIAccess, APIRequestsPerMinute: r.APIRequestsPerMinute,
		ImportRowsPerMonth: r.ImportRowsPerMonth, MaxConcurrentJobs: r.MaxConcurrentJobs, CRMPushesPerMonth: r.CRMPushesPerMonth,
		MaxImportFileBytes: r.MaxImportFileBytes, SortOrder: r.SortOrder, Active: r.Active}
}

// createPackage godoc
//
//	@Summary		Create a package (platform)
//	@Description	System admins. code, name and every limit are required; currency defaults to usd, max_import_file_bytes to 10 MiB, active to true.
//	@ID				createPackage
//	@Tags			admin
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreatePackageRequest	true	"Package"
//	@Success		201		{object}	PackageResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/admin/packages [post]
func (s *Server) createPackage(c echo.Context) error {
	var req CreatePackageRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p, err := s.svc.Billing.CreatePackage(c.Request().Context(), PackageRequest(req).params())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toPackage(p))
}

// updatePackage godoc
//
//	@Summary		Update a package (platform)
//	@Description	Edit limits, price, Stripe price id, or deactivate (active=false hides it from new customers; existing tenants keep it).
//	@ID				updatePackage
//	@Tags			admin
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"Package id"
//	@Param			body	body		PackageRequest	true	"Changes"
//	@Success		200		{object}	PackageResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/admin/packages/{id} [patch]
func (s *Server) updatePackage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req PackageRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p, err := s.svc.Billing.UpdatePackage(c.Request().Context(), id, req.params())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPackage(p))
}

// listAdminAuditEvents godoc
//
//	@Summary		Platform audit log
//	@Description	System admins and support. Every tenant's events and platform events; filter by tenant, action and actor.
//	@ID				listAdminAuditEvents
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			tenant_id	query		string	false	"Tenant id"	format(uuid)
//	@Param			action		query		string	false	"Action, e.g. tenant.*; any case"
//	@Param			actor_id	query		string	false	"User or API key id"	format(uuid)
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Param			limit		query		int		false	"Page size (1-200, default 50)"	minimum(1)	maximum(200)	default(50)
//	@Success		200			{object}	AuditEventList
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/admin/audit-events [get]
func (s *Server) listAdminAuditEvents(c echo.Context) error {
	p, err := s.auditParams(c)
	if err != nil {
		return err
	}
	if p.TenantID, err = queryUUID(c, "tenant_id"); err != nil {
		return err
	}
	evs, next, err := s.svc.Audit.List(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAuditEvents(evs, next))
}

// OutboxMessage is a mail in the development outbox.
type OutboxMessage struct {
	ID      string `json:"id"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	// Body is empty and BodyWithheld true when SMTP delivers the mail: bodies
	// hold live links (invitations) meant for their recipient only.
	Body         string     `json:"body"`
	BodyWithheld bool       `json:"body_withheld"`
	CreatedAt    time.Time  `json:"created_at" format:"date-time"`
	SentAt       *time.Time `json:"sent_at" format:"date-time" extensions:"x-nullable"`
	// FailedAt is when SMTP delivery gave up (its last attempt failed): the
	// mail was not sent and nothing retries it.
	FailedAt *time.Time `json:"failed_at" format:"date-time" extensions:"x-nullable"`
	// Error is the last delivery attempt's error, while the mail is not sent.
	Error *string `json:"error" extensions:"x-nullable"`
} //	@name	OutboxMessage

// OutboxList is the newest outgoing mail.
type OutboxList struct {
	Items      []OutboxMessage `json:"items"`
	NextCursor string          `json:"next_cursor"`
} //	@name	OutboxList

// listOutbox godoc
//
//	@Summary		Mail outbox (platform)
//	@Description	System admins only. The newest 100 outgoing messages. Without SMTP_URL this is where mail goes (development), bodies included; with SMTP the bodies are withheld (body_withheld), since they hold live links meant for their recipient only. A mail is sent (sent_at), not delivered (failed_at: its delivery job gave up after its last attempt), or queued; error is the last delivery attempt's error.
//	@ID				listOutbox
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	OutboxList
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Router			/admin/outbox [get]
func (s *Server) listOutbox(c echo.Context) error {
	ms, err := s.svc.Mail.Outbox(c.Request().Context(), 100)
	if err != nil {
		return err
	}
	withhold := s.svc.Mail.Delivers()
	out := OutboxList{Items: make([]OutboxMessage, len(ms))}
	for i, m := range ms {
		out.Items[i] = OutboxMessage{ID: m.ID.String(), To: m.ToAddress, Subject: m.Subject, Body: m.Body, CreatedAt: m.CreatedAt,
			SentAt: m.SentAt, FailedAt: m.FailedAt, Error: m.Error}
		if withhold {
			out.Items[i].Body, out.Items[i].BodyWithheld = "", true
		}
	}
	return c.JSON(http.StatusOK, out)
}
