package imports_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/limits"
)

// genFile writes n rows: new people, every 6th an existing shared contact
// (matched), every 10th repeating the email of the row 7 before it (an
// in-file duplicate, often across batches), every 25th an invalid email.
func genFile(t testing.TB, d *db.DB, word string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Email,First Name,Last Name,Company\n")
	for i := 1; i <= n; i++ {
		email := fmt.Sprintf("p%d@%s.example", i, word)
		switch {
		case i%25 == 0:
			email = fmt.Sprintf("broken%d@@%s", i, word)
		case i%10 == 0 && i > 7:
			email = fmt.Sprintf("p%d@%s.example", i-7, word)
		case i%6 == 0:
			email = fmt.Sprintf("m%d@%s.example", i, word)
			MustSharedContact(t, d, "M", fmt.Sprint(i), email, "Shared "+word)
		}
		fmt.Fprintf(&b, "%s,First%d,Last%d,Co %s\n", email, i, i, word)
	}
	return b.String()
}

type outcome struct {
	outcome string
	dupOf   int
	matched uuid.UUID
}

func summarize(recs map[int]imports.ImportRecord) map[int]outcome {
	out := map[int]outcome{}
	for n, r := range recs {
		o := outcome{outcome: r.Outcome}
		if r.DuplicateOf != nil {
			o.dupOf = *r.DuplicateOf
		}
		if r.Outcome == imports.OutcomeMatched {
			o.matched = *r.ContactID
		}
		out[n] = o
	}
	return out
}

func (tb *testBundle) count(t testing.TB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := tb.db.Pool.QueryRow(tb.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// assertConsistent checks what a finished or stopped run left: one record
// per merged row, counts that add up, one private contact per created row
// and one saved contact per distinct contact. preexisting counts private
// contacts the tenant had before.
func (tb *testBundle) assertConsistent(t testing.TB, tenant uuid.UUID, imp *imports.Import, preexisting ...int) {
	t.Helper()
	c := imp.Counts
	if c.Created+c.Matched+c.Duplicate+c.Invalid != imp.RowsDone {
		t.Fatalf("counts %+v do not add up to %d rows", c, imp.RowsDone)
	}
	if n := tb.count(t, `SELECT count(*) FROM import_records WHERE tenant_id = $1 AND import_id = $2`, tenant, imp.ID); n != imp.RowsDone {
		t.Fatalf("%d records for %d rows done", n, imp.RowsDone)
	}
	before := 0
	for _, p := range preexisting {
		before += p
	}
	if n := tb.count(t, `SELECT count(*) FROM contacts WHERE owner_tenant_id = $1`, tenant); n != c.Created+before {
		t.Fatalf("%d private contacts, %d created", n, c.Created)
	}
	want := tb.count(t, `SELECT count(DISTINCT contact_id) FROM import_records WHERE tenant_id = $1 AND import_id = $2
		AND outcome <> 'invalid'`, tenant, imp.ID)
	if n := tb.count(t, `SELECT count(*) FROM saved_contacts WHERE tenant_id = $1`, tenant); n != want {
		t.Fatalf("%d saved contacts, want %d", n, want)
	}
}

// TestResumeAfterCrash kills a run twice mid-import (a batch aborted
// before its commit, as a dead worker's is), the second time also
// emptying the key table as a PostgreSQL crash empties UNLOGGED tables,
// and checks the resumed import ends exactly like an uninterrupted one.
func TestResumeAfterCrash(t *testing.T) {
	t.Parallel()
	var target atomic.Value
	target.Store(uuid.Nil)
	var crashes atomic.Int32
	hook := func(id uuid.UUID, merged int) error {
		if id != target.Load().(uuid.UUID) {
			return nil
		}
		if (crashes.Load() == 0 && merged > 80) || (crashes.Load() == 1 && merged > 200) {
			crashes.Add(1)
			return errors.New("simulated crash")
		}
		return nil
	}
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{BatchRows: 40, MinBatchRows: 40, MaxBatchRows: 40}, hook))
	file := genFile(t, tb.db, tb.word, 300)

	ref := MustCreateTenant(t, tb.db, "pro")
	refImp := tb.MustUpload(t, ref, "ref.csv", file)
	refDone := tb.MustRun(t, ref, refImp.ID, false)

	imp := tb.MustUpload(t, tb.tenant, "crash.csv", file)
	target.Store(imp.ID)
	if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
		t.Fatal(err)
	}
	if err := tb.svc.Work(tb.ctx, imp.ID); err == nil || !strings.Contains(err.Error(), "simulated crash") {
		t.Fatalf("first run: %v", err)
	}
	mid, _ := tb.svc.Get(tb.ctx, tb.tenant, imp.ID)
	if mid.Status != imports.StatusRunning || mid.RowsDone == 0 || mid.RowsDone >= 300 {
		t.Fatalf("after the crash: %s, %d rows done", mid.Status, mid.RowsDone)
	}
	tb.assertConsistent(t, tb.tenant, mid)
	if err := tb.svc.Work(tb.ctx, imp.ID); err == nil {
		t.Fatal("second run did not crash")
	}
	if _, err := tb.db.Pool.Exec(tb.ctx, `TRUNCATE `+imports.KeysTable(imp.ID)); err != nil {
		t.Fatal(err)
	}
	done := tb.MustWork(t, tb.tenant, imp.ID)
	if done.Status != imports.StatusCompleted || crashes.Load() != 2 {
		t.Fatalf("status %s after %d crashes: %s", done.Status, crashes.Load(), done.Error)
	}
	if done.Counts != refDone.Counts || done.RowsDone != 300 {
		t.Fatalf("counts %+v, want %+v", done.Counts, refDone.Counts)
	}
	got, want := summarize(tb.records(t, tb.tenant, imp.ID)), summarize(tb.records(t, ref, refImp.ID))
	for n, w := range want {
		if got[n] != w {
			t.Errorf("row %d: %+v, uninterrupted %+v", n, got[n], w)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d records, uninterrupted %d", len(got), len(want))
	}
	tb.assertConsistent(t, tb.tenant, done)
	if n := tb.count(t, `SELECT count(*) FROM pg_class WHERE relname = $1`, strings.Trim(imports.KeysTable(imp.ID), `"`)); n != 0 {
		t.Fatal("the key table outlived the import")
	}
}

