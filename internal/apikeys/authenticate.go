package apikeys

import (
	"cmp"
	"context"
	"crypto/sha256"
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

// KeyRead is what AuthenticateFrom did besides its answer.
type KeyRead struct {
	// LookedUp: the key was read from the database (a refusal without it
	// is a malformed secret, or one refused within RefusedMemory).
	LookedUp bool
	// AddressLockedFor is how much longer the caller's address stays
	// locked for refused keys, as the lookup read it (0: not locked).
	AddressLockedFor time.Duration
}

// AuthenticateFrom resolves a key secret to its principal. Returns
// EUNAUTHORIZED (unknown, revoked, expired or malformed), EFORBIDDEN (type
// plan-feature-unavailable when the tenant's package lacks API access, type
// tenant-suspended when the tenant is suspended). Only a principal it
// returns counts as a use of the key (daily requests, last_used_at): a
// refused request is none, and the caller does not rate-limit it either.
// A secret refused within RefusedMemory is refused again without a lookup
// (memory.go says why that is safe).
//
// throttleKey names the caller's address's refused-key throttle
// (identity.APIKeyThrottleKey); the same query reads its lock, reported in
// the KeyRead whatever the answer (a valid key is served all the same: its
// lookup is paid, and it is no guess), so a valid key pays no query of its
// own for it.
//
// Every call reads the key and its tenant from the database (one indexed
// query), so what any instance changed (a revocation, a rotation's end,
// a suspension, the tenant's name or flags) holds from the next request
// on every instance. The only thing kept is what a tenant's plan needs:
// the digest of the rows that read returns is the version of the rows the
// tenant's plan is computed from (its subscription, the packages); the
// plan is cached per tenant while that digest is unchanged (planCacheTTL
// at most, for changes that come by the clock alone).
func (s *Service) AuthenticateFrom(ctx context.Context, secret, throttleKey string) (*tenancy.Principal, KeyRead, error) {
	var read KeyRead
	if !WellFormed(secret) {
		return nil, read, errInvalidKey
	}
	hash := sha256.Sum256([]byte(secret))
	now := s.now()
	s.memMu.Lock()
	refused := s.refused.has(hash, now)
	s.memMu.Unlock()
	if refused {
		return nil, read, errInvalidKey
	}
	read.LookedUp = true
	s.lookups.Add(1)
	row, err := s.lookup(ctx, hash[:], throttleKey)
	read.AddressLockedFor = time.Duration(row.AddressLockedFor * float64(time.Second))
	if err != nil {
		if isNotFound(err) {
			// No row, so no lock either: counting the refusal
			// (identity.Service.KeyRefused) tells a locked address.
			s.remember(hash, false)
			return nil, read, errInvalidKey
		}
		return nil, read, err
	}
	if row.Key.Status(now) != "active" {
		s.remember(hash, false)
		return nil, read, errInvalidKey
	}
	s.remember(hash, true)
	if row.TenantStatus == tenancy.StatusSuspended {
		// Every permission check would refuse it: refused here, like a
		// revoked key, it is no use of the key and takes nothing from the
		// tenant's per-minute budget.
		return nil, read, limits.ErrSuspended
	}
	plan, err := s.plan(ctx, row.TenantID, row.PlanDigest, now)
	if err != nil {
		return nil, read, err
	}
	if !plan.apiAccess {
		return nil, read, limits.FeatureError(limits.APIAccess, plan.code)
	}
	p := &tenancy.Principal{TenantID: row.TenantID, TenantName: row.TenantName, TenantStatus: row.TenantStatus,
		TenantCRMPushed: row.CRMPushed, TenantCorrected: row.Corrected,
		APIKeyID: row.ID, APIKeyName: row.Name + " (" + row.Prefix + "…)", RatePerMinute: plan.ratePerMinute}
	for _, sc := range row.Scopes {
		p.Scopes = append(p.Scopes, tenancy.Scope(sc))
	}
	s.count(row.TenantID, row.ID, now)
	return p, read, nil
}

// keyRow is a key with what its principal needs of its tenant.
type keyRow struct {
	Key
	TenantName   string
	TenantStatus string
	CRMPushed    bool
	Corrected    bool
	// PlanDigest changes whenever a row limits.Plan reads for the tenant
	// does: its subscription (both sides of a manual plan) or a package.
	PlanDigest string
	// AddressLockedFor is how many seconds the caller's address stays
	// locked for refused keys (0 when it is not).
	AddressLockedFor float64
}

// lookup reads a key by its secret's hash. The plan digest is the xmin of
// the tenant's subscription row (one a tenant, both sides of a manual plan)
// and of every package: a row's xmin is the transaction that wrote its
// version, so any committed insert, update or delete changes the digest
// (the optimistic-concurrency token PostgreSQL drivers use; freezing keeps
// it). The packages are few (the platform's catalogue), so listing them
// all costs less than naming the two or three the plan reads. The lock of
// throttleKey ("" for none) is one more primary-key read in the same query.
func (s *Service) lookup(ctx context.Context, hash []byte, throttleKey string) (keyRow, error) {
	var row keyRow
	err := s.db.WithContext(ctx).Table("api_keys k").
		Select("k.*, t.name AS tenant_name, t.status AS tenant_status, t.crm_pushed_at IS NOT NULL AS crm_pushed, "+
			"t.corrected_at IS NOT NULL AS corrected, "+
			"concat_ws('|', (SELECT s.xmin::text FROM subscriptions s WHERE s.tenant_id = k.tenant_id), "+
			"(SELECT string_agg(p.xmin::text, ',' ORDER BY p.id) FROM packages p)) AS plan_digest, "+
			"coalesce((SELECT extract(epoch FROM a.locked_until - now())::float8 FROM auth_throttle a "+
			"WHERE a.key = ? AND a.locked_until > now()), 0) AS address_locked_for", throttleKey).
		Joins("JOIN tenants t ON t.id = k.tenant_id").
		Where("k.secret_hash = ?", hash).Take(&row).Error
	return row, err
}

// plan returns what a key needs of its tenant's plan: from the cache when
// the entry was computed from the rows digest names and has not ended,
// else from limits.Plan.
func (s *Service) plan(ctx context.Context, tenantID uuid.UUID, digest string, now time.Time) (cachedPlan, error) {
	s.mu.Lock()
	c, ok := s.plans[tenantID]
	s.mu.Unlock()
	if ok && c.digest == digest && now.Before(c.expires) {
		return c, nil
	}
	plan, err := s.limits.Plan(ctx, tenantID)
	if err != nil {
		return cachedPlan{}, err
	}
	// If a change committed after the digest was read, the plan read here
	// is newer than the digest, and the next request's digest differs:
	// the entry is then replaced, never trusted past the change.
	c = cachedPlan{digest: digest, expires: now.Add(planCacheTTL), apiAccess: plan.Package.APIAccess,
		code: plan.Package.Code, ratePerMinute: plan.Package.APIRequestsPerMinute}
	// A plan also changes by the clock: at the end of a period that does
	// not renew, or of a payment's grace period.
	if sub := plan.Subscription; sub != nil && sub.CurrentPeriodEnd != nil && sub.CurrentPeriodEnd.After(now) && sub.CurrentPeriodEnd.Before(c.expires) {
		c.expires = *sub.CurrentPeriodEnd
	}
	if g := plan.GraceEndsAt; g != nil && g.After(now) && g.Before(c.expires) {
		c.expires = *g
	}
	s.mu.Lock()
	s.plans[tenantID] = c
	s.mu.Unlock()
	return c, nil
}

// pruneCache drops the plans that have outlived planCacheTTL, so tenants
// whose keys stopped calling do not stay in memory.
func (s *Service) pruneCache() {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, c := range s.plans {
		if !now.Before(c.expires) {
			delete(s.plans, id)
		}
	}
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
// on every request (AuthenticateFrom): while it does not answer, nothing
// new is counted.
func (s *Service) FlushUsage(ctx context.Context) {
	s.mu.Lock()
	usage, last := s.usage, s.last
	s.usage, s.last = map[usageKey]int64{}, map[uuid.UUID]time.Time{}
	s.mu.Unlock()
	if len(usage) == 0 && len(last) == 0 {
		return
	}
	if err := s.writeCounts(ctx, usage); err != nil {
		s.log.ErrorContext(ctx, "flush api key usage", "error", err)
		s.putBack(usage, last)
		return
	}
	if err := s.writeLastUsed(ctx, last); err != nil {
		s.log.ErrorContext(ctx, "flush api key last use", "error", err)
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

// FinalFlushTimeout bounds the flush Run makes once its context ends: the
// process waits for it before it exits (SIGTERM), and a database that does
// not answer must not hold the exit past the orchestrator's grace. What it
// could not write is lost, and logged as a failed flush.
const FinalFlushTimeout = 5 * time.Second

// Run flushes usage every interval until ctx ends, then once more (for up
// to FinalFlushTimeout). Each interval it also prunes what metering keeps
// for a short time: ended rate windows and search receipts past the
// free-repeat window.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.finalFlushTimeout)
			s.FlushUsage(fctx)
			cancel()
			return
		case <-t.C:
			s.FlushUsage(ctx)
			s.limits.PruneRateWindows(ctx)
			s.limits.PruneSearchReceipts(ctx)
			s.pruneCache()
		}
	}
}
