package contacts_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
)

// correctedMark is tenants.corrected_at IS NOT NULL for the tenant, and
// how many corrections it has.
func (b *testBundle) correctedMark(t *testing.T) (bool, int) {
	t.Helper()
	var marked bool
	var n int
	if err := b.db.Pool.QueryRow(b.ctx, `SELECT t.corrected_at IS NOT NULL,
			(SELECT count(*) FROM contact_corrections cc WHERE cc.tenant_id = t.id) FROM tenants t WHERE t.id = $1`,
		b.tenant).Scan(&marked, &n); err != nil {
		t.Fatal(err)
	}
	return marked, n
}

// TestCorrectedMarkClearedWithLastCorrection: the mark that makes a
// tenant's searches look for its corrections (tenants.corrected_at) goes
// with the tenant's last correction (a deleted contact takes its
// corrections with it), and comes back with the next correction.
func TestCorrectedMarkClearedWithLastCorrection(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	shared := MustCreateContact(t, b.db, ContactOpts{FirstName: "Mark", LastName: "Shared", Title: "Engineer", CompanyID: co})
	private := MustCreateContact(t, b.db, ContactOpts{FirstName: "Mark", LastName: "Private", Title: "Engineer", CompanyID: co, Owner: &b.tenant})
	for _, id := range []uuid.UUID{shared, private} {
		if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "CTO"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, shared, "city", "Berlin"); err != nil {
		t.Fatal(err)
	}
	if marked, n := b.correctedMark(t); !marked || n != 3 {
		t.Fatalf("after three corrections: marked %v with %d corrections; want marked with 3", marked, n)
	}
	if _, err := b.db.Pool.Exec(b.ctx, `DELETE FROM contacts WHERE id = $1`, private); err != nil {
		t.Fatal(err)
	}
	if marked, n := b.correctedMark(t); !marked || n != 2 {
		t.Fatalf("after deleting one corrected contact: marked %v with %d corrections; want marked with 2", marked, n)
	}
	if _, err := b.db.Pool.Exec(b.ctx, `DELETE FROM contacts WHERE id = $1`, shared); err != nil {
		t.Fatal(err)
	}
	if marked, n := b.correctedMark(t); marked || n != 0 {
		t.Fatalf("after the last correction went: marked %v with %d corrections; want unmarked with none", marked, n)
	}
	again := MustCreateContact(t, b.db, ContactOpts{FirstName: "Mark", LastName: "Again", Title: "Engineer", CompanyID: co})
	if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, again, "title", "CTO"); err != nil {
		t.Fatal(err)
	}
	if marked, n := b.correctedMark(t); !marked || n != 1 {
		t.Fatalf("after a new correction: marked %v with %d corrections; want marked with 1", marked, n)
	}
}

// TestCorrectedMarkKeptByConcurrentCorrection: a correction added while
// the tenant's last one is deleted keeps the tenant marked, whichever of
// the two transactions comes first. Without that the tenant's searches
// would skip a correction it has.
func TestCorrectedMarkKeptByConcurrentCorrection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		deleteFirst bool
	}{
		{"InsertFirst", false},
		{"DeleteFirst", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			co := b.company(t, CompanyOpts{})
			last := MustCreateContact(t, b.db, ContactOpts{FirstName: "Last", LastName: tc.name, Title: "Engineer", CompanyID: co})
			next := MustCreateContact(t, b.db, ContactOpts{FirstName: "Next", LastName: tc.name, Title: "Engineer", CompanyID: co})
			if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, last, "title", "CTO"); err != nil {
				t.Fatal(err)
			}
			if marked, n := b.correctedMark(t); !marked || n != 1 {
				t.Fatalf("before: marked %v with %d corrections; want marked with 1", marked, n)
			}
			del := `DELETE FROM contact_corrections WHERE tenant_id = $1`
			ins := `INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value)
				VALUES ($1, $2, $3, 'title', 'Engineer', 'VP Engineering')`
			insArgs := []any{b.tenant, uuid.Must(uuid.NewV7()), next}
			// The first statement runs in a transaction left open; the
			// second on a connection of its own, which either waits for
			// the first to commit or runs through.
			first, firstArgs, second, secondArgs := ins, insArgs, del, []any{b.tenant}
			if tc.deleteFirst {
				first, firstArgs, second, secondArgs = del, []any{b.tenant}, ins, insArgs
			}
			tx, err := b.db.Pool.Begin(b.ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback(context.Background()) }()
			if _, err := tx.Exec(b.ctx, first, firstArgs...); err != nil {
				t.Fatal(err)
			}
			conn, err := b.db.Pool.Acquire(b.ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Release()
			var pid int
			if err := conn.QueryRow(b.ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := conn.Exec(context.Background(), second, secondArgs...)
				done <- err
			}()
			var secondErr error
			finished := waitOrLockWait(t, b, pid, done, &secondErr)
			if err := tx.Commit(b.ctx); err != nil {
				t.Fatal(err)
			}
			if !finished {
				secondErr = <-done
			}
			if secondErr != nil {
				t.Fatal(secondErr)
			}
			if marked, n := b.correctedMark(t); !marked || n != 1 {
				t.Fatalf("after: marked %v with %d corrections; want marked with 1", marked, n)
			}
		})
	}
}

// waitOrLockWait waits until the statement of backend pid either ends
// (true, its error in *err) or waits on a lock (false).
func waitOrLockWait(t *testing.T, b *testBundle, pid int, done <-chan error, err *error) bool {
	t.Helper()
	for range 1000 {
		select {
		case *err = <-done:
			return true
		default:
		}
		var waiting bool
		if e := b.db.Pool.QueryRow(b.ctx, `SELECT coalesce(bool_or(wait_event_type = 'Lock'), false)
			FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&waiting); e != nil {
			t.Fatal(e)
		}
		if waiting {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the second statement neither ended nor waited on a lock")
	return false
}

// TestUnsaveKeepsCorrections: corrections are the tenant's word on the
// contact, not part of its saved entry: unsaving the contact keeps them
// shown, listed and found (docs/API.md "Corrections").
func TestUnsaveKeepsCorrections(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Kept", LastName: "Correction", Title: "Engineer", CompanyID: co})
	if _, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: []uuid.UUID{id}}); err != nil {
		t.Fatal(err)
	}
	corr, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "Chief Wombat Officer")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := b.svc.UnsaveContacts(b.ctx, b.tenant, []uuid.UUID{id}); err != nil || n != 1 {
		t.Fatalf("unsave: %d, %v", n, err)
	}
	c, err := b.svc.GetContact(b.ctx, b.tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Saved || c.Title != "Chief Wombat Officer" || len(c.Corrections) != 1 {
		t.Fatalf("after unsave: saved %v, title %q, %d corrections; want unsaved, the corrected title, 1", c.Saved, c.Title,
			len(c.Corrections))
	}
	page, err := b.svc.ListCorrections(b.ctx, b.tenant, contacts.CorrectionListParams{ContactID: &id, PageSize: 10})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != corr.ID || page.Items[0].Status != contacts.CorrectionPending {
		t.Fatalf("the tenant's corrections after unsave: %+v, %v; want %s pending", page, err, corr.ID)
	}
	if got, _ := b.searchNames(t, b.tenant, contacts.SearchParams{Query: b.word,
		Filters: contacts.Filters{Titles: []string{"chief wombat officer"}}}); len(got) != 1 {
		t.Fatalf("the search after unsave found %v; want the contact", got)
	}
}
