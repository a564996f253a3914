package imports_test

import (
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestStartRefusals: which imports may start, by status and by whether
// they, and the start, are dry runs. A failed real run resumes only as a
// real run (a dry run of it would skip the quota check and run for real);
// one that is queued, running or finished for real is refused with a
// sentence saying why.
func TestStartRefusals(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	body := "Email\nsr1@" + tb.word + ".example\nsr2@" + tb.word + ".example\n"
	for _, tc := range []struct {
		name     string
		body     string // "" uploads two rows of emails
		status   string // set on the uploaded import ("" leaves it uploaded)
		dryRan   bool   // the import's run was a dry run
		startDry bool
		code     string // "" for a start that goes through
		msg      string
	}{
		{name: "OKUploaded"},
		{name: "OKDryRunOfUploaded", startDry: true},
		{name: "OKAfterDryRun", status: imports.StatusCompleted, dryRan: true},
		{name: "OKResumeFailed", status: imports.StatusFailed},
		{name: "ErrConflictQueued", status: imports.StatusQueued, code: apperr.ECONFLICT, msg: "The import is already queued."},
		{name: "ErrConflictRunning", status: imports.StatusRunning, code: apperr.ECONFLICT, msg: "The import is already running."},
		{name: "ErrConflictDryRunOfFailed", status: imports.StatusFailed, startDry: true, code: apperr.ECONFLICT,
			msg: "start it again (without dry_run) to resume it"},
		{name: "ErrConflictCompleted", status: imports.StatusCompleted, code: apperr.ECONFLICT,
			msg: "The import is completed; upload the file again"},
		{name: "ErrConflictCancelled", status: imports.StatusCancelled, code: apperr.ECONFLICT,
			msg: "The import is cancelled; upload the file again"},
		// The suggested mapping of a file whose columns say nothing maps
		// no column: the start refuses it rather than queue a run whose
		// every row is unusable.
		{name: "ErrInvalidNothingMapped", body: "Colour,Size\nred,XL\n", code: apperr.EINVALID,
			msg: "The mapping has invalid fields."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := body
			if tc.body != "" {
				b = tc.body
			}
			imp := tb.MustUpload(t, tb.tenant, "start.csv", b)
			if tc.status != "" {
				if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET status = $2, dry_run = $3 WHERE id = $1`,
					imp.ID, tc.status, tc.dryRan); err != nil {
					t.Fatal(err)
				}
			}
			got, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{DryRun: tc.startDry, UserID: &tb.user})
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.msg)
				want := tc.status
				if want == "" {
					want = imports.StatusUploaded
				}
				if after, err := tb.svc.Get(tb.ctx, tb.tenant, imp.ID); err != nil || after.Status != want {
					t.Fatalf("after the refused start: %+v, %v; want it still %s", after, err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("start: %v", err)
			}
			// A fresh start runs as asked; a resume goes on as the real run it was.
			if got.Status != imports.StatusQueued || got.DryRun != tc.startDry {
				t.Fatalf("started: status %s, dry run %v; want queued, dry run %v", got.Status, got.DryRun, tc.startDry)
			}
		})
	}
}
