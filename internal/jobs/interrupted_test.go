package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/jobs"
)

type blockArgs struct{}

func (blockArgs) Kind() string { return "jobs.block" }

// blockWorker runs until its context ends and says whether that was an
// interruption.
type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	timeout time.Duration
	started chan *rivertype.JobRow
	got     chan bool
}

func (w *blockWorker) Timeout(*river.Job[blockArgs]) time.Duration { return w.timeout }

func (w *blockWorker) Work(ctx context.Context, job *river.Job[blockArgs]) error {
	w.started <- job.JobRow
	<-ctx.Done()
	w.got <- jobs.Interrupted(ctx, ctx.Err())
	return ctx.Err()
}

// TestInterrupted: on a real River client, a run cut short by the client's
// stop (a deploy's SIGTERM) is interrupted, and River puts the job back
// without counting the attempt, even on its last one; a run that times
// out or is cancelled through River is not, and River counts it.
func TestInterrupted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// end makes the running job end; it returns once it has.
		end             func(t *testing.T, c *jobs.Client, job *rivertype.JobRow)
		timeout         time.Duration
		wantInterrupted bool
		wantState       rivertype.JobState
		wantAttempt     int
	}{
		{"OKClientStop", func(t *testing.T, c *jobs.Client, _ *rivertype.JobRow) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // no time for the job: cancel it at once
			_ = c.Stop(ctx)
			sctx, scancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer scancel()
			if err := c.StopAndCancel(sctx); err != nil {
				t.Errorf("stop: %v", err)
			}
		}, 0, true, rivertype.JobStateAvailable, 0},
		{"NotJobTimeout", nil, 100 * time.Millisecond, false, rivertype.JobStateDiscarded, 1},
		{"NotCancelledThroughRiver", func(t *testing.T, c *jobs.Client, job *rivertype.JobRow) {
			if _, err := c.JobCancel(context.Background(), job.ID); err != nil {
				t.Errorf("cancel: %v", err)
			}
		}, 0, false, rivertype.JobStateCancelled, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d, _ := dbtest.Fresh(t)
			w := &blockWorker{timeout: tt.timeout, started: make(chan *rivertype.JobRow, 1), got: make(chan bool, 1)}
			workers := river.NewWorkers()
			river.AddWorker(workers, w)
			c, err := jobs.New(d, workers, jobs.Opts{Work: true}) // with LISTEN/NOTIFY: remote cancels arrive at once
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				_ = c.StopAndCancel(sctx)
			})
			// The last attempt: River discards the job after it unless the
			// run was interrupted.
			res, err := c.Insert(ctx, blockArgs{}, &river.InsertOpts{MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			var job *rivertype.JobRow
			select {
			case job = <-w.started:
			case <-time.After(30 * time.Second):
				t.Fatal("the job never started")
			}
			if tt.end != nil {
				tt.end(t, c, job)
			}
			select {
			case interrupted := <-w.got:
				if interrupted != tt.wantInterrupted {
					t.Fatalf("Interrupted = %v, want %v", interrupted, tt.wantInterrupted)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the job never ended")
			}
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				row, err := c.JobGet(ctx, res.Job.ID)
				if err != nil {
					t.Fatal(err)
				}
				if row.State == tt.wantState && row.Attempt == tt.wantAttempt {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("job state %s attempt %d, want %s attempt %d", row.State, row.Attempt, tt.wantState, tt.wantAttempt)
				}
			}
		})
	}
}

// TestContextErr: whatever the driver made of a cancellation, a run that
// ended because its client stopped reads as interrupted once ContextErr
// has named the context's error, as River's own check needs; a timeout
// stays a timeout, and a run whose context did not end keeps its error.
func TestContextErr(t *testing.T) {
	t.Parallel()
	driverSays := errors.New("ERROR: canceling statement due to user request (SQLSTATE 57014)")
	stopped, timedOut := endedContexts(t)
	tests := []struct {
		name            string
		ctx             context.Context
		err             error
		wantInterrupted bool
		wantSame        bool
	}{
		{"StoppedDriverError", stopped, driverSays, true, false},
		{"StoppedContextError", stopped, context.Canceled, true, true},
		{"TimedOutDriverError", timedOut, driverSays, false, false},
		{"RunningDriverError", context.Background(), driverSays, false, true},
		{"StoppedNoError", stopped, nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := jobs.ContextErr(tt.ctx, tt.err)
			if interrupted := jobs.Interrupted(tt.ctx, got); interrupted != tt.wantInterrupted {
				t.Errorf("Interrupted(%v) = %v, want %v", got, interrupted, tt.wantInterrupted)
			}
			if same := got == tt.err; same != tt.wantSame {
				t.Errorf("ContextErr(%v) = %v: the same error %v, want %v", tt.err, got, same, tt.wantSame)
			}
			if tt.err != nil && !errors.Is(got, tt.err) {
				t.Errorf("ContextErr(%v) = %v lost the error", tt.err, got)
			}
		})
	}
}

