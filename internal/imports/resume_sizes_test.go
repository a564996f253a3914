package imports_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestResumeWithOtherBatchSizes: a worker killed after a batch committed
// (the next one rolled back) leaves the import at a batch boundary; the
// next worker sizes its batches afresh (they adapt to the time each
// takes), so its boundaries fall elsewhere. The import ends exactly like
// an uninterrupted run: the same outcome, duplicate and match for every
// row, the same counts, one contact per created row.
func TestResumeWithOtherBatchSizes(t *testing.T) {
	t.Parallel()
	var target atomic.Value
	target.Store(uuid.Nil)
	var crashed atomic.Bool
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{BatchRows: 50, MinBatchRows: 50, MaxBatchRows: 50},
		func(id uuid.UUID, merged int) error {
			if id == target.Load().(uuid.UUID) && merged > 101 && crashed.CompareAndSwap(false, true) {
				return errors.New("simulated crash") // the third batch rolls back: the import stands after row 101
			}
			return nil
		}))
	file := genFile(t, tb.db, tb.word, 300)

	ref := MustCreateTenant(t, tb.db, "pro")
	refImp := tb.MustUpload(t, ref, "ref.csv", file)
	refDone := tb.MustRun(t, ref, refImp.ID, false)

	imp := tb.MustUpload(t, tb.tenant, "boundary.csv", file)
	target.Store(imp.ID)
	if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
		t.Fatal(err)
	}
	if err := tb.svc.Work(tb.ctx, imp.ID); err == nil || !strings.Contains(err.Error(), "simulated crash") {
		t.Fatalf("first run: %v", err)
	}
	mid, _ := tb.svc.Get(tb.ctx, tb.tenant, imp.ID)
	if mid.Status != imports.StatusRunning || mid.RowsDone != 100 {
		t.Fatalf("after the crash: %s, %d rows done, want the first two batches' 100", mid.Status, mid.RowsDone)
	}
	// The next worker: batches of 7 rows, so no boundary of the first
	// run's is one of its own but the one it starts at.
	tb.svc = imports.NewService(tb.db, tb.lim, imports.Options{BatchRows: 7, MinBatchRows: 7, MaxBatchRows: 7})
	done := tb.MustWork(t, tb.tenant, imp.ID)
	if done.Status != imports.StatusCompleted || done.Counts != refDone.Counts || done.RowsDone != 300 {
		t.Fatalf("%s: counts %+v, want %+v (%s)", done.Status, done.Counts, refDone.Counts, done.Error)
	}
	got, want := summarize(tb.records(t, tb.tenant, imp.ID)), summarize(tb.records(t, ref, refImp.ID))
	if len(got) != len(want) {
		t.Fatalf("%d records, uninterrupted %d", len(got), len(want))
	}
	for n, w := range want {
		if got[n] != w {
			t.Errorf("row %d: %+v, uninterrupted %+v", n, got[n], w)
		}
	}
	tb.assertConsistent(t, tb.tenant, done)
}
