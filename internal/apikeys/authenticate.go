package apikeys

import (
	"cmp"
	"context"
	"encoding/hex"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm/clause"

	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

var forUpdate = clause.Locking{Strength: "UPDATE"}

// errInvalidKey is the one answer for unknown, revoked, expired and
// malformed keys, so a caller learns nothing about which.
var errInvalidKey = apperr.Errorf(apperr.EUNAUTHORIZED, "The API key is invalid, revoked or expired.")

// Authenticate resolves a key secret to its principal. Returns
// EUNAUTHORIZED (unknown, revoked, expired or malformed), EFORBIDDEN (type
// plan-feature-unavailable when the tenant's package lacks API access, type
// tenant-suspended when the tenant is suspended). Only a principal it
// returns counts as a use of the key (daily requests, last_used_at): a
// refused request is none, and the caller does not rate-limit it either.
func (s *Service) Authenticate(ctx context.Context, secret string) (*tenancy.Principal, error) {
	if !WellFormed(secret) {
		return nil, errInvalidKey
	}
	hash := hashSecret(secret)
	cacheKey := hex.EncodeToString(hash)
	now := s.now()
	s.mu.Lock()
	c, ok := s.cache[cacheKey]
	gen := s.gen
	s.mu.Unlock()
	// An entry ends at c.expires (a key's expiry is its first instant of
	// being expired, as Key.Status has it).
	if !ok || !now.Before(c.expires) {
		c = s.load(ctx, hash)
		switch {
		case c.err != nil && apperr.Code(c.err) == apperr.EINTERNAL:
			return nil, c.err // not cached: a database hiccup must not stick
		case c.keyID == uuid.Nil:
			// An unknown secret is not cached: anyone can make up well-formed
			// ones, and each would hold memory. Its lookup is one index probe.
			return nil, c.err
		}
		// Cached for keyCacheTTL, or until the key itself expires.
		c.expires = now.Add(keyCacheTTL)
		if c.keyExpires != nil && c.keyExpires.Before(c.expires) {
			c.expires = *c.keyExpires
		}
		s.mu.Lock()
		if s.gen == gen { // no revoke or rotation since the lookup began
			s.cache[cacheKey] = c
		}
		s.mu.Unlock()
	}
	if c.err != nil {
		return nil, c.err
	}
	s.count(c.p.TenantID, c.keyID, now)
	p := *c.p
	return &p, nil
}

func (s *Service) load(ctx context.Context, hash []byte) cachedKey {
	var row struct {
		Key
		TenantName   string
		TenantStatus string
		CRMPushed    bool
		Corrected    bool
	}
	err := s.db.WithContext(ctx).Table("api_keys k").
		Select("k.*, t.name AS tenant_name, t.status AS tenant_status, t.crm_pushed_at IS NOT NULL AS crm_pushed, "+
			"t.corrected_at IS NOT NULL AS corrected").
		Joins("JOIN tenants t ON t.id = k.tenant_id").
		Where("k.secret_hash = ?", hash).Take(&row).Error
	if err != nil {
		if isNotFound(err) {
			return cachedKey{err: errInvalidKey}
		}
		return cachedKey{err: err}
	}
	if row.Key.Status(s.now()) != "active" {
		return cachedKey{err: errInvalidKey, keyID: row.ID, tenantID: row.TenantID}
	}
	if row.TenantStatus == tenancy.StatusSuspended {
		// Every permission check would refuse it: refused here, like a
		// revoked key, it is no use of the key and takes nothing from the
		// tenant's per-minute budget.
		return cachedKey{err: limits.ErrSuspended, keyID: row.ID, tenantID: row.TenantID}
	}
	plan, err := s.limits.Plan(ctx, row.TenantID)
	if err != nil {
		return cachedKey{err: err}
	}
	if !plan.Package.APIAccess {
		return cachedKey{err: limits.FeatureError(limits.APIAccess, plan.Package.Code), keyID: row.ID, tenantID: row.TenantID}
	}
	p := &tenancy.Principal{TenantID: row.TenantID, TenantName: row.TenantName, TenantStatus: row.TenantStatus,
		TenantCRMPushed: row.CRMPushed, TenantCorrected: row.Corrected,
		APIKeyID: row.ID, APIKeyName: row.Name + " (" + row.Prefix + "…)", RatePerMinute: plan.Package.APIRequestsPerMinute}
	for _, sc := range row.Scopes {
		p.Scopes = append(p.Scopes, tenancy.Scope(sc))
	}
	return cachedKey{p: p, keyID: row.ID, tenantID: row.TenantID, keyExpires: row.ExpiresAt}
}

// pruneCache drops the entries that have outlived keyCacheTTL, so keys
// that stopped calling do not stay in memory.
func (s *Service) pruneCache() {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, c := range s.cache {
		if !now.Before(c.expires) {
			delete(s.cache, k)
		}
	}
}

// forget drops a key from this instance's cache (after revoke or rotate).
func (s *Service) forget(id uuid.UUID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	for k, c := range s.cache {
		if c.keyID == id {
			delete(s.cache, k)
		}
	}
}

// ForgetTenant drops a tenant's keys from the cache, e.g. after its package
// or status changed on this instance.
func (s *Service) ForgetTenant(tenantID uuid.UUID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	for k, c := range s.cache {
		if c.tenantID == tenantID {
			delete(s.cache, k)
		}
	}
}

// ForgetAll empties this instance's cache, e.g. after a package's terms
// (API access, requests per minute) changed for every tenant that has it.
func (s *Service) ForgetAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	clear(s.cache)
}

