package identity

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Login throttling, shared by every instance through auth_throttle. After
// the free failures, each further failure locks the key for twice as long
// as the one before (30 s, 1 min, 2 min, ... up to 15 min). An IP gets more
// free failures than an account, since many people can share an address.
const (
	freeFailuresEmail = 5
	freeFailuresIP    = 20
	baseLock          = 30 * time.Second
	maxLock           = 15 * time.Minute
	failureMemory     = time.Hour // failures older than this are forgotten
)

func lockFor(key string, failures int) time.Duration {
	free := freeFailuresEmail
	if strings.HasPrefix(key, "ip:") {
		free = freeFailuresIP
	}
	if failures < free {
		return 0
	}
	d := time.Duration(float64(baseLock) * math.Pow(2, float64(failures-free)))
	return min(d, maxLock)
}

func (s *Service) checkThrottle(ctx context.Context, keys []string) error {
	var until []time.Time
	err := s.db.WithContext(ctx).Raw(`SELECT locked_until FROM auth_throttle
		WHERE key IN ? AND locked_until > now() ORDER BY locked_until DESC LIMIT 1`, keys).Scan(&until).Error
	if err != nil {
		return err
	}
	if len(until) == 0 {
		return nil
	}
	wait := time.Until(until[0])
	return &apperr.Error{Code: apperr.ERATELIMIT, Type: "login-throttled",
		Message:    "Too many failed sign-in attempts; try again later.",
		RetryAfter: wait}
}

func (s *Service) recordFailure(ctx context.Context, keys []string) {
	for _, key := range keys {
		var failures int
		err := s.db.WithContext(ctx).Raw(`INSERT INTO auth_throttle AS a (key, failures, updated_at) VALUES (?, 1, now())
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN a.updated_at < now() - ?::interval THEN 1 ELSE a.failures + 1 END,
				updated_at = now()
			RETURNING failures`, key, failureMemory.String()).Scan(&failures).Error
		if err != nil {
			continue
		}
		if d := lockFor(key, failures); d > 0 {
			s.db.WithContext(ctx).Exec(`UPDATE auth_throttle SET locked_until = now() + ?::interval WHERE key = ?`, d.String(), key)
		}
	}
}

func (s *Service) clearThrottle(ctx context.Context, key string) {
	s.db.WithContext(ctx).Exec(`DELETE FROM auth_throttle WHERE key = ?`, key)
}
