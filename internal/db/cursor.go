package db

import (
	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// IDCursor reads a page cursor that is the id of the last row of the page
// before (keyset paging by a UUIDv7 primary key, newest first: the next
// page is `id < cursor`). Returns EMALFORMED.
func IDCursor(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, apperr.Errorf(apperr.EMALFORMED, "The cursor is not valid.")
	}
	return id, nil
}
