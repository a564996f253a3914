package tenancy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/emailaddr"
)

// InvitationTTL is how long an invitation can be accepted.
const InvitationTTL = 7 * 24 * time.Hour

// Invitation asks someone to join a tenant. Only the token's hash is stored.
type Invitation struct {
	TenantID   uuid.UUID  `json:"tenant_id"`
	ID         uuid.UUID  `json:"id"`
	Email      string     `json:"email"`
	Role       Role       `json:"role"`
	TokenHash  []byte     `json:"-"`
	InvitedBy  *uuid.UUID `json:"invited_by"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at"`
	AcceptedBy *uuid.UUID `json:"accepted_by"`
	RevokedAt  *time.Time `json:"revoked_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// TableName maps Invitation to its table.
func (Invitation) TableName() string { return "invitations" }

// Status is pending, accepted, revoked or expired at now. An invitation
// retired after it expired (inviting the address again does that, to free
// its slot) reads as expired: nobody revoked it. ExpiresAt is the first
// instant it is expired, as accepting it has it (expires_at > now()).
func (i Invitation) Status(now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return "accepted"
	case i.RevokedAt != nil && i.RevokedAt.Before(i.ExpiresAt):
		return "revoked"
	case !now.Before(i.ExpiresAt) || i.RevokedAt != nil:
		return "expired"
	default:
		return "pending"
	}
}

// CreatedInvitation is an invitation with its accept link, shown once to
// the admin who created it (and mailed to the invitee).
type CreatedInvitation struct {
	Invitation
	AcceptURL string
}

// NormalizeEmail reads the address of an account or an invitation into its
// canonical form (emailaddr.Canonical, the form contacts' addresses take):
// lower case and composed (Unicode NFC), fullwidth forms folded, an IDN
// domain in Unicode whether typed so or in punycode, a display name or a
// mailto: link reduced to the address. One mailbox written any of these
// ways is one account, and an invitation to any of them finds it. Returns
// EINVALID naming field.
func NormalizeEmail(field, s string) (string, error) {
	s, ok := emailaddr.Canonical(s)
	if !ok {
		return "", apperr.Invalid("The email address is invalid.", apperr.FieldError{Field: field, Message: "must be a valid email address"})
	}
	return s, nil
}

// LoginEmail is the account address a sign-in names, in the canonical form
// NormalizeEmail gives, and whether it is an address at all: what is not
// one (a password typed into the email field) matches no account, and gets
// the answer of a wrong password.
func LoginEmail(s string) (string, bool) {
	if e, ok := emailaddr.Canonical(s); ok {
		return e, true
	}
	return norm.NFC.String(strings.ToLower(strings.TrimSpace(s))), false
}

// EmailQuery is the text a staff search matches account addresses with: a
// whole address in its canonical form (so "ANN@ＥＸＡＭＰＬＥ.com" or a
// punycode domain finds the account), anything else as typed.
func EmailQuery(q string) string {
	if e, ok := emailaddr.Canonical(q); ok {
		return e
	}
	return q
}

// Invite creates an invitation on the authority of inviterID, an org_admin
// of the tenant. Returns EINVALID, EFORBIDDEN (inviterID is no longer an
// org_admin), ECONFLICT (already a member, an open invitation exists, or no
// seat left: type seat-limit-reached).
func (s *Service) Invite(ctx context.Context, tenantID, inviterID uuid.UUID, email string, role Role) (CreatedInvitation, error) {
	email, err := NormalizeEmail("email", email)
	if err != nil {
		return CreatedInvitation{}, err
	}
	if !ValidRole(string(role)) {
		return CreatedInvitation{}, apperr.Invalid("Unknown role.", apperr.FieldError{Field: "role", Message: "must be one of: org_admin, member, viewer"})
	}
	token, hash, err := newToken()
	if err != nil {
		return CreatedInvitation{}, err
	}
	now := time.Now().UTC()
	inv := Invitation{TenantID: tenantID, ID: uuid.Must(uuid.NewV7()), Email: email, Role: role, TokenHash: hash,
		InvitedBy: &inviterID, ExpiresAt: now.Add(InvitationTTL), CreatedAt: now}
	out := CreatedInvitation{Invitation: inv, AcceptURL: s.publicURL + "/invitations/accept#token=" + token}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := lockTenant(tx, tenantID)
		if err != nil {
			return err
		}
		if err := requireActingAdmin(ctx, tx, tenantID, inviterID); err != nil {
			return err
		}
		var already int64
		if err := tx.Raw(`SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.tenant_id = ? AND u.email = ?`, tenantID, email).Scan(&already).Error; err != nil {
			return err
		}
		if already > 0 {
			return apperr.Errorf(apperr.ECONFLICT, "%s is already a member of this organization.", email)
		}
		// An expired open invitation still holds the unique slot; retire it.
		if err := tx.Exec(`UPDATE invitations SET revoked_at = now() WHERE tenant_id = ? AND email = ?
			AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at <= now()`, tenantID, email).Error; err != nil {
			return err
		}
		if err := s.limits.RequireSeat(ctx, tx, tenantID, false); err != nil {
			return err
		}
		if err := s.requireInvitationMail(ctx, tx, tenantID, email, now); err != nil {
			return err
		}
		if err := tx.Create(&inv).Error; err != nil {
			if db.IsUniqueViolation(err, "invitations_open_email") {
				return apperr.Errorf(apperr.ECONFLICT, "%s already has an open invitation; revoke it to send a new one.", email)
			}
			return err
		}
		_, err = s.mailer.Send(ctx, tx, email, "You are invited to "+t.Name+" on 1CloudAI Business Contacts",
			fmt.Sprintf("You have been invited to join %s as %s.\n\nAccept within 7 days:\n%s\n", t.Name, role, out.AcceptURL))
		if err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "invitation.created", TargetType: "invitation",
			TargetID: inv.ID.String(), Data: map[string]any{"email": email, "role": role}})
	})
	if err != nil {
		return CreatedInvitation{}, err
	}
	return out, nil
}

// Every invitation mails its link to an address the inviting admin chose,
// under a subject and text that carry the organization's name, which the
// admin chose too. Seats bound the open invitations, not the mails: revoking
// one and inviting again sends another. So that an organization (any one,
// made by anyone signing up) cannot mail strangers without end, nor bury one
// address in invitations, the invitations an organization made in the last
// InvitationMailWindow are bounded: InvitationsPerAddress to one address, and
// InvitationsPerWindow or twice the package's max_users, whichever is more,
// in all. Revoked and accepted ones count: their mails went out.
const (
	InvitationMailWindow  = 24 * time.Hour
	InvitationsPerWindow  = 20
	InvitationsPerAddress = 3
)

// requireInvitationMail returns ERATELIMIT (type rate-limited, with the
// wait until the oldest counted invitation leaves the window) when one more
// invitation to email would pass a bound above. Call it in the transaction
// that creates the invitation, after locking the tenant row, so that two
// invitations cannot both pass.
func (s *Service) requireInvitationMail(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, email string, now time.Time) error {
	plan, err := s.limits.Plan(ctx, tenantID)
	if err != nil {
		return err
	}
	since := now.Add(-InvitationMailWindow)
	var made struct {
		Total, ToAddress        int
		OldestAll, OldestToAddr *time.Time
	}
	if err := tx.WithContext(ctx).Raw(`SELECT count(*) AS total, count(*) FILTER (WHERE email = ?) AS to_address,
		min(created_at) AS oldest_all, min(created_at) FILTER (WHERE email = ?) AS oldest_to_addr
		FROM invitations WHERE tenant_id = ? AND created_at > ?`, email, email, tenantID, since).Scan(&made).Error; err != nil {
		return fmt.Errorf("tenancy: count invitations: %w", err)
	}
	perWindow := max(InvitationsPerWindow, 2*plan.Package.MaxUsers)
	refuse := func(limit int, oldest *time.Time, msg string) error {
		wait := time.Minute
		if oldest != nil {
			wait = max(oldest.Add(InvitationMailWindow).Sub(now), time.Second)
		}
		return &apperr.Error{Code: apperr.ERATELIMIT, Type: "rate-limited", Message: msg, RetryAfter: wait, Limit: limit}
	}
	if made.ToAddress >= InvitationsPerAddress {
		return refuse(InvitationsPerAddress, made.OldestToAddr, fmt.Sprintf(
			"%s was invited %d times in the last 24 hours; invite this address again later.", email, made.ToAddress))
	}
	if made.Total >= perWindow {
		return refuse(perWindow, made.OldestAll, fmt.Sprintf(
			"This organization sent %d invitations in the last 24 hours, as many as it may; invite more later.", made.Total))
	}
	return nil
}

// ListInvitations returns the tenant's invitations, newest first.
func (s *Service) ListInvitations(ctx context.Context, tenantID uuid.UUID) ([]Invitation, error) {
	var out []Invitation
	err := s.db.WithContext(ctx).Where("tenant_id = ?", tenantID).Order("created_at DESC").Limit(200).Find(&out).Error
	return out, err
}

// RevokeInvitation withdraws an open invitation. Returns ENOTFOUND (also
// for other tenants' invitations), ECONFLICT (already accepted).
func (s *Service) RevokeInvitation(ctx context.Context, tenantID, id uuid.UUID) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var inv Invitation
		err := tx.Clauses(forUpdate).Where("tenant_id = ? AND id = ?", tenantID, id).Take(&inv).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.Errorf(apperr.ENOTFOUND, "Invitation not found.")
		}
		if err != nil {
			return err
		}
		if inv.AcceptedAt != nil {
			return apperr.Errorf(apperr.ECONFLICT, "The invitation was already accepted; remove the member instead.")
		}
		if inv.RevokedAt != nil {
			return nil
		}
		if err := tx.Model(&inv).Where("tenant_id = ? AND id = ?", tenantID, id).Update("revoked_at", time.Now().UTC()).Error; err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "invitation.revoked", TargetType: "invitation",
			TargetID: id.String(), Data: map[string]any{"email": inv.Email}})
	})
}

// InvitationPreview is what the accept page shows before accepting.
type InvitationPreview struct {
	TenantName string    `json:"tenant_name"`
	Email      string    `json:"email"`
	Role       Role      `json:"role"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// LookupInvitation describes an open invitation. Returns ENOTFOUND for an
// unknown, used, revoked or expired token (one answer for all, so a token
// cannot be probed). It does not say whether the address has an account:
// the org admin who invited it holds the link too, and may invite any
// address.
func (s *Service) LookupInvitation(ctx context.Context, token string) (InvitationPreview, error) {
	var p InvitationPreview
	err := s.db.WithContext(ctx).Raw(`SELECT t.name AS tenant_name, i.email, i.role, i.expires_at
		FROM invitations i JOIN tenants t ON t.id = i.tenant_id
		WHERE i.token_hash = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()`,
		hashToken(token)).Scan(&p).Error
	if err != nil {
		return p, err
	}
	if p.Email == "" {
		return p, errInvitationGone
	}
	return p, nil
}

var errInvitationGone = apperr.Errorf(apperr.ENOTFOUND, "This invitation link is invalid, used, revoked or expired; ask for a new one.")

// ConsumeInvitation marks an open invitation accepted by userID inside tx
// and adds the membership, after checking the seat limit. The caller (the
// identity service) has created or authenticated the user. Returns
// ENOTFOUND, EFORBIDDEN (the user's email differs), ECONFLICT (no seat).
func (s *Service) ConsumeInvitation(ctx context.Context, tx *gorm.DB, token string, userID uuid.UUID, userEmail string) (Invitation, error) {
	// Locks in the order membership changes take them, tenant row first
	// (lockMember; removing an admin revokes their invitations under it):
	// the other order deadlocked an acceptance against that removal.
	var inv Invitation
	var tenantIDs []uuid.UUID
	if err := tx.WithContext(ctx).Model(&Invitation{}).Where("token_hash = ?", hashToken(token)).
		Pluck("tenant_id", &tenantIDs).Error; err != nil {
		return inv, err
	}
	if len(tenantIDs) == 0 {
		return inv, errInvitationGone
	}
	var t Tenant
	if err := tx.Clauses(forUpdate).Where("id = ?", tenantIDs[0]).Take(&t).Error; err != nil {
		return inv, err
	}
	err := tx.WithContext(ctx).Clauses(forUpdate).
		Where("tenant_id = ? AND token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()",
			t.ID, hashToken(token)).
		Take(&inv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return inv, errInvitationGone
	}
	if err != nil {
		return inv, err
	}
	if !strings.EqualFold(inv.Email, userEmail) {
		return inv, apperr.Errorf(apperr.EFORBIDDEN, "This invitation is for another email address.")
	}
	if t.Status == StatusSuspended {
		return inv, apperr.Errorf(apperr.EFORBIDDEN, "This organization is suspended; contact support@1cloudcrm.com.")
	}
	if err := s.limits.RequireSeat(ctx, tx, inv.TenantID, true); err != nil {
		return inv, err
	}
	now := time.Now().UTC()
	if err := tx.Model(&Invitation{}).Where("tenant_id = ? AND id = ?", inv.TenantID, inv.ID).
		Updates(map[string]any{"accepted_at": now, "accepted_by": userID}).Error; err != nil {
		return inv, err
	}
	if err := AddMember(ctx, tx, inv.TenantID, userID, inv.Role); err != nil {
		return inv, err
	}
	inv.AcceptedAt, inv.AcceptedBy = &now, &userID
	return inv, audit.Write(ctx, tx, audit.Event{TenantID: &inv.TenantID, ActorUserID: &userID, ActorLabel: userEmail,
		Action: "invitation.accepted", TargetType: "invitation", TargetID: inv.ID.String(),
		Data: map[string]any{"email": inv.Email, "role": inv.Role}})
}

func newToken() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	t := base64.RawURLEncoding.EncodeToString(b)
	return t, hashToken(t), nil
}

func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}
