package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/jobs"
)

// TestTenantPriority: a tenant's new jobs go first while they fill its
// share of places (counting what it has unfinished), the rest is backlog;
// a share of zero still lets one job go first.
func TestTenantPriority(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		unfinished, share, i, want int
	}{
		{0, 4, 0, jobs.PriorityFirst},
		{0, 4, 3, jobs.PriorityFirst},
		{0, 4, 4, jobs.PriorityBacklog},
		{3, 4, 0, jobs.PriorityFirst},
		{3, 4, 1, jobs.PriorityBacklog},
		{4, 4, 0, jobs.PriorityBacklog},
		{0, 1, 0, jobs.PriorityFirst},
		{0, 1, 1, jobs.PriorityBacklog},
		{0, 0, 0, jobs.PriorityFirst},
		{0, 0, 1, jobs.PriorityBacklog},
	} {
		if got := jobs.TenantPriority(tt.unfinished, tt.share, tt.i); got != tt.want {
			t.Errorf("TenantPriority(%d, %d, %d) = %d, want %d", tt.unfinished, tt.share, tt.i, got, tt.want)
		}
	}
}

// TestCountUnfinished: the jobs of a kind whose args name the tenant and
// that River has not finished (available, pending, retryable, running,
// scheduled) count; finished ones, another kind's and another tenant's do
// not.
func TestCountUnfinished(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenant, other := uuid.NewString(), uuid.NewString()
	insert := func(kind, tenantID, state string) {
		t.Helper()
		finalized := "NULL"
		if state == "completed" || state == "cancelled" || state == "discarded" {
			finalized = "now()"
		}
		if err := d.Gorm.Exec(`INSERT INTO river_job (kind, args, state, max_attempts, queue, attempt, scheduled_at, attempted_at, finalized_at)
			VALUES (?, ?, ?::river_job_state, 5, 'crm', 1, now() + interval '1 hour', now(), `+finalized+`)`,
			kind, fmt.Sprintf(`{"tenant_id": %q, "batch_id": %q}`, tenantID, uuid.NewString()), state).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, state := range []string{"available", "pending", "retryable", "running", "scheduled", "completed", "cancelled", "discarded"} {
		insert("jobs.count", tenant, state)
	}
	insert("jobs.count", other, "available")
	insert("jobs.count_other", tenant, "available")
	n, err := jobs.CountUnfinished(ctx, d.Gorm, "jobs.count", map[string]any{"tenant_id": tenant})
	if err != nil || n != 5 {
		t.Fatalf("CountUnfinished = %d, %v; want 5", n, err)
	}
}

type holdArgs struct {
	Run string `json:"run"`
}

func (holdArgs) Kind() string { return "jobs.hold" }

func (holdArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: jobs.QueueImports} }

// TestDefaultWorkersPerQueue: without MaxWorkers a working client runs
// four jobs of a queue at once (a tenant's share of places is up to four).
func TestDefaultWorkersPerQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := dbtest.Fresh(t) // a queue of its own
	started := make(chan struct{}, 8)
	release := make(chan struct{})
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[holdArgs]) error {
		started <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}))
	c, err := jobs.New(d, workers, jobs.Opts{Work: true, PollOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { close(release); _ = c.Stop(context.WithoutCancel(ctx)) }()
	for i := range 4 {
		if _, err := c.Insert(ctx, holdArgs{Run: fmt.Sprint(i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			t.Fatalf("%d jobs of the imports queue running at once, want 4", i)
		}
	}
}

type sweepArgs struct {
	Run string `json:"run"`
}

func (sweepArgs) Kind() string { return "jobs.sweep_once" }

// TestOncePer: a scheduled job inserted again within its period (another
// instance's leader, a restart) is skipped, not stacked.
func TestOncePer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.Shared(t)
	c, err := jobs.New(d, nil, jobs.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	args, opts := sweepArgs{Run: uuid.NewString()}, jobs.OncePer(jobs.QueueDefault, time.Hour)
	var skipped []bool
	var ids []int64
	for range 2 {
		res, err := c.Insert(ctx, args, &opts)
		if err != nil {
			t.Fatal(err)
		}
		skipped = append(skipped, res.UniqueSkippedAsDuplicate)
		ids = append(ids, res.Job.ID)
	}
	if skipped[0] || !skipped[1] || ids[0] != ids[1] {
		t.Fatalf("inserted twice within the period: skipped %v, ids %v; want the second skipped as the first", skipped, ids)
	}
	if res, err := c.Insert(ctx, args, &river.InsertOpts{}); err != nil || res.Job.State != rivertype.JobStateAvailable || res.Job.ID == ids[0] {
		t.Fatalf("without OncePer: %+v, %v; want a second job", res, err)
	}
}
