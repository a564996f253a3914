package identity

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

var errUnauthenticated = apperr.Errorf(apperr.EUNAUTHORIZED, "The access token is missing, invalid or expired.")

// Authenticate verifies an access token and rebuilds the principal from the
// database in one query: the user, the session (not revoked, not expired),
// and the membership and tenant named by the token. A removed member keeps
// no tenant rights even while their token is unexpired. Returns EUNAUTHORIZED.
func (s *Service) Authenticate(ctx context.Context, raw string) (*tenancy.Principal, error) {
	c, err := s.tokens.Verify(raw)
	if err != nil {
		return nil, errUnauthenticated
	}
	userID, err1 := uuid.Parse(c.Subject)
	sessionID, err2 := uuid.Parse(c.SessionID)
	if err1 != nil || err2 != nil {
		return nil, errUnauthenticated
	}
	tenantID := uuid.Nil
	if c.TenantID != "" {
		if tenantID, err = uuid.Parse(c.TenantID); err != nil {
			return nil, errUnauthenticated
		}
	}
	var row struct {
		Email        string
		SystemRole   string
		SessionOK    bool
		Role         *string
		TenantName   *string
		TenantStatus *string
		CRMPushed    bool
		Corrected    bool
	}
	err = s.db.WithContext(ctx).Raw(`SELECT u.email, u.system_role,
			(s.revoked_at IS NULL AND s.expires_at > now()) AS session_ok,
			m.role, t.name AS tenant_name, t.status AS tenant_status, t.crm_pushed_at IS NOT NULL AS crm_pushed,
			t.corrected_at IS NOT NULL AS corrected
		FROM users u
		JOIN sessions s ON s.id = ? AND s.user_id = u.id
		LEFT JOIN memberships m ON m.user_id = u.id AND m.tenant_id = ?
		LEFT JOIN tenants t ON t.id = m.tenant_id
		WHERE u.id = ?`, sessionID, tenantID, userID).Scan(&row).Error
	if err != nil {
		return nil, err
	}
	if row.Email == "" || !row.SessionOK {
		return nil, errUnauthenticated
	}
	p := &tenancy.Principal{UserID: userID, Email: row.Email, SystemRole: row.SystemRole, SessionID: sessionID}
	if tenantID != uuid.Nil {
		if row.Role == nil {
			// The membership ended after the token was issued. Refreshing
			// picks another tenant (or none).
			return nil, apperr.Errorf(apperr.EUNAUTHORIZED, "Your access to this organization has ended; sign in again.")
		}
		p.TenantID, p.Role, p.TenantName, p.TenantStatus = tenantID, tenancy.Role(*row.Role), *row.TenantName, *row.TenantStatus
		p.TenantCRMPushed, p.TenantCorrected = row.CRMPushed, row.Corrected
	}
	return p, nil
}

// MembershipRef is one tenant of the user, for GET /me.
type MembershipRef struct {
	TenantID   uuid.UUID    `json:"tenant_id"`
	TenantName string       `json:"tenant_name"`
	Role       tenancy.Role `json:"role"`
	Status     string       `json:"status"`
}

// Memberships lists the user's tenants.
func (s *Service) Memberships(ctx context.Context, userID uuid.UUID) ([]MembershipRef, error) {
	var out []MembershipRef
	err := s.db.WithContext(ctx).Raw(`SELECT t.id AS tenant_id, t.name AS tenant_name, m.role, t.status
		FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = ? ORDER BY t.name`, userID).Scan(&out).Error
	return out, err
}

// UserByID returns ENOTFOUND.
func (s *Service) UserByID(ctx context.Context, id uuid.UUID) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, apperr.Errorf(apperr.ENOTFOUND, "User not found.")
	}
	return u, err
}