// TestCancel cancels a running import and checks it stops, consistent.
func TestCancel(t *testing.T) {
	t.Parallel()
	var target atomic.Value
	target.Store(uuid.Nil)
	reached := make(chan struct{})
	var once sync.Once
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{BatchRows: 20, MinBatchRows: 20, MaxBatchRows: 20},
		func(id uuid.UUID, merged int) error {
			if id == target.Load().(uuid.UUID) && merged > 60 {
				once.Do(func() { close(reached) })
			}
			return nil
		}))
	imp := tb.MustUpload(t, tb.tenant, "cancel.csv", genFile(t, tb.db, tb.word, 2000))
	target.Store(imp.ID)
	if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- tb.svc.Work(tb.ctx, imp.ID) }()
	<-reached
	res, err := tb.svc.Cancel(tb.ctx, tb.tenant, imp.ID)
	if err != nil || !res.CancelRequested {
		t.Fatalf("cancel: %v %+v", err, res)
	}
	asked := time.Now()
	if err := <-errc; err != nil {
		t.Fatalf("work: %v", err)
	}
	t.Logf("the worker stopped %s after the cancel", time.Since(asked).Round(time.Millisecond))
	done, _ := tb.svc.Get(tb.ctx, tb.tenant, imp.ID)
	if done.Status != imports.StatusCancelled || done.RowsDone >= 2000 || done.FinishedAt == nil {
		t.Fatalf("after cancel: %s, %d rows done", done.Status, done.RowsDone)
	}
	tb.assertConsistent(t, tb.tenant, done)
	if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{}); err == nil {
		t.Fatal("a cancelled import started again")
	}
	if n := tb.count(t, `SELECT count(*) FROM import_files WHERE import_id = $1`, imp.ID); n != 0 {
		t.Fatalf("%d file chunks kept after cancel", n)
	}
}

