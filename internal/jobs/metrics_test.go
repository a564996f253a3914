package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/jobs"
)

type probeArgs struct{}

func (probeArgs) Kind() string { return "jobs.probe" }

// TestMetrics: a job this process works is counted by kind and outcome,
// and the queue's jobs by state are read at each scrape.
func TestMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := dbtest.Fresh(t) // a queue of its own: this client works every job it finds
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[probeArgs]) error { return nil }))
	c, err := jobs.New(d, workers, jobs.Opts{Work: true, PollOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	jobs.NewMetrics(reg, d.Pool).Watch(runCtx, c)
	if err := c.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Stop(context.WithoutCancel(ctx)) }()
	if _, err := c.Insert(ctx, probeArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	want := `river_job_runs_total{kind="jobs.probe",outcome="completed"} 1`
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err := testutil.GatherAndCompare(reg, strings.NewReader("# HELP river_job_runs_total Job runs worked by this process, by kind and outcome (completed, failed, cancelled, snoozed, interrupted).\n# TYPE river_job_runs_total counter\n"+want+"\n"), "river_job_runs_total"); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("job runs: %v", err)
		}
	}
	n, err := testutil.GatherAndCount(reg, "river_jobs")
	if err != nil || n == 0 {
		t.Fatalf("river_jobs: %d series, %v", n, err)
	}
}