// TestInterruptedReadsTheError: only an error that says the run was
// cancelled, on a context the client's stop ended, is an interruption: a
// cancellation inside a run whose context is live, any other error, and a
// cancellation under a timed-out or remotely cancelled context are not.
func TestInterruptedReadsTheError(t *testing.T) {
	t.Parallel()
	stopped, timedOut := endedContexts(t)
	remote, cancelRemote := context.WithCancelCause(context.Background())
	cancelRemote(river.ErrJobCancelledRemotely)
	for _, tt := range []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{"Stopped", stopped, context.Canceled, true},
		{"StoppedOtherError", stopped, errors.New("the CRM answered 503"), false},
		{"StoppedNoError", stopped, nil, false},
		{"RunningCanceled", context.Background(), context.Canceled, false},
		{"TimedOutCanceled", timedOut, fmt.Errorf("%w: %w", context.DeadlineExceeded, context.Canceled), false},
		{"CancelledRemotely", remote, context.Canceled, false},
	} {
		if got := jobs.Interrupted(tt.ctx, tt.err); got != tt.want {
			t.Errorf("%s: Interrupted = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestGiveUp: only a last attempt that failed, and was not interrupted by
// the client's stop (whatever the driver made of that), records that the
// job gave up, on a context that outlives the run's, and the run's error
// still ends it.
func TestGiveUp(t *testing.T) {
	t.Parallel()
	stopped, timedOut := endedContexts(t)
	failed := errors.New("connection refused")
	driverSays := errors.New("ERROR: canceling statement due to user request (SQLSTATE 57014)")
	for _, tt := range []struct {
		name       string
		ctx        context.Context
		attempt    int
		err        error
		wantRecord bool
	}{
		{"RecordedOnTheLastAttempt", context.Background(), 3, failed, true},
		{"RecordedAfterATimeout", timedOut, 3, driverSays, true},
		{"NotOnAnEarlierAttempt", context.Background(), 2, failed, false},
		{"NotWithoutAnError", context.Background(), 3, nil, false},
		{"NotWhenStopped", stopped, 3, context.Canceled, false},
		{"NotWhenStoppedUnderTheDriver", stopped, 3, driverSays, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			recorded := false
			var recordCtxErr error
			err := jobs.GiveUp(tt.ctx, &rivertype.JobRow{Attempt: tt.attempt, MaxAttempts: 3}, tt.err, func(ctx context.Context, err error) error {
				recorded, recordCtxErr = true, ctx.Err()
				if !errors.Is(err, tt.err) {
					t.Errorf("recorded %v, want the run's error %v", err, tt.err)
				}
				return errors.New("recorded")
			})
			if recorded != tt.wantRecord {
				t.Fatalf("recorded %v, want %v", recorded, tt.wantRecord)
			}
			if recordCtxErr != nil {
				t.Errorf("recorded on an ended context: %v", recordCtxErr)
			}
			if (err == nil) != (tt.err == nil) || tt.err != nil && !errors.Is(err, tt.err) {
				t.Fatalf("GiveUp = %v, want the run's error %v", err, tt.err)
			}
			if tt.wantRecord && !strings.Contains(fmt.Sprint(err), "recorded") {
				t.Errorf("GiveUp = %v, want the record's error joined", err)
			}
		})
	}
}

// endedContexts are a context ended as River's stop ends a run's (its cause
// is no context error) and one that timed out.
func endedContexts(t *testing.T) (stopped, timedOut context.Context) {
	stopped, stop := context.WithCancelCause(context.Background())
	stop(errors.New("stop initiated"))
	timedOut, cancel := context.WithTimeout(context.Background(), 0)
	t.Cleanup(cancel)
	return stopped, timedOut
}
