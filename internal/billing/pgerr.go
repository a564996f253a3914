package billing

import (
	"gorm.io/gorm/clause"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

var forUpdate = clause.Locking{Strength: "UPDATE"}

// uniqueViolation turns a unique or check violation into a client error.
func uniqueViolation(err error) error {
	switch {
	case db.IsUniqueViolation(err):
		return &apperr.Error{Code: apperr.ECONFLICT, Message: "A package with this code or Stripe price id already exists.", Err: err}
	case db.IsCheckViolation(err):
		return &apperr.Error{Code: apperr.EINVALID, Message: "A limit is out of range (limits cannot be negative; users, jobs and contacts per query at least 1; code lowercase).", Err: err}
	}
	return err
}
