// Package limits enforces packages: feature checks (api_access), metered
// monthly quotas kept in usage_counters with an atomic check-and-increment,
// and seat counts. Every other domain asks this package, so the rules for
// which package a tenant effectively has (grace periods, cancellations) live
// in one place: Plan.
package limits

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Metric is a metered monthly quota.
type Metric string

// Metered quotas.
const (
	Searches   Metric = "searches"
	ImportRows Metric = "import_rows"
	CRMPushes  Metric = "crm_pushes"
)

// Metrics lists every metered quota, in display order.
var Metrics = []Metric{Searches, ImportRows, CRMPushes}

// Feature is an on/off capability of a package.
type Feature string

// Features.
const APIAccess Feature = "api_access"

// DefaultPastDueGrace is how long a past_due subscription keeps its limits.
const DefaultPastDueGrace = 7 * 24 * time.Hour

// Service answers limit questions for tenants.
type Service struct {
	db    *gorm.DB
	grace time.Duration
	now   func() time.Time
	// repeatWindow is RepeatWindow but for benchmarks (WithRepeatWindow).
	repeatWindow time.Duration
}

// NewService returns a Service; grace 0 means DefaultPastDueGrace.
func NewService(db *gorm.DB, grace time.Duration) *Service {
	if grace <= 0 {
		grace = DefaultPastDueGrace
	}
	return &Service{db: db, grace: grace, now: func() time.Time { return time.Now().UTC() }, repeatWindow: RepeatWindow}
}

// WithClock makes s read the time from now instead of the wall clock: the
// rate windows, the metering period (Period), the reset times and waits of
// quotas and whether a subscription is in force all follow it. Tests pin
// it so that a rate window or a month cannot end mid-test, or move it to
// cross one on purpose; it returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = func() time.Time { return now().UTC() }
	return s
}

// Plan is the package a tenant has right now and why.
type Plan struct {
	Package      billing.Package       `json:"package"`
	Subscription *billing.Subscription `json:"subscription"`
	// Downgraded is true when the subscription's package is not in force
	// (canceled, incomplete, past_due beyond grace, manual period over) and
	// the Free limits apply instead.
	Downgraded bool `json:"downgraded"`
	// Reason says why the subscription's package is not in force: the
	// Free limits apply (Downgraded), or the plan staff set is over and the
	// Stripe subscription kept beside it applies (Package is its package).
	Reason      string     `json:"reason,omitempty"`
	GraceEndsAt *time.Time `json:"grace_ends_at,omitempty"`
}

// Limit returns the monthly limit of metric.
func (p Plan) Limit(m Metric) int64 {
	switch m {
	case Searches:
		return int64(p.Package.SearchesPerMonth)
	case ImportRows:
		return int64(p.Package.ImportRowsPerMonth)
	case CRMPushes:
		return int64(p.Package.CRMPushesPerMonth)
	}
	return 0
}

// planRow is a subscription with its package, or (Free) the Free package.
type planRow struct {
	Free                 bool
	Side                 bool // the Stripe side of a manual plan, with its package
	SubTenantID          *uuid.UUID
	SubStatus            *string
	SubSource            *string
	SubPeriodStart       *time.Time
	SubPeriodEnd         *time.Time
	SubCancelAtPeriodEnd *bool
	SubPastDueSince      *time.Time
	SubStripeID          *string
	SubLastEventAt       *time.Time
	SubUpdatedAt         *time.Time
	billing.Package
}

// planColumns are planRow's subscription columns of "subscriptions s".
const planColumns = `false AS free, false AS side, s.tenant_id AS sub_tenant_id, s.status AS sub_status, s.source AS sub_source,
			s.current_period_start AS sub_period_start, s.current_period_end AS sub_period_end,
			s.cancel_at_period_end AS sub_cancel_at_period_end, s.past_due_since AS sub_past_due_since,
			s.stripe_subscription_id AS sub_stripe_id, s.last_event_at AS sub_last_event_at, s.updated_at AS sub_updated_at, p.*`

// freeRowSQL selects the Free package as a planRow.
const freeRowSQL = `SELECT true, false, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, p.* FROM packages p WHERE p.code = ?`

