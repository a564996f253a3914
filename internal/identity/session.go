package identity

import (
	"net/netip"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm/clause"
)

var forUpdate = clause.Locking{Strength: "UPDATE"}

// session is a login: the family of its refresh tokens.
type session struct {
	ID            uuid.UUID
	UserID        uuid.UUID
	TenantID      *uuid.UUID
	IP            *string
	UserAgent     string
	CreatedAt     time.Time
	LastUsedAt    time.Time
	ExpiresAt     time.Time
	RevokedAt     *time.Time
	RevokedReason *string
}

func (session) TableName() string { return "sessions" }

// refreshToken is one link of a session's rotation chain; only its SHA-256
// is stored.
type refreshToken struct {
	TokenHash []byte
	SessionID uuid.UUID
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	// ReplacedBy is the hash of the token the rotation that spent this one
	// issued (or, after a retry within RefreshReuseGrace, the one issued
	// instead of it).
	ReplacedBy []byte
}

func (refreshToken) TableName() string { return "refresh_tokens" }

func validIP(s string) *string {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return nil
	}
	v := addr.String()
	return &v
}
