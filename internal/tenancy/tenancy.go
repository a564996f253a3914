// Package tenancy owns tenants (customer organizations), memberships with
// their roles, invitations, and the permission table (permission.go) that
// says which role may do what. Identity (users, sessions) builds on it.
package tenancy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/mail"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/freetext"
)

// Tenant statuses.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
)

// Tenant is a customer organization.
type Tenant struct {
	ID               uuid.UUID  `json:"id"`
	Name             string     `json:"name"`
	Status           string     `json:"status"`
	StripeCustomerID *string    `json:"-"`
	DefaultRegion    string     `json:"default_region"`
	SuspendedAt      *time.Time `json:"suspended_at"`
	SuspendedReason  *string    `json:"suspended_reason"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// TableName maps Tenant to its table.
func (Tenant) TableName() string { return "tenants" }

// Membership links a user to a tenant with a role.
type Membership struct {
	TenantID  uuid.UUID
	UserID    uuid.UUID
	Role      Role
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName maps Membership to its table.
func (Membership) TableName() string { return "memberships" }

// Service manages tenants, members and invitations.
type Service struct {
	db        *gorm.DB
	limits    *limits.Service
	publicURL string
	mailer    Mailer
}

// Mailer queues a message in the caller's transaction, delivered once it
// commits.
type Mailer interface {
	Send(ctx context.Context, tx *gorm.DB, to, subject, body string) (mail.Message, error)
}

// NewService returns a Service. publicURL builds invitation links.
func NewService(db *gorm.DB, lim *limits.Service, publicURL string, mailer Mailer) *Service {
	return &Service{db: db, limits: lim, publicURL: strings.TrimRight(publicURL, "/"), mailer: mailer}
}

var forUpdate = clause.Locking{Strength: "UPDATE"}

// lockTenant reads the tenant and locks its row for the rest of tx, which
// serializes the changes to one tenant. Returns ENOTFOUND.
func lockTenant(tx *gorm.DB, tenantID uuid.UUID) (Tenant, error) {
	var t Tenant
	err := tx.Clauses(forUpdate).Where("id = ?", tenantID).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, apperr.Errorf(apperr.ENOTFOUND, "Tenant not found.")
	}
	return t, err
}

// Tenant name bounds, counted in characters after trimming surrounding
// white space.
const (
	MinTenantNameLen = 2
	MaxTenantNameLen = 200
)

// NormalizeTenantName applies the free-text rule (internal/platform/freetext)
// to a tenant name, so a name of spaces or invisible characters cannot pass
// as one. Returns EINVALID naming field.
func NormalizeTenantName(field, s string) (string, error) {
	return freetext.Field(field, "The organization name is invalid.", s, MinTenantNameLen, MaxTenantNameLen)
}

// CreateTenant creates a tenant on the Free package with owner as its
// org_admin, inside tx (the signup transaction).
func CreateTenant(ctx context.Context, tx *gorm.DB, name string, ownerID uuid.UUID) (Tenant, error) {
	now := time.Now().UTC()
	t := Tenant{ID: uuid.Must(uuid.NewV7()), Name: strings.TrimSpace(name), Status: StatusActive, DefaultRegion: "US",
		CreatedAt: now, UpdatedAt: now}
	if err := tx.WithContext(ctx).Create(&t).Error; err != nil {
		return t, fmt.Errorf("create tenant: %w", err)
	}
	if err := AddMember(ctx, tx, t.ID, ownerID, RoleOrgAdmin); err != nil {
		return t, err
	}
	if err := billing.CreateSignupSubscription(ctx, tx, t.ID); err != nil {
		return t, err
	}
	return t, audit.Write(ctx, tx, audit.Event{TenantID: &t.ID, Action: "tenant.created", TargetType: "tenant",
		TargetID: t.ID.String(), Data: map[string]any{"name": t.Name}})
}

// AddMember adds userID to the tenant with role, inside tx.
func AddMember(ctx context.Context, tx *gorm.DB, tenantID, userID uuid.UUID, role Role) error {
	now := time.Now().UTC()
	m := Membership{TenantID: tenantID, UserID: userID, Role: role, CreatedAt: now, UpdatedAt: now}
	if err := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&m).Error; err != nil {
		return fmt.Errorf("add member: %w", err)
	}
	return nil
}

// Get returns the tenant. Returns ENOTFOUND.
func (s *Service) Get(ctx context.Context, tenantID uuid.UUID) (Tenant, error) {
	var t Tenant
	err := s.db.WithContext(ctx).Where("id = ?", tenantID).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, apperr.Errorf(apperr.ENOTFOUND, "Tenant not found.")
	}
	return t, err
}

// UpdateParams are the fields an org_admin may change. Package, status and
// billing fields are deliberately absent: they change only through billing
// or platform administration.
type UpdateParams struct {
	Name          *string
	DefaultRegion *string
}

// Update changes the tenant's own settings. The fields that change are
// audited (tenant.updated) with what they were and became; an update that
// changes nothing writes nothing. Returns EINVALID, ENOTFOUND.
func (s *Service) Update(ctx context.Context, tenantID uuid.UUID, p UpdateParams) (Tenant, error) {
	var name string
	if p.Name != nil {
		var err error
		if name, err = NormalizeTenantName("name", *p.Name); err != nil {
			return Tenant{}, err
		}
	}
	var t Tenant
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if t, err = lockTenant(tx, tenantID); err != nil {
			return err
		}
		// What each changed field was and became, as package.updated
		// records it; a save that changes nothing writes and audits nothing.
		changes := map[string][2]string{}
		if p.Name != nil && name != t.Name {
			changes["name"] = [2]string{t.Name, name}
			t.Name = name
		}
		if p.DefaultRegion != nil {
			if region := strings.ToUpper(strings.TrimSpace(*p.DefaultRegion)); region != t.DefaultRegion {
				changes["default_region"] = [2]string{t.DefaultRegion, region}
				t.DefaultRegion = region
			}
		}
		if len(changes) == 0 {
			return nil
		}
		t.UpdatedAt = time.Now().UTC()
		if err := tx.Model(&t).Select("name", "default_region", "updated_at").Updates(&t).Error; err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "tenant.updated", TargetType: "tenant",
			TargetID: tenantID.String(), Data: map[string]any{"changes": changes}})
	})
	return t, err
}

// Member is a user in a tenant, for the team page.
type Member struct {
	UserID    uuid.UUID  `json:"user_id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	JoinedAt  time.Time  `json:"joined_at"`
	LastLogin *time.Time `json:"last_login_at"`
}