// sideRowsSQL selects, as planRows, the Stripe side of manual plans (the
// Stripe subscription kept beside a plan staff set) with its package; the
// caller adds the tenant condition on s.
const sideRowsSQL = `SELECT false, true, s.tenant_id, s.stripe_status, 'stripe', NULL, s.stripe_period_end,
			s.stripe_cancel_at_period_end, s.stripe_past_due_since, s.stripe_subscription_id, NULL, s.updated_at, p.*
		FROM subscriptions s JOIN packages p ON p.id = s.stripe_package_id
		WHERE s.source = 'manual' AND s.stripe_subscription_id IS NOT NULL AND s.stripe_status IS NOT NULL AND `

// Plan returns the tenant's effective package. One query reads the
// subscription with its package, and the Free package, together (this runs
// on every metered request). A tenant without a subscription (or an
// unknown one) has the Free package.
func (s *Service) Plan(ctx context.Context, tenantID uuid.UUID) (Plan, error) {
	return s.PlanTx(ctx, s.db, tenantID)
}

// PlanTx is Plan read through q (a transaction the caller holds, so that
// it takes no second connection of the pool).
func (s *Service) PlanTx(ctx context.Context, q *gorm.DB, tenantID uuid.UUID) (Plan, error) {
	var rows []planRow
	err := q.WithContext(ctx).Raw(`SELECT `+planColumns+`
		FROM subscriptions s JOIN packages p ON p.id = s.package_id WHERE s.tenant_id = ?
		UNION ALL `+sideRowsSQL+`s.tenant_id = ?
		UNION ALL `+freeRowSQL, tenantID, tenantID, billing.FreeCode).Scan(&rows).Error
	if err != nil {
		return Plan{}, fmt.Errorf("load package: %w", err)
	}
	var sub, side, free *planRow
	for i := range rows {
		switch {
		case rows[i].Free:
			free = &rows[i]
		case rows[i].Side:
			side = &rows[i]
		default:
			sub = &rows[i]
		}
	}
	return s.planOf(tenantID, sub, side, free)
}

// Plans is Plan for many tenants in one query (lists of tenants), by
// tenant id; every tenant asked about has an entry.
func (s *Service) Plans(ctx context.Context, tenantIDs []uuid.UUID) (map[uuid.UUID]Plan, error) {
	ids := make([]string, len(tenantIDs))
	for i, id := range tenantIDs {
		ids[i] = id.String()
	}
	var rows []planRow
	err := s.db.WithContext(ctx).Raw(`SELECT `+planColumns+`
		FROM subscriptions s JOIN packages p ON p.id = s.package_id WHERE s.tenant_id = ANY(?::uuid[])
		UNION ALL `+sideRowsSQL+`s.tenant_id = ANY(?::uuid[])
		UNION ALL `+freeRowSQL, pq.StringArray(ids), pq.StringArray(ids), billing.FreeCode).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("load packages: %w", err)
	}
	var free *planRow
	subs, sides := map[uuid.UUID]*planRow{}, map[uuid.UUID]*planRow{}
	for i := range rows {
		switch {
		case rows[i].Free:
			free = &rows[i]
		case rows[i].SubTenantID == nil:
		case rows[i].Side:
			sides[*rows[i].SubTenantID] = &rows[i]
		default:
			subs[*rows[i].SubTenantID] = &rows[i]
		}
	}
	out := make(map[uuid.UUID]Plan, len(tenantIDs))
	for _, id := range tenantIDs {
		plan, err := s.planOf(id, subs[id], sides[id], free)
		if err != nil {
			return nil, err
		}
		out[id] = plan
	}
	return out, nil
}

