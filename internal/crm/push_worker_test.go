package crm_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/crm/fakecrm"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
)

// workAttempt runs one job as River would on the given attempt.
func (tb *testBundle) workAttempt(ctx context.Context, a crm.PushArgs, attempt int) error {
	return workerOf(tb.svc).Work(ctx, &river.Job[crm.PushArgs]{
		JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: crm.PushMaxAttempts}, Args: a})
}

// TestPushLastAttemptGivesUp: when a push job's final attempt fails for any
// reason River counts (the job timed out or was cancelled, a database
// error), River discards the job, so nothing would ever settle its contacts: they would
// stay queued, the push would show queued for ever, and every later push of
// them would skip them as already_queued. The last attempt fails them
// (GAVE_UP) instead; earlier attempts leave them queued for River's retry.
func TestPushLastAttemptGivesUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		attempt int
		// fail makes the attempt fail; it returns the context to run with.
		fail       func(t *testing.T, tb *testBundle) context.Context
		fresh      bool // breaks the database: needs one of its own
		wantErr    error
		wantStatus string
		wantItem   string
		wantTries  []string
	}{
		{name: "QueuedWhenStoppedBeforeLastAttempt", attempt: 1, fail: stopAfterWrite, wantErr: context.Canceled,
			wantStatus: "running", wantItem: crm.ItemQueued, wantTries: []string{"0:interrupted"}},
		{name: "GaveUpWhenStoppedOnLastAttempt", attempt: crm.PushMaxAttempts, fail: stopAfterWrite, wantErr: context.Canceled,
			wantStatus: "completed_with_errors", wantItem: crm.ItemFailed, wantTries: []string{"0:interrupted"}},
		// A deploy's SIGTERM stops River's client: River puts the job back
		// without counting the attempt (jobs.Interrupted), so its last
		// attempt is still to come and its contacts stay queued for it.
		{name: "QueuedWhenClientStopsOnLastAttempt", attempt: crm.PushMaxAttempts, fail: clientStopAfterWrite, wantErr: context.Canceled,
			wantStatus: "running", wantItem: crm.ItemQueued, wantTries: []string{"0:interrupted"}},
		{name: "QueuedOnDatabaseErrorBeforeLastAttempt", attempt: 1, fail: breakOwnership, fresh: true,
			wantStatus: "queued", wantItem: crm.ItemQueued, wantTries: []string{}},
		{name: "GaveUpOnDatabaseErrorOnLastAttempt", attempt: crm.PushMaxAttempts, fail: breakOwnership, fresh: true,
			wantStatus: "completed_with_errors", wantItem: crm.ItemFailed, wantTries: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var tb *testBundle
			if tt.fresh {
				d, _ := dbtest.Fresh(t)
				tb = setupOn(t, d)
			} else {
				tb = setup(t)
			}
			tb.MustConnect(t)
			ids := tb.MustApproved(t, 2)
			first := tb.MustPush(t, ids)
			ctx := tt.fail(t, tb)

			err := tb.workAttempt(ctx, tb.jobsOf(t, first)[0], tt.attempt)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("work returned %v, want %v", err, tt.wantErr)
			}
			d := tb.push(t, first)
			if d.Status != tt.wantStatus {
				t.Fatalf("push %+v, want %s", d.Push, tt.wantStatus)
			}
			for _, it := range d.Items {
				wantOutcomes(t, it, tt.wantTries...)
				if it.Status != tt.wantItem {
					t.Fatalf("item %+v, want %s", it, tt.wantItem)
				}
				if tt.wantItem == crm.ItemFailed && it.ErrorCode != "GAVE_UP" {
					t.Fatalf("item %+v, want GAVE_UP", it)
				}
			}
			if tt.wantItem == crm.ItemQueued {
				return // River runs the job again
			}
			if d.Queued != 0 || d.Failed != 2 || d.FinishedAt == nil {
				t.Fatalf("push after giving up %+v", d.Push)
			}

			// The contacts are free to be pushed again, and the CRM ends up
			// with one record each.
			tb.fake.AfterWrite(nil)
			tb.mustExec(t, `ALTER TABLE IF EXISTS crm_field_ownership_broken RENAME TO crm_field_ownership`)
			res, err := tb.svc.RequestPush(context.Background(), tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: ids, DryRun: true})
			if err != nil || res.ToCreate != 2 || res.Reasons[crm.WhyAlreadyQueued] != 0 {
				t.Fatalf("preview after giving up %+v, %v", res, err)
			}
			second := tb.MustPush(t, ids)
			tb.mustRunAll(t, second)
			if d := tb.push(t, second); d.Status != "completed" || d.Created != 2 {
				t.Fatalf("push again %+v", d.Push)
			}
			tb.assertTruth(t, first, second)
		})
	}
}

