// Package apikeys issues, rotates, revokes and authenticates tenant API
// keys. A key carries a subset of the tenant permission scopes (never more
// than an org admin has); only its SHA-256 is stored. Authentication reads
// the key and its tenant on every request (one indexed query), so a
// revocation, a suspension or a package change made on any instance holds
// from the next request on every instance; only the tenant's computed plan
// is cached, per tenant, keyed by a digest of the rows it comes from. Per-key
// request counts and last_used_at are gathered in memory and written in
// batches.
package apikeys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/freetext"
	"github.com/onecloudai/contacts/internal/quietlog"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// planCacheTTL bounds how long a tenant's plan is reused while the rows it
// comes from are unchanged: a plan also changes by the clock alone (a
// manual plan's end, a grace period's end), which no row says.
const planCacheTTL = 10 * time.Second

// MaxRotationOverlap is the longest an old secret stays valid after rotation.
const MaxRotationOverlap = 7 * 24 * time.Hour

// Key is an API key without its secret.
type Key struct {
	TenantID      uuid.UUID      `json:"tenant_id"`
	ID            uuid.UUID      `json:"id"`
	Name          string         `json:"name"`
	Prefix        string         `json:"prefix"`
	SecretHash    []byte         `json:"-"`
	Scopes        pq.StringArray `json:"scopes" gorm:"type:text[]"`
	CreatedBy     *uuid.UUID     `json:"created_by"`
	CreatedAt     time.Time      `json:"created_at"`
	ExpiresAt     *time.Time     `json:"expires_at"`
	RevokedAt     *time.Time     `json:"revoked_at"`
	LastUsedAt    *time.Time     `json:"last_used_at"`
	RotatedFromID *uuid.UUID     `json:"rotated_from_id"`
}

// TableName maps Key to its table.
func (Key) TableName() string { return "api_keys" }

// Status is active, expired or revoked.
func (k Key) Status(now time.Time) string {
	switch {
	case k.RevokedAt != nil:
		return "revoked"
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		return "expired"
	default:
		return "active"
	}
}

// Service manages API keys.
type Service struct {
	db     *gorm.DB
	limits *limits.Service
	now    func() time.Time
	// log is the process's logger (WithLogger); a usage flush the
	// database refused is written there.
	log *slog.Logger
	// finalFlushTimeout is FinalFlushTimeout (tests shorten it).
	finalFlushTimeout time.Duration

	mu    sync.Mutex
	plans map[uuid.UUID]cachedPlan // by tenant
	usage map[usageKey]int64       // requests not yet written
	last  map[uuid.UUID]time.Time

	memMu   sync.Mutex
	refused *recentSet // secrets refused within RefusedMemory (memory.go)
	valid   *recentSet // active keys' secrets used within ValidMemory
	lookups atomic.Int64
}

// cachedPlan is what a key needs of its tenant's plan.
type cachedPlan struct {
	digest        string    // of the rows it was computed from (keyRow.PlanDigest)
	expires       time.Time // of the entry
	apiAccess     bool
	code          string
	ratePerMinute int
}

type usageKey struct {
	tenantID, keyID uuid.UUID
	day             string
}

// NewService returns a Service.
func NewService(db *gorm.DB, lim *limits.Service) *Service {
	return &Service{db: db, limits: lim, now: func() time.Time { return time.Now().UTC() }, log: slog.Default(),
		finalFlushTimeout: FinalFlushTimeout,
		plans:             map[uuid.UUID]cachedPlan{}, usage: map[usageKey]int64{}, last: map[uuid.UUID]time.Time{},
		refused: newRecentSet(RefusedMemory, maxRemembered), valid: newRecentSet(ValidMemory, maxRemembered)}
}

// WithLogger makes s log to log, the process's JSON logger, instead of
// slog's default (plain text lines among the JSON ones, deaf to
// LOG_LEVEL). A flush that fails the same way again within
// quietlog's window (the database down: one every few seconds) is
// counted, not written. It returns s.
func (s *Service) WithLogger(log *slog.Logger) *Service {
	s.log = slog.New(quietlog.NewHandler(log.Handler(), time.Minute))
	return s
}