// planOf decides a tenant's plan from its subscription row (nil: none),
// the Stripe side of a manual plan (nil: none) and the Free package's row.
// A manual plan no longer in force (its end date passed, or staff ended
// it) gives way to the Stripe subscription kept beside it, when that is in
// force: Stripe goes on billing the tenant for it.
func (s *Service) planOf(tenantID uuid.UUID, r, side, free *planRow) (Plan, error) {
	var plan Plan
	if r != nil {
		plan.Subscription = &billing.Subscription{TenantID: tenantID, PackageID: r.Package.ID, Status: *r.SubStatus,
			Source: *r.SubSource, CurrentPeriodStart: r.SubPeriodStart, CurrentPeriodEnd: r.SubPeriodEnd,
			CancelAtPeriodEnd: r.SubCancelAtPeriodEnd != nil && *r.SubCancelAtPeriodEnd, PastDueSince: r.SubPastDueSince,
			StripeSubscriptionID: r.SubStripeID, LastEventAt: r.SubLastEventAt}
		if r.SubUpdatedAt != nil {
			plan.Subscription.UpdatedAt = *r.SubUpdatedAt
		}
	}
	usable, reason, graceEnds := s.inForce(plan.Subscription)
	plan.GraceEndsAt = graceEnds
	if !usable && r != nil && side != nil && *r.SubSource == billing.SourceManual {
		stripeSub := billing.Subscription{TenantID: tenantID, Status: *side.SubStatus, Source: billing.SourceStripe,
			CurrentPeriodEnd: side.SubPeriodEnd, CancelAtPeriodEnd: side.SubCancelAtPeriodEnd != nil && *side.SubCancelAtPeriodEnd,
			PastDueSince: side.SubPastDueSince}
		if side.SubUpdatedAt != nil {
			stripeSub.UpdatedAt = *side.SubUpdatedAt
		}
		if ok, _, sideGrace := s.inForce(&stripeSub); ok {
			plan.Package, plan.GraceEndsAt = side.Package, sideGrace
			plan.Reason = "the package set by platform staff is over; the Stripe subscription kept beside it applies"
			return plan, nil
		}
	}
	switch {
	case usable && r != nil:
		plan.Package = r.Package
	case free != nil:
		plan.Downgraded, plan.Reason = plan.Subscription != nil, reason
		plan.Package = free.Package
	default:
		return Plan{}, errors.New("limits: the free package is missing")
	}
	return plan, nil
}

// inForce decides whether a subscription's package applies now.
func (s *Service) inForce(sub *billing.Subscription) (ok bool, reason string, graceEnds *time.Time) {
	if sub == nil {
		return false, "no subscription", nil
	}
	now := s.now()
	// The period's end is the first instant after it.
	periodOver := sub.CurrentPeriodEnd != nil && !now.Before(*sub.CurrentPeriodEnd)
	switch sub.Status {
	case billing.StatusActive, billing.StatusTrialing:
		if periodOver && (sub.CancelAtPeriodEnd || sub.Source == billing.SourceManual) {
			return false, "the subscription period ended", nil
		}
		return true, "", nil
	case billing.StatusPastDue:
		since := sub.UpdatedAt
		if sub.PastDueSince != nil {
			since = *sub.PastDueSince
		}
		end := since.Add(s.grace)
		if now.Before(end) {
			return true, "", &end
		}
		return false, "payment is past due beyond the grace period", &end
	case billing.StatusCanceled:
		return false, "the subscription is canceled", nil
	case billing.StatusPaused:
		return false, "the subscription is paused", nil
	default:
		return false, "the subscription is incomplete", nil
	}
}

// RequireFeature returns EFORBIDDEN (type plan-feature-unavailable) when the
// tenant's package lacks f.
func (s *Service) RequireFeature(ctx context.Context, tenantID uuid.UUID, f Feature) error {
	plan, err := s.Plan(ctx, tenantID)
	if err != nil {
		return err
	}
	if f == APIAccess && plan.Package.APIAccess {
		return nil
	}
	return FeatureError(f, plan.Package.Code)
}

// FeatureError is the error for a feature the package lacks.
func FeatureError(f Feature, pkg string) error {
	label := map[Feature]string{APIAccess: "API access"}[f]
	return &apperr.Error{
		Code: apperr.EFORBIDDEN, Type: "plan-feature-unavailable",
		Message: fmt.Sprintf("Your package (%s) does not include %s; upgrade to use it.", pkg, label),
		Extra:   map[string]any{"feature": string(f), "package": pkg},
	}
}

// Quota is the state of one metered limit in the current period.
type Quota struct {
	Metric    Metric    `json:"metric"`
	Limit     int64     `json:"limit"`
	Used      int64     `json:"used"`
	Remaining int64     `json:"remaining"`
	ResetAt   time.Time `json:"reset_at"`
	// PeriodStart is the start of the period the quota was read in, the
	// month a charge counts in (and a refund of it goes back to).
	PeriodStart time.Time `json:"-"`
	// ReadAt is when the service read the quota, by its clock: the wait
	// until the reset counts from it (UntilReset).
	ReadAt time.Time `json:"-"`
}

