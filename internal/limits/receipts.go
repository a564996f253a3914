package limits

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db"
)

// RepeatWindow is how long after a search was charged the same search by
// the same principal (a user or an API key) is free: a reload of the
// results page, the browser's Back button, a retry after a lost answer.
const RepeatWindow = 15 * time.Minute

// SearchReceipt says who ran which search: the principal (a user or an API
// key) and the search's identity (its query, filters and sort, as a search
// cursor is bound to them).
type SearchReceipt struct {
	PrincipalID uuid.UUID
	Search      []byte
}

// codeSearchQuotaRefused is the SQLSTATE the schema's search_quota_refused
// raises: the statement claimed a search's receipt and the quota refused it.
const codeSearchQuotaRefused = "CQ429"

// RepeatIsFree reports whether r was charged within the repeat window, so that
// running it again costs nothing (a search with nothing left of the quota
// may still be answered).
func (s *Service) RepeatIsFree(ctx context.Context, tenantID uuid.UUID, r SearchReceipt) (bool, error) {
	var fresh bool
	err := s.db.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM search_receipts
		WHERE tenant_id = ? AND principal_id = ? AND query_hash = ? AND charged_at > ?)`,
		tenantID, r.PrincipalID, r.Search, s.now().Add(-s.repeatWindow)).Scan(&fresh).Error
	if err != nil {
		return false, fmt.Errorf("read search receipt: %w", err)
	}
	return fresh, nil
}

// ConsumeSearch charges one unit of the searches quota for r unless r was
// charged within RepeatWindow, and returns the quota and whether it
// charged. The check, the charge and the receipt are one statement: the
// receipt is claimed first (written, or renewed when it is older than the
// window), and only a claim is charged, so the same search sent several
// times at once is charged once (the others wait for the first's receipt
// and find it fresh). A claim the quota refuses fails the statement
// (search_quota_refused), which rolls the receipt back before a copy
// waiting on it can see it: a search refused for want of quota leaves no
// receipt, and no copy of it is answered free. Returns ERATELIMIT (type
// quota-exceeded) when the quota is used up and the search is not a
// repeat.
func (s *Service) ConsumeSearch(ctx context.Context, tenantID uuid.UUID, plan Plan, r SearchReceipt) (Quota, bool, error) {
	limit := plan.Limit(Searches)
	q := s.quotaNow(Searches, limit)
	var out struct{ Used sql.NullInt64 }
	// synchronous_commit off for this statement's implicit transaction,
	// as ConsumeWithin does on its own. No row: no claim, a repeat. A
	// claim the quota refused fails the statement.
	err := s.db.WithContext(ctx).Raw(`
		WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),
		claim AS (
			INSERT INTO search_receipts AS r (tenant_id, principal_id, query_hash, charged_at)
			SELECT @tenant, @principal, @search, @now FROM async_commit
			ON CONFLICT (tenant_id, principal_id, query_hash) DO UPDATE SET charged_at = EXCLUDED.charged_at
			WHERE r.charged_at <= @since
			RETURNING 1
		), charge AS (
			INSERT INTO usage_counters AS u (tenant_id, metric, period_start, count)
			SELECT @tenant, @metric, CAST(@start AS date), 1 FROM claim
			WHERE 1 <= CAST(@quota AS bigint)
			ON CONFLICT (tenant_id, metric, period_start)
			DO UPDATE SET count = u.count + 1 WHERE u.count + 1 <= CAST(@quota AS bigint)
			RETURNING count
		)
		SELECT charge.count AS used, CASE WHEN charge.count IS NULL THEN search_quota_refused() END
		FROM claim LEFT JOIN charge ON true`,
		map[string]any{"tenant": tenantID, "principal": r.PrincipalID, "search": r.Search,
			"since": q.ReadAt.Add(-s.repeatWindow), "now": q.ReadAt, "metric": string(Searches),
			"start": q.PeriodStart, "quota": limit}).Scan(&out).Error
	refused := db.HasSQLState(err, codeSearchQuotaRefused)
	if err != nil && !refused {
		return q, false, fmt.Errorf("consume %s: %w", Searches, err)
	}
	if out.Used.Valid {
		return q.withUsed(out.Used.Int64), true, nil
	}
	cur, err := s.used(ctx, s.db, tenantID, Searches, q.PeriodStart)
	if err != nil {
		return q, false, err
	}
	q = q.withUsed(cur)
	if !refused {
		// A receipt within the window: a repeat.
		return q, false, nil
	}
	return q, false, QuotaError(q, 1)
}

// WithRepeatWindow makes a repeat of a search free for d instead of
// RepeatWindow (0: never), for benchmarks that run the same searches over
// and over but mean to measure what a new search costs; it returns s.
func (s *Service) WithRepeatWindow(d time.Duration) *Service {
	s.repeatWindow = d
	return s
}

// PruneSearchReceipts deletes receipts older than RepeatWindow.
func (s *Service) PruneSearchReceipts(ctx context.Context) {
	s.db.WithContext(ctx).Exec(`DELETE FROM search_receipts WHERE charged_at <= ?`, s.now().Add(-max(s.repeatWindow, RepeatWindow)))
}
