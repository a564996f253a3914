package contacts_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// waitForLockWait waits until a statement about lists waits on a lock in
// the test database (the call under test reached the row another
// transaction holds).
func waitForLockWait(t *testing.T, b *testBundle) {
	t.Helper()
	for range 500 {
		var n int
		if err := b.db.Pool.QueryRow(b.ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%list%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("nothing waited on a lock")
}

// TestConcurrentCorrections: corrections of one private contact submitted
// at once are each recorded; none ends in a deadlock (500).
func TestConcurrentCorrections(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	for range 10 {
		id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Dead", LastName: "Lock", Title: "Engineer", CompanyID: co, Owner: &b.tenant})
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i, v := range []string{"CTO", "VP Engineering", "Head of Data"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = b.svc.SubmitCorrection(context.Background(), b.tenant, b.user, id, "title", v)
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("concurrent correction: %v", err)
			}
		}
	}
}

// TestAddToListRaces: adding to a list that is being deleted answers 404;
// adding a contact that is being unsaved saves it again and adds it; never
// a foreign key error (500).
func TestAddToListRaces(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	tests := []struct {
		name     string
		hold     string // what another transaction holds while the call starts
		meantime func(t *testing.T, list, contact uuid.UUID)
		wantCode string
	}{
		{"ErrListDeleted", `DELETE FROM lists WHERE tenant_id = $1 AND id = $2`, nil, apperr.ENOTFOUND},
		{"OKContactUnsaved", `SELECT 1 FROM lists WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
			func(t *testing.T, _, contact uuid.UUID) {
				if n, err := b.svc.UnsaveContacts(b.ctx, b.tenant, []uuid.UUID{contact}); err != nil || n != 1 {
					t.Fatalf("unsave: %d, %v", n, err)
				}
			}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			contact := MustCreateContact(t, b.db, ContactOpts{FirstName: "Race", LastName: tt.name, CompanyID: co})
			if _, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: []uuid.UUID{contact}}); err != nil {
				t.Fatal(err)
			}
			list, err := b.svc.CreateList(b.ctx, b.tenant, b.user, tt.name+" "+b.word)
			if err != nil {
				t.Fatal(err)
			}
			tx, err := b.db.Pool.Begin(b.ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback(b.ctx) }() // a no-op once committed
			if _, err := tx.Exec(b.ctx, tt.hold, b.tenant, list.ID); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, list.ID, []uuid.UUID{contact})
				done <- err
			}()
			waitForLockWait(t, b)
			if tt.meantime != nil {
				tt.meantime(t, list.ID, contact)
			}
			if err := tx.Commit(b.ctx); err != nil {
				t.Fatal(err)
			}
			err = <-done
			if apperr.Code(err) != tt.wantCode && !(tt.wantCode == "" && err == nil) {
				t.Fatalf("AddListMembers: %v, want code %q", err, tt.wantCode)
			}
			if tt.wantCode == "" {
				c, err := b.svc.GetContact(b.ctx, b.tenant, contact)
				if err != nil || !c.Saved || len(c.Lists) != 1 {
					t.Fatalf("contact after the race: %+v, %v", c, err)
				}
			}
		})
	}
}

// TestUndoOwnCorrection: a tenant that corrected a shared contact can
// correct it back to the shared value (accepted at once: nothing to
// review); correcting to the value it already sees is refused.
func TestUndoOwnCorrection(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Un", LastName: "Do", Title: "Engineer", CompanyID: co})
	title := func() string {
		t.Helper()
		c, err := b.svc.GetContact(b.ctx, b.tenant, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.Title
	}
	if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "CTO"); err != nil {
		t.Fatal(err)
	}
	if got := title(); got != "CTO" {
		t.Fatalf("after the correction the tenant sees %q", got)
	}
	_, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "CTO")
	wantCode(t, err, apperr.EINVALID)
	back, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "Engineer")
	if err != nil {
		t.Fatalf("undoing the correction: %v", err)
	}
	if back.Status != contacts.CorrectionAccepted || title() != "Engineer" {
		t.Fatalf("undo %+v, the tenant sees %q", back, title())
	}
	_, err = b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "Engineer")
	wantCode(t, err, apperr.EINVALID)
	// The undone "CTO" left the review queue: staff cannot write it into
	// the shared record any more.
	page, err := b.svc.ListCorrections(b.ctx, b.tenant, contacts.CorrectionListParams{Status: contacts.CorrectionWithdrawn, PageSize: 10, MaxPageSize: 10})
	if err != nil || len(page.Items) != 1 || page.Items[0].NewValue != "CTO" {
		t.Fatalf("withdrawn corrections %+v, %v", page, err)
	}
	_, err = b.svc.AcceptCorrection(b.ctx, b.user, page.Items[0].ID)
	wantCode(t, err, apperr.ECONFLICT)
	if got := title(); got != "Engineer" {
		t.Fatalf("after the review attempt the tenant sees %q", got)
	}
}

// TestReviewWhileResubmitted: staff accepting a tenant's pending correction
// while the tenant corrects the same field again are one after the other,
// never a deadlock (500): both lock the contact before the corrections.
func TestReviewWhileResubmitted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Re", LastName: "Submit", Title: "Engineer", CompanyID: co})
	first, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "CTO")
	if err != nil {
		t.Fatal(err)
	}
	waiters := func(n int) {
		t.Helper()
		for range 500 {
			var w int
			if err := b.db.Pool.QueryRow(b.ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
				AND wait_event_type = 'Lock' AND (query ILIKE '%contact_corrections%' OR query ILIKE '%FROM contacts%')`).Scan(&w); err != nil {
				t.Fatal(err)
			}
			if w >= n {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("fewer than %d sessions waited on a lock", n)
	}
	// Something holds the pending correction for a moment, so that the
	// review and the resubmission are both under way.
	x, err := b.db.Pool.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Rollback(b.ctx) }()
	if _, err := x.Exec(b.ctx, `SELECT 1 FROM contact_corrections WHERE id = $1 FOR UPDATE`, first.ID); err != nil {
		t.Fatal(err)
	}
	accepted := make(chan error, 1)
	go func() { _, err := b.svc.AcceptCorrection(context.Background(), b.user, first.ID); accepted <- err }()
	waiters(1)
	resubmitted := make(chan error, 1)
	go func() {
		_, err := b.svc.SubmitCorrection(context.Background(), b.tenant, b.user, id, "title", "VP Engineering")
		resubmitted <- err
	}()
	waiters(2)
	if err := x.Rollback(b.ctx); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{<-accepted, <-resubmitted} {
		if apperr.Code(err) == apperr.EINTERNAL {
			t.Fatalf("a review racing a resubmission: %v", err)
		}
	}
}

// TestTwoStaffReviewOneCorrection: two reviewers deciding one correction at
// once, one accepting and one rejecting, make exactly one decision: the
// other is told it was already decided (ECONFLICT), one audit event is
// written, and the shared record matches the decision.
func TestTwoStaffReviewOneCorrection(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	for range 5 {
		id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Two", LastName: "Staff", Title: "Engineer", CompanyID: co})
		k, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "CTO")
		if err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, review := range []func(context.Context, uuid.UUID, uuid.UUID) (*contacts.Correction, error){b.svc.AcceptCorrection, b.svc.RejectCorrection} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = review(context.Background(), b.otherUsr, k.ID)
			}()
		}
		close(start)
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if won >= 0 {
					t.Fatal("both reviews succeeded")
				}
				won = i
			case apperr.Code(err) != apperr.ECONFLICT:
				t.Fatalf("review %d: %v", i, err)
			}
		}
		if won < 0 {
			t.Fatalf("no review succeeded: %v", errs)
		}
		var events []string
		if err := b.db.Gorm.Raw(`SELECT action FROM audit_events WHERE data->>'correction_id' = ? AND action <> 'contact.correction_submitted'`,
			k.ID.String()).Scan(&events).Error; err != nil {
			t.Fatal(err)
		}
		want := []string{"contact.correction_accepted", "contact.correction_rejected"}[won]
		if len(events) != 1 || events[0] != want {
			t.Fatalf("audit events %v, want one %s", events, want)
		}
		var title string
		if err := b.db.Gorm.Raw(`SELECT title FROM contacts WHERE id = ?`, id).Scan(&title).Error; err != nil {
			t.Fatal(err)
		}
		if wantTitle := []string{"CTO", "Engineer"}[won]; title != wantTitle {
			t.Fatalf("shared title %q after %s, want %q", title, want, wantTitle)
		}
	}
}