// UntilReset is how long after it was read the quota resets (never
// negative); for a Quota the service did not read, from the wall clock.
func (q Quota) UntilReset() time.Duration {
	from := q.ReadAt
	if from.IsZero() {
		from = time.Now()
	}
	return max(q.ResetAt.Sub(from), 0)
}

// Period returns the metering period the service's clock is in: the start
// of the current month in UTC and the start of the next one, when the
// quotas reset. Every monthly counter is kept under its period's start.
func (s *Service) Period() (start, reset time.Time) {
	return periodOf(s.now())
}

// quotaNow is the quota of m under limit in the current period, as the
// service's clock reads it, before anything is counted.
func (s *Service) quotaNow(m Metric, limit int64) Quota { return quotaAt(s.now(), m, limit) }

// quotaAt is the quota of m under limit in the period that holds now,
// read at now, before anything is counted.
func quotaAt(now time.Time, m Metric, limit int64) Quota {
	start, next := periodOf(now)
	return Quota{Metric: m, Limit: limit, ResetAt: next, ReadAt: now, PeriodStart: start}
}

// withUsed is q with used units counted.
func (q Quota) withUsed(used int64) Quota {
	q.Used, q.Remaining = used, max(q.Limit-used, 0)
	return q
}

// periodOf returns the UTC month that holds t and the start of the next.
func periodOf(t time.Time) (start, next time.Time) {
	t = t.UTC()
	start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0)
}

// Consume takes n units of m in one atomic statement: it succeeds only if
// the new total stays within the limit, so concurrent callers can never
// overshoot. Returns ERATELIMIT (type quota-exceeded) when it would.
func (s *Service) Consume(ctx context.Context, tenantID uuid.UUID, m Metric, n int64) (Quota, error) {
	plan, err := s.Plan(ctx, tenantID)
	if err != nil {
		return Quota{}, err
	}
	return s.ConsumeWithin(ctx, s.db, tenantID, m, n, plan.Limit(m))
}

// ConsumeWithin is Consume with a known limit, on tx (a transaction or the
// plain handle), so a caller can meter inside its own transaction.
func (s *Service) ConsumeWithin(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, m Metric, n, limit int64) (Quota, error) {
	q := s.quotaNow(m, limit)
	start := q.PeriodStart
	var used []int64
	// On its own (tx is the service's handle, so the statement is its own
	// transaction), the counter update does not wait for the WAL flush:
	// set_config(…, true) turns synchronous_commit off for that implicit
	// transaction only. A crash could forget the last few units, a fair
	// trade for taking a disk sync and three round trips off every metered
	// request (docs/PERFORMANCE.md). Inside a caller's transaction the
	// caller's durability applies.
	from := ""
	if tx == s.db {
		from = " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit"
	}
	err := tx.WithContext(ctx).Raw(`
		INSERT INTO usage_counters AS u (tenant_id, metric, period_start, count)
		SELECT ?::uuid, ?::text, ?::date, ?::bigint`+from+` WHERE ?::bigint <= ?::bigint
		ON CONFLICT (tenant_id, metric, period_start)
		DO UPDATE SET count = u.count + EXCLUDED.count WHERE u.count + EXCLUDED.count <= ?::bigint
		RETURNING count`, tenantID, string(m), start, n, n, limit, limit).Scan(&used).Error
	if err != nil {
		return q, fmt.Errorf("consume %s: %w", m, err)
	}
	if len(used) == 0 {
		cur, err := s.used(ctx, tx, tenantID, m, start)
		if err != nil {
			return q, err
		}
		q = q.withUsed(cur)
		return q, QuotaError(q, n)
	}
	return q.withUsed(used[0]), nil
}

