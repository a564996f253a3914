package jobs

import (
	"context"
	"errors"

	"github.com/riverqueue/river"
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