func (s *Service) count(tenantID, keyID uuid.UUID, now time.Time) {
	s.mu.Lock()
	s.usage[usageKey{tenantID, keyID, now.Format(time.DateOnly)}]++
	s.last[keyID] = now
	s.mu.Unlock()
}

// FlushUsage writes the gathered request counts and last-use times in one
// statement each. It runs every few seconds (Run) and before usage reads.
// What a statement could not write (the database did not answer, the flush
// was cancelled) goes back into the maps, added to what arrived meanwhile,
// and the next flush writes it. Rows of keys that no longer exist (deleted
// with their tenant) are skipped, not failed: their counts would go with
// the key anyway, and one such row must not fail every later flush nor
// stay in memory for ever. What is kept is one entry per key and day of
// use, and only keys that authenticated count, which takes the database
// every keyCacheTTL: while it does not answer, nothing new is counted.
func (s *Service) FlushUsage(ctx context.Context) {
	s.mu.Lock()
	usage, last := s.usage, s.last
	s.usage, s.last = map[usageKey]int64{}, map[uuid.UUID]time.Time{}
	s.mu.Unlock()
	if len(usage) == 0 && len(last) == 0 {
		return
	}
	if err := s.writeCounts(ctx, usage); err != nil {
		slog.ErrorContext(ctx, "flush api key usage", "error", err)
		s.putBack(usage, last)
		return
	}
	if err := s.writeLastUsed(ctx, last); err != nil {
		slog.ErrorContext(ctx, "flush api key last use", "error", err)
		s.putBack(nil, last)
	}
}

// writeCounts adds usage to the daily counts of the keys that still exist.
func (s *Service) writeCounts(ctx context.Context, usage map[usageKey]int64) error {
	if len(usage) == 0 {
		return nil
	}
	// Rows in one order on every instance, not the maps' random ones: each
	// statement locks its rows in the order it writes them, and two
	// instances flushing the same keys at once in different orders
	// deadlocked, and the victim's counts were lost. (ORDER BY the
	// ordinality keeps that order past the filter on existing keys.)
	ordered := slices.SortedFunc(maps.Keys(usage), func(a, b usageKey) int {
		return cmp.Or(strings.Compare(a.tenantID.String(), b.tenantID.String()),
			strings.Compare(a.keyID.String(), b.keyID.String()), strings.Compare(a.day, b.day))
	})
	var tenants, keys []string
	var days []string
	var counts []int64
	for _, k := range ordered {
		tenants, keys, days, counts = append(tenants, k.tenantID.String()), append(keys, k.keyID.String()), append(days, k.day), append(counts, usage[k])
	}
	return s.db.WithContext(ctx).Exec(`INSERT INTO api_key_usage_daily AS u (tenant_id, key_id, day, requests)
		SELECT t::uuid, k::uuid, d::date, n FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) WITH ORDINALITY AS x(t, k, d, n, i)
		WHERE EXISTS (SELECT 1 FROM api_keys ak WHERE ak.tenant_id = x.t::uuid AND ak.id = x.k::uuid)
		ORDER BY x.i
		ON CONFLICT (tenant_id, key_id, day) DO UPDATE SET requests = u.requests + EXCLUDED.requests`,
		pqArray(tenants), pqArray(keys), pqArray(days), pqInt64Array(counts)).Error
}

// writeLastUsed moves the keys' last_used_at forward to last (a key that
// no longer exists matches no row).
func (s *Service) writeLastUsed(ctx context.Context, last map[uuid.UUID]time.Time) error {
	if len(last) == 0 {
		return nil
	}
	ids, times := make([]string, 0, len(last)), make([]string, 0, len(last))
	for _, id := range slices.SortedFunc(maps.Keys(last), func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) }) {
		ids, times = append(ids, id.String()), append(times, last[id].Format(time.RFC3339Nano))
	}
	return s.db.WithContext(ctx).Exec(`UPDATE api_keys k SET last_used_at = greatest(k.last_used_at, x.t::timestamptz)
		FROM unnest(?::text[], ?::text[]) AS x(id, t) WHERE k.id = x.id::uuid`, pqArray(ids), pqArray(times)).Error
}

// putBack returns what a flush could not write to the maps, merged with
// what was counted since: requests added, the later use kept.
func (s *Service) putBack(usage map[usageKey]int64, last map[uuid.UUID]time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, n := range usage {
		s.usage[k] += n
	}
	for id, at := range last {
		if at.After(s.last[id]) {
			s.last[id] = at
		}
	}
}

// Run flushes usage every interval until ctx ends, then once more. Each
// interval it also prunes what metering keeps for a short time: ended rate
// windows and search receipts past the free-repeat window.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.FlushUsage(context.WithoutCancel(ctx))
			return
		case <-t.C:
			s.FlushUsage(ctx)
			s.limits.PruneRateWindows(ctx)
			s.limits.PruneSearchReceipts(ctx)
			s.pruneCache()
		}
	}
}