// stopAfterWrite stops the worker once the CRM has written the batch, before
// the answer arrives (the fake holds it until the client gives up).
func stopAfterWrite(t *testing.T, tb *testBundle) context.Context {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	var once sync.Once
	tb.fake.InjectFault(fakecrm.FaultTimeout, 1)
	tb.fake.AfterWrite(func(string) { once.Do(stop) })
	return ctx
}

// clientStopAfterWrite is stopAfterWrite as River's client stop does it:
// the job's context ends with a cause of River's own (jobs.Interrupted).
func clientStopAfterWrite(t *testing.T, tb *testBundle) context.Context {
	t.Helper()
	ctx, stop := context.WithCancelCause(context.Background())
	t.Cleanup(func() { stop(nil) })
	var once sync.Once
	tb.fake.InjectFault(fakecrm.FaultTimeout, 1)
	tb.fake.AfterWrite(func(string) { once.Do(func() { stop(errors.New("stop initiated")) }) })
	return ctx
}

// breakOwnership makes the job's reads fail with a database error.
func breakOwnership(t *testing.T, tb *testBundle) context.Context {
	t.Helper()
	tb.mustExec(t, `ALTER TABLE crm_field_ownership RENAME TO crm_field_ownership_broken`)
	return context.Background()
}

// TestPushRenewsJobSlot: a push job renews its job slot while it runs, so
// one that outlives the slot's TTL (a long rate-limit wait) still counts
// against max_concurrent_jobs. The slot's expiry is the database's clock,
// so the CRM really takes longer than the (shortened) TTL to answer.
func TestPushRenewsJobSlot(t *testing.T) {
	t.Parallel()
	// Renewed every ttl/4, the slot lapses only if renewals stall for
	// 3/4 of it: 1.5 s, which a loaded CI machine does not reach.
	const ttl = 2 * time.Second
	tb := setup(t, setupOpts{slotTTL: ttl})
	tb.MustConnect(t)
	id := tb.MustPush(t, tb.MustApproved(t, 2))
	lim := tb.pinnedLimits()
	ctx := context.Background()
	for i := range 3 { // Pro: 4 slots; the push takes the last one
		if ok, err := lim.ClaimJobSlot(ctx, tb.tenantID, fmt.Sprintf("import:%d", i), time.Minute); err != nil || !ok {
			t.Fatalf("claim %d: %v %v", i, ok, err)
		}
	}
	var lateOK atomic.Bool
	var lateErr atomic.Value
	tb.fake.AfterWrite(func(string) {
		time.Sleep(ttl + ttl/2)
		ok, err := lim.ClaimJobSlot(ctx, tb.tenantID, "import:late", time.Minute)
		lateOK.Store(ok)
		if err != nil {
			lateErr.Store(err)
		}
	})
	tb.mustRunAll(t, id)
	if err := lateErr.Load(); err != nil {
		t.Fatal(err)
	}
	if lateOK.Load() {
		t.Fatal("a fifth job got a slot while the push job still ran: its slot expired")
	}
	if d := tb.push(t, id); d.Status != "completed" || d.Created != 2 {
		t.Fatalf("push %+v", d.Push)
	}
	if n := tb.scalar(t, `SELECT count(*) FROM job_slots WHERE tenant_id = ? AND holder LIKE 'crm:%'`, tb.tenantID); n != 0 {
		t.Fatalf("%d push slots still held", n)
	}
}