// ConsumeUpTo takes as many of n units of m as the limit leaves and
// returns how many it took (0 when none remain, which is no error). tx must
// be a transaction: the counter row stays locked until it ends, so what a
// concurrent caller took in between is seen, not overwritten or refused.
func (s *Service) ConsumeUpTo(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, m Metric, n, limit int64) (int64, Quota, error) {
	q := s.quotaNow(m, limit)
	start := q.PeriodStart
	if err := tx.WithContext(ctx).Exec(`INSERT INTO usage_counters (tenant_id, metric, period_start, count)
		VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING`, tenantID, string(m), start).Error; err != nil {
		return 0, q, fmt.Errorf("consume %s: %w", m, err)
	}
	var used int64
	if err := tx.WithContext(ctx).Raw(`SELECT count FROM usage_counters
		WHERE tenant_id = ? AND metric = ? AND period_start = ? FOR UPDATE`, tenantID, string(m), start).Scan(&used).Error; err != nil {
		return 0, q, fmt.Errorf("consume %s: %w", m, err)
	}
	took := max(min(n, limit-used), 0)
	if took > 0 {
		if err := tx.WithContext(ctx).Exec(`UPDATE usage_counters SET count = count + ?
			WHERE tenant_id = ? AND metric = ? AND period_start = ?`, took, tenantID, string(m), start).Error; err != nil {
			return 0, q, fmt.Errorf("consume %s: %w", m, err)
		}
	}
	return took, q.withUsed(used + took), nil
}

// Peek returns the quota without using any of it.
func (s *Service) Peek(ctx context.Context, tenantID uuid.UUID, m Metric) (Quota, error) {
	plan, err := s.Plan(ctx, tenantID)
	if err != nil {
		return Quota{}, err
	}
	return s.PeekPlan(ctx, tenantID, plan, m)
}

// PeekPlan is Peek for a caller that already holds the tenant's plan.
func (s *Service) PeekPlan(ctx context.Context, tenantID uuid.UUID, plan Plan, m Metric) (Quota, error) {
	q := s.quotaNow(m, plan.Limit(m))
	used, err := s.used(ctx, s.db, tenantID, m, q.PeriodStart)
	if err != nil {
		return Quota{}, err
	}
	return q.withUsed(used), nil
}

func (s *Service) used(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, m Metric, start time.Time) (int64, error) {
	var used []int64
	err := tx.WithContext(ctx).Raw(`SELECT count FROM usage_counters WHERE tenant_id = ? AND metric = ? AND period_start = ?`,
		tenantID, string(m), start).Scan(&used).Error
	if err != nil {
		return 0, fmt.Errorf("read usage: %w", err)
	}
	if len(used) == 0 {
		return 0, nil
	}
	return used[0], nil
}

// QuotaError is the 429 for a quota that cannot cover wanted units, naming
// the metric, the limit, what remains and when it resets.
func QuotaError(q Quota, wanted int64) error {
	msg := fmt.Sprintf("The monthly %s quota is used up: %d of %d used, %d requested; it resets at %s.",
		q.Metric, q.Used, q.Limit, wanted, q.ResetAt.Format(time.RFC3339))
	if q.Remaining > 0 {
		// Some is left, only not enough for the request.
		msg = fmt.Sprintf("The monthly %s quota has %d of %d left, fewer than the %d requested; it resets at %s.",
			q.Metric, q.Remaining, q.Limit, wanted, q.ResetAt.Format(time.RFC3339))
	}
	return &apperr.Error{
		Code: apperr.ERATELIMIT, Type: "quota-exceeded", Message: msg,
		Extra: map[string]any{"metric": string(q.Metric), "limit": q.Limit, "used": q.Used,
			"remaining": q.Remaining, "reset": q.ResetAt.Format(time.RFC3339)},
		RetryAfter: q.UntilReset(),
		Err:        &Exhausted{Quota: q},
	}
}

// Exhausted is the cause of a quota-exceeded error: the quota that refused,
// for the HTTP layer's quota headers (errors.As).
type Exhausted struct{ Quota Quota }

func (e *Exhausted) Error() string { return "monthly " + string(e.Quota.Metric) + " quota exhausted" }

// Seats counts members and open invitations against max_users.
type Seats struct {
	Limit          int64 `json:"limit"`
	Members        int64 `json:"members"`
	PendingInvites int64 `json:"pending_invitations"`
	Remaining      int64 `json:"remaining"`
}

