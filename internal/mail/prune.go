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
func (PruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueDefault, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 24 * time.Hour}}
}

// RegisterWorkers adds the mail package's workers.
func RegisterWorkers(workers *river.Workers, svc *Service) {
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[PruneArgs]) error {
		n, err := svc.Prune(ctx)
		if n > 0 {
			svc.log.InfoContext(ctx, "pruned the outbox", "messages", n)
		}
		return err
	}))
}

// PeriodicJobs are the mail package's scheduled jobs: the prune, daily.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil }, nil)}
}