// TestPushWaitsWhileSuspended: a suspended tenant's push job sends
// nothing: it snoozes (not an attempt) with its contacts queued, and sends
// them once the tenant is reactivated.
func TestPushWaitsWhileSuspended(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	id := tb.MustPush(t, tb.MustApproved(t, 2))
	tb.mustExec(t, `UPDATE tenants SET status = 'suspended' WHERE id = ?`, tb.tenantID)
	for _, a := range tb.jobsOf(t, id) {
		err := tb.workAttempt(context.Background(), a, 1)
		var snooze *river.JobSnoozeError
		if !errors.As(err, &snooze) || snooze.Duration != limits.SuspendedWait {
			t.Fatalf("push job of a suspended tenant returned %v, want to snooze %s", err, limits.SuspendedWait)
		}
	}
	if d := tb.push(t, id); d.Queued != 2 || d.Created != 0 {
		t.Fatalf("push while suspended %+v", d.Push)
	}
	if n := len(tb.fake.Records(tb.account)); n != 0 {
		t.Fatalf("the CRM got %d contacts from a suspended tenant", n)
	}
	tb.mustExec(t, `UPDATE tenants SET status = 'active' WHERE id = ?`, tb.tenantID)
	tb.mustRunAll(t, id)
	if d := tb.push(t, id); d.Status != "completed" || d.Created != 2 {
		t.Fatalf("push after reactivation %+v", d.Push)
	}
}

// TestSweepAbandonedPushes: a worker killed during a push job's last
// attempt never returns, so River's rescuer discards the job and nothing
// settles its contacts. The sweep fails queued contacts whose jobs are all
// discarded, cancelled, completed or gone, once they sat untouched for
// crm.AbandonedAfter; contacts a job will still run stay queued.
func TestSweepAbandonedPushes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// job changes the push's River jobs ("" leaves them available).
		job        string
		idle       bool // the items sat untouched longer than AbandonedAfter
		wantFailed int
	}{
		{"FailedWhenJobDiscarded", `UPDATE river_job SET state = 'discarded', finalized_at = now()`, true, 2},
		{"FailedWhenJobCancelled", `UPDATE river_job SET state = 'cancelled', finalized_at = now()`, true, 2},
		{"FailedWhenJobGone", `DELETE FROM river_job`, true, 2},
		{"QueuedWhileJobRetryable", `UPDATE river_job SET state = 'retryable', scheduled_at = now() + interval '1 minute'`, true, 0},
		{"QueuedWhileJobAvailable", "", true, 0},
		// A job snoozed by a long Retry-After or a suspended tenant waits
		// as scheduled, for hours if need be.
		{"QueuedWhileJobSnoozed", `UPDATE river_job SET state = 'scheduled', scheduled_at = now() + interval '2 hours'`, true, 0},
		{"QueuedWhileJobRunning", `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 hour'`, true, 0},
		{"QueuedWhenRecent", `DELETE FROM river_job`, false, 0},
	}
	// One after another: the sweep looks at every tenant.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := setup(t)
			tb.MustConnect(t)
			ids := tb.MustApproved(t, 2)
			id := tb.MustPush(t, ids)
			if tt.job != "" {
				tb.mustExec(t, tt.job+` WHERE kind = 'crm_push' AND args->>'batch_id' = ?`, id.String())
			}
			if tt.idle {
				tb.mustExec(t, `UPDATE crm_push_items SET updated_at = now() - interval '1 hour' WHERE tenant_id = ? AND batch_id = ?`,
					tb.tenantID, id)
			}
			n, err := tb.svc.SweepAbandonedPushes(context.Background())
			if err != nil || n != tt.wantFailed {
				t.Fatalf("sweep failed %d contacts (%v), want %d", n, err, tt.wantFailed)
			}
			d := tb.push(t, id)
			if tt.wantFailed == 0 {
				if d.Queued != 2 {
					t.Fatalf("push %+v, want still queued", d.Push)
				}
				return
			}
			if d.Status != "completed_with_errors" || d.Failed != 2 || d.Queued != 0 {
				t.Fatalf("push %+v", d.Push)
			}
			for _, it := range d.Items {
				if it.Status != crm.ItemFailed || it.ErrorCode != crm.CodeGaveUp {
					t.Fatalf("item %+v", it)
				}
			}
			res, err := tb.svc.RequestPush(context.Background(), tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: ids, DryRun: true})
			if err != nil || res.ToCreate != 2 || res.Reasons[crm.WhyAlreadyQueued] != 0 {
				t.Fatalf("preview after the sweep %+v, %v", res, err)
			}
			tb.assertTruth(t, id)
		})
	}
}