// waitingCase puts a started import in a state where no worker runs it.
type waitingCase struct {
	name  string
	setup func(t *testing.T, id uuid.UUID)
}

// waitingCases are the imports Cancel ends at once: still queued, or
// running with a worker whose heartbeat stopped.
func (tb *testBundle) waitingCases() []waitingCase {
	return []waitingCase{
		{"Queued", func(t *testing.T, id uuid.UUID) {}},
		{"DeadWorker", func(t *testing.T, id uuid.UUID) {
			if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET status = 'running', heartbeat_at = now() - interval '5 minutes'
				WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
		}},
	}
}

func TestCancelWaiting(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tt := range tb.waitingCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, "q.csv", "Email\nq1@"+tb.word+".example\n")
			if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{}); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, imp.ID)
			res, err := tb.svc.Cancel(tb.ctx, tb.tenant, imp.ID)
			if err != nil || res.Status != imports.StatusCancelled {
				t.Fatalf("cancel: %v, status %v", err, res)
			}
			if err := tb.svc.Work(tb.ctx, imp.ID); err != nil { // the job runs later and does nothing
				t.Fatal(err)
			}
			if n := tb.count(t, `SELECT count(*) FROM import_records WHERE import_id = $1`, imp.ID); n != 0 {
				t.Fatalf("%d records", n)
			}
		})
	}
}

// batchGate holds the first batch of one import open: entered closes when
// that import's first batch is inside its transaction, which then waits
// for release. Other imports pass.
type batchGate struct {
	first            atomic.Value // uuid.UUID of the import to hold
	entered, release chan struct{}
	once             sync.Once
}

func newBatchGate() *batchGate {
	g := &batchGate{entered: make(chan struct{}), release: make(chan struct{})}
	g.first.Store(uuid.Nil)
	return g
}

func (g *batchGate) hook(id uuid.UUID, _ int) error {
	if id == g.first.Load().(uuid.UUID) {
		g.once.Do(func() { close(g.entered) })
		<-g.release
	}
	return nil
}

// TestConcurrencyLimit: on the Free package (max_concurrent_jobs 1) a
// second import waits, queued, while the first runs.
func TestConcurrencyLimit(t *testing.T) {
	t.Parallel()
	g := newBatchGate()
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{}, g.hook))
	first, entered, release := &g.first, g.entered, g.release
	tenant := MustCreateTenant(t, tb.db, "")
	a := tb.MustUpload(t, tenant, "a.csv", "Email\na1@"+tb.word+".example\n")
	b := tb.MustUpload(t, tenant, "b.csv", "Email\nb1@"+tb.word+".example\n")
	first.Store(a.ID)
	for _, id := range []uuid.UUID{a.ID, b.ID} {
		if _, err := tb.svc.Start(tb.ctx, tenant, id, imports.StartParams{}); err != nil {
			t.Fatal(err)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- tb.svc.Work(tb.ctx, a.ID) }()
	<-entered
	var wait *imports.WaitError
	if err := tb.svc.Work(tb.ctx, b.ID); !errors.As(err, &wait) {
		t.Fatalf("second import: %v, want to wait", err)
	}
	if cur, _ := tb.svc.Get(tb.ctx, tenant, b.ID); cur.Status != imports.StatusQueued || cur.Phase != "waiting_for_slot" {
		t.Fatalf("second import while the first runs: %s %s", cur.Status, cur.Phase)
	}
	close(release)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if done := tb.MustWork(t, tenant, b.ID); done.Status != imports.StatusCompleted {
		t.Fatalf("second import: %s", done.Status)
	}
}

