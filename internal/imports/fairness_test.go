package imports_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestImportHandsPlaceToOtherTenant: a process works two imports at once
// (MaxRunning). Tenant A runs two; tenant B's import asks for a place and
// waits. One of A's runs hands its place back at its next yield point
// (after the batch it is in), instead of B waiting for both to finish (or
// for the run's YieldAfter, 8 minutes): B's import then runs while A's
// yielded one waits, and A's finishes afterwards where it stopped.
func TestImportHandsPlaceToOtherTenant(t *testing.T) {
	t.Parallel()
	var first atomic.Value
	first.Store(uuid.Nil)
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	hook := func(id uuid.UUID, _ int) error {
		if id == first.Load().(uuid.UUID) {
			once.Do(func() { close(entered) })
			<-release
		}
		return nil
	}
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{MaxRunning: 2, BatchRows: 1, MinBatchRows: 1, MaxBatchRows: 1}, hook))
	now := time.Now()
	imports.PinPlacesClock(tb.svc, func() time.Time { return now })
	other := MustCreateTenant(t, tb.db, "pro")
	file := func(name string) string {
		return fmt.Sprintf("Email\n%[1]s1@%[2]s.example\n%[1]s2@%[2]s.example\n%[1]s3@%[2]s.example\n", name, tb.word)
	}
	a1 := tb.MustUpload(t, tb.tenant, "a1.csv", file("a1"))
	a2 := tb.MustUpload(t, tb.tenant, "a2.csv", file("a2"))
	b := tb.MustUpload(t, other, "b.csv", file("b"))
	for _, s := range []struct{ tenant, id uuid.UUID }{{tb.tenant, a1.ID}, {tb.tenant, a2.ID}, {other, b.ID}} {
		if _, err := tb.svc.Start(tb.ctx, s.tenant, s.id, imports.StartParams{}); err != nil {
			t.Fatal(err)
		}
	}
	first.Store(a1.ID)
	errs := make(chan error, 2)
	go func() { errs <- tb.svc.Work(tb.ctx, a1.ID) }()
	<-entered
	go func() { errs <- tb.svc.Work(tb.ctx, a2.ID) }()
	// A's second import holds the other place once it runs (its batch then
	// waits for A's merge lock, which the first holds).
	for i := 0; ; i++ {
		cur, err := tb.svc.Get(tb.ctx, tb.tenant, a2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Status == imports.StatusRunning {
			break
		}
		if i == 1500 {
			t.Fatalf("A's second import never ran: %s %s", cur.Status, cur.Phase)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var wait *imports.WaitError
	if err := tb.svc.Work(tb.ctx, b.ID); !errors.As(err, &wait) {
		t.Fatalf("B's import with both places taken: %v, want to wait", err)
	}
	close(release)
	yielded := 0
	for range 2 {
		err := <-errs
		switch {
		case errors.As(err, &wait):
			yielded++
		case err != nil:
			t.Fatal(err)
		}
	}
	if yielded != 1 {
		t.Fatalf("%d of A's imports handed their place back while B waited, want 1", yielded)
	}
	if done := tb.MustWork(t, other, b.ID); done.Status != imports.StatusCompleted || done.RowsDone != 3 {
		t.Fatalf("B's import: %s with %d rows", done.Status, done.RowsDone)
	}
	for _, id := range []uuid.UUID{a1.ID, a2.ID} {
		if done := tb.MustWork(t, tb.tenant, id); done.Status != imports.StatusCompleted || done.RowsDone != 3 {
			t.Fatalf("A's import %s: %s with %d rows", id, done.Status, done.RowsDone)
		}
	}
}
