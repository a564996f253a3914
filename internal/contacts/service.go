package contacts

import (
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/onecloudai/contacts/internal/db"
)

// Service is the contacts domain: search, details, saved contacts, lists,
// corrections and export. Every method that touches a tenant's view takes
// the tenant id from the caller's authenticated principal.
type Service struct {
	db        *db.DB
	cursorKey []byte
	now       func() time.Time

	// searchGate admits searches in arrival order, a few at a time (nil:
	// no limit). See WithSearchConcurrency.
	searchGate *semaphore.Weighted
	metrics    *Metrics // nil unless WithMetrics set it

	rowsMu sync.Mutex // guards rows and rowsAt (tableRows)
	rows   float64
	rowsAt time.Time
}

// NewService returns a Service over d. cursorKey signs search cursors (HMAC-
// SHA256); any stable secret of at least 16 bytes (the JWT secret will do, as
// cursors are bound to their purpose by a prefix).
func NewService(d *db.DB, cursorKey []byte) *Service {
	return &Service{db: d, cursorKey: append([]byte("contacts-cursor:"), cursorKey...), now: func() time.Time { return time.Now().UTC() }}
}

// WithSearchConcurrency makes Search run at most n searches at a time; the
// others wait in arrival order (or until their context ends). A search is
// CPU work in PostgreSQL; past about twice the database's cores, more of
// them at once only share the cores more thinly, so each takes longer and
// the slowest take longest. Queueing the excess instead keeps a slow
// search's latency close to its own cost (docs/PERFORMANCE.md measures both).
func (s *Service) WithSearchConcurrency(n int) *Service {
	if n > 0 {
		s.searchGate = semaphore.NewWeighted(int64(n))
	}
	return s
}
