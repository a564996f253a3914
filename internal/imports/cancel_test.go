package imports_test

import (
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