// WithClock makes s read the time from now instead of the wall clock (tests
// pin it so that a day cannot end mid-test); it returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = func() time.Time { return now().UTC() }
	return s
}

// CreateParams describe a new key.
type CreateParams struct {
	Name      string
	Scopes    []string
	ExpiresAt *time.Time
}

// Created is a key with its secret, returned exactly once.
type Created struct {
	Key
	Secret string
}

func validScopes(scopes []string) error {
	if len(scopes) == 0 {
		return apperr.Invalid("Choose at least one scope.", apperr.FieldError{Field: "scopes", Message: "must contain at least 1 item"})
	}
	for i, s := range scopes {
		if !slices.Contains(tenancy.Scopes, tenancy.Scope(s)) {
			return apperr.Invalid("Unknown scope.", apperr.FieldError{Field: fmt.Sprintf("scopes[%d]", i),
				Message: "must be one of: " + joinScopes()})
		}
		if slices.Index(scopes, s) != i {
			return apperr.Invalid("Duplicate scope.", apperr.FieldError{Field: fmt.Sprintf("scopes[%d]", i), Message: "is listed twice"})
		}
	}
	return nil
}

func joinScopes() string {
	out := make([]string, len(tenancy.Scopes))
	for i, s := range tenancy.Scopes {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// MaxNameLen bounds a key's name.
const MaxNameLen = 100

// MaxLiveKeys caps a tenant's keys that are neither revoked nor expired:
// every one of them is a way into the tenant's data, and the list answers
// all of them.
const MaxLiveKeys = 100

// liveSQL is true for a key that is neither revoked nor expired.
const liveSQL = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"

// maxListed bounds the list: every live key, then the newest retired ones.
const maxListed = 500

// Create issues a key. Returns EINVALID, EFORBIDDEN (type
// plan-feature-unavailable: the package has no API access).
func (s *Service) Create(ctx context.Context, tenantID, creatorID uuid.UUID, p CreateParams) (Created, error) {
	var err error
	if p.Name, err = freetext.Field("name", "The key's name is invalid.", p.Name, 1, MaxNameLen); err != nil {
		return Created{}, err
	}
	if err := validScopes(p.Scopes); err != nil {
		return Created{}, err
	}
	now := s.now()
	if p.ExpiresAt != nil {
		// As the database keeps it (UTC, microseconds), so the key
		// answered now is the key read back later.
		at := p.ExpiresAt.UTC().Truncate(time.Microsecond)
		p.ExpiresAt = &at
	}
	if p.ExpiresAt != nil && !p.ExpiresAt.After(now) {
		return Created{}, apperr.Invalid("The expiry is in the past.", apperr.FieldError{Field: "expires_at", Message: "must be in the future"})
	}
	if err := s.limits.RequireFeature(ctx, tenantID, limits.APIAccess); err != nil {
		return Created{}, err
	}
	var out Created
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockTenantKeys(tx, tenantID); err != nil {
			return err
		}
		if err := roomForAnotherKey(tx, tenantID, "Revoke one it no longer uses first."); err != nil {
			return err
		}
		var err error
		out, err = s.insert(ctx, tx, tenantID, &creatorID, p.Name, p.Scopes, p.ExpiresAt, nil)
		if err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "api_key.created", TargetType: "api_key",
			TargetID: out.ID.String(), Data: map[string]any{"name": out.Name, "prefix": out.Prefix, "scopes": p.Scopes, "expires_at": p.ExpiresAt}})
	})
	return out, err
}

// lockTenantKeys takes the tenant row's lock, so that two concurrent
// creations or rotations count each other's keys.
func lockTenantKeys(tx *gorm.DB, tenantID uuid.UUID) error {
	return tx.Exec(`SELECT 1 FROM tenants WHERE id = ? FOR NO KEY UPDATE`, tenantID).Error
}

