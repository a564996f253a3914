package limits

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// RateBucket is one rate-limited counter: a name (e.g. "key:<id>") and its
// requests per minute.
type RateBucket struct {
	Name  string
	Limit int
}

// RateResult is the state of the tightest bucket after a request.
type RateResult struct {
	Allowed   bool
	Limit     int
	Remaining int
	Reset     time.Duration // until the window ends
	// Refused names the first bucket (in the order given) over its limit
	// when the request is not allowed.
	Refused string
}

// AllowRequest counts one request in every bucket's current one-minute
// window, in one statement shared by every API instance, and says whether
// all buckets are still within their limit. Fixed windows can let a client
// burst up to twice the limit across a window boundary; in exchange each
// request costs a single upsert (figures in docs/PERFORMANCE.md).
func (s *Service) AllowRequest(ctx context.Context, buckets []RateBucket) (RateResult, error) {
	now := s.now()
	window := now.Truncate(time.Minute)
	names := make([]string, len(buckets))
	for i, b := range buckets {
		names[i] = b.Name
	}
	var rows []struct {
		Bucket string
		Count  int
	}
	err := s.db.WithContext(ctx).Raw(`INSERT INTO rate_limit_windows AS w (bucket, window_start, count)
		SELECT b, ?, 1 FROM unnest(?::text[]) AS b
		ON CONFLICT (bucket, window_start) DO UPDATE SET count = w.count + 1
		RETURNING bucket, count`, window, pq.StringArray(names)).Scan(&rows).Error
	if err != nil {
		return RateResult{}, fmt.Errorf("rate limit: %w", err)
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Bucket] = r.Count
	}
	res := RateResult{Allowed: true, Reset: window.Add(time.Minute).Sub(now), Remaining: -1}
	for _, b := range buckets {
		rem := b.Limit - counts[b.Name]
		if counts[b.Name] > b.Limit {
			if res.Allowed {
				res.Refused = b.Name
			}
			res.Allowed = false
		}
		if res.Remaining < 0 || max(rem, 0) < res.Remaining {
			res.Remaining, res.Limit = max(rem, 0), b.Limit
		}
	}
	return res, nil
}

// PruneRateWindows deletes windows that ended over a minute ago.
func (s *Service) PruneRateWindows(ctx context.Context) {
	s.db.WithContext(ctx).Exec(`DELETE FROM rate_limit_windows WHERE window_start < ?`, s.now().Add(-2*time.Minute))
}
