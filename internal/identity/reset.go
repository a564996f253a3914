package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/emailaddr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// Password resets: whoever forgot a password asks for a link by address;
// the link (valid ResetTTL, once) sets a new password and ends every
// session of the account. Asking never says whether an account exists.
const (
	ResetTTL = time.Hour
	// An account gets at most resetsPerAccount links an hour and an
	// address (IP) resetsPerIP: nobody can fill a mailbox or our outbox.
	resetsPerAccount = 3
	resetsPerIP      = 20
)

// passwordReset is a row of password_resets.
type passwordReset struct {
	ID        uuid.UUID
	UserID    uuid.UUID
	TokenHash []byte
	RequestIP *string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

func (passwordReset) TableName() string { return "password_resets" }

// WithPasswordResets lets s mail reset links through mailer, built on
// publicURL.
func (s *Service) WithPasswordResets(mailer tenancy.Mailer, publicURL string) *Service {
	s.mailer, s.publicURL = mailer, strings.TrimRight(publicURL, "/")
	return s
}

// RequestPasswordReset mails a reset link to the account of email, if
// there is one and it is within the caps. The answer is the same in every
// case. Returns EINVALID only for an
// address that is not one.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, ci ClientInfo) error {
	email, ok := emailaddr.Normalize(email)
	if !ok {
		return apperr.Invalid("The email address is invalid.", apperr.FieldError{Field: "email", Message: "must be a valid email address"})
	}
	if s.mailer == nil {
		return errors.New("identity: password resets need a mailer")
	}
	token, hash, err := newSecret()
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		err := tx.Clauses(forUpdate).Where("email = ?", email).Take(&u).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		ip := validIP(ci.IP)
		var recent struct{ Account, IP int64 }
		if err := tx.Raw(`SELECT count(*) FILTER (WHERE user_id = ?) AS account,
			count(*) FILTER (WHERE request_ip = ?::inet) AS ip
			FROM password_resets WHERE (user_id = ? OR request_ip = ?::inet) AND created_at > ?`,
			u.ID, ip, u.ID, ip, now.Add(-time.Hour)).Scan(&recent).Error; err != nil {
			return err
		}
		if recent.Account >= resetsPerAccount || recent.IP >= resetsPerIP {
			return audit.Write(ctx, tx, audit.Event{Action: "user.password_reset_refused", TargetType: "user",
				TargetID: u.ID.String(), Data: map[string]any{"reason": "too many links asked for within an hour"}})
		}
		// Only the newest link works.
		if err := tx.Model(&passwordReset{}).Where("user_id = ? AND used_at IS NULL", u.ID).Update("used_at", now).Error; err != nil {
			return err
		}
		r := passwordReset{ID: uuid.Must(uuid.NewV7()), UserID: u.ID, TokenHash: hash, RequestIP: ip, CreatedAt: now,
			ExpiresAt: now.Add(ResetTTL)}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("store password reset: %w", err)
		}
		link := s.publicURL + "/reset-password#token=" + token
		if _, err := s.mailer.Send(ctx, tx, u.Email, "Reset your 1CloudAI Business Contacts password",
			fmt.Sprintf("Someone (we hope you) asked to reset the password of %s.\n\nChoose a new password within an hour:\n%s\n\n"+
				"If you did not ask, ignore this mail: your password stays as it is.\n", u.Email, link)); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{Action: "user.password_reset_requested", TargetType: "user", TargetID: u.ID.String()})
	})
}

// errResetLink is the one answer to a link that does not work.
func errResetLink() error {
	return &apperr.Error{Code: apperr.EINVALID, Type: "invalid-reset-link",
		Message: "This reset link has expired or was used already; ask for a new one.",
		Fields:  []apperr.FieldError{{Field: "token", Message: "is expired, used or unknown"}}}
}

// ResetPassword sets a new password with a reset link's token, once: every
// session of the account ends and the account's sign-in throttle is
// cleared. Returns EINVALID (type invalid-reset-link) for a link that is
// unknown, expired or used, and for a password the policy refuses.
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	if token == "" {
		return errResetLink()
	}
	hash := HashSecret(token)
	var email string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r passwordReset
		err := tx.Clauses(forUpdate).Where("token_hash = ?", hash).Take(&r).Error
		now := s.now()
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (r.UsedAt != nil || !now.Before(r.ExpiresAt))) {
			return errResetLink()
		}
		if err != nil {
			return err
		}
		var u User
		if err := tx.Clauses(forUpdate).Where("id = ?", r.UserID).Take(&u).Error; err != nil {
			return err
		}
		if err := ValidatePassword("password", password, u.Email); err != nil {
			return err
		}
		pwHash, err := HashPassword(password)
		if err != nil {
			return err
		}
		if err := tx.Model(&User{}).Where("id = ?", u.ID).
			Updates(map[string]any{"password_hash": pwHash, "password_changed_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&passwordReset{}).Where("user_id = ? AND used_at IS NULL", u.ID).Update("used_at", now).Error; err != nil {
			return err
		}
		if err := tx.Model(&session{}).Where("user_id = ? AND revoked_at IS NULL", u.ID).
			Updates(map[string]any{"revoked_at": now, "revoked_reason": "password reset"}).Error; err != nil {
			return err
		}
		email = u.Email
		actor := u.ID
		return audit.Write(ctx, tx, audit.Event{ActorUserID: &actor, ActorLabel: u.Email, Action: "user.password_reset",
			TargetType: "user", TargetID: u.ID.String(), Data: map[string]any{"by": "reset link"}})
	})
	if err != nil {
		return err
	}
	s.attemptSucceeded(ctx, []string{accountKey(email)})
	return nil
}
