package identity

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
)

// SessionRetention is how long an ended session (expired or signed out or
// revoked) is kept, with its refresh tokens: for a support question about
// a recent sign-in; the audit log keeps the sign-ins themselves.
const SessionRetention = 30 * 24 * time.Hour

// Prune deletes what only mattered for a while: sessions that ended
// SessionRetention ago (their refresh tokens go with them), refresh tokens
// that expired a day ago (each refresh leaves one behind, about one per
// active user every ten minutes), throttle keys with no failure for
// failureMemory and no lock, and password reset links a day past expiry.
// It returns how many rows it deleted.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	now := s.now()
	ended := now.Add(-SessionRetention)
	steps := []struct {
		table, where string
		args         []any
	}{
		{"sessions", "expires_at < ?", []any{ended}},
		{"sessions", "revoked_at < ?", []any{ended}},
		{"refresh_tokens", "expires_at < ?", []any{now.Add(-24 * time.Hour)}},
		{"auth_throttle", "updated_at < ? AND (locked_until IS NULL OR locked_until < ?)", []any{now.Add(-failureMemory), now}},
		{"password_resets", "expires_at < ?", []any{now.Add(-24 * time.Hour)}},
	}
	var total int64
	for _, st := range steps {
		n, err := db.DeleteBatched(ctx, s.db, st.table, st.where, st.args...)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// PruneArgs is the hourly job that runs Prune.
type PruneArgs struct{}

// Kind names the job.
func (PruneArgs) Kind() string { return "identity.prune" }

// InsertOpts runs one prune at a time.
func (PruneArgs) InsertOpts() river.InsertOpts { return jobs.OncePer(jobs.QueueDefault, time.Hour) }

// RegisterWorkers adds the identity package's workers.
func RegisterWorkers(workers *river.Workers, svc *Service, log *slog.Logger) {
	jobs.AddSweep[PruneArgs](workers, log, "pruned ended sessions, expired refresh tokens and stale throttle keys", svc.Prune)
	river.AddWorker(workers, &resetRequestWorker{svc: svc})
}

// PeriodicJobs are the identity package's scheduled jobs: the prune,
// hourly.
func PeriodicJobs() []jobs.Schedule {
	return []jobs.Schedule{jobs.Every(time.Hour, PruneArgs{}, false)}
}
