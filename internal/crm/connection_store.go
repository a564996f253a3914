package crm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// connRow is crm_connections.
type connRow struct {
	TenantID         uuid.UUID `gorm:"primaryKey"`
	ID               uuid.UUID
	Status           string
	AccountID        string
	AccountName      string
	Scopes           pq.StringArray `gorm:"type:text[]"`
	KeyID            *string
	AccessTokenEnc   []byte
	RefreshTokenEnc  []byte
	AccessExpiresAt  *time.Time
	RefreshDueAt     *time.Time
	TokenVersion     int64
	ConnectedBy      *uuid.UUID
	ConnectedByLabel string
	ConnectedAt      time.Time
	StatusReason     string
	StatusChangedAt  time.Time
	LastPushAt       *time.Time
	// RefreshLeaseID and RefreshLeaseUntil are the claim of the token
	// refresh in progress (see claimRefresh); a connect clears them.
	RefreshLeaseID    *uuid.UUID
	RefreshLeaseUntil *time.Time
	UpdatedAt         time.Time
}

func (connRow) TableName() string { return "crm_connections" }

// getConnection loads the tenant's connection (nil when there is none),
// locking the row when lock is set.
func getConnection(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, lock bool) (*connRow, error) {
	q := tx.WithContext(ctx).Where("tenant_id = ?", tenantID)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var c connRow
	err := q.Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("crm: load connection: %w", err)
	}
	return &c, nil
}

// lockCallbacks holds the tenant's OAuth callback lock until tx ends. It is
// an advisory lock, not the tenant row's: a tenant's first push request
// locks the connection and then the tenant row (its batch's trigger sets
// tenants.crm_pushed_at), and a callback locking them the other way round
// could deadlock with it.
func lockCallbacks(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID) error {
	err := tx.WithContext(ctx).Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, "crm-callback:"+tenantID.String()).Error
	if err != nil {
		return fmt.Errorf("crm: lock callbacks: %w", err)
	}
	return nil
}

// accountHeldElsewhere takes the CRM account's lock (held to the end of tx)
// and reports whether a tenant other than tenantID holds a connection to it
// that is not disconnected (needs_reauth holds it too: reconnecting resumes
// its pushes to the account).
func accountHeldElsewhere(ctx context.Context, tx *gorm.DB, accountID string, tenantID uuid.UUID) (bool, error) {
	// Its own statement: the read below sees what a callback that held the
	// lock meanwhile committed.
	if err := tx.WithContext(ctx).Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, "crm-account:"+accountID).Error; err != nil {
		return false, fmt.Errorf("crm: lock account: %w", err)
	}
	var n int
	err := tx.WithContext(ctx).Raw(`SELECT count(*) FROM crm_connections WHERE account_id = ? AND tenant_id <> ? AND status <> ?`,
		accountID, tenantID, StatusDisconnected).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("crm: connections of account: %w", err)
	}
	return n > 0, nil
}

// connectionsOfAccount lists the tenants connected to a CRM account.
func connectionsOfAccount(ctx context.Context, tx *gorm.DB, accountID string) ([]connRow, error) {
	var cs []connRow
	err := tx.WithContext(ctx).Where("account_id = ? AND status <> ?", accountID, StatusDisconnected).
		Clauses(clause.Locking{Strength: "UPDATE"}).Find(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("crm: connections of account: %w", err)
	}
	return cs, nil
}

// saveConnection inserts or replaces the tenant's connection.
func saveConnection(ctx context.Context, tx *gorm.DB, c *connRow) error {
	c.UpdatedAt = time.Now().UTC()
	err := tx.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "tenant_id"}}, UpdateAll: true}).Create(c).Error
	if err != nil {
		return fmt.Errorf("crm: save connection: %w", err)
	}
	return nil
}

// saveTokens writes refreshed tokens and ends the refresh's lease.
func saveTokens(ctx context.Context, tx *gorm.DB, c *connRow) error {
	err := tx.WithContext(ctx).Exec(`UPDATE crm_connections SET key_id = ?, access_token_enc = ?, refresh_token_enc = ?,
		access_expires_at = ?, refresh_due_at = ?, token_version = ?, refresh_lease_id = NULL, refresh_lease_until = NULL,
		updated_at = now() WHERE tenant_id = ?`,
		c.KeyID, c.AccessTokenEnc, c.RefreshTokenEnc, c.AccessExpiresAt, c.RefreshDueAt, c.TokenVersion, c.TenantID).Error
	if err != nil {
		return fmt.Errorf("crm: save tokens: %w", err)
	}
	return nil
}

