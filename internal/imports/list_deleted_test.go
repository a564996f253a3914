package imports_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestTargetListDeleted: a target list deleted while its import runs, or
// before a failed import is resumed, does not stop the import or fail it
// on resume: every row is merged (saved, without a list to join) and the
// completed import says the list was deleted. Before, the running import
// went on silently without the list, and resuming one failed for good.
func TestTargetListDeleted(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	var lines []string
	for i := range 12 {
		lines = append(lines, fmt.Sprintf("p%d@%s.example,Person %d", i, tb.word, i))
	}
	file := "Email,Name\n" + strings.Join(lines, "\n") + "\n"
	newList := func(t *testing.T, tenant uuid.UUID) uuid.UUID {
		t.Helper()
		id := uuid.Must(uuid.NewV7())
		if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO lists (tenant_id, id, name) VALUES ($1, $2, 'Target')`, tenant, id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	upload := func(t *testing.T, run *testBundle, tenant, list uuid.UUID) *imports.Import {
		t.Helper()
		imp := run.MustUpload(t, tenant, "list.csv", file)
		m := imp.Mapping
		m.ListID = &list
		if _, err := run.svc.SetMapping(tb.ctx, tenant, imp.ID, m); err != nil {
			t.Fatal(err)
		}
		return imp
	}
	check := func(t *testing.T, run *testBundle, tenant uuid.UUID, done *imports.Import) {
		t.Helper()
		if done.Status != imports.StatusCompleted || !strings.Contains(done.Error, "target list was deleted") {
			t.Fatalf("status %s, message %q: want completed, saying the list was deleted", done.Status, done.Error)
		}
		if done.Counts.Created != 12 {
			t.Fatalf("counts %+v, want 12 created", done.Counts)
		}
		run.assertConsistent(t, tenant, done)
	}

	t.Run("DuringTheRun", func(t *testing.T) {
		t.Parallel()
		tenant := MustCreateTenant(t, tb.db, "pro")
		list := newList(t, tenant)
		// The list is deleted from row 4's batch on: the deletion waits for
		// the batch holding the list, so each batch lets it queue first.
		var once sync.Once
		deleted := make(chan error, 1)
		var deleterPID uint32
		ready := make(chan struct{})
		hook := func(_ uuid.UUID, last int) error {
			if last < 4 {
				return nil
			}
			once.Do(func() {
				go func() {
					conn, err := tb.db.Pool.Acquire(context.Background())
					if err != nil {
						close(ready)
						deleted <- err
						return
					}
					defer conn.Release()
					deleterPID = conn.Conn().PgConn().PID()
					close(ready)
					_, err = conn.Exec(context.Background(), `DELETE FROM lists WHERE tenant_id = $1 AND id = $2`, tenant, list)
					deleted <- err
				}()
			})
			<-ready
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if len(deleted) > 0 {
					return nil
				}
				var waiting bool
				if err := tb.db.Pool.QueryRow(context.Background(), `SELECT coalesce(wait_event_type = 'Lock', false)
					FROM pg_stat_activity WHERE pid = $1`, int32(deleterPID)).Scan(&waiting); err == nil && waiting {
					return nil
				}
			}
			return errors.New("the list's deletion neither ran nor waited")
		}
		svc := imports.NewService(tb.db, pinnedLimits(tb.db), imports.WithAfterBatch(oneRowBatches, hook))
		run := &testBundle{ctx: tb.ctx, db: tb.db, svc: svc, user: tb.user, word: tb.word}
		imp := upload(t, run, tenant, list)
		done := run.MustRun(t, tenant, imp.ID, false)
		if err := <-deleted; err != nil {
			t.Fatal(err)
		}
		check(t, run, tenant, done)
	})

	t.Run("BeforeResuming", func(t *testing.T) {
		t.Parallel()
		tenant := MustCreateTenant(t, tb.db, "pro")
		list := newList(t, tenant)
		crash := errors.New("worker died")
		var crashed sync.Once
		hook := func(_ uuid.UUID, last int) error {
			err := error(nil)
			if last == 5 {
				crashed.Do(func() { err = crash })
			}
			return err
		}
		svc := imports.NewService(tb.db, pinnedLimits(tb.db), imports.WithAfterBatch(oneRowBatches, hook))
		run := &testBundle{ctx: tb.ctx, db: tb.db, svc: svc, user: tb.user, word: tb.word}
		imp := upload(t, run, tenant, list)
		if _, err := svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
			t.Fatal(err)
		}
		if err := svc.Work(tb.ctx, imp.ID); !errors.Is(err, crash) {
			t.Fatalf("work: %v, want the crash", err)
		}
		// The job's last attempt failed the import, rows 2 to 4 merged.
		if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET status = 'failed', error = 'The import stopped after repeated internal errors.',
			finished_at = now(), heartbeat_at = NULL WHERE id = $1`, imp.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := tb.db.Pool.Exec(tb.ctx, `DELETE FROM lists WHERE tenant_id = $1 AND id = $2`, tenant, list); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
			t.Fatalf("resume: %v", err)
		}
		check(t, run, tenant, run.MustWork(t, tenant, imp.ID))
	})
}