// roomForAnotherKey returns ECONFLICT when the tenant has MaxLiveKeys live
// keys already; what then sentences what to do instead.
func roomForAnotherKey(tx *gorm.DB, tenantID uuid.UUID, what string) error {
	var live int64
	if err := tx.Model(&Key{}).Where("tenant_id = ? AND "+liveSQL, tenantID).Count(&live).Error; err != nil {
		return err
	}
	if live >= MaxLiveKeys {
		return apperr.Errorf(apperr.ECONFLICT, "This organization has %d live API keys, the most it can have. %s", live, what)
	}
	return nil
}

func (s *Service) insert(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, creator *uuid.UUID, name string, scopes []string, expires *time.Time, from *uuid.UUID) (Created, error) {
	secret, err := newSecret()
	if err != nil {
		return Created{}, err
	}
	k := Key{TenantID: tenantID, ID: uuid.Must(uuid.NewV7()), Name: name, Prefix: secret[:visiblePrefix],
		SecretHash: hashSecret(secret), Scopes: scopes, CreatedBy: creator, CreatedAt: s.now(), ExpiresAt: expires, RotatedFromID: from}
	if err := tx.WithContext(ctx).Create(&k).Error; err != nil {
		return Created{}, fmt.Errorf("create api key: %w", err)
	}
	return Created{Key: k, Secret: secret}, nil
}

// KeyView is a key with its creator's email, for the list.
type KeyView struct {
	Key
	CreatorEmail string
}

// List returns the tenant's keys: every live one, then the newest revoked
// or expired ones up to maxListed in all, each part newest first. Retired
// keys are kept for the log, so they could otherwise push a live key out
// of the list that revokes it.
func (s *Service) List(ctx context.Context, tenantID uuid.UUID) ([]KeyView, error) {
	var rows []KeyView
	err := s.db.WithContext(ctx).Table("api_keys k").
		Select("k.*, coalesce(u.email, '') AS creator_email").
		Joins("LEFT JOIN users u ON u.id = k.created_by").
		Where("k.tenant_id = ?", tenantID).
		Order("(" + liveSQL + ") DESC, k.id DESC"). // users has neither column
		Limit(maxListed).Scan(&rows).Error
	return rows, err
}

func (s *Service) get(ctx context.Context, tx *gorm.DB, tenantID, id uuid.UUID) (Key, error) {
	var k Key
	err := tx.WithContext(ctx).Clauses(forUpdate).Where("tenant_id = ? AND id = ?", tenantID, id).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return k, apperr.Errorf(apperr.ENOTFOUND, "API key not found.")
	}
	return k, err
}

// Revoke ends a key at once. Returns ENOTFOUND (also for another tenant's key).
func (s *Service) Revoke(ctx context.Context, tenantID, id uuid.UUID) error {
	var k Key
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if k, err = s.get(ctx, tx, tenantID, id); err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return nil
		}
		if err := tx.Model(&Key{}).Where("tenant_id = ? AND id = ?", tenantID, id).Update("revoked_at", s.now()).Error; err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "api_key.revoked", TargetType: "api_key",
			TargetID: id.String(), Data: map[string]any{"name": k.Name, "prefix": k.Prefix}})
	})
	return err
}

