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

// AbandonedAfter is how long an unsent message may wait without a
// delivery job that will run it before FailAbandoned marks it failed.
const AbandonedAfter = time.Hour

// Prune marks abandoned deliveries failed (FailAbandoned), then deletes
// messages older than OutboxRetention and returns how many it deleted.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	if n, err := s.FailAbandoned(ctx); err != nil {
		return 0, err
	} else if n > 0 {
		s.log.WarnContext(ctx, "mail: marked deliveries no job will retry failed", "count", n)
	}
	return db.DeleteBatched(ctx, s.db, "outbox_emails", "created_at < ?", time.Now().UTC().Add(-OutboxRetention))
}

// FailAbandoned marks failed, with SMTP configured, the unsent messages
// older than AbandonedAfter that no delivery job will run again: River
// discards the job of a worker killed during its last attempt (its
// rescuer gives up on a job out of attempts) without the worker marking
// the message, which would otherwise show queued for good; so would a
// message queued while mail stayed in the development outbox. Returns how
// many it marked.
func (s *Service) FailAbandoned(ctx context.Context) (int64, error) {
	if !s.Delivers() {
		return 0, nil
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE outbox_emails m SET failed_at = now(),
		error = coalesce(m.error || '; ', '') || 'no delivery job will run it again'
		WHERE m.sent_at IS NULL AND m.failed_at IS NULL AND m.created_at < now() - make_interval(secs => ?)
		  AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.kind = ? AND j.args->>'message_id' = m.id::text
		        AND j.state NOT IN ('completed', 'discarded', 'cancelled'))`,
		AbandonedAfter.Seconds(), DeliverArgs{}.Kind())
	return res.RowsAffected, res.Error
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
func PeriodicJobs() []jobs.Schedule {
	return []jobs.Schedule{jobs.Every(24*time.Hour, PruneArgs{}, false)}
}