// TestPushLongRetryAfterSnoozes: a 429 whose Retry-After is long (10
// minutes) is not slept out while the job holds one of the tenant's job
// slots, which imports share: the job snoozes until the wait is over with
// its slot released, and its contacts stay queued with their attempts and
// metering. Resumed, it finishes the push exactly: the write that had
// committed before its answer was lost is updated, not created twice, and
// nothing is metered twice.
func TestPushLongRetryAfterSnoozes(t *testing.T) {
	t.Parallel()
	tb := setup(t, setupOpts{requestTimeout: time.Second, retryAfter: 10 * time.Minute})
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 3)
	id := tb.MustPush(t, ids)
	jobs := tb.jobsOf(t, id)
	if len(jobs) != 1 {
		t.Fatalf("%d jobs, want 1", len(jobs))
	}
	ctx := context.Background()

	// The upsert commits but its answer is lost; the replay meets the long 429.
	tb.fake.InjectFault(fakecrm.FaultTimeout, 1)
	tb.fake.InjectFault(fakecrm.FaultRateLimit, 1)
	err := tb.work(ctx, tb.svc, jobs[0])
	var snooze *river.JobSnoozeError
	if !errors.As(err, &snooze) || snooze.Duration != 10*time.Minute {
		t.Fatalf("job meeting a 10-minute Retry-After: %v, want a snooze of 10m", err)
	}
	for _, s := range tb.clock.Sleeps() {
		if s >= time.Minute {
			t.Fatalf("the job slept %v holding its slot (sleeps %v)", s, tb.clock.Sleeps())
		}
	}
	if held := tb.scalar(t, `SELECT count(*) FROM job_slots WHERE tenant_id = ?`, tb.tenantID); held != 0 {
		t.Fatalf("%d job slots held while the push snoozes", held)
	}
	d := tb.push(t, id)
	if d.Queued != 3 {
		t.Fatalf("push while snoozed %+v, want its 3 contacts queued", d.Push)
	}
	for _, it := range d.Items {
		wantOutcomes(t, it, "0:timeout", "429:rate_limited")
	}
	metered := `SELECT count FROM usage_counters WHERE tenant_id = ? AND metric = 'crm_pushes'`
	if n := tb.scalar(t, metered, tb.tenantID); n != 3 {
		t.Fatalf("metered %d before the snooze, want 3", n)
	}

	// River runs the job again once the wait is over.
	tb.clock.Advance(10 * time.Minute)
	if err := tb.work(ctx, tb.svc, jobs[0]); err != nil {
		t.Fatalf("resumed job: %v", err)
	}
	d = tb.push(t, id)
	if d.Status != "completed" || d.Created != 3 {
		t.Fatalf("push after the snooze %+v", d.Push)
	}
	for _, it := range d.Items {
		wantOutcomes(t, it, "0:timeout", "429:rate_limited", "200:updated")
		if it.CRMResult != crm.OutcomeCreated {
			t.Fatalf("item %+v, want created", it)
		}
	}
	if total, live := tb.fake.Count(tb.account); total != 3 || live != 3 {
		t.Fatalf("CRM holds %d (%d live), want exactly 3", total, live)
	}
	if n := tb.scalar(t, metered, tb.tenantID); n != 3 {
		t.Fatalf("metered %d after the resume, want 3", n)
	}
	tb.assertTruth(t, id)
}

