package identity

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// ProfileParams are the fields users change on their own account; nil
// leaves a field unchanged. The email address is not here: it is the
// sign-in name and changing it needs proof of the new address.
type ProfileParams struct {
	Name *string
}

// UpdateProfile changes the user's own details: the display name teammates
// see on the team page, in invitations and in the audit log (the Terms make
// users responsible for keeping their user information accurate). The name
// follows the sign-up rule (free text, at most MaxUserNameLen characters,
// may be empty). A change is audited (user.updated, with what the name was
// and became); a save that changes nothing writes and audits nothing.
// Returns EINVALID, ENOTFOUND.
func (s *Service) UpdateProfile(ctx context.Context, userID uuid.UUID, p ProfileParams) (User, error) {
	var name string
	if p.Name != nil {
		var err error
		if name, err = normalizeUserName(*p.Name); err != nil {
			return User{}, err
		}
	}
	var u User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(forUpdate).Where("id = ?", userID).Take(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return apperr.Errorf(apperr.ENOTFOUND, "User not found.")
			}
			return err
		}
		if p.Name == nil || name == u.Name {
			return nil
		}
		changes := map[string][2]string{"name": {u.Name, name}}
		u.Name, u.UpdatedAt = name, s.now()
		if err := tx.Model(&u).Select("name", "updated_at").Updates(&u).Error; err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{Action: "user.updated", TargetType: "user", TargetID: u.ID.String(),
			Data: map[string]any{"changes": changes}})
	})
	return u, err
}