// SeatsOf counts the tenant's seats on tx.
func (s *Service) SeatsOf(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, limit int64) (Seats, error) {
	var counts struct{ Members, Pending int64 }
	err := tx.WithContext(ctx).Raw(`SELECT
		(SELECT count(*) FROM memberships WHERE tenant_id = ?) AS members,
		(SELECT count(*) FROM invitations WHERE tenant_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()) AS pending`,
		tenantID, tenantID).Scan(&counts).Error
	if err != nil {
		return Seats{}, fmt.Errorf("count seats: %w", err)
	}
	return Seats{Limit: limit, Members: counts.Members, PendingInvites: counts.Pending,
		Remaining: max(limit-counts.Members-counts.Pending, 0)}, nil
}

// RequireSeat returns ECONFLICT (type seat-limit-reached) when adding one
// more person would pass max_users. Call it inside the transaction that adds
// the seat, after locking the tenant row, so two invites cannot both pass.
// acceptingInvite says the seat is filled by accepting an invitation.
func (s *Service) RequireSeat(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, acceptingInvite bool) error {
	plan, err := s.Plan(ctx, tenantID)
	if err != nil {
		return err
	}
	seats, err := s.SeatsOf(ctx, tx, tenantID, int64(plan.Package.MaxUsers))
	if err != nil {
		return err
	}
	taken := seats.Members + seats.PendingInvites
	if acceptingInvite {
		// The invitation being accepted already holds its seat, and the
		// other open ones do not stand in its way: after a downgrade there
		// can be more of them than seats, and the first to accept get the
		// seats that remain.
		taken = seats.Members
	}
	if taken+1 <= seats.Limit {
		return nil
	}
	return &apperr.Error{
		Code: apperr.ECONFLICT, Type: "seat-limit-reached",
		Message: fmt.Sprintf("The %s package allows %s; %s and %s use them all.", plan.Package.Name,
			count(seats.Limit, "user"), count(seats.Members, "member"), count(seats.PendingInvites, "pending invitation")),
		Extra: map[string]any{"limit": seats.Limit, "members": seats.Members, "pending_invitations": seats.PendingInvites},
	}
}

// Usage is every limit of a tenant with what is used.
type Usage struct {
	Plan   Plan    `json:"plan"`
	Seats  Seats   `json:"seats"`
	Quotas []Quota `json:"quotas"`
	// APIKeys counts the tenant's live keys (neither revoked nor expired):
	// on a package without API access they are kept but refused.
	APIKeys int64 `json:"api_keys"`
}

// UsageOf reports every limit for the tenant.
func (s *Service) UsageOf(ctx context.Context, tenantID uuid.UUID) (Usage, error) {
	plan, err := s.Plan(ctx, tenantID)
	if err != nil {
		return Usage{}, err
	}
	seats, err := s.SeatsOf(ctx, s.db, tenantID, int64(plan.Package.MaxUsers))
	if err != nil {
		return Usage{}, err
	}
	now := s.now()
	start, _ := periodOf(now)
	var rows []struct {
		Metric string
		Count  int64
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT metric, count FROM usage_counters WHERE tenant_id = ? AND period_start = ?`,
		tenantID, start).Scan(&rows).Error; err != nil {
		return Usage{}, fmt.Errorf("read usage: %w", err)
	}
	used := map[string]int64{}
	for _, r := range rows {
		used[r.Metric] = r.Count
	}
	u := Usage{Plan: plan, Seats: seats}
	if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM api_keys
		WHERE tenant_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
		tenantID).Scan(&u.APIKeys).Error; err != nil {
		return Usage{}, fmt.Errorf("count api keys: %w", err)
	}
	for _, m := range Metrics {
		u.Quotas = append(u.Quotas, quotaAt(now, m, plan.Limit(m)).withUsed(used[string(m)]))
	}
	return u, nil
}

// ConsumePlan is Consume for a caller that already holds the tenant's plan.
func (s *Service) ConsumePlan(ctx context.Context, tenantID uuid.UUID, plan Plan, m Metric, n int64) (Quota, error) {
	return s.ConsumeWithin(ctx, s.db, tenantID, m, n, plan.Limit(m))
}

// count writes n with noun, in the plural unless n is 1: "1 member", "3 users".
func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