// setNeedsReauth flags a connection that still holds tokens of version.
func setNeedsReauth(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, version int64, reason string, now time.Time) (int64, error) {
	r := tx.WithContext(ctx).Exec(`UPDATE crm_connections SET status = ?, status_reason = ?, status_changed_at = ?, updated_at = now()
		WHERE tenant_id = ? AND status = ? AND token_version = ?`, StatusNeedsReauth, reason, now, tenantID, StatusConnected, version)
	if r.Error != nil {
		return 0, fmt.Errorf("crm: mark needs_reauth: %w", r.Error)
	}
	return r.RowsAffected, nil
}

// setDisconnected deletes the tokens and marks the connection disconnected.
func setDisconnected(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, reason string, now time.Time) error {
	err := tx.WithContext(ctx).Exec(`UPDATE crm_connections SET status = ?, key_id = NULL, access_token_enc = NULL,
		refresh_token_enc = NULL, access_expires_at = NULL, refresh_due_at = NULL, token_version = token_version + 1,
		refresh_lease_id = NULL, refresh_lease_until = NULL, status_reason = ?, status_changed_at = ?, updated_at = now() WHERE tenant_id = ?`,
		StatusDisconnected, reason, now, tenantID).Error
	if err != nil {
		return fmt.Errorf("crm: disconnect: %w", err)
	}
	return nil
}

// takeRefreshLease gives the connection's refresh lease to lease for ttl
// (by the database's clock, the one clock every process shares) unless
// another lease is live (lease's own is renewed). Call it in the
// transaction that locked the row.
func takeRefreshLease(ctx context.Context, tx *gorm.DB, tenantID, lease uuid.UUID, ttl time.Duration) (bool, error) {
	r := tx.WithContext(ctx).Exec(`UPDATE crm_connections SET refresh_lease_id = ?,
		refresh_lease_until = clock_timestamp() + make_interval(secs => ?)
		WHERE tenant_id = ? AND (refresh_lease_until IS NULL OR refresh_lease_until <= clock_timestamp()
		OR refresh_lease_id = ?)`, lease, ttl.Seconds(), tenantID, lease)
	if r.Error != nil {
		return false, fmt.Errorf("crm: take refresh lease: %w", r.Error)
	}
	return r.RowsAffected == 1, nil
}

// dropRefreshLease ends lease if it is still the connection's.
func dropRefreshLease(ctx context.Context, tx *gorm.DB, tenantID, lease uuid.UUID) error {
	err := tx.WithContext(ctx).Exec(`UPDATE crm_connections SET refresh_lease_id = NULL, refresh_lease_until = NULL
		WHERE tenant_id = ? AND refresh_lease_id = ?`, tenantID, lease).Error
	if err != nil {
		return fmt.Errorf("crm: drop refresh lease: %w", err)
	}
	return nil
}

// refreshWaitOver reports whether a worker waiting for another's refresh
// of the tokens of version stale can stop waiting: the tokens moved on,
// the connection changed state, or no lease is live (its holder gave up
// or died) by the database's clock.
func refreshWaitOver(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, stale int64) (bool, error) {
	var waiting []bool
	err := tx.WithContext(ctx).Raw(`SELECT token_version = ? AND status = ? AND refresh_lease_until IS NOT NULL
		AND refresh_lease_until > clock_timestamp() FROM crm_connections WHERE tenant_id = ?`,
		stale, StatusConnected, tenantID).Scan(&waiting).Error
	if err != nil {
		return false, fmt.Errorf("crm: read refresh lease: %w", err)
	}
	return len(waiting) == 0 || !waiting[0], nil
}

func touchLastPush(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, at time.Time) error {
	err := tx.WithContext(ctx).Exec(`UPDATE crm_connections SET last_push_at = ? WHERE tenant_id = ?
		AND (last_push_at IS NULL OR last_push_at < ?)`, at, tenantID, at).Error
	if err != nil {
		return fmt.Errorf("crm: touch last push: %w", err)
	}
	return nil
}

// stateRow is crm_oauth_states.
type stateRow struct {
	TenantID    uuid.UUID
	StateHash   []byte
	UserID      uuid.UUID
	KeyID       string
	VerifierEnc []byte
	BrowserHash []byte // SHA-256 of the browser cookie's nonce (nil: made before it existed)
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      *time.Time
}

func (stateRow) TableName() string { return "crm_oauth_states" }

// insertState stores a new state and forgets the tenant's states that
// ended more than a day ago (kept that long to recognise replays).
func insertState(ctx context.Context, tx *gorm.DB, st *stateRow) error {
	if err := tx.WithContext(ctx).Exec(`DELETE FROM crm_oauth_states WHERE tenant_id = ? AND expires_at < ?`,
		st.TenantID, st.CreatedAt.Add(-24*time.Hour)).Error; err != nil {
		return fmt.Errorf("crm: prune states: %w", err)
	}
	if err := tx.WithContext(ctx).Create(st).Error; err != nil {
		return fmt.Errorf("crm: save state: %w", err)
	}
	return nil
}

