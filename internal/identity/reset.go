package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// Password resets: whoever forgot a password asks for a link by address;
// the link (valid ResetTTL, once) sets a new password and ends every
// session of the account. Asking never says whether an account exists.
const (
	ResetTTL = time.Hour
	// An account gets at most resetsPerAccount links an hour (an address
	// is throttled like sign-in): nobody can fill a mailbox or our outbox.
	resetsPerAccount = 3
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
// publicURL, from jobs that insert enqueues.
func (s *Service) WithPasswordResets(mailer tenancy.Mailer, publicURL string, insert jobs.Inserter) *Service {
	s.mailer, s.publicURL, s.insert = mailer, strings.TrimRight(publicURL, "/"), insert
	return s
}

// ResetRequestArgs is the job that answers one reset request: whether an
// account has the address is looked up here, not in the request, so the
// request takes the same time and answer for every address.
type ResetRequestArgs struct {
	Email string `json:"email"`
	IP    string `json:"ip"`
}

// Kind names the job.
func (ResetRequestArgs) Kind() string { return "identity.password_reset_request" }

// RequestPasswordReset takes a reset request: the same answer and the same
// work whether or not an account has the address (a job looks it up and
// mails the link). An address (IP) may ask 20 times before it must wait
// (ERATELIMIT, like sign-in). Returns EINVALID for an address that is not
// one.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, ci ClientInfo) error {
	email, err := tenancy.NormalizeEmail("email", email)
	if err != nil {
		return err
	}
	if s.mailer == nil || s.insert == nil {
		return errors.New("identity: password resets need a mailer and a job inserter")
	}
	ip := ci.IP
	if validIP(ip) == nil {
		ip = ""
	}
	if err := s.reserveAddressAttempt(ctx, resetIPKey(ip), "Too many reset requests from this address; try again later."); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return s.insert(ctx, tx, ResetRequestArgs{Email: email, IP: ip})
	})
}

// SendPasswordReset answers a reset request (the job's work): it mails a
// link to the account of a.Email, if there is one and it asked for fewer
// than resetsPerAccount links within the hour.
func (s *Service) SendPasswordReset(ctx context.Context, a ResetRequestArgs) error {
	token, hash, err := newSecret()
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		err := tx.Clauses(forUpdate).Where("email = ?", a.Email).Take(&u).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		var recent int64
		if err := tx.Model(&passwordReset{}).Where("user_id = ? AND created_at > ?", u.ID, now.Add(-time.Hour)).
			Count(&recent).Error; err != nil {
			return err
		}
		if recent >= resetsPerAccount {
			return nil // the cap holds quietly: a refusal per request would let anyone fill the audit log
		}
		// Only the newest link works.
		if err := tx.Model(&passwordReset{}).Where("user_id = ? AND used_at IS NULL", u.ID).Update("used_at", now).Error; err != nil {
			return err
		}
		r := passwordReset{ID: uuid.Must(uuid.NewV7()), UserID: u.ID, TokenHash: hash, RequestIP: validIP(a.IP), CreatedAt: now,
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
		return audit.Write(ctx, tx, audit.Event{Action: "user.password_reset_requested", TargetType: "user", TargetID: u.ID.String(),
			IP: a.IP})
	})
}

type resetRequestWorker struct {
	river.WorkerDefaults[ResetRequestArgs]
	svc *Service
}

func (w *resetRequestWorker) Work(ctx context.Context, job *river.Job[ResetRequestArgs]) error {
	return w.svc.SendPasswordReset(ctx, job.Args)
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
	// The link and its account are read first, and the new password hashed
	// before the transaction: a hash may wait for a slot (hashGate), and a
	// transaction waiting with it would hold a connection and two row locks.
	// The transaction then checks the link again under lock.
	_, u, err := s.resetLink(s.db.WithContext(ctx), hash, false)
	if err != nil {
		return err
	}
	if err := ValidatePassword("password", password, u.Email); err != nil {
		return err
	}
	pwHash, err := HashPassword(ctx, password)
	if err != nil {
		return err
	}
	var email string
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The account's row is locked before the link's, the order a
		// password change and a new reset mail take (users, then
		// password_resets): the other order deadlocks with them.
		if err := tx.Clauses(forUpdate).Where("id = ?", u.ID).Take(&User{}).Error; err != nil {
			return err
		}
		_, u, err := s.resetLink(tx, hash, true)
		if err != nil {
			return err
		}
		if err := ValidatePassword("password", password, u.Email); err != nil {
			return err
		}
		if err := s.setPassword(tx, u.ID, pwHash, nil, "password reset"); err != nil {
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
	s.attemptSucceeded(ctx, []string{accountKey(email)}, nil)
	return nil
}

// resetLink reads the unused, unexpired reset link whose token hashes to
// hash and its account, locking both rows when lock is set (inside a
// transaction); errResetLink for any other link.
func (s *Service) resetLink(db *gorm.DB, hash []byte, lock bool) (passwordReset, User, error) {
	q := func() *gorm.DB {
		if lock {
			return db.Clauses(forUpdate)
		}
		return db
	}
	var r passwordReset
	err := q().Where("token_hash = ?", hash).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (r.UsedAt != nil || !s.now().Before(r.ExpiresAt))) {
		return r, User{}, errResetLink()
	}
	if err != nil {
		return r, User{}, err
	}
	var u User
	if err := q().Where("id = ?", r.UserID).Take(&u).Error; err != nil {
		return r, User{}, err
	}
	return r, u, nil
}
