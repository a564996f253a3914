package imports_test

import (
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestCancelAfterDryRun: a real start after a dry run leaves the dry run's
// records for the worker to clear; cancelled before any worker runs it (or
// with its worker gone), the import keeps none of them, so its records and
// errors.csv agree with its counts (all zero).
func TestCancelAfterDryRun(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tt := range tb.waitingCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, "dry.csv", "Email\nd1@"+tb.word+".example\nnot-an-email\n")
			if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{DryRun: true}); err != nil {
				t.Fatal(err)
			}
			if dry := tb.MustWork(t, tb.tenant, imp.ID); dry.Status != imports.StatusCompleted || dry.Counts.Invalid != 1 {
				t.Fatalf("dry run: %s, %+v", dry.Status, dry.Counts)
			}
			if n := tb.count(t, `SELECT count(*) FROM import_records WHERE import_id = $1`, imp.ID); n != 2 {
				t.Fatalf("dry run left %d records, want 2", n)
			}
			if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{}); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, imp.ID)

			res, err := tb.svc.Cancel(tb.ctx, tb.tenant, imp.ID)
			if err != nil || res.Status != imports.StatusCancelled || res.DryRun {
				t.Fatalf("cancel: %v, %+v", err, res)
			}
			if n := tb.count(t, `SELECT count(*) FROM import_records WHERE import_id = $1`, imp.ID); n != 0 {
				t.Fatalf("the cancelled import kept %d of the dry run's records", n)
			}
			if err := tb.svc.Work(tb.ctx, imp.ID); err != nil { // the job runs later and does nothing
				t.Fatal(err)
			}
		})
	}
}

// TestCancelWaitingDryRunKeepsFile: a dry run cancelled before a worker
// runs it (waiting for a slot) or with its worker gone keeps the uploaded
// file, as a dry run cancelled while it runs does: the mapping stays
// editable and the import can still start, for real or as another dry run.
func TestCancelWaitingDryRunKeepsFile(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tt := range tb.waitingCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, "dry.csv", "Email\nk1@"+tb.word+strings.ToLower(tt.name)+".example\n")
			if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{DryRun: true}); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, imp.ID)
			res, err := tb.svc.Cancel(tb.ctx, tb.tenant, imp.ID)
			if err != nil || res.Status != imports.StatusCancelled || !res.DryRun {
				t.Fatalf("cancel: %v, %+v", err, res)
			}
			if res.FileRemovedAt != nil || tb.count(t, `SELECT count(*) FROM import_files WHERE import_id = $1`, imp.ID) == 0 {
				t.Fatalf("cancelling the dry run removed the uploaded file (file_removed_at %v)", res.FileRemovedAt)
			}
			if _, err := tb.svc.SetMapping(tb.ctx, tb.tenant, imp.ID, res.Mapping); err != nil {
				t.Fatalf("mapping after a cancelled dry run: %v", err)
			}
			done := tb.MustRun(t, tb.tenant, imp.ID, false)
			if done.Status != imports.StatusCompleted || done.DryRun || done.Counts != (imports.Counts{Created: 1}) {
				t.Fatalf("the real run after it: %s dry=%v %+v %s", done.Status, done.DryRun, done.Counts, done.Error)
			}
		})
	}
}