// TestPlatformImportsRunOneAtATime: platform imports (the shared database
// of every tenant) hold no tenant job slot but run one at a time: a second
// waits, queued, while the first runs, and runs after it.
func TestPlatformImportsRunOneAtATime(t *testing.T) {
	t.Parallel()
	g := newBatchGate()
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{}, g.hook))
	var ids []uuid.UUID
	for _, name := range []string{"a", "b"} {
		imp := tb.MustUpload(t, imports.Platform, name+".csv", "Email\n"+name+"1@"+tb.word+".example\n")
		m := imp.Mapping
		m.Source = "vendor"
		if _, err := tb.svc.SetMapping(tb.ctx, imports.Platform, imp.ID, m); err != nil {
			t.Fatal(err)
		}
		if _, err := tb.svc.Start(tb.ctx, imports.Platform, imp.ID, imports.StartParams{}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, imp.ID)
	}
	g.first.Store(ids[0])
	errc := make(chan error, 1)
	go func() { errc <- tb.svc.Work(tb.ctx, ids[0]) }()
	<-g.entered
	var wait *imports.WaitError
	err := tb.svc.Work(tb.ctx, ids[1])
	cur, _ := tb.svc.Get(tb.ctx, imports.Platform, ids[1])
	close(g.release)
	if !errors.As(err, &wait) || cur.Status != imports.StatusQueued || cur.Phase != "waiting_for_slot" {
		t.Errorf("second platform import while the first runs: %v, %s %s; want to wait for the slot", err, cur.Status, cur.Phase)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if done := tb.MustWork(t, imports.Platform, ids[1]); done.Status != imports.StatusCompleted {
		t.Fatalf("second platform import: %s", done.Status)
	}
}

// TestSuspendedTenantWaits: suspending a tenant stops its running import
// before the next batch and keeps it from starting again; it neither runs
// nor fails meanwhile, and reactivation lets it finish where it stopped.
func TestSuspendedTenantWaits(t *testing.T) {
	t.Parallel()
	var once sync.Once
	var tenant uuid.UUID
	var tb *testBundle
	suspend := func(uuid.UUID, int) error {
		once.Do(func() {
			_, err := tb.db.Pool.Exec(tb.ctx, `UPDATE tenants SET status = 'suspended' WHERE id = $1`, tenant)
			if err != nil {
				t.Error(err)
			}
		})
		return nil
	}
	tb = setupWith(t, imports.WithAfterBatch(imports.Options{BatchRows: 1, MinBatchRows: 1, MaxBatchRows: 1}, suspend))
	tenant = MustCreateTenant(t, tb.db, "pro")
	imp := tb.MustUpload(t, tenant, "s.csv", "Email\ns1@"+tb.word+".example\ns2@"+tb.word+".example\ns3@"+tb.word+".example\n")
	if _, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
		t.Fatal(err)
	}
	for run := range 2 { // the run that sees the suspension, then a run while suspended
		var wait *imports.WaitError
		if err := tb.svc.Work(tb.ctx, imp.ID); !errors.As(err, &wait) || wait.After != limits.SuspendedWait {
			t.Fatalf("run %d of a suspended tenant's import: %v, want to wait %s", run, err, limits.SuspendedWait)
		}
		cur, err := tb.svc.Get(tb.ctx, tenant, imp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Status != imports.StatusRunning || cur.RowsDone != 1 {
			t.Fatalf("run %d while suspended: %s with %d rows done, want running with 1", run, cur.Status, cur.RowsDone)
		}
	}
	if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE tenants SET status = 'active' WHERE id = $1`, tenant); err != nil {
		t.Fatal(err)
	}
	if done := tb.MustWork(t, tenant, imp.ID); done.Status != imports.StatusCompleted || done.RowsDone != 3 {
		t.Fatalf("after reactivation: %s with %d rows done", done.Status, done.RowsDone)
	}
}

// TestThroughRiver runs imports the way production does: jobs enqueued by
// Start and worked by a River client, on a database of its own. Two
// imports of a Free tenant never run at once.
func TestThroughRiver(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	lim := pinnedLimits(d)
	insertOnly, err := jobs.New(d, nil, jobs.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	svc := imports.NewService(d, lim, imports.WithAfterBatch(imports.Options{Jobs: insertOnly, BatchRows: 10,
		MinBatchRows: 10, MaxBatchRows: 10}, func(uuid.UUID, int) error { time.Sleep(20 * time.Millisecond); return nil }))
	workers := river.NewWorkers()
	imports.RegisterWorkers(workers, svc)
	client, err := jobs.New(d, workers, jobs.Opts{Work: true, PollOnly: true, MaxWorkers: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Stop(ctx) }()
	tenant := MustCreateTenant(t, d, "")
	var ids []uuid.UUID
	for i := range 2 {
		var b strings.Builder
		b.WriteString("Email\n")
		for j := range 60 {
			fmt.Fprintf(&b, "r%d-%d@river.example\n", i, j)
		}
		imp, err := svc.Upload(ctx, tenant, imports.UploadParams{FileName: "r.csv", Body: strings.NewReader(b.String()), Size: -1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Start(ctx, tenant, imp.ID, imports.StartParams{}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, imp.ID)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		var running, completed int
		if err := d.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status = 'completed')
			FROM imports WHERE tenant_id = $1`, tenant).Scan(&running, &completed); err != nil {
			t.Fatal(err)
		}
		if running > 1 {
			t.Fatalf("%d imports of a tenant allowed one run at once", running)
		}
		if completed == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("imports not done: %d running, %d completed", running, completed)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, id := range ids {
		imp, _ := svc.Get(ctx, tenant, id)
		if imp.Counts.Created != 60 || imp.StartedAt == nil {
			t.Fatalf("import %s: %+v", id, imp.Counts)
		}
	}
}

