package imports_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestExpireFiles: imports nobody ran for the retention period lose their
// file (an upload never started is cancelled, a finished dry run keeps its
// results but cannot start); recent, queued and already-finished imports
// are left alone; each removal is audited.
func TestExpireFiles(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	body := "Email\nx1@" + tb.word + ".example\nx2@" + tb.word + ".example\n"
	abandoned := tb.MustUpload(t, tb.tenant, "abandoned.csv", body)
	dry := tb.MustUpload(t, tb.tenant, "dry.csv", body)
	tb.MustRun(t, tb.tenant, dry.ID, true)
	recent := tb.MustUpload(t, tb.tenant, "recent.csv", body)
	queued := tb.MustUpload(t, tb.tenant, "queued.csv", body)
	if _, err := tb.svc.Start(tb.ctx, tb.tenant, queued.ID, imports.StartParams{}); err != nil {
		t.Fatal(err)
	}
	// A running import whose tenant was suspended waits, unchanged, for
	// as long as the suspension lasts; it resumes from its file.
	running := tb.MustUpload(t, tb.tenant, "running.csv", body)
	if _, err := tb.svc.Start(tb.ctx, tb.tenant, running.ID, imports.StartParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET status = 'running' WHERE id = $1`, running.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET updated_at = now() - interval '8 days' WHERE id = ANY($1)`,
		[]uuid.UUID{abandoned.ID, dry.ID, queued.ID, running.ID}); err != nil {
		t.Fatal(err)
	}
	n, err := tb.svc.ExpireFiles(tb.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n < 2 {
		t.Fatalf("expired %d files, want at least 2", n)
	}

	chunks := func(id uuid.UUID) int {
		var c int
		if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT count(*) FROM import_files WHERE import_id = $1`, id).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name       string
		id         uuid.UUID
		status     string
		removed    bool
		errContain string
	}{
		{"Abandoned", abandoned.ID, imports.StatusCancelled, true, "not started within 7 days"},
		{"DryRun", dry.ID, imports.StatusCompleted, true, ""},
		{"Recent", recent.ID, imports.StatusUploaded, false, ""},
		{"Queued", queued.ID, imports.StatusQueued, false, ""},
		{"Running", running.ID, imports.StatusRunning, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imp, err := tb.svc.Get(tb.ctx, tb.tenant, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if imp.Status != tc.status || (imp.FileRemovedAt != nil) != tc.removed || (chunks(tc.id) == 0) != tc.removed ||
				!strings.Contains(imp.Error, tc.errContain) {
				t.Fatalf("status %s, removed at %v, %d chunks, error %q", imp.Status, imp.FileRemovedAt, chunks(tc.id), imp.Error)
			}
		})
	}
	// The dry run's results stay; starting it for real needs the file.
	if recs := tb.records(t, tb.tenant, dry.ID); len(recs) != 2 {
		t.Fatalf("dry run kept %d records, want 2", len(recs))
	}
	_, err = tb.svc.Start(tb.ctx, tb.tenant, dry.ID, imports.StartParams{})
	if !apperr.Is(err, apperr.ECONFLICT) || !strings.Contains(err.Error(), "upload it again") {
		t.Fatalf("start after expiry: %v, want a conflict asking for the file again", err)
	}
	var audited int
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT count(*) FROM audit_events WHERE action = 'import.file_expired'
		AND target_id = ANY($1)`, []string{abandoned.ID.String(), dry.ID.String()}).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != 2 {
		t.Fatalf("%d audit events, want 2", audited)
	}
	// A second sweep finds nothing of these.
	if _, err := tb.svc.ExpireFiles(tb.ctx); err != nil {
		t.Fatal(err)
	}
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT count(*) FROM audit_events WHERE action = 'import.file_expired'
		AND target_id = ANY($1)`, []string{abandoned.ID.String(), dry.ID.String()}).Scan(&audited); err != nil || audited != 2 {
		t.Fatalf("after a second sweep: %d audit events (%v), want 2", audited, err)
	}
}

// TestExpireFilesAfterQuotaReset: an import stopped by the monthly quota
// is told to start again once the quota resets, and resumes where it
// stopped; its file is kept for the retention period after that reset,
// not after the failure (a month's quota used up on the 3rd resets weeks
// after a 7-day retention, and the file was gone by then: the import
// could not resume, and a new upload paid for its first rows again).
func TestExpireFilesAfterQuotaReset(t *testing.T) {
	t.Parallel()
	tb, tenant, imp, reset := stoppedByQuota(t, "stopped.csv")
	// Failed longer ago than the retention, the quota's reset not yet
	// a retention period ago: kept.
	if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET updated_at = now() - interval '8 days' WHERE id = $1`, imp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.svc.ExpireFiles(tb.ctx); err != nil {
		t.Fatal(err)
	}
	kept, err := tb.svc.Get(tb.ctx, tenant, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if kept.FileRemovedAt != nil {
		t.Fatalf("the file of an import stopped by the quota (reset %s) was removed before the reset", reset)
	}

	// Once the reset is a retention period past, the file goes.
	if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET quota_reset_at = now() - interval '8 days' WHERE id = $1`, imp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.svc.ExpireFiles(tb.ctx); err != nil {
		t.Fatal(err)
	}
	if gone, err := tb.svc.Get(tb.ctx, tenant, imp.ID); err != nil || gone.FileRemovedAt == nil || gone.Status != imports.StatusFailed {
		t.Fatalf("a retention period after the reset: %+v, %v; want the file removed", gone, err)
	}
	// Without its file the failed import cannot resume: the start is
	// refused and asks for the file again, rather than queueing a run
	// that has nothing to read. (The quota has room again, so that only
	// the missing file can refuse it.)
	if _, err := tb.db.Pool.Exec(tb.ctx, `DELETE FROM usage_counters WHERE tenant_id = $1`, tenant); err != nil {
		t.Fatal(err)
	}
	_, err = tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{})
	if !apperr.Is(err, apperr.ECONFLICT) || !strings.Contains(err.Error(), "upload it again") {
		t.Fatalf("resume after expiry: %v, want a conflict asking for the file again", err)
	}
	if after, err := tb.svc.Get(tb.ctx, tenant, imp.ID); err != nil || after.Status != imports.StatusFailed {
		t.Fatalf("after the refused resume: %+v, %v; want it still failed", after, err)
	}
}

// TestImportFlushesSearchIndex: new contacts enter the search index's
// pending list, which every search reads through; a finished import
// merges it, so searches after an import cost what they did before.
func TestImportFlushesSearchIndex(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	if _, err := d.Pool.Exec(context.Background(), `CREATE EXTENSION IF NOT EXISTS pgstattuple`); err != nil {
		t.Fatalf("pgstattuple (PostgreSQL contrib) is needed: %v", err)
	}
	pending := func() int {
		var n int
		if err := d.Pool.QueryRow(context.Background(),
			`SELECT pending_pages + pending_tuples FROM pgstatginindex('contacts_search_doc')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Without the flush, new contacts stay pending.
	MustSharedContact(t, d, "Pen", "Ding", "pen@flush.example", "Flush Co")
	if pending() == 0 {
		t.Fatal("a new contact did not enter the pending list: the test would prove nothing")
	}
	svc := imports.NewService(d, pinnedLimits(d), imports.Options{})
	tb := &testBundle{ctx: context.Background(), db: d, svc: svc, word: dbtest.UniqueWord()}
	tb.tenant, tb.user = MustCreateTenant(t, d, "pro"), dbtest.MustCreateUser(t, d)
	imp := tb.MustUpload(t, tb.tenant, "flush.csv", "Email\nf1@"+tb.word+".example\nf2@"+tb.word+".example\n")
	if done := tb.MustRun(t, tb.tenant, imp.ID, false); done.Counts.Created != 2 {
		t.Fatalf("import: %+v", done.Counts)
	}
	if n := pending(); n != 0 {
		t.Fatalf("the search index still has %d pending pages and tuples after the import", n)
	}
}

// TestFailOrphans: an import that shows queued or running while River
// holds no live job for it (discarded after a worker died on its last
// attempt) fails in the sweep; one with a live job, or changed within
// StaleAfter, is left alone.
func TestFailOrphans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		jobState   string // what becomes of the import's job
		status     string // what the import shows
		age        string // since the import last changed
		beat       string // since a running import's heartbeat ("" for age)
		wantStatus string
	}{
		{"FailedWhenJobDiscarded", "discarded", imports.StatusRunning, "1 hour", "", imports.StatusFailed},
		{"FailedWhenQueuedJobGone", "", imports.StatusQueued, "1 hour", "", imports.StatusFailed},
		{"KeptWhileJobWaits", "available", imports.StatusRunning, "1 hour", "", imports.StatusRunning},
		{"KeptWhileJobRetries", "retryable", imports.StatusRunning, "1 hour", "", imports.StatusRunning},
		{"KeptWhenJustChanged", "discarded", imports.StatusRunning, "1 second", "", imports.StatusRunning},
		// Each sign of life keeps it on its own: a worker beating its
		// heartbeat, or a change (a start, a cancel request) just made.
		{"KeptWhileHeartbeatFresh", "discarded", imports.StatusRunning, "1 hour", "1 second", imports.StatusRunning},
		{"KeptWhenJustChangedHeartbeatOld", "discarded", imports.StatusRunning, "1 second", "1 hour", imports.StatusRunning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			imp := tb.MustUpload(t, tb.tenant, "o.csv", "Email\norphan@"+tb.word+".example\n")
			if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
				t.Fatal(err)
			}
			job := `UPDATE river_job SET state = $1::river_job_state,
				finalized_at = CASE WHEN $1 IN ('completed', 'discarded', 'cancelled') THEN now() END
				WHERE kind = 'import' AND args->>'import_id' = $2`
			if tt.jobState == "" {
				job = `DELETE FROM river_job WHERE $1 = '' AND kind = 'import' AND args->>'import_id' = $2`
			}
			if _, err := tb.db.Pool.Exec(tb.ctx, job, tt.jobState, imp.ID.String()); err != nil {
				t.Fatal(err)
			}
			beat := tt.beat
			if beat == "" {
				beat = tt.age
			}
			if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET status = $1, updated_at = now() - $2::interval,
				heartbeat_at = CASE WHEN $1 = 'running' THEN now() - $4::interval END WHERE id = $3`,
				tt.status, tt.age, imp.ID, beat); err != nil {
				t.Fatal(err)
			}
			if _, err := tb.svc.FailOrphans(tb.ctx); err != nil {
				t.Fatal(err)
			}
			got, err := tb.svc.Get(tb.ctx, tb.tenant, imp.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.wantStatus {
				t.Fatalf("status %s, want %s", got.Status, tt.wantStatus)
			}
			if tt.wantStatus == imports.StatusFailed && !strings.Contains(got.Error, "start it again to resume") {
				t.Fatalf("error %q", got.Error)
			}
		})
	}
}

// TestResumeForgetsQuotaReset: a start clears the quota reset an earlier
// run was stopped at. An import stopped by its quota, resumed once the
// package allowed more and then failed for another reason, keeps its file
// the retention period after that failure, not after the old run's
// quota reset weeks later.
func TestResumeForgetsQuotaReset(t *testing.T) {
	t.Parallel()
	tb, tenant, imp, _ := stoppedByQuota(t, "resumed.csv")
	// The quota has room again (an upgrade): the import resumes, and its
	// run fails for another reason (its worker's last attempt), long ago.
	if _, err := tb.db.Pool.Exec(tb.ctx, `DELETE FROM usage_counters WHERE tenant_id = $1`, tenant); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{}); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET status = 'failed', updated_at = now() - interval '8 days'
		WHERE id = $1`, imp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.svc.ExpireFiles(tb.ctx); err != nil {
		t.Fatal(err)
	}
	gone, err := tb.svc.Get(tb.ctx, tenant, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if gone.FileRemovedAt == nil {
		t.Fatalf("a retention period after the resumed run failed (status %s), the file is kept: want it removed", gone.Status)
	}
}

// TestExpireFilesDropsKeys: a failed run keeps its key table so that a
// resume need not rebuild it; when the import's file expires (it can no
// longer resume) the table goes too, or it would stay in the database for
// good.
func TestExpireFilesDropsKeys(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	imp := tb.MustUpload(t, tb.tenant, "failed.csv", "Email\nk1@"+tb.word+".example\n")
	keys := "import_keys_" + strings.ReplaceAll(imp.ID.String(), "-", "")
	for _, q := range []string{
		`CREATE UNLOGGED TABLE ` + keys + ` (LIKE import_keys INCLUDING ALL)`,
		`UPDATE imports SET status = 'failed', updated_at = now() - interval '8 days' WHERE id = '` + imp.ID.String() + `'`,
	} {
		if _, err := tb.db.Pool.Exec(tb.ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tb.svc.ExpireFiles(tb.ctx); err != nil {
		t.Fatal(err)
	}
	var removed, kept bool
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT file_removed_at IS NOT NULL, to_regclass($1) IS NOT NULL FROM imports WHERE id = $2`,
		keys, imp.ID).Scan(&removed, &kept); err != nil {
		t.Fatal(err)
	}
	if !removed || kept {
		t.Fatalf("failed import after its file expired: file removed %v, key table kept %v; want removed, not kept", removed, kept)
	}
}

// stoppedByQuota runs an import of 30 rows for a Free tenant whose month
// has 15 rows left, so that it fails on the quota, and returns it with the
// quota's next reset. The limits clock stands at the database's time: the
// sweeps read the database's clock, so the reset is the next one from there.
func stoppedByQuota(t *testing.T, name string) (*testBundle, uuid.UUID, *imports.Import, time.Time) {
	t.Helper()
	tb := setupWith(t, imports.Options{BatchRows: 10, MinBatchRows: 10, MaxBatchRows: 10})
	var dbNow time.Time
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT now()`).Scan(&dbNow); err != nil {
		t.Fatal(err)
	}
	tb.clock.Set(dbNow)
	period, reset := tb.lim.Period()
	tenant := MustCreateTenant(t, tb.db, "") // Free: 1,000 rows a month
	var body strings.Builder
	body.WriteString("Email\n")
	for i := range 30 {
		fmt.Fprintf(&body, "%s-%d@%s.example\n", strings.TrimSuffix(name, ".csv"), i, tb.word)
	}
	imp := tb.MustUpload(t, tenant, name, body.String())
	if _, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO usage_counters (tenant_id, metric, period_start, count)
		VALUES ($1, 'import_rows', $2, 985)`, tenant, period); err != nil {
		t.Fatal(err)
	}
	if done := tb.MustWork(t, tenant, imp.ID); done.Status != imports.StatusFailed || !strings.Contains(done.Error, "quota ran out") {
		t.Fatalf("status %s: %s, want failed on the quota", done.Status, done.Error)
	}
	return tb, tenant, imp, reset
}
