package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// ListUsersParams search and page the platform's users.
type ListUsersParams struct {
	Query  string
	Cursor string
	Limit  int
}

// ListUsers returns users newest first. Returns EMALFORMED for a bad cursor.
func (s *Service) ListUsers(ctx context.Context, p ListUsersParams) ([]User, string, error) {
	if p.Limit <= 0 || p.Limit > 100 {
		p.Limit = 25
	}
	var out []User
	find := func(tx *gorm.DB) error {
		q, err := usersQuery(tx, p)
		if err != nil {
			return err
		}
		return q.Find(&out).Error
	}
	// The term decides the plan (a trigram bitmap or the newest first):
	// planned for it each time, not by a cached generic plan.
	if err := db.CustomPlansFor(ctx, s.db, p.Query, find); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > p.Limit {
		out = out[:p.Limit]
		next = out[len(out)-1].ID.String()
	}
	return out, next, nil
}

// usersQuery is ListUsers' statement for p on q.
func usersQuery(q *gorm.DB, p ListUsersParams) (*gorm.DB, error) {
	q = q.Model(&User{}).Order("id DESC").Limit(p.Limit + 1)
	if v := strings.TrimSpace(p.Query); v != "" {
		// email::text: the trigram index on the email is on its text (the
		// column is citext, which pg_trgm does not index); ILIKE folds case
		// either way. A term found in few users is then a bitmap of the two
		// trigram indexes, not a read of every user (users_email_trgm,
		// users_name_trgm; TestListUsersSearchUsesTrigramIndexes).
		q = q.Where("email::text ILIKE ? OR name ILIKE ?", db.Contains(tenancy.EmailQuery(v)), db.Contains(v))
	}
	if p.Cursor != "" {
		id, err := db.IDCursor(p.Cursor)
		if err != nil {
			return nil, err
		}
		q = q.Where("id < ?", id)
	}
	return q, nil
}

// SetSystemRole changes a user's platform role. Staff cannot change their
// own role, so the last system admin cannot lock everyone out by accident.
// Returns EINVALID, EFORBIDDEN (the actor is no longer a system admin),
// ENOTFOUND, ECONFLICT.
func (s *Service) SetSystemRole(ctx context.Context, actor *tenancy.Principal, userID uuid.UUID, role string) (User, error) {
	if role != tenancy.SystemAdmin && role != tenancy.Support && role != tenancy.SystemUser {
		return User{}, apperr.Invalid("Unknown system role.", apperr.FieldError{Field: "system_role", Message: "must be one of: system_admin, support, user"})
	}
	if actor.UserID == userID {
		return User{}, apperr.Errorf(apperr.ECONFLICT, "You cannot change your own system role.")
	}
	var u User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Both rows, in id order: two admins taking each other's role at
		// once take turns, and the second finds its own role gone. The
		// request was authorized with the role read before these locks; a
		// system admin demoted while it waited (the change committed first)
		// must not act on the authority they lost, or two admins demoting
		// each other would leave none.
		var locked []User
		if err := tx.Clauses(forUpdate).Where("id IN ?", []uuid.UUID{actor.UserID, userID}).Order("id").
			Find(&locked).Error; err != nil {
			return err
		}
		acting, found := false, false
		for _, l := range locked {
			switch l.ID {
			case actor.UserID:
				acting = l.SystemRole == tenancy.SystemAdmin
			case userID:
				u, found = l, true
			}
		}
		if !acting {
			return apperr.Errorf(apperr.EFORBIDDEN, "You are no longer a system admin.")
		}
		if !found {
			return apperr.Errorf(apperr.ENOTFOUND, "User not found.")
		}
		if u.SystemRole == role {
			return nil
		}
		from := u.SystemRole
		u.SystemRole = role
		if err := tx.Model(&User{}).Where("id = ?", userID).Update("system_role", role).Error; err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{Action: "user.system_role_changed", TargetType: "user", TargetID: userID.String(),
			Data: map[string]any{"email": u.Email, "from": from, "to": role}})
	})
	return u, err
}

// CreateUser creates an account directly (the `contacts admin create-user`
// bootstrap and the demo seed) with systemRole ("" for an ordinary user).
// An existing email is given the password instead, so the command also
// recovers a staff account: like a password change it ends every session
// of the account, like a reset link it clears the account's sign-in
// throttle, and it is audited (user.password_reset). systemRole "" leaves
// an existing account's role as it is; another role replaces it
// (user.system_role_changed).
func (s *Service) CreateUser(ctx context.Context, email, name, password, systemRole string) (User, error) {
	email, err := tenancy.NormalizeEmail("email", email)
	if err != nil {
		return User{}, err
	}
	if name, err = normalizeUserName(name); err != nil {
		return User{}, err
	}
	if err := ValidatePassword("password", password, email); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(ctx, password)
	if err != nil {
		return User{}, err
	}
	var u User
	reset := false
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(forUpdate).Where("email = ?", email).Take(&u).Error
		if err == nil {
			reset = true
			return s.resetUser(ctx, tx, &u, hash, systemRole)
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if systemRole == "" {
			systemRole = tenancy.SystemUser
		}
		if u, err = s.createUser(ctx, tx, email, name, hash, systemRole); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{Action: "user.created", TargetType: "user", TargetID: u.ID.String(),
			Data: map[string]any{"email": email, "system_role": systemRole}})
	})
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	if reset {
		// As a reset link does: the new password works at once, even on
		// an account whose sign-in wrong guesses had locked.
		s.attemptSucceeded(ctx, []string{accountKey(email)}, nil)
	}
	return u, nil
}

// resetUser gives the existing account u (locked in tx) a new password
// hash, ends its sessions, and changes its system role unless role is "".
func (s *Service) resetUser(ctx context.Context, tx *gorm.DB, u *User, hash, role string) error {
	if err := s.setPassword(tx, u.ID, hash, nil, "password reset by an administrator"); err != nil {
		return err
	}
	u.PasswordHash = hash
	if err := audit.Write(ctx, tx, audit.Event{Action: "user.password_reset", TargetType: "user", TargetID: u.ID.String(),
		Data: map[string]any{"email": u.Email}, ActorStaff: true}); err != nil {
		return err
	}
	if role == "" || role == u.SystemRole {
		return nil
	}
	from := u.SystemRole
	u.SystemRole = role
	if err := tx.Model(&User{}).Where("id = ?", u.ID).Update("system_role", role).Error; err != nil {
		return err
	}
	return audit.Write(ctx, tx, audit.Event{Action: "user.system_role_changed", TargetType: "user", TargetID: u.ID.String(),
		Data: map[string]any{"email": u.Email, "from": from, "to": role}, ActorStaff: true})
}