// TestConcurrentImportsShareNewContacts: two imports of one tenant with
// the same new people create each person once. The second import's batch
// waits for the first's merge lock (seen in pg_locks), then matches the
// contacts the first created.
func TestConcurrentImportsShareNewContacts(t *testing.T) {
	t.Parallel()
	g := newBatchGate()
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{}, g.hook))
	first, entered, release := &g.first, g.entered, g.release
	file := "Email,First Name,Last Name\nann@" + tb.word + ".example,Ann,One\nbob@" + tb.word + ".example,Bob,Two\n"
	a := tb.MustUpload(t, tb.tenant, "a.csv", file)
	b := tb.MustUpload(t, tb.tenant, "b.csv", file)
	first.Store(a.ID)
	for _, id := range []uuid.UUID{a.ID, b.ID} {
		if _, err := tb.svc.Start(tb.ctx, tb.tenant, id, imports.StartParams{}); err != nil {
			t.Fatal(err)
		}
	}
	errA, errB := make(chan error, 1), make(chan error, 1)
	go func() { errA <- tb.svc.Work(tb.ctx, a.ID) }()
	<-entered
	go func() { errB <- tb.svc.Work(tb.ctx, b.ID) }()

	// B's batch waits on the tenant's merge lock while A's batch is open.
	waiting := false
	for range 500 {
		if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks
			WHERE locktype = 'advisory' AND NOT granted
			  AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('import-merge:' || $1, 0))`,
			tb.tenant.String()).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(release)
	if err := <-errA; err != nil {
		t.Fatal(err)
	}
	if err := <-errB; err != nil {
		t.Fatal(err)
	}
	if !waiting {
		t.Fatal("the second import's batch never waited for the first's merge lock")
	}

	recA, recB := tb.records(t, tb.tenant, a.ID), tb.records(t, tb.tenant, b.ID)
	for _, row := range []int{2, 3} {
		ra, rb := recA[row], recB[row]
		if ra.Outcome != imports.OutcomeCreated || rb.Outcome != imports.OutcomeMatched || *rb.ContactID != *ra.ContactID {
			t.Fatalf("row %d: first %s %v, second %s %v; want created, then matched to the same contact",
				row, ra.Outcome, ra.ContactID, rb.Outcome, rb.ContactID)
		}
	}
	var n int
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT count(*) FROM contacts WHERE owner_tenant_id = $1 AND email LIKE $2`,
		tb.tenant, "%@"+tb.word+".example").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d private contacts, want 2", n)
	}
}