// ListMembers returns the tenant's members, admins first.
func (s *Service) ListMembers(ctx context.Context, tenantID uuid.UUID) ([]Member, error) {
	var out []Member
	err := s.db.WithContext(ctx).Raw(`SELECT u.id AS user_id, u.email, u.name, m.role, m.created_at AS joined_at, u.last_login_at AS last_login
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = ?
		ORDER BY CASE m.role WHEN 'org_admin' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, u.email`, tenantID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	return out, nil
}

// ChangeRole sets a member's role on the authority of actorID, an
// org_admin of the tenant. Returns EINVALID, EFORBIDDEN (actorID is no
// longer an org_admin), ENOTFOUND (not a member of this tenant), ECONFLICT
// (it would leave no org_admin).
func (s *Service) ChangeRole(ctx context.Context, tenantID, actorID, userID uuid.UUID, role Role) (Member, error) {
	if !ValidRole(string(role)) {
		return Member{}, apperr.Invalid("Unknown role.", apperr.FieldError{Field: "role", Message: "must be one of: org_admin, member, viewer"})
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		m, err := s.lockMember(ctx, tx, tenantID, userID)
		if err != nil {
			return err
		}
		if err := requireActingAdmin(ctx, tx, tenantID, actorID); err != nil {
			return err
		}
		if m.Role == role {
			return nil
		}
		if m.Role == RoleOrgAdmin {
			if err := s.requireAnotherAdmin(ctx, tx, tenantID, userID); err != nil {
				return err
			}
			if err := revokeInvitationsBy(ctx, tx, tenantID, userID, "the inviting admin is no longer an admin"); err != nil {
				return err
			}
		}
		if err := tx.Model(&Membership{}).Where("tenant_id = ? AND user_id = ?", tenantID, userID).
			Updates(map[string]any{"role": role, "updated_at": time.Now().UTC()}).Error; err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "member.role_changed", TargetType: "user",
			TargetID: userID.String(), Data: map[string]any{"email": m.Email, "from": m.Role, "to": role}})
	})
	if err != nil {
		return Member{}, err
	}
	members, err := s.ListMembers(ctx, tenantID)
	for _, m := range members {
		if m.UserID == userID {
			return m, err
		}
	}
	return Member{}, err
}

