package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Interrupted reports whether err ended a job's run because its client is
// stopping (StopAndCancel at shutdown cancels the running jobs). River
// then puts the job back, available, without counting the attempt, so the
// run was not the job's last even when its Attempt says so: a worker must
// not settle what only a last attempt settles. A run that timed out
// (JobTimeout) or was cancelled through River's API is not interrupted:
// River counts it (and discards the job after its last attempt).
//
// River marks its stop only in the context's cause, with an error of its
// internal package; the cause is therefore recognised as none of the
// others (TestInterrupted pins this against River's client).
func Interrupted(ctx context.Context, err error) bool {
	if err == nil || !errors.Is(err, context.Canceled) || ctx.Err() == nil {
		return false
	}
	cause := context.Cause(ctx)
	return !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) &&
		!errors.Is(cause, river.ErrJobCancelledRemotely)
}

// ContextErr returns err, which ended a job's run, as the error of ctx when
// ctx ended and err does not already say so: the database driver may answer
// a statement cancelled under it with the server's own error ("canceling
// statement due to user request") instead of the context's. River, and
// Interrupted, recognise a stopping client's cancellation only by an error
// that wraps context.Canceled; without it the run would count as a failed
// attempt, and a last one would be settled as failed although River runs
// the job again. err stays wrapped too, for the log.
func ContextErr(ctx context.Context, err error) error {
	cerr := ctx.Err()
	if err == nil || cerr == nil || errors.Is(err, cerr) {
		return err
	}
	return fmt.Errorf("%w: %w", cerr, err)
}

// GiveUpTimeout bounds what a job records when it gives up (GiveUp), on a
// context that outlives its run's.
const GiveUpTimeout = 10 * time.Second

// GiveUp returns the error that ends a run of job: err as ContextErr reads
// it and, when that error ends the job's last attempt (River then discards
// the job) and the client's stop did not interrupt it, joined with the
// error of record, which writes down that the job gave up (a Stripe event,
// a mail marked failed) so that it does not read as queued for ever.
// record runs on a context that outlives the run's by GiveUpTimeout: the
// run may have ended because its own timed out.
func GiveUp(ctx context.Context, job *rivertype.JobRow, err error, record func(ctx context.Context, err error) error) error {
	err = ContextErr(ctx, err)
	if err == nil || job.Attempt < job.MaxAttempts || Interrupted(ctx, err) {
		return err
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), GiveUpTimeout)
	defer cancel()
	return errors.Join(err, record(rctx, err))
}