// Rotate issues a new secret for a key (a new key with the same name,
// scopes and expiry) and keeps the old secret valid for overlap (0 to 7
// days), so live integrations can switch without downtime. A key whose
// successors were all revoked can be rotated again while its secret still
// works. Returns EINVALID, EFORBIDDEN (type plan-feature-unavailable: the
// package has no API access, so the new secret could not be used),
// ENOTFOUND, ECONFLICT (rotated already, naming the successor; revoked or
// expired key; with an overlap, MaxLiveKeys live keys already).
func (s *Service) Rotate(ctx context.Context, tenantID, id, actorID uuid.UUID, overlap time.Duration) (Created, error) {
	if overlap < 0 || overlap > MaxRotationOverlap {
		return Created{}, apperr.Invalid("The overlap is out of range.", apperr.FieldError{Field: "overlap_hours", Message: "must be between 0 and 168"})
	}
	if err := s.limits.RequireFeature(ctx, tenantID, limits.APIAccess); err != nil {
		return Created{}, err
	}
	var out Created
	var old Key
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockTenantKeys(tx, tenantID); err != nil {
			return err
		}
		var err error
		if old, err = s.get(ctx, tx, tenantID, id); err != nil {
			return err
		}
		// A key is rotated once: a second rotation (a retry, two tabs)
		// would give the key a second successor. Asked before the status,
		// since a rotated key expires when its overlap ends (at once
		// without one): the answer names the successor to rotate instead
		// of sending the caller to make a key. A revoked successor does
		// not count: the old secret is then the integration's only one,
		// and rotating it again is how it gets a working successor.
		var successors []Key
		if err := tx.Where("tenant_id = ? AND rotated_from_id = ?", tenantID, id).Order("id DESC").Find(&successors).Error; err != nil {
			return err
		}
		expires := old.ExpiresAt
		for _, k := range successors {
			if k.RevokedAt == nil {
				return apperr.Errorf(apperr.ECONFLICT, "The key was rotated already; its successor is %s….", k.Prefix)
			}
		}
		if len(successors) > 0 {
			// The first rotation cut the old key's expiry to its overlap;
			// its successor kept the key's own expiry, which the new one takes.
			expires = successors[0].ExpiresAt
		}
		if st := old.Status(s.now()); st != "active" {
			return apperr.Errorf(apperr.ECONFLICT, "The key is %s; create a new one instead.", st)
		}
		// With an overlap the old secret stays live beside the new one: the
		// rotation adds a live key, and counts against MaxLiveKeys as a
		// creation does (else rotating the newest key again and again grew
		// the live keys without bound). Without one it replaces the key.
		if overlap > 0 {
			if err := roomForAnotherKey(tx, tenantID, "Revoke one it no longer uses, or rotate without an overlap."); err != nil {
				return err
			}
		}
		if out, err = s.insert(ctx, tx, tenantID, &actorID, old.Name, old.Scopes, expires, &old.ID); err != nil {
			return err
		}
		end := s.now().Add(overlap)
		if old.ExpiresAt == nil || end.Before(*old.ExpiresAt) {
			if err := tx.Model(&Key{}).Where("tenant_id = ? AND id = ?", tenantID, id).Update("expires_at", end).Error; err != nil {
				return err
			}
		} else {
			end = *old.ExpiresAt // an overlap never lengthens the old secret's life
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "api_key.rotated", TargetType: "api_key",
			TargetID: id.String(), Data: map[string]any{"name": old.Name, "new_key_id": out.ID, "new_prefix": out.Prefix,
				"old_valid_until": end.Format(time.RFC3339)}})
	})
	return out, err
}

// DayCount is one day of a key's requests.
type DayCount struct {
	Day      time.Time `json:"day"`
	Requests int64     `json:"requests"`
}

// Usage returns a key's requests per UTC day for the last days, today
// last, zero days included. Returns ENOTFOUND.
func (s *Service) Usage(ctx context.Context, tenantID, id uuid.UUID, days int) ([]DayCount, error) {
	if _, err := s.get(ctx, s.db, tenantID, id); err != nil {
		return nil, err
	}
	s.FlushUsage(ctx)
	var out []DayCount
	// Requests are counted under their UTC day (count), so today is the
	// service clock's UTC date, not the database session's current_date,
	// which follows its TimeZone setting.
	today := s.now().Format(time.DateOnly)
	err := s.db.WithContext(ctx).Raw(`SELECT d.day, coalesce(u.requests, 0) AS requests
		FROM (SELECT ?::date - i AS day FROM generate_series(0, ?::int - 1) i) d
		LEFT JOIN api_key_usage_daily u ON u.tenant_id = ? AND u.key_id = ? AND u.day = d.day
		ORDER BY d.day`, today, days, tenantID, id).Scan(&out).Error
	return out, err
}
