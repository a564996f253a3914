package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/billing"
)

// PackageResponse is a package with every limit.
type PackageResponse struct {
	ID                   string  `json:"id"`
	Code                 string  `json:"code" example:"pro"`
	Name                 string  `json:"name" example:"Pro"`
	Description          string  `json:"description"`
	PriceCents           int     `json:"price_cents" example:"14900"`
	Currency             string  `json:"currency" example:"usd"`
	StripePriceID        *string `json:"stripe_price_id" extensions:"x-nullable"`
	MaxUsers             int     `json:"max_users"`
	SearchesPerMonth     int     `json:"searches_per_month"`
	MaxContactsPerQuery  int     `json:"max_contacts_per_query"`
	APIAccess            bool    `json:"api_access"`
	APIRequestsPerMinute int     `json:"api_requests_per_minute"`
	ImportRowsPerMonth   int     `json:"import_rows_per_month"`
	MaxConcurrentJobs    int     `json:"max_concurrent_jobs"`
	CRMPushesPerMonth    int     `json:"crm_pushes_per_month"`
	MaxImportFileBytes   int64   `json:"max_import_file_bytes"`
	SortOrder            int     `json:"sort_order"`
	Active               bool    `json:"active"`
} //	@name	Package

// PackageList is the list of packages.
type PackageList struct {
	Items      []PackageResponse `json:"items"`
	NextCursor string            `json:"next_cursor"`
} //	@name	PackageList

func toPackage(p billing.Package) PackageResponse {
	return PackageResponse{ID: p.ID.String(), Code: p.Code, Name: p.Name, Description: p.Description, PriceCents: p.PriceCents,
		Currency: p.Currency, StripePriceID: p.StripePriceID, MaxUsers: p.MaxUsers, SearchesPerMonth: p.SearchesPerMonth,
		MaxContactsPerQuery: p.MaxContactsPerQuery, APIAccess: p.APIAccess, APIRequestsPerMinute: p.APIRequestsPerMinute,
		ImportRowsPerMonth: p.ImportRowsPerMonth, MaxConcurrentJobs: p.MaxConcurrentJobs, CRMPushesPerMonth: p.CRMPushesPerMonth,
		MaxImportFileBytes: p.MaxImportFileBytes, SortOrder: p.SortOrder, Active: p.Active}
}

func toPackages(ps []billing.Package) PackageList {
	out := PackageList{Items: make([]PackageResponse, len(ps))}
	for i, p := range ps {
		out.Items[i] = toPackage(p)
	}
	return out
}

// SubscriptionResponse is a tenant's subscription.
type SubscriptionResponse struct {
	PackageID          string     `json:"package_id"`
	Status             string     `json:"status" enums:"trialing,active,past_due,canceled,incomplete,paused"`
	Source             string     `json:"source" enums:"stripe,manual,signup"`
	CurrentPeriodStart *time.Time `json:"current_period_start" format:"date-time" extensions:"x-nullable"`
	CurrentPeriodEnd   *time.Time `json:"current_period_end" format:"date-time" extensions:"x-nullable"`
	CancelAtPeriodEnd  bool       `json:"cancel_at_period_end"`
	PastDueSince       *time.Time `json:"past_due_since" format:"date-time" extensions:"x-nullable"`
	UpdatedAt          time.Time  `json:"updated_at" format:"date-time"`
} //	@name	Subscription

func toSubscription(s billing.Subscription) SubscriptionResponse {
	return SubscriptionResponse{PackageID: s.PackageID.String(), Status: s.Status, Source: s.Source,
		CurrentPeriodStart: utcPtr(s.CurrentPeriodStart), CurrentPeriodEnd: utcPtr(s.CurrentPeriodEnd),
		CancelAtPeriodEnd: s.CancelAtPeriodEnd, PastDueSince: utcPtr(s.PastDueSince), UpdatedAt: s.UpdatedAt.UTC()}
}

// listPackages godoc
//
//	@Summary		Packages
//	@Description	Active packages with prices and every limit, for the plan comparison table. Public.
//	@ID				listPackages
//	@Tags			billing
//	@Produce		json
//	@Success		200	{object}	PackageList
//	@Failure		500	{object}	Problem
//	@Router			/packages [get]
func (s *Server) listPackages(c echo.Context) error {
	ps, err := s.svc.Billing.ListPackages(c.Request().Context(), true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPackages(ps))
}
