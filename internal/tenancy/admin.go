package tenancy

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TenantSummary is a row of the platform's tenant list.
type TenantSummary struct {
	ID                 uuid.UUID `json:"id"`
	Name               string    `json:"name"`
	Status             string    `json:"status"`
	PackageCode        string    `json:"package_code"`
	SubscriptionStatus string    `json:"subscription_status"`
	Members            int64     `json:"members"`
	CreatedAt          time.Time `json:"created_at"`
}

// ListTenantsParams searches and pages the tenant list.
type ListTenantsParams struct {
	Query  string
	Status string
	Cursor string // id of the last tenant seen (ids are time-ordered)
	Limit  int
}

// ListTenants returns tenants newest first. Returns EMALFORMED for a bad
// cursor, EINVALID for an unknown status.
func (s *Service) ListTenants(ctx context.Context, p ListTenantsParams) ([]TenantSummary, string, error) {
	if p.Limit <= 0 || p.Limit > 100 {
		p.Limit = 25
	}
	if p.Status != "" && p.Status != StatusActive && p.Status != StatusSuspended {
		// Filtering by it would list no tenant, as if none matched.
		return nil, "", apperr.Invalid("Unknown status.", apperr.FieldError{Field: "status", Message: "must be one of: active, suspended"})
	}
	var out []TenantSummary
	find := func(tx *gorm.DB) error {
		q, err := tenantsQuery(tx, p)
		if err != nil {
			return err
		}
		return q.Scan(&out).Error
	}
	// The term decides the plan: planned for it each time, not by a cached
	// generic plan.
	if err := db.CustomPlansFor(ctx, s.db, p.Query, find); err != nil {
		if _, ok := apperr.As(err); ok {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("list tenants: %w", err)
	}
	next := ""
	if len(out) > p.Limit {
		out = out[:p.Limit]
		next = out[len(out)-1].ID.String()
	}
	return out, next, nil
}

// tenantsQuery is ListTenants' statement for p on q.
func tenantsQuery(q *gorm.DB, p ListTenantsParams) (*gorm.DB, error) {
	q = q.Table("tenants t").
		Select(`t.id, t.name, t.status, t.created_at, coalesce(p.code, 'free') AS package_code,
			coalesce(s.status, '') AS subscription_status,
			(SELECT count(*) FROM memberships m WHERE m.tenant_id = t.id) AS members`).
		Joins("LEFT JOIN subscriptions s ON s.tenant_id = t.id").
		Joins("LEFT JOIN packages p ON p.id = s.package_id").
		Order("t.id DESC").Limit(p.Limit + 1)
	if q2 := strings.TrimSpace(p.Query); q2 != "" {
		if id, err := uuid.Parse(q2); err == nil {
			q = q.Where("t.id = ?", id)
		} else {
			// The members' tenants as an array, not EXISTS: then the
			// planner can OR the trigram index on the name with the
			// primary key, instead of reading every tenant newest first
			// and testing each (the members' emails found once by their
			// trigram index; TestListTenantsSearchUsesIndexes).
			q = q.Where(`t.name ILIKE ? OR t.id = ANY (ARRAY (SELECT m.tenant_id FROM memberships m JOIN users u ON u.id = m.user_id
				WHERE u.email::text ILIKE ?))`, db.Contains(q2), db.Contains(EmailQuery(q2)))
		}
	}
	if p.Status != "" {
		q = q.Where("t.status = ?", p.Status)
	}
	if p.Cursor != "" {
		id, err := db.IDCursor(p.Cursor)
		if err != nil {
			return nil, err
		}
		q = q.Where("t.id < ?", id)
	}
	return q, nil
}

// MinStatusReasonLen and MaxStatusReasonLen bound the reason for a
// tenant's suspension, in characters (code points) once surrounding spaces
// are trimmed. The tenant's log shows the reason, so "x" is not one; the
// suspend dialog asks for the same minimum.
const (
	MinStatusReasonLen = 3
	MaxStatusReasonLen = 500
)

// SetStatus suspends or reactivates a tenant. Suspension takes effect on
// the tenant's next request. Returns EINVALID, ENOTFOUND.
func (s *Service) SetStatus(ctx context.Context, tenantID uuid.UUID, status, reason string) (Tenant, error) {
	reason = strings.TrimSpace(reason)
	if status != StatusActive && status != StatusSuspended {
		return Tenant{}, apperr.Invalid("Unknown status.", apperr.FieldError{Field: "status", Message: "must be one of: active, suspended"})
	}
	if status == StatusSuspended && reason == "" {
		return Tenant{}, apperr.Invalid("A reason is required.", apperr.FieldError{Field: "reason", Message: "is required to suspend a tenant"})
	}
	if status == StatusSuspended && utf8.RuneCountInString(reason) < MinStatusReasonLen {
		return Tenant{}, apperr.Invalid("The reason is too short.",
			apperr.FieldError{Field: "reason", Message: fmt.Sprintf("must be at least %d characters long", MinStatusReasonLen)})
	}
	if utf8.RuneCountInString(reason) > MaxStatusReasonLen {
		return Tenant{}, apperr.Invalid("The reason is too long.",
			apperr.FieldError{Field: "reason", Message: fmt.Sprintf("must be at most %d characters long", MaxStatusReasonLen)})
	}
	var t Tenant
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if t, err = lockTenant(tx, tenantID); err != nil {
			return err
		}
		if t.Status == status {
			return nil
		}
		now := time.Now().UTC()
		t.Status, t.UpdatedAt = status, now
		action := "tenant.reactivated"
		if status == StatusSuspended {
			t.SuspendedAt, t.SuspendedReason = &now, &reason
			action = "tenant.suspended"
		} else {
			t.SuspendedAt, t.SuspendedReason = nil, nil
		}
		if err := tx.Model(&t).Select("status", "suspended_at", "suspended_reason", "updated_at").Updates(&t).Error; err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: action, TargetType: "tenant",
			TargetID: tenantID.String(), Data: map[string]any{"reason": reason}, ActorStaff: true})
	})
	return t, err
}
