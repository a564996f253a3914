package contacts

import (
	"time"

	"github.com/onecloudai/contacts/internal/db"
)

// Service is the contacts domain: search, details, saved contacts, lists,
// corrections and export. Every method that touches a tenant's view takes
// the tenant id from the caller's authenticated principal.
type Service struct {
	db        *db.DB
	cursorKey []byte
	now       func() time.Time
}

// NewService returns a Service over d. cursorKey signs search cursors (HMAC-
// SHA256); any stable secret of at least 16 bytes (the JWT secret will do, as
// cursors are bound to their purpose by a prefix).
func NewService(d *db.DB, cursorKey []byte) *Service {
	return &Service{db: d, cursorKey: append([]byte("contacts-cursor:"), cursorKey...), now: func() time.Time { return time.Now().UTC() }}
}