// TestImportWaitsForCRMJob: job slots are shared with CRM pushes. On the
// Free package (one slot) an import waits while a push job holds it.
func TestImportWaitsForCRMJob(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tenant := MustCreateTenant(t, tb.db, "")
	lim := tb.lim
	if ok, err := lim.ClaimJobSlot(tb.ctx, tenant, "crm:42", time.Minute); err != nil || !ok {
		t.Fatalf("push job slot: %v %v", ok, err)
	}
	imp := tb.MustUpload(t, tenant, "a.csv", "Email\na1@"+tb.word+".example\n")
	if _, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{}); err != nil {
		t.Fatal(err)
	}
	var wait *imports.WaitError
	if err := tb.svc.Work(tb.ctx, imp.ID); !errors.As(err, &wait) {
		t.Fatalf("import while a push runs: %v, want to wait", err)
	}
	if cur, _ := tb.svc.Get(tb.ctx, tenant, imp.ID); cur.Status != imports.StatusQueued || cur.Phase != "waiting_for_slot" {
		t.Fatalf("import while a push runs: %s %s", cur.Status, cur.Phase)
	}
	if err := lim.ReleaseJobSlot(tb.ctx, tenant, "crm:42"); err != nil {
		t.Fatal(err)
	}
	if done := tb.MustWork(t, tenant, imp.ID); done.Status != imports.StatusCompleted {
		t.Fatalf("import after the push: %s", done.Status)
	}
	var held int
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT count(*) FROM job_slots WHERE tenant_id = $1`, tenant).Scan(&held); err != nil || held != 0 {
		t.Fatalf("%d slots held after the import (%v)", held, err)
	}
}

// TestSlotHeldWhileResetting: a real start after a dry run first clears
// the dry run's records, which for a large file takes a while (here: held
// up by a lock). Meanwhile the import keeps its job slot and its
// heartbeat: a slot that expired would let another job of a one-slot
// tenant start beside it, and a stale heartbeat would make a cancel take
// the working import for dead.
func TestSlotHeldWhileResetting(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, imports.Options{ProgressEvery: 20 * time.Millisecond, CancelPollEvery: 20 * time.Millisecond})
	tenant := MustCreateTenant(t, tb.db, "") // Free: one slot
	imp := tb.MustUpload(t, tenant, "reset.csv", "Email\nrs1@"+tb.word+".example\nrs2@"+tb.word+".example\n")
	if dry := tb.MustRun(t, tenant, imp.ID, true); dry.Status != imports.StatusCompleted {
		t.Fatalf("dry run: %s %s", dry.Status, dry.Error)
	}
	if _, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{}); err != nil {
		t.Fatal(err)
	}
	// Hold one of the dry run's records, so the reset waits for it.
	hold, err := tb.db.Pool.Begin(tb.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback(tb.ctx) }()
	if _, err := hold.Exec(tb.ctx, `SELECT 1 FROM import_records WHERE import_id = $1 LIMIT 1 FOR UPDATE`, imp.ID); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- tb.svc.Work(tb.ctx, imp.ID) }()

	eventually := func(what, sql string, args ...any) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			var ok bool
			if err := tb.db.Pool.QueryRow(tb.ctx, sql, args...).Scan(&ok); err != nil {
				t.Fatal(err)
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("never: %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	eventually("the reset waits for the held record", `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
		WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM import_records%' AND datname = current_database())`)
	// As if the reset had outlasted the slot's and the heartbeat's life:
	// a working import renews both.
	if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE job_slots SET expires_at = now() - interval '1 second' WHERE tenant_id = $1`, tenant); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, imp.ID); err != nil {
		t.Fatal(err)
	}
	eventually("the slot is renewed during the reset", `SELECT EXISTS (SELECT 1 FROM job_slots
		WHERE tenant_id = $1 AND holder = $2 AND expires_at > now())`, tenant, "import:"+imp.ID.String())
	eventually("the heartbeat is renewed during the reset", `SELECT heartbeat_at > now() - interval '1 minute' FROM imports WHERE id = $1`, imp.ID)
	if ok, err := tb.lim.ClaimJobSlot(tb.ctx, tenant, "crm:7", time.Minute); err != nil || ok {
		t.Fatalf("a push job got a slot beside the resetting import: %v %v", ok, err)
	}

	if err := hold.Rollback(tb.ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		var wait *imports.WaitError
		if !errors.As(err, &wait) {
			t.Fatal(err)
		}
	}
	if cur := tb.MustWork(t, tenant, imp.ID); cur.Status != imports.StatusCompleted || cur.RowsDone != 2 {
		t.Fatalf("after the reset: %s, %d rows: %s", cur.Status, cur.RowsDone, cur.Error)
	}
}

// TestRunCutShort: a run whose context ends mid-import leaves the import
// running for the next attempt to resume, unless it was the job's last
// attempt and ran out of time: nothing would run it again, so it fails
// (it showed running for good). A last attempt cut short because the
// worker stops is not the last (River runs it again, uncounted).
func TestRunCutShort(t *testing.T) {
	t.Parallel()
	// driverSays is what the database driver may answer a statement
	// cancelled under it, instead of the context's error: the server's
	// "canceling statement due to user request".
	driverSays := errors.New("ERROR: canceling statement due to user request (SQLSTATE 57014)")
	tests := []struct {
		name       string
		lastTry    bool
		cause      error
		batchErr   error // what the batch then fails with (nil: the context's error)
		wantStatus string
	}{
		{"RunningAfterTimeoutBeforeLastAttempt", false, context.DeadlineExceeded, nil, imports.StatusRunning},
		{"FailedAfterTimeoutOnLastAttempt", true, context.DeadlineExceeded, nil, imports.StatusFailed},
		{"RunningWhenClientStopsOnLastAttempt", true, errors.New("river client stopping"), nil, imports.StatusRunning},
		{"RunningWhenClientStopsAndTheDriverAnswersOtherwise", true, errors.New("river client stopping"), driverSays, imports.StatusRunning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cut := context.WithCancelCause(context.Background())
			defer cut(nil)
			var batches atomic.Int32
			tb := setupWith(t, imports.WithAfterBatch(imports.Options{BatchRows: 10, MinBatchRows: 10, MaxBatchRows: 10},
				func(uuid.UUID, int) error {
					if batches.Add(1) == 2 {
						cut(tt.cause) // mid-run, inside the second batch
						return tt.batchErr
					}
					return nil
				}))
			var b strings.Builder
			b.WriteString("Email\n")
			for i := range 40 {
				fmt.Fprintf(&b, "cut%d@short.example\n", i)
			}
			imp := tb.MustUpload(t, tb.tenant, "cut.csv", b.String())
			if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
				t.Fatal(err)
			}
			work := tb.svc.Work
			if tt.lastTry {
				work = func(ctx context.Context, id uuid.UUID) error { return imports.WorkLastTry(ctx, tb.svc, id) }
			}
			err := work(ctx, imp.ID)
			got, gerr := tb.svc.Get(tb.ctx, tb.tenant, imp.ID)
			if gerr != nil {
				t.Fatal(gerr)
			}
			if got.Status != tt.wantStatus {
				t.Fatalf("status %s after a run cut short (err %v), want %s", got.Status, err, tt.wantStatus)
			}
			if tt.wantStatus == imports.StatusFailed {
				if err != nil || got.RowsDone != 10 {
					t.Fatalf("failed run: err %v, %d rows done, want nil and the first batch's 10", err, got.RowsDone)
				}
				return
			}
			if err == nil {
				t.Fatal("a run cut short reported success")
			}
			// The next attempt resumes and completes.
			if done := tb.MustWork(t, tb.tenant, imp.ID); done.Status != imports.StatusCompleted || done.Counts.Created != 40 {
				t.Fatalf("resumed run: %s, %+v", done.Status, done.Counts)
			}
		})
	}
}