// takeState locks the state, marks it used and returns it as it was
// before (nil when unknown). Call it in a transaction: two callbacks with
// the same state are serialised by the lock, and only one sees it unused.
func takeState(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, hash []byte, now time.Time) (*stateRow, error) {
	var st stateRow
	err := tx.WithContext(ctx).Where("tenant_id = ? AND state_hash = ?", tenantID, hash).
		Clauses(clause.Locking{Strength: "UPDATE"}).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("crm: take state: %w", err)
	}
	if st.UsedAt == nil {
		if err := tx.WithContext(ctx).Exec(`UPDATE crm_oauth_states SET used_at = ? WHERE tenant_id = ? AND state_hash = ?`,
			now, tenantID, hash).Error; err != nil {
			return nil, fmt.Errorf("crm: use state: %w", err)
		}
	}
	return &st, nil
}

// memberRole returns the user's role in the tenant ("" when not a member).
func memberRole(ctx context.Context, tx *gorm.DB, tenantID, userID uuid.UUID) (role, email string, err error) {
	var rows []struct{ Role, Email string }
	err = tx.WithContext(ctx).Raw(`SELECT m.role, u.email FROM memberships m JOIN users u ON u.id = m.user_id
		JOIN tenants t ON t.id = m.tenant_id WHERE m.tenant_id = ? AND m.user_id = ? AND t.status = 'active'`,
		tenantID, userID).Scan(&rows).Error
	if err != nil {
		return "", "", fmt.Errorf("crm: member role: %w", err)
	}
	if len(rows) == 0 {
		return "", "", nil
	}
	return rows[0].Role, rows[0].Email, nil
}

// ownershipRow is crm_field_ownership.
type ownershipRow struct {
	TenantID  uuid.UUID
	Field     string
	Mode      string
	UpdatedBy *uuid.UUID
	UpdatedAt time.Time
}

func (ownershipRow) TableName() string { return "crm_field_ownership" }

func loadOwnership(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID) (map[string]string, error) {
	var rows []ownershipRow
	if err := tx.WithContext(ctx).Where("tenant_id = ?", tenantID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("crm: load field ownership: %w", err)
	}
	out := make(map[string]string, len(Fields))
	for _, f := range Fields {
		out[f] = OwnFillIfEmpty
	}
	for _, r := range rows {
		out[r.Field] = r.Mode
	}
	return out, nil
}

func saveOwnership(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, userID *uuid.UUID, modes map[string]string) error {
	rows := make([]ownershipRow, 0, len(modes))
	now := time.Now().UTC()
	// In field order, not the map's random one: the upsert locks the rows
	// in the order it writes them, and two saves at once that took them in
	// different orders deadlocked.
	for _, f := range slices.Sorted(maps.Keys(modes)) {
		rows = append(rows, ownershipRow{TenantID: tenantID, Field: f, Mode: modes[f], UpdatedBy: userID, UpdatedAt: now})
	}
	err := tx.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "tenant_id"}, {Name: "field"}},
		DoUpdates: clause.AssignmentColumns([]string{"mode", "updated_by", "updated_at"})}).Create(&rows).Error
	if err != nil {
		return fmt.Errorf("crm: save field ownership: %w", err)
	}
	return nil
}

// recordWebhook stores a delivery; false means it was seen before.
func recordWebhook(ctx context.Context, tx *gorm.DB, eventID, typ, accountID string, payload []byte) (bool, error) {
	r := tx.WithContext(ctx).Exec(`INSERT INTO crm_webhook_events (event_id, type, account_id, payload)
		VALUES (?, ?, ?, ?::jsonb) ON CONFLICT (event_id) DO NOTHING`, eventID, typ, accountID, string(payload))
	if r.Error != nil {
		// What JSON allows and PostgreSQL's text and jsonb do not: a NUL
		// ("\u0000") or a lone surrogate ("\ud800") in a string.
		if db.HasSQLState(r.Error, "22P05") || db.HasSQLState(r.Error, "22021") || db.HasSQLState(r.Error, "22P02") {
			return false, apperr.Errorf(apperr.EMALFORMED, "The webhook body holds text that cannot be stored (a NUL character or a lone surrogate).")
		}
		return false, fmt.Errorf("crm: record webhook: %w", r.Error)
	}
	return r.RowsAffected == 1, nil
}

// openCounts counts the tenant's open push items.
func openCounts(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID) (queued, paused int, err error) {
	var row struct{ Queued, Paused int }
	err = tx.WithContext(ctx).Raw(`SELECT count(*) FILTER (WHERE status = 'queued') AS queued,
		count(*) FILTER (WHERE status = 'paused') AS paused
		FROM crm_push_items WHERE tenant_id = ? AND status IN ('queued', 'paused')`, tenantID).Scan(&row).Error
	if err != nil {
		return 0, 0, fmt.Errorf("crm: count open pushes: %w", err)
	}
	return row.Queued, row.Paused, nil
}