// TestPushRateLimitedPastPatience: a push whose job was queued more than
// RateLimitPatience before the CRM's wait would end stops snoozing: the
// long wait is a failed attempt, and the last one gives its contacts up,
// so a CRM that never lets it through does not keep them queued for ever.
func TestPushRateLimitedPastPatience(t *testing.T) {
	t.Parallel()
	tb := setup(t, setupOpts{retryAfter: 10 * time.Minute})
	tb.MustConnect(t)
	id := tb.MustPush(t, tb.MustApproved(t, 2))
	a := tb.jobsOf(t, id)[0]
	ctx := context.Background()
	queued := tb.clock.Now().Add(-crm.RateLimitPatience)
	run := func(attempt int) error {
		return workerOf(tb.svc).Work(ctx, &river.Job[crm.PushArgs]{JobRow: &rivertype.JobRow{Attempt: attempt,
			MaxAttempts: crm.PushMaxAttempts, CreatedAt: queued}, Args: a})
	}

	tb.fake.InjectFault(fakecrm.FaultRateLimit, 1)
	err := run(1)
	var snooze *river.JobSnoozeError
	var te *crm.TransientError
	if errors.As(err, &snooze) || !errors.As(err, &te) {
		t.Fatalf("long wait past the patience: %v, want a failed attempt", err)
	}
	if d := tb.push(t, id); d.Queued != 2 {
		t.Fatalf("push after a failed attempt %+v, want its contacts queued for the retry", d.Push)
	}
	tb.fake.InjectFault(fakecrm.FaultRateLimit, 1)
	tb.clock.Advance(10 * time.Minute)
	if err := run(crm.PushMaxAttempts); !errors.As(err, &te) {
		t.Fatalf("last attempt: %v", err)
	}
	d := tb.push(t, id)
	if d.Status != "completed_with_errors" || d.Failed != 2 {
		t.Fatalf("push after the last attempt %+v, want both contacts failed", d.Push)
	}
	for _, it := range d.Items {
		if it.ErrorCode != crm.CodeGaveUp {
			t.Fatalf("item %+v, want %s", it, crm.CodeGaveUp)
		}
	}
	tb.assertTruth(t, id)
}

// TestPushStateIsTheTenants: a shared contact another tenant pushed to its
// own CRM account is not "already there" for this tenant: its push creates
// the record in this tenant's account, never skipped as a duplicate of the
// other tenant's record.
func TestPushStateIsTheTenants(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	other := tb.otherTenant(t)
	other.account = "acc_" + uuid.NewString()[:8]
	other.MustConnect(t)
	ids := tb.MustApproved(t, 2)
	other.mustExec(t, `INSERT INTO saved_contacts (tenant_id, contact_id, status, approved_by, approved_at)
		SELECT ?, id, 'approved', ?, now() FROM unnest(?::uuid[]) AS id`, other.tenantID, other.adminID, uuidArray(ids))
	tests := []struct {
		name string
		tb   *testBundle
	}{
		{"FirstTenant", tb},
		{"OtherTenantAfter", other},
	}
	for _, tt := range tests {
		id := tt.tb.MustPush(t, ids)
		tt.tb.mustRunAll(t, id)
		if d := tt.tb.push(t, id); d.Created != 2 {
			t.Fatalf("%s: push %+v, want 2 created", tt.name, d.Push)
		}
		if total, _ := tb.fake.Count(tt.tb.account); total != 2 {
			t.Fatalf("%s: its account holds %d records, want 2", tt.name, total)
		}
	}
}
