package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/jobs"
)

type startArgs struct{}

func (startArgs) Kind() string { return "jobs.on_start" }

// TestScheduleRunsOnStart: a schedule that runs on start is worked once the
// client is the leader, without waiting for its interval.
func TestScheduleRunsOnStart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := dbtest.Fresh(t) // a queue of its own: this client is the only leader
	ran := make(chan struct{}, 1)
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[startArgs]) error {
		select {
		case ran <- struct{}{}:
		default:
		}
		return nil
	}))
	c, err := jobs.New(d, workers, jobs.Opts{Work: true, PollOnly: true,
		Periodic: []jobs.Schedule{jobs.Every(24*time.Hour, startArgs{}, true)}})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	if err := c.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Stop(context.WithoutCancel(ctx)) }()
	select {
	case <-ran:
	case <-time.After(time.Minute):
		t.Fatal("the schedule did not run on start")
	}
}