// RemoveMember removes a user from the tenant and ends their sessions in
// it, on the authority of actorID, an org_admin of the tenant. Returns
// EFORBIDDEN (actorID is no longer an org_admin), ENOTFOUND, ECONFLICT (the
// last org_admin).
func (s *Service) RemoveMember(ctx context.Context, tenantID, actorID, userID uuid.UUID) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		m, err := s.lockMember(ctx, tx, tenantID, userID)
		if err != nil {
			return err
		}
		if err := requireActingAdmin(ctx, tx, tenantID, actorID); err != nil {
			return err
		}
		if m.Role == RoleOrgAdmin {
			if err := s.requireAnotherAdmin(ctx, tx, tenantID, userID); err != nil {
				return err
			}
		}
		if err := tx.Where("tenant_id = ? AND user_id = ?", tenantID, userID).Delete(&Membership{}).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE sessions SET tenant_id = NULL WHERE user_id = ? AND tenant_id = ?`, userID, tenantID).Error; err != nil {
			return err
		}
		if err := revokeInvitationsBy(ctx, tx, tenantID, userID, "the inviting admin was removed"); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "member.removed", TargetType: "user",
			TargetID: userID.String(), Data: map[string]any{"email": m.Email, "role": m.Role}})
	})
}

// revokeInvitationsBy revokes the open invitations userID sent for the
// tenant when they lose the right to invite (removed, or no longer an
// admin): a link they sent must not bring them, or anyone, back in on
// their authority. Each is audited as invitation.revoked with why.
func revokeInvitationsBy(ctx context.Context, tx *gorm.DB, tenantID, userID uuid.UUID, why string) error {
	var revoked []Invitation
	err := tx.WithContext(ctx).Raw(`UPDATE invitations SET revoked_at = now()
		WHERE tenant_id = ? AND invited_by = ? AND accepted_at IS NULL AND revoked_at IS NULL
		RETURNING *`, tenantID, userID).Scan(&revoked).Error
	if err != nil {
		return fmt.Errorf("revoke invitations: %w", err)
	}
	for _, inv := range revoked {
		if err := audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "invitation.revoked", TargetType: "invitation",
			TargetID: inv.ID.String(), Data: map[string]any{"email": inv.Email, "reason": why}}); err != nil {
			return err
		}
	}
	return nil
}

// lockMember locks the tenant row (serializing membership changes of one
// tenant, so two admins cannot demote each other at once) and returns the
// membership.
func (s *Service) lockMember(ctx context.Context, tx *gorm.DB, tenantID, userID uuid.UUID) (lockedMember, error) {
	if _, err := lockTenant(tx.WithContext(ctx), tenantID); err != nil {
		return lockedMember{}, err
	}
	var m lockedMember
	err := tx.WithContext(ctx).Table("memberships m").Select("m.*, u.email").Joins("JOIN users u ON u.id = m.user_id").
		Where("m.tenant_id = ? AND m.user_id = ?", tenantID, userID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return m, apperr.Errorf(apperr.ENOTFOUND, "No such member in this organization.")
	}
	return m, err
}

// requireActingAdmin checks, under the tenant row lock, that actorID is
// still an org_admin of the tenant. The request was authorized with the
// role read before that lock: an admin removed or demoted while it waited
// (the change committed first) must not act on the authority they lost, be
// it inviting (a link that would bring them, or anyone, back in), changing
// roles or removing members.
func requireActingAdmin(ctx context.Context, tx *gorm.DB, tenantID, actorID uuid.UUID) error {
	var n int64
	if err := tx.WithContext(ctx).Model(&Membership{}).
		Where("tenant_id = ? AND user_id = ? AND role = ?", tenantID, actorID, RoleOrgAdmin).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return apperr.Errorf(apperr.EFORBIDDEN, "You are no longer an org admin of this organization.")
	}
	return nil
}

// lockedMember is a membership with the member's email, which the audit
// events of a change keep: the log must say who was changed or removed
// after they left the team page.
type lockedMember struct {
	Membership
	Email string
}

func (s *Service) requireAnotherAdmin(ctx context.Context, tx *gorm.DB, tenantID, userID uuid.UUID) error {
	var others int64
	if err := tx.WithContext(ctx).Model(&Membership{}).
		Where("tenant_id = ? AND role = ? AND user_id <> ?", tenantID, RoleOrgAdmin, userID).Count(&others).Error; err != nil {
		return err
	}
	if others == 0 {
		return &apperr.Error{Code: apperr.ECONFLICT, Type: "last-org-admin",
			Message: "An organization needs at least one org admin; promote someone else first."}
	}
	return nil
}
