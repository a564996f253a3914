package jobs_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/platform/syncbuf"
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
	for _, name := range []string{"river_jobs", "river_job_run_seconds", "river_job_queue_wait_seconds"} {
		if n, err := testutil.GatherAndCount(reg, name); err != nil || n == 0 {
			t.Errorf("%s: %d series, %v", name, n, err)
		}
	}
}

type failArgs struct {
	ImportID string `json:"import_id"`
	Email    string `json:"email"`
}

func (failArgs) Kind() string { return "jobs.fail" }

// failWorker fails every attempt, naming it, and has River retry at once.
type failWorker struct {
	river.WorkerDefaults[failArgs]
}

func (failWorker) Work(_ context.Context, job *river.Job[failArgs]) error {
	return fmt.Errorf("the CRM answered 503 (attempt %d)", job.Attempt)
}

func (failWorker) NextRetry(*river.Job[failArgs]) time.Time { return time.Now() }

// TestDiscarded: a job whose last attempt fails is counted in
// river_jobs_discarded by kind (read from the queue, so a worker process's
// discards count too; the kind's finished jobs do not), and LogDiscarded
// writes one ERROR line naming its kind, the last attempt's error and the
// ids of its args, never its other fields; an attempt River retries is not
// logged.
func TestDiscarded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := dbtest.Fresh(t)
	if err := d.Gorm.Exec(`INSERT INTO river_job (kind, args, state, max_attempts, queue, attempt, attempted_at, finalized_at)
		VALUES ('jobs.fail', '{}', 'completed', 2, 'default', 1, now(), now())`).Error; err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, failWorker{})
	c, err := jobs.New(d, workers, jobs.Opts{Work: true, PollOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	jobs.NewMetrics(reg, d.Pool)
	var logged syncbuf.Buffer
	jobs.LogDiscarded(runCtx, c, slog.New(slog.NewJSONHandler(&logged, nil)))
	if err := c.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Stop(context.WithoutCancel(ctx)) }()
	if _, err := c.Insert(ctx, failArgs{ImportID: "0190a1b2-0000-7000-8000-000000000001", Email: "ann@example.com"},
		&river.InsertOpts{MaxAttempts: 2}); err != nil {
		t.Fatal(err)
	}
	const head = "# HELP river_jobs_discarded Discarded jobs (River gave up on them after their last attempt) still kept, by kind (all processes).\n# TYPE river_jobs_discarded gauge\n"
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		err := testutil.GatherAndCompare(reg, strings.NewReader(head+`river_jobs_discarded{kind="jobs.fail"} 1`+"\n"), "river_jobs_discarded")
		if err == nil && strings.Contains(logged.String(), "job discarded") {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("discarded jobs: %v; log %q", err, logged.String())
		}
	}
	line := logged.String()
	for _, want := range []string{`"level":"ERROR"`, `"kind":"jobs.fail"`, `"import_id":"0190a1b2-0000-7000-8000-000000000001"`, `"error":"the CRM answered 503 (attempt 2)"`} {
		if !strings.Contains(line, want) {
			t.Errorf("log %q lacks %s", line, want)
		}
	}
	if n := strings.Count(line, "job discarded"); n != 1 {
		t.Errorf("log %q has %d discard lines, want 1 (the retried attempt is not one)", line, n)
	}
	if strings.Contains(line, "ann@example.com") {
		t.Errorf("log %q carries the args' address", line)
	}
}
