// Package identity owns users, passwords, sessions and access tokens.
//
// A login creates a session (a rotation family); each refresh spends the
// presented refresh token and issues the next one. Presenting a spent token
// again means it leaked: the whole family is revoked and audited (but for a
// retry within RefreshReuseGrace, while its successor is unused). Access
// tokens are short-lived JWTs (HS256, pinned) naming user, tenant and
// session; Authenticate re-reads user, session, membership and tenant on
// every request, so revocations and role changes apply at once.
package identity

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/freetext"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// User is an account.
type User struct {
	ID                uuid.UUID  `json:"id"`
	Email             string     `json:"email"`
	Name              string     `json:"name"`
	PasswordHash      string     `json:"-"`
	SystemRole        string     `json:"system_role"`
	PasswordChangedAt time.Time  `json:"-"`
	LastLoginAt       *time.Time `json:"last_login_at"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// TableName maps User to its table.
func (User) TableName() string { return "users" }

// Service is the identity service.
type Service struct {
	db        *gorm.DB
	tokens    *TokenIssuer
	tenancy   *tenancy.Service
	now       func() time.Time
	mailer    tenancy.Mailer // password reset links (WithPasswordResets)
	publicURL string
	insert    jobs.Inserter
	keyLocks  *addressLocks // refused API keys' address locks seen (keythrottle.go)
}

// NewService returns a Service.
func NewService(db *gorm.DB, tokens *TokenIssuer, ten *tenancy.Service) *Service {
	return &Service{db: db, tokens: tokens, tenancy: ten, now: func() time.Time { return time.Now().UTC() },
		keyLocks: &addressLocks{until: map[string]time.Time{}}}
}

// WithClock makes s read the time from now instead of the wall clock:
// session and refresh token lifetimes and the refresh grace window follow
// it. Tests move it to cross the window on purpose; it returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = func() time.Time { return now().UTC() }
	return s
}

// Tokens returns the token issuer.
func (s *Service) Tokens() *TokenIssuer { return s.tokens }

// ClientInfo describes where a login comes from.
type ClientInfo struct {
	IP        string
	UserAgent string
}

// Grant is the result of signup, login, refresh, switch-tenant and
// invitation accept: an access token and, for new sessions and refreshes,
// the next refresh token (for the httpOnly cookie).
type Grant struct {
	AccessToken  string
	ExpiresAt    time.Time
	RefreshToken string // empty when the refresh token is unchanged
	User         User
	Tenant       *TenantRef
}

// TenantRef is the current tenant of a grant.
type TenantRef struct {
	ID     uuid.UUID    `json:"id"`
	Name   string       `json:"name"`
	Role   tenancy.Role `json:"role"`
	Status string       `json:"status"`
}

// SignupParams create an account and its tenant.
type SignupParams struct {
	Email      string
	Password   string
	Name       string
	TenantName string
}

// Signup creates a user, a tenant on the Free package with the user as its
// org_admin, and a session. Returns EINVALID (also for a tenant name of
// only spaces, and for an email that is taken), ERATELIMIT (too many
// sign-ups from the address).
func (s *Service) Signup(ctx context.Context, p SignupParams, ci ClientInfo) (Grant, error) {
	p, err := ValidateSignup(p)
	if err != nil {
		return Grant{}, err
	}
	email, tenantName, name := p.Email, p.TenantName, p.Name
	// Each sign-up makes an organization with its own free quotas, costs a
	// password hash, and tells whether the email has an account: an
	// address gets 20, then waits (the doubling lock of sign-in).
	if err := s.reserveAddressAttempt(ctx, signupIPKey(ci.IP), "Too many sign-ups from this address; try again later."); err != nil {
		return Grant{}, err
	}
	hash, err := HashPassword(ctx, p.Password)
	if err != nil {
		return Grant{}, err
	}
	var g Grant
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		u, err := s.createUser(ctx, tx, email, name, hash, tenancy.SystemUser)
		if err != nil {
			return err
		}
		ctx := audit.WithActor(ctx, audit.Actor{UserID: &u.ID, Label: u.Email, IP: ci.IP, RequestID: audit.ActorFrom(ctx).RequestID})
		t, err := tenancy.CreateTenant(ctx, tx, tenantName, u.ID)
		if err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Event{TenantID: &t.ID, Action: "auth.signup", TargetType: "user", TargetID: u.ID.String()}); err != nil {
			return err
		}
		g, err = s.startSession(ctx, tx, u, &TenantRef{ID: t.ID, Name: t.Name, Role: tenancy.RoleOrgAdmin, Status: t.Status}, ci)
		return err
	})
	return g, err
}

// ValidateSignup checks every field of a sign-up and returns them
// normalized. One EINVALID names all the fields that are wrong (its
// message is the field's own when only one is), so a form shows every
// error at once rather than one per attempt.
func ValidateSignup(p SignupParams) (SignupParams, error) {
	var invalid []*apperr.Error
	check := func(err error) error {
		if ae, ok := apperr.As(err); ok && ae.Code == apperr.EINVALID {
			invalid = append(invalid, ae)
			return nil
		}
		return err
	}
	email, err := tenancy.NormalizeEmail("email", p.Email)
	if err := check(err); err != nil {
		return p, err
	}
	// An invalid email is still compared with the password, as typed.
	pwEmail := email
	if pwEmail == "" {
		pwEmail = p.Email
	}
	if err := check(ValidatePassword("password", p.Password, pwEmail)); err != nil {
		return p, err
	}
	tenantName, err := tenancy.NormalizeTenantName("tenant_name", p.TenantName)
	if err := check(err); err != nil {
		return p, err
	}
	name, err := normalizeUserName(p.Name)
	if err := check(err); err != nil {
		return p, err
	}
	switch len(invalid) {
	case 0:
		return SignupParams{Email: email, Password: p.Password, Name: name, TenantName: tenantName}, nil
	case 1:
		return p, invalid[0]
	}
	var fields []apperr.FieldError
	for _, ae := range invalid {
		fields = append(fields, ae.Fields...)
	}
	return p, apperr.Invalid("The sign-up has invalid fields.", fields...)
}

// MaxUserNameLen bounds a person's display name.
const MaxUserNameLen = 200

// normalizeUserName applies the free-text rule to an optional display name
// (a name of invisible characters is no name). Returns EINVALID.
func normalizeUserName(s string) (string, error) {
	return freetext.Field("name", "The name is invalid.", s, 0, MaxUserNameLen)
}

// errEmailTaken is the cause of createUser's answer for an address that
// has an account (made by a request that committed first).
var errEmailTaken = errors.New("identity: the email address has an account")

func (s *Service) createUser(ctx context.Context, tx *gorm.DB, email, name, hash, systemRole string) (User, error) {
	now := s.now()
	u := User{ID: uuid.Must(uuid.NewV7()), Email: email, Name: name, PasswordHash: hash, SystemRole: systemRole,
		PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
	if err := tx.WithContext(ctx).Create(&u).Error; err != nil {
		if db.IsUniqueViolation(err) {
			ae := apperr.Invalid("This email address already has an account; sign in instead.",
				apperr.FieldError{Field: "email", Message: "already has an account"})
			ae.Err = errEmailTaken
			return u, ae
		}
		return u, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// LoginParams authenticate with email and password, optionally choosing
// the tenant to start in.
type LoginParams struct {
	Email    string
	Password string
	TenantID *uuid.UUID
}

// errBadCredentials is the one answer for an unknown email and a wrong
// password, so accounts cannot be enumerated.
var errBadCredentials = apperr.Errorf(apperr.EUNAUTHORIZED, "The email or password is incorrect.")

// Login checks the password and starts a session. Returns EUNAUTHORIZED,
// ERATELIMIT (too many failures for the account or the IP).
func (s *Service) Login(ctx context.Context, p LoginParams, ci ClientInfo) (Grant, error) {
	// People type their password into the email field by mistake: what
	// was typed there is kept (the audit event, the account's throttle key)
	// only when it is an email address. Anything else names no account.
	email, isAddress := tenancy.LoginEmail(p.Email)
	keys := []string{ipKey(ci.IP)}
	var u User
	found := false
	if isAddress {
		keys = append(keys, accountKey(email))
		err := s.db.WithContext(ctx).Where("email = ?", email).Take(&u).Error
		found = err == nil
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return Grant{}, err
		}
	}
	// Compare against a dummy hash for unknown emails: same cost, same answer.
	hash := dummyHash()
	if found {
		hash = u.PasswordHash
	}
	ok, err := s.verifyPassword(ctx, keys, p.Password, hash)
	if err != nil {
		return Grant{}, err
	}
	if !ok || !found {
		ev := audit.Event{Action: "auth.login_failed", TargetType: "email", TargetID: email}
		switch {
		case found:
			ev.TargetType, ev.TargetID = "user", u.ID.String()
		case !isAddress:
			ev.TargetID, ev.Data = "", map[string]any{"email": "not an email address"}
		}
		_ = audit.Write(ctx, s.db, ev)
		return Grant{}, errBadCredentials
	}
	var g Grant
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := passwordUnchanged(tx, u, errBadCredentials); err != nil {
			return err
		}
		ref, err := s.pickTenant(ctx, tx, u.ID, p.TenantID)
		if err != nil {
			return err
		}
		ctx := audit.WithActor(ctx, audit.Actor{UserID: &u.ID, Label: u.Email, IP: ci.IP, RequestID: audit.ActorFrom(ctx).RequestID})
		ev := audit.Event{Action: "auth.login", TargetType: "user", TargetID: u.ID.String()}
		if ref != nil {
			ev.TenantID = &ref.ID
		}
		if err := audit.Write(ctx, tx, ev); err != nil {
			return err
		}
		g, err = s.startSession(ctx, tx, u, ref, ci)
		return err
	})
	return g, err
}

// pickTenant returns the requested tenant if the user is a member, else
// their oldest membership (of an active tenant if they have one), else nil
// (e.g. platform staff without a tenant).
func (s *Service) pickTenant(ctx context.Context, tx *gorm.DB, userID uuid.UUID, want *uuid.UUID) (*TenantRef, error) {
	q := tx.WithContext(ctx).Table("memberships m").Select("t.id, t.name, m.role, t.status").
		Joins("JOIN tenants t ON t.id = m.tenant_id").Where("m.user_id = ?", userID)
	if want != nil {
		q = q.Where("m.tenant_id = ?", *want)
	}
	var refs []TenantRef
	// The oldest membership, an active organization before a suspended one
	// (where the session could do nothing but switch).
	if err := q.Order("t.status = 'suspended', m.created_at").Limit(1).Scan(&refs).Error; err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		if want != nil {
			return nil, apperr.Errorf(apperr.ENOTFOUND, "You are not a member of that organization.")
		}
		return nil, nil
	}
	return &refs[0], nil
}

func (s *Service) startSession(ctx context.Context, tx *gorm.DB, u User, t *TenantRef, ci ClientInfo) (Grant, error) {
	now := s.now()
	sess := session{ID: uuid.Must(uuid.NewV7()), UserID: u.ID, UserAgent: userAgent(ci.UserAgent),
		CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(RefreshTTL)}
	if ip := validIP(ci.IP); ip != nil {
		sess.IP = ip
	}
	if t != nil {
		sess.TenantID = &t.ID
	}
	if err := tx.WithContext(ctx).Create(&sess).Error; err != nil {
		return Grant{}, fmt.Errorf("create session: %w", err)
	}
	// Every new session is a sign-in: signup, login and invitation accept.
	if err := tx.WithContext(ctx).Model(&User{}).Where("id = ?", u.ID).Update("last_login_at", now).Error; err != nil {
		return Grant{}, err
	}
	u.LastLoginAt = &now
	refresh, err := s.newRefreshToken(ctx, tx, sess.ID, now)
	if err != nil {
		return Grant{}, err
	}
	return s.grant(u, t, sess.ID, refresh)
}

func (s *Service) newRefreshToken(ctx context.Context, tx *gorm.DB, sessionID uuid.UUID, now time.Time) (string, error) {
	secret, hash, err := newSecret()
	if err != nil {
		return "", err
	}
	rt := refreshToken{TokenHash: hash, SessionID: sessionID, CreatedAt: now, ExpiresAt: now.Add(RefreshTTL)}
	if err := tx.WithContext(ctx).Create(&rt).Error; err != nil {
		return "", fmt.Errorf("create refresh token: %w", err)
	}
	return secret, nil
}

func (s *Service) grant(u User, t *TenantRef, sessionID uuid.UUID, refresh string) (Grant, error) {
	tenantID := uuid.Nil
	if t != nil {
		tenantID = t.ID
	}
	access, exp, err := s.tokens.Issue(u.ID, tenantID, sessionID)
	if err != nil {
		return Grant{}, err
	}
	return Grant{AccessToken: access, ExpiresAt: exp, RefreshToken: refresh, User: u, Tenant: t}, nil
}

// RefreshReuseGrace is how long after its rotation a refresh token may be
// presented again without ending the session, as long as the token its
// rotation issued has not been used: the client that sent it most likely
// never received the answer (a dropped mobile connection, a proxy timeout,
// a tab closed mid-request) or is a second tab that sent the same cookie at
// the same moment. Such a retry rotates again within the session: the
// unused successor is revoked and a new token issued. Later, or once the
// successor was used, presenting a spent token is reuse (the session ends
// and it is audited). Kept short: a thief holding a just-rotated token gets
// no further than the retry would, and the legitimate client's next refresh
// still trips reuse detection.
const RefreshReuseGrace = 30 * time.Second

var errRefreshInvalid = apperr.Errorf(apperr.EUNAUTHORIZED, "The session has ended; sign in again.")

// Refresh spends a refresh token and issues the next one with a new access
// token. A token presented a second time revokes its whole session family
// (and is audited), unless it comes back within RefreshReuseGrace of its
// rotation while the token that rotation issued is still unused: then it
// rotates again. Returns EUNAUTHORIZED; a revocation of a reused token's
// family that failed is returned as it is (a 500).
func (s *Service) Refresh(ctx context.Context, token string) (Grant, error) {
	if token == "" {
		return Grant{}, errRefreshInvalid
	}
	var g Grant
	reused := false
	var reusedSession session
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Only a token or session that is not there is an invalid refresh;
		// a lookup that failed says nothing about the token (and must not
		// end the session: the handler clears the cookie on 401).
		hash := HashSecret(token)
		var rt refreshToken
		if err := tx.Where("token_hash = ?", hash).Take(&rt).Error; err != nil {
			return refreshLookupError(err)
		}
		// The session row serializes the refreshes of a session: every one
		// locks it before it reads or writes the session's tokens, so the
		// token is read again as the refresh before this one left it.
		var sess session
		if err := tx.Clauses(forUpdate).Where("id = ?", rt.SessionID).Take(&sess).Error; err != nil {
			return refreshLookupError(err)
		}
		if err := tx.Where("token_hash = ?", hash).Take(&rt).Error; err != nil {
			return refreshLookupError(err)
		}
		now := s.now()
		// spent is the token this refresh uses up: the presented one, or
		// for a retry within the grace window the successor it replaces.
		spent := rt.TokenHash
		if rt.UsedAt != nil {
			succ, err := graceSuccessor(tx, rt, now)
			if err != nil {
				return err
			}
			if succ == nil {
				reused, reusedSession = true, sess
				return errRefreshInvalid
			}
			spent = succ.TokenHash
		}
		// An expiry is the first instant a session or token is over.
		if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) || !now.Before(rt.ExpiresAt) {
			return errRefreshInvalid
		}
		var u User
		if err := tx.Where("id = ?", sess.UserID).Take(&u).Error; err != nil {
			return refreshLookupError(err)
		}
		// The session's tenant may have removed the user meanwhile: fall back
		// to another membership, or none.
		var ref *TenantRef
		var err error
		if sess.TenantID != nil {
			ref, err = s.pickTenant(ctx, tx, u.ID, sess.TenantID)
			if apperr.Is(err, apperr.ENOTFOUND) {
				ref, err = s.pickTenant(ctx, tx, u.ID, nil)
			}
		} else {
			ref, err = s.pickTenant(ctx, tx, u.ID, nil)
		}
		if err != nil {
			return err
		}
		var tid *uuid.UUID
		if ref != nil {
			tid = &ref.ID
		}
		if err := tx.Model(&session{}).Where("id = ?", sess.ID).
			Updates(map[string]any{"last_used_at": now, "tenant_id": tid}).Error; err != nil {
			return err
		}
		next, err := s.newRefreshToken(ctx, tx, sess.ID, now)
		if err != nil {
			return err
		}
		nextHash := HashSecret(next)
		if err := tx.Model(&refreshToken{}).Where("token_hash = ?", spent).
			Updates(map[string]any{"used_at": now, "replaced_by": nextHash}).Error; err != nil {
			return err
		}
		if !bytes.Equal(spent, rt.TokenHash) {
			// A retry: the presented token, and any other retried within
			// its window, now lead to the new token instead of the revoked
			// successor, so a second retry is judged by the new one.
			if err := tx.Model(&refreshToken{}).Where("session_id = ? AND replaced_by = ? AND token_hash <> ?", sess.ID, spent, spent).
				Update("replaced_by", nextHash).Error; err != nil {
				return err
			}
		}
		g, err = s.grant(u, ref, sess.ID, next)
		return err
	})
	if reused {
		// Not cut short by the replaying client going away: the family of
		// a leaked token must end whatever becomes of this request. A
		// revocation that failed is this refresh's error (a 500, logged):
		// the family lives on until a replay revokes it.
		if rerr := s.revokeFamily(context.WithoutCancel(ctx), reusedSession, "refresh token reuse"); rerr != nil {
			return g, fmt.Errorf("refresh: revoke the session of a reused token: %w", rerr)
		}
	}
	return g, err
}

// graceSuccessor is the token rt's rotation issued, when rt (spent) is
// presented again within RefreshReuseGrace of that rotation and the
// successor has not been used: a retry of a refresh whose answer was lost,
// or a second tab that sent the same cookie. nil means reuse.
func graceSuccessor(tx *gorm.DB, rt refreshToken, now time.Time) (*refreshToken, error) {
	if rt.ReplacedBy == nil || now.Sub(*rt.UsedAt) > RefreshReuseGrace {
		return nil, nil
	}
	var succ refreshToken
	err := tx.Where("token_hash = ? AND session_id = ?", rt.ReplacedBy, rt.SessionID).Take(&succ).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	if succ.UsedAt != nil || !now.Before(succ.ExpiresAt) {
		return nil, nil
	}
	return &succ, nil
}

// refreshLookupError is errRefreshInvalid for a row that does not exist,
// and an internal error for a lookup that failed.
func refreshLookupError(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errRefreshInvalid
	}
	return fmt.Errorf("refresh: %w", err)
}

// revokeFamily ends a session after its refresh token was replayed, and
// audits that it did. A replay into a session that has ended already
// changes nothing and is not audited again (the refresh route is public:
// anyone holding an old token could otherwise fill the append-only log).
func (s *Service) revokeFamily(ctx context.Context, sess session, reason string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&session{}).Where("id = ? AND revoked_at IS NULL", sess.ID).
			Updates(map[string]any{"revoked_at": s.now(), "revoked_reason": reason})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		var email string
		if err := tx.Model(&User{}).Where("id = ?", sess.UserID).Pluck("email", &email).Error; err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: sess.TenantID, ActorUserID: &sess.UserID, ActorLabel: email,
			Action: "auth.refresh_reuse_detected", TargetType: "session", TargetID: sess.ID.String(),
			Data: map[string]any{"revoked": "session family"}})
	})
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, sessionID uuid.UUID) error {
	return s.db.WithContext(ctx).Model(&session{}).Where("id = ? AND revoked_at IS NULL", sessionID).
		Updates(map[string]any{"revoked_at": s.now(), "revoked_reason": "logout"}).Error
}

// LogoutByRefresh ends the session a refresh token belongs to; a token
// that is no one's ends nothing. A failure to read it is returned: the
// caller must not answer that the session ended.
func (s *Service) LogoutByRefresh(ctx context.Context, token string) error {
	var rt refreshToken
	err := s.db.WithContext(ctx).Where("token_hash = ?", HashSecret(token)).Take(&rt).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("identity: read refresh token: %w", err)
	}
	return s.Logout(ctx, rt.SessionID)
}

// SwitchTenant moves the session to another of the user's tenants and
// issues an access token for it. Returns ENOTFOUND (not a member).
func (s *Service) SwitchTenant(ctx context.Context, p *tenancy.Principal, tenantID uuid.UUID) (Grant, error) {
	var g Grant
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ref, err := s.pickTenant(ctx, tx, p.UserID, &tenantID)
		if err != nil {
			return err
		}
		if err := tx.Model(&session{}).Where("id = ? AND user_id = ?", p.SessionID, p.UserID).Update("tenant_id", tenantID).Error; err != nil {
			return err
		}
		var u User
		if err := tx.Where("id = ?", p.UserID).Take(&u).Error; err != nil {
			return err
		}
		g, err = s.grant(u, ref, p.SessionID, "")
		return err
	})
	return g, err
}

// ChangePassword replaces the password after checking the current one and
// ends every other session of the user. Returns EUNAUTHORIZED (wrong
// current password), EINVALID (policy).
func (s *Service) ChangePassword(ctx context.Context, p *tenancy.Principal, current, next string) error {
	var u User
	if err := s.db.WithContext(ctx).Where("id = ?", p.UserID).Take(&u).Error; err != nil {
		return err
	}
	// A stolen access token must not buy unlimited guesses at the password
	// that would let it take the account over: the account's sign-in
	// throttle counts these checks too.
	ok, err := s.verifyPassword(ctx, []string{accountKey(u.Email)}, current, u.PasswordHash)
	if err != nil {
		return err
	}
	wrongCurrent := apperr.Invalid("The current password is incorrect.", apperr.FieldError{Field: "current_password", Message: "is incorrect"})
	if !ok {
		_ = audit.Write(ctx, s.db, audit.Event{Action: "user.password_change_failed", TargetType: "user", TargetID: u.ID.String()})
		return wrongCurrent
	}
	if err := ValidatePassword("new_password", next, u.Email); err != nil {
		return err
	}
	hash, err := HashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := passwordUnchanged(tx, u, wrongCurrent); err != nil {
			return err
		}
		if err := s.setPassword(tx, u.ID, hash, &p.SessionID, "password changed"); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{Action: "user.password_changed", TargetType: "user", TargetID: u.ID.String()})
	})
}

// passwordUnchanged locks u's row in tx and returns refused when the
// account's password is no longer the hash u holds, the one a check just
// compared with. A check reads the hash, then waits its turn (the sign-in
// throttle's row lock, a hash slot); a password set meanwhile (a reset, a
// change, an administrator) ended every session of the account to lock out
// whoever knew the old one, and a check of the old one must not start a
// session or set a password after it. The lock (not one the membership rows'
// keys need) keeps such a change waiting until tx ends, so that it ends what
// tx starts.
func passwordUnchanged(tx *gorm.DB, u User, refused error) error {
	var hashes []string
	if err := tx.Raw(`SELECT password_hash FROM users WHERE id = ? FOR NO KEY UPDATE`, u.ID).Scan(&hashes).Error; err != nil {
		return err
	}
	if len(hashes) != 1 || hashes[0] != u.PasswordHash {
		return refused
	}
	return nil
}

// wrongAccountPassword is the answer to an invitation accepted with a
// password that is not the existing account's.
func wrongAccountPassword(email string) error {
	return apperr.Invalid("Enter the password of your existing account.",
		apperr.FieldError{Field: "password", Message: "is incorrect for " + email})
}

// setPassword stores a new password hash for userID in tx, spends the
// user's open reset links (one asked for before must not set the password
// again afterwards) and ends the user's sessions (all but keep, the session
// that changed it), as every way of setting a password does: a change, a
// reset link, an administrator.
func (s *Service) setPassword(tx *gorm.DB, userID uuid.UUID, hash string, keep *uuid.UUID, reason string) error {
	now := s.now()
	if err := tx.Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "password_changed_at": now, "updated_at": now}).Error; err != nil {
		return err
	}
	if err := tx.Model(&passwordReset{}).Where("user_id = ? AND used_at IS NULL", userID).Update("used_at", now).Error; err != nil {
		return err
	}
	q := tx.Model(&session{}).Where("user_id = ? AND revoked_at IS NULL", userID)
	if keep != nil {
		q = q.Where("id <> ?", *keep)
	}
	return q.Updates(map[string]any{"revoked_at": now, "revoked_reason": reason}).Error
}

// AcceptParams accept an invitation. A new user gives a name and password;
// an existing user proves the account with its password.
type AcceptParams struct {
	Token    string
	Name     string
	Password string
}

// AcceptInvitation joins the invitation's tenant, creating the account if
// the invited email has none, and starts a session in that tenant.
// Returns ENOTFOUND (bad token), EUNAUTHORIZED (wrong password for an
// existing account), EINVALID, ECONFLICT (no seat left).
func (s *Service) AcceptInvitation(ctx context.Context, p AcceptParams, ci ClientInfo) (Grant, error) {
	preview, err := s.tenancy.LookupInvitation(ctx, p.Token)
	if err != nil {
		return Grant{}, err
	}
	// The name is for a new account; an existing one keeps its own.
	name, err := normalizeUserName(p.Name)
	if err != nil {
		return Grant{}, err
	}
	var existing User
	err = s.db.WithContext(ctx).Where("email = ?", preview.Email).Take(&existing).Error
	exists := err == nil
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return Grant{}, err
	}
	var hash string
	if exists {
		// Proving an existing account is a sign-in: the same throttle, so an
		// invitation cannot serve as an unlimited password oracle.
		ok, err := s.verifyPassword(ctx, []string{accountKey(existing.Email), ipKey(ci.IP)}, p.Password, existing.PasswordHash)
		if err != nil {
			return Grant{}, err
		}
		if !ok {
			_ = audit.Write(ctx, s.db, audit.Event{Action: "auth.login_failed", TargetType: "user", TargetID: existing.ID.String(),
				Data: map[string]any{"via": "invitation"}})
			return Grant{}, wrongAccountPassword(preview.Email)
		}
	} else {
		if err := ValidatePassword("password", p.Password, preview.Email); err != nil {
			return Grant{}, err
		}
		if hash, err = HashPassword(ctx, p.Password); err != nil {
			return Grant{}, err
		}
	}
	var g Grant
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		u := existing
		if exists {
			if err := passwordUnchanged(tx, u, wrongAccountPassword(preview.Email)); err != nil {
				return err
			}
		} else {
			if u, err = s.createUser(ctx, tx, preview.Email, name, hash, tenancy.SystemUser); err != nil {
				return err
			}
		}
		inv, err := s.tenancy.ConsumeInvitation(ctx, tx, p.Token, u.ID, u.Email)
		if err != nil {
			return err
		}
		ref, err := s.pickTenant(ctx, tx, u.ID, &inv.TenantID)
		if err != nil {
			return err
		}
		g, err = s.startSession(ctx, tx, u, ref, ci)
		return err
	})
	if !exists && errors.Is(err, errEmailTaken) {
		// Another request made the account after this one looked: most
		// likely one accepting this very link at once (a double click, a
		// retried submit, two tabs), whose answer is the used link's; else
		// a sign-up or another invitation, and the account's password now
		// accepts this one. Either way the accept form has no email field
		// for the sign-up's answer to point at.
		if _, lerr := s.tenancy.LookupInvitation(ctx, p.Token); lerr != nil {
			return Grant{}, lerr
		}
		return Grant{}, apperr.Invalid("This email address has an account now; enter its password to accept.",
			apperr.FieldError{Field: "password", Message: "must be the password of the account of " + preview.Email})
	}
	return g, err
}

// AcceptInvitationSignedIn accepts an invitation for the signed-in user,
// whose session proves the account (no password), and moves that session to
// the invitation's tenant, as SwitchTenant does. Returns ENOTFOUND (unknown,
// used, revoked or expired), EFORBIDDEN (the invitation is for another email
// address, or the organization is suspended), ECONFLICT (no seat left).
func (s *Service) AcceptInvitationSignedIn(ctx context.Context, p *tenancy.Principal, token string) (Grant, error) {
	var g Grant
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.Where("id = ?", p.UserID).Take(&u).Error; err != nil {
			return err
		}
		inv, err := s.tenancy.ConsumeInvitation(ctx, tx, token, u.ID, u.Email)
		if err != nil {
			return err
		}
		ref, err := s.pickTenant(ctx, tx, u.ID, &inv.TenantID)
		if err != nil {
			return err
		}
		if err := tx.Model(&session{}).Where("id = ? AND user_id = ?", p.SessionID, p.UserID).Update("tenant_id", inv.TenantID).Error; err != nil {
			return err
		}
		g, err = s.grant(u, ref, p.SessionID, "")
		return err
	})
	return g, err
}

// maxUserAgentLen bounds the User-Agent a session keeps, in bytes.
const maxUserAgentLen = 300

// userAgent is the User-Agent a session keeps: text the database takes,
// whatever the client sent. A header may hold any byte but controls, so
// bytes that are not UTF-8 (a Latin-1 "é") become U+FFFD, and a long one is
// cut before the character that would cross maxUserAgentLen, not inside it.
func userAgent(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxUserAgentLen {
		return s
	}
	n := maxUserAgentLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
