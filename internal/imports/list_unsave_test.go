package imports_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestImportOntoListHoldsSavedRows: a batch that imports onto a list holds
// the saved rows its list members will refer to, those saved before the
// import included, until it commits. Before, an unsave of such a contact
// between the batch's saving and its list members went through, and the
// members' foreign key failed the batch (an error and a retry).
func TestImportOntoListHoldsSavedRows(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	tenant := MustCreateTenant(t, tb.db, "pro")
	email := "held@" + tb.word + ".example"
	contact := MustSharedContact(t, tb.db, "Held", "Row", email, "Acme")
	list := uuid.Must(uuid.NewV7())
	if _, err := tb.db.Pool.Exec(ctx, `INSERT INTO saved_contacts (tenant_id, contact_id) VALUES ($1, $2)`, tenant, contact); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.db.Pool.Exec(ctx, `INSERT INTO lists (tenant_id, id, name) VALUES ($1, $2, 'Target')`, tenant, list); err != nil {
		t.Fatal(err)
	}
	imp := tb.MustUpload(t, tenant, "held.csv", "Email,First name,Last name\n"+email+",Held,Row\n")
	m := imp.Mapping
	m.ListID = &list
	if _, err := tb.svc.SetMapping(ctx, tenant, imp.ID, m); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.svc.Start(ctx, tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
		t.Fatal(err)
	}

	// Holding the list row stops the batch after it saved its contacts and
	// before it adds them to the list (it locks the list first).
	holder, err := tb.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = holder.Rollback(ctx) }()
	if _, err := holder.Exec(ctx, `SELECT 1 FROM lists WHERE id = $1 FOR UPDATE`, list); err != nil {
		t.Fatal(err)
	}
	worked := make(chan error, 1)
	go func() { worked <- tb.svc.Work(ctx, imp.ID) }()
	waitBlockedBy(t, tb, holder.Conn().PgConn().PID())

	unsaver, err := tb.db.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer unsaver.Release()
	unsaved := make(chan error, 1)
	go func() {
		_, err := unsaver.Exec(ctx, `DELETE FROM saved_contacts WHERE tenant_id = $1 AND contact_id = $2`, tenant, contact)
		unsaved <- err
	}()
	// The unsave must wait for the batch.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if len(unsaved) > 0 {
			t.Fatalf("the unsave went through while the batch was adding the contact to the list (%v)", <-unsaved)
		}
		var waiting bool
		if err := tb.db.Pool.QueryRow(ctx, `SELECT wait_event_type IS NOT DISTINCT FROM 'Lock' FROM pg_stat_activity WHERE pid = $1`,
			unsaver.Conn().PgConn().PID()).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the unsave neither waited nor finished")
		}
	}
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-worked; err != nil {
		t.Fatalf("work: %v", err)
	}
	if err := <-unsaved; err != nil {
		t.Fatalf("unsave: %v", err)
	}
	done := tb.MustWork(t, tenant, imp.ID)
	if done.Status != imports.StatusCompleted || done.Counts.Matched != 1 {
		t.Fatalf("status %s, counts %+v: want completed, 1 matched", done.Status, done.Counts)
	}
	// The unsave came after the import, and took the contact off the list.
	var saved, members int
	if err := tb.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM saved_contacts WHERE tenant_id = $1),
		(SELECT count(*) FROM list_members WHERE tenant_id = $1)`, tenant).Scan(&saved, &members); err != nil {
		t.Fatal(err)
	}
	if saved != 0 || members != 0 {
		t.Errorf("%d saved, %d list members: want none", saved, members)
	}
}

// waitBlockedBy waits until a backend waits for a lock the backend pid
// holds.
func waitBlockedBy(t *testing.T, tb *testBundle, pid uint32) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var n int
		if err := tb.db.Pool.QueryRow(context.Background(),
			`SELECT count(*) FROM pg_stat_activity WHERE $1::int = ANY (pg_blocking_pids(pid))`, int(pid)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
	t.Fatal("nothing waited for the lock")
}
