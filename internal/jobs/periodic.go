package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// OncePer is the InsertOpts of a scheduled job on queue: at most one job of
// its kind per period, so instances and restarts never stack them.
func OncePer(queue string, period time.Duration) river.InsertOpts {
	return river.InsertOpts{Queue: queue, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: period}}
}

// A Schedule is a job the elected leader among the working clients inserts
// every Interval (and when it starts, if RunOnStart), for Opts.Periodic. It
// is plain data, so a test can read what a process schedules.
type Schedule struct {
	Args       river.JobArgs
	Interval   time.Duration
	RunOnStart bool
}

// Every schedules args every interval (and when the elected leader starts,
// if runOnStart).
func Every(interval time.Duration, args river.JobArgs, runOnStart bool) Schedule {
	return Schedule{Args: args, Interval: interval, RunOnStart: runOnStart}
}

// periodicJob is s as River schedules it.
func (s Schedule) periodicJob() *river.PeriodicJob {
	var opts *river.PeriodicJobOpts
	if s.RunOnStart {
		opts = &river.PeriodicJobOpts{RunOnStart: true}
	}
	return river.NewPeriodicJob(river.PeriodicInterval(s.Interval),
		func() (river.JobArgs, *river.InsertOpts) { return s.Args, nil }, opts)
}

// AddSweep registers the worker of a scheduled sweep: it runs sweep and,
// when the sweep handled anything, logs done with the count.
func AddSweep[A river.JobArgs, N int | int64](workers *river.Workers, log *slog.Logger, done string, sweep func(context.Context) (N, error)) {
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[A]) error {
		n, err := sweep(ctx)
		if n > 0 {
			log.InfoContext(ctx, done, "count", n)
		}
		return err
	}))
}
