package imports

import (
	"context"
	"errors"

	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/jobs"
)

// Worker works import jobs.
type Worker struct {
	river.WorkerDefaults[Args]
	svc *Service
}

// Work runs the import. Waiting (the tenant's slots are taken, another
// worker holds it, the run handed it back) snoozes the job, which does not
// count as an attempt; on the last attempt a failure ends the import as
// failed instead of leaving it running.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	err := w.svc.work(ctx, job.Args.ImportID, job.Attempt >= job.MaxAttempts)
	var wait *WaitError
	if errors.As(err, &wait) {
		return river.JobSnooze(wait.After)
	}
	return err
}

// RegisterWorkers registers the imports worker and the hourly sweep
// (orphaned imports fail, expired files go).
func RegisterWorkers(workers *river.Workers, svc *Service) {
	river.AddWorker(workers, &Worker{svc: svc})
	jobs.AddSweep[ExpireArgs](workers, svc.log, "failed orphaned imports and removed expired import files", svc.sweep)
}
