package mail

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
)

// OutboxRetention is how long a message stays in outbox_emails: sent ones
// (their bodies already cleared) for the delivery record, unsent ones (the
// development outbox, failed deliveries) for reading.
const OutboxRetention = 30 * 24 * time.Hour

// Prune deletes messages older than OutboxRetention and returns how many.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	return db.DeleteBatched(ctx, s.db, "outbox_emails", "created_at < ?", time.Now().UTC().Add(-OutboxRetention))
}

// PruneArgs is the daily job that runs Prune.
type PruneArgs struct{}

// Kind names the job.
func (PruneArgs) Kind() string { return "mail.prune" }

// InsertOpts runs one prune at a time.
func (PruneArgs) InsertOpts() river.InsertOpts { return jobs.OncePer(jobs.QueueDefault, 24*time.Hour) }

// RegisterWorkers adds the mail package's workers.
func RegisterWorkers(workers *river.Workers, svc *Service) {
	jobs.AddSweep[PruneArgs](workers, svc.log, "pruned the outbox", svc.Prune)
	river.AddWorker(workers, &deliverWorker{svc: svc})
}

// PeriodicJobs are the mail package's scheduled jobs: the prune, daily.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{jobs.Every(24*time.Hour, PruneArgs{}, false)}
}
