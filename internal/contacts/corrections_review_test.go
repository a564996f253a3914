package contacts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestAcceptedCorrectionShows: a correction accepted, at once (the
// tenant's private contact) or by staff, stays in the tenant's view of the
// contact as accepted until the record changes again: it is stamped
// reviewed when it was written into the record, not when its transaction
// began, and that time is the record's new updated_at. The record's
// updated_at never goes back, even when it holds a time later than the
// database clock's (a clock stepped back): the correction's time is the
// later of the two.
func TestAcceptedCorrectionShows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	reviewer := dbtest.MustCreateUser(t, b.db)
	tests := []struct {
		name         string
		private      bool
		ahead        time.Duration // the record's updated_at ahead of the clock
		field, value string
	}{
		{"OKPrivate", true, 0, "title", "Chief Engineer"},
		{"OKStaffReview", false, 0, "title", "Chief Engineer"},
		{"OKPrivateClockBehind", true, time.Hour, "title", "Chief Engineer"},
		{"OKStaffReviewClockBehind", false, time.Hour, "title", "Chief Engineer"},
		{"OKStaffReviewCompanyName", false, 0, "company_name", "Shown Works " + b.word},
		{"OKStaffReviewEmail", false, 0, "email", "shown@" + b.word + ".example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := ContactOpts{FirstName: "Shown", LastName: tt.name, Title: "Engineer", CompanyID: co}
			if tt.private {
				opts.Owner = &b.tenant
			}
			id := MustCreateContact(t, b.db, opts)
			if err := b.db.Gorm.Exec(`UPDATE contacts SET updated_at = clock_timestamp() + make_interval(secs => ?) WHERE id = ?`,
				tt.ahead.Seconds(), id).Error; err != nil {
				t.Fatal(err)
			}
			updatedAt := func() time.Time {
				t.Helper()
				var at time.Time
				if err := b.db.Gorm.Raw(`SELECT updated_at FROM contacts WHERE id = ?`, id).Scan(&at).Error; err != nil {
					t.Fatal(err)
				}
				return at
			}
			before := updatedAt()
			k, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, tt.field, tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.private {
				if k, err = b.svc.AcceptCorrection(b.ctx, reviewer, k.ID); err != nil {
					t.Fatal(err)
				}
			}
			if k.Status != contacts.CorrectionAccepted {
				t.Fatalf("correction %+v, want accepted", k)
			}
			// The record is stamped when the correction was written into it.
			if after := updatedAt(); after.Before(before) || k.ReviewedAt == nil || !after.Equal(*k.ReviewedAt) {
				t.Fatalf("updated_at %v before, %v after; want the correction's reviewed_at %v, not earlier", before, after, k.ReviewedAt)
			}
			c, err := b.svc.GetContact(b.ctx, b.tenant, id)
			if err != nil {
				t.Fatal(err)
			}
			if shown := map[string]string{"title": c.Title, "company_name": c.CompanyName, "email": c.Email}[tt.field]; shown != tt.value ||
				len(c.Corrections) != 1 || c.Corrections[0].ID != k.ID || c.Corrections[0].Status != contacts.CorrectionAccepted {
				t.Fatalf("tenant sees %s %q with corrections %+v; want %s accepted", tt.field, shown, c.Corrections, k.ID)
			}
		})
	}
}

// TestReviewRoomCountsOnlyCorrectionsForReview: the tenant's corrections
// that reviewed nothing (its private contact's, an undo) leave its last
// place in the review queue free.
func TestReviewRoomCountsOnlyCorrectionsForReview(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	shared := MustCreateContact(t, b.db, ContactOpts{FirstName: "Room", LastName: "Left", Title: "Engineer", City: "Old", CompanyID: co})
	private := MustCreateContact(t, b.db, ContactOpts{FirstName: "Own", LastName: "Room", Title: "Engineer", CompanyID: co, Owner: &b.tenant})
	b.mustFillReviewWindow(t, b.tenant, shared, contacts.CorrectionsForReview-1, time.Minute)
	if c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, private, "title", "CEO"); err != nil || c.Status != contacts.CorrectionAccepted {
		t.Fatalf("private: %+v, %v", c, err)
	}
	if c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, shared, "title", "CTO"); err != nil || c.Status != contacts.CorrectionPending {
		t.Fatalf("last place: %+v, %v", c, err)
	}
	if c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, shared, "title", "Engineer"); err != nil || c.Status != contacts.CorrectionAccepted {
		t.Fatalf("undo: %+v, %v", c, err)
	}
	_, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, shared, "phone", "+14155550100")
	wantCode(t, err, apperr.ERATELIMIT)
}

// TestReviewQueueFiltersAndOrder: the review queue pages a contact's
// pending corrections oldest first; its total counts what its filters
// (tenant, field) match; a cursor pages only the query it came from, and a
// tenant's list cursor only its status.
func TestReviewQueueFiltersAndOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Queue", LastName: "Order", Title: "Engineer", City: "Old", CompanyID: co})
	t.Cleanup(func() {
		// Out of the shared queue that other tests page through.
		_ = b.db.Gorm.Exec(`UPDATE contact_corrections SET status = 'withdrawn' WHERE contact_id = ?`, id).Error
	})
	var order []uuid.UUID // submission order
	for _, s := range []struct {
		tenant, user uuid.UUID
		field, value string
	}{
		{b.tenant, b.user, "title", "CTO"}, {b.other, b.otherUsr, "title", "CFO"},
		{b.tenant, b.user, "city", "Dallas"}, {b.tenant, b.user, "phone", "+14155550100"},
	} {
		c, err := b.svc.SubmitCorrection(b.ctx, s.tenant, s.user, id, s.field, s.value)
		if err != nil || c.Status != contacts.CorrectionPending {
			t.Fatalf("submit %s: %+v, %v", s.field, c, err)
		}
		order = append(order, c.ID)
	}
	queue := func(t *testing.T, p contacts.CorrectionListParams) *contacts.CorrectionPage {
		t.Helper()
		p.ContactID = &id
		page, err := b.svc.ListPendingCorrections(b.ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return page
	}
	// Two full pages, the last without a cursor to an empty third.
	t.Run("OKOldestFirst", func(t *testing.T) {
		var got []uuid.UUID
		p := contacts.CorrectionListParams{PageSize: 2}
		pages := 0
		for range 3 {
			page := queue(t, p)
			pages++
			for _, c := range page.Items {
				got = append(got, c.ID)
			}
			if p.Cursor = page.NextCursor; p.Cursor == "" {
				break
			}
		}
		if len(got) != len(order) || pages != 2 {
			t.Fatalf("queue %v in %d pages, want %v in 2", got, pages, order)
		}
		for i := range got {
			if got[i] != order[i] {
				t.Fatalf("queue %v, want %v (oldest first)", got, order)
			}
		}
	})
	t.Run("OKTotalOfFilters", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			p     contacts.CorrectionListParams
			total int
		}{
			{"All", contacts.CorrectionListParams{}, 4},
			{"Tenant", contacts.CorrectionListParams{TenantID: &b.tenant}, 3},
			{"Field", contacts.CorrectionListParams{Field: "title"}, 2},
			{"TenantAndField", contacts.CorrectionListParams{TenantID: &b.other, Field: "title"}, 1},
		} {
			tc.p.PageSize = 1
			if page := queue(t, tc.p); page.Total != tc.total || page.TotalIsCapped || len(page.Items) != 1 {
				t.Errorf("%s: total %d (capped %v), %d items; want %d", tc.name, page.Total, page.TotalIsCapped, len(page.Items), tc.total)
			}
		}
	})
	t.Run("ErrMalformedCursorOfAnotherQuery", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			from, use contacts.CorrectionListParams
		}{
			{"OtherField", contacts.CorrectionListParams{TenantID: &b.tenant}, contacts.CorrectionListParams{TenantID: &b.tenant, Field: "city"}},
			{"OtherTenant", contacts.CorrectionListParams{Field: "title"}, contacts.CorrectionListParams{Field: "title", TenantID: &b.tenant}},
		} {
			tc.from.PageSize, tc.from.ContactID = 1, &id
			first, err := b.svc.ListPendingCorrections(b.ctx, tc.from)
			if err != nil || first.NextCursor == "" {
				t.Fatalf("%s: first page %+v, %v", tc.name, first, err)
			}
			tc.use.PageSize, tc.use.ContactID, tc.use.Cursor = 1, &id, first.NextCursor
			_, err = b.svc.ListPendingCorrections(b.ctx, tc.use)
			if apperr.Code(err) != apperr.EMALFORMED {
				t.Errorf("%s: error %v, want %s", tc.name, err, apperr.EMALFORMED)
			}
		}
		first, err := b.svc.ListCorrections(b.ctx, b.tenant, contacts.CorrectionListParams{Status: contacts.CorrectionPending, PageSize: 1})
		if err != nil || first.NextCursor == "" {
			t.Fatalf("tenant's first page %+v, %v", first, err)
		}
		for _, status := range []string{"", contacts.CorrectionAccepted} {
			_, err := b.svc.ListCorrections(b.ctx, b.tenant, contacts.CorrectionListParams{Status: status, PageSize: 1, Cursor: first.NextCursor})
			if apperr.Code(err) != apperr.EMALFORMED {
				t.Errorf("status %q: error %v, want %s", status, err, apperr.EMALFORMED)
			}
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := b.svc.ListCorrections(b.ctx, b.tenant, contacts.CorrectionListParams{Status: "done", PageSize: 1})
		wantCode(t, err, apperr.EINVALID)
		// 100 a page unless the caller says otherwise.
		_, err = b.svc.ListCorrections(b.ctx, b.tenant, contacts.CorrectionListParams{PageSize: 101})
		wantCode(t, err, apperr.EINVALID)
		_, err = b.svc.ListPendingCorrections(b.ctx, contacts.CorrectionListParams{Field: "first_name", PageSize: 1})
		wantCode(t, err, apperr.EINVALID)
	})
}

// TestCorrectionAfterAcceptedOneOutdated: once the record changes after a
// tenant's accepted correction, the tenant sees the record's new value, and
// a correction is compared with that: the new value is nothing to correct,
// the accepted one's value again is a correction for review.
func TestCorrectionAfterAcceptedOneOutdated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	reviewer := dbtest.MustCreateUser(t, b.db)
	tests := []struct {
		name, value string
		code        string
	}{
		{"OKAcceptedValueAgain", "CTO", ""},
		{"ErrInvalidValueSeen", "VP Engineering", apperr.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Out", LastName: tt.name, Title: "Engineer", CompanyID: co})
			k, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "CTO")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.svc.AcceptCorrection(b.ctx, reviewer, k.ID); err != nil {
				t.Fatal(err)
			}
			// An import changes the record since.
			if err := b.db.Gorm.Exec(`UPDATE contacts SET title = 'VP Engineering', updated_at = clock_timestamp() WHERE id = ?`, id).Error; err != nil {
				t.Fatal(err)
			}
			if c, err := b.svc.GetContact(b.ctx, b.tenant, id); err != nil || c.Title != "VP Engineering" {
				t.Fatalf("tenant sees %+v, %v; want the record's new title", c, err)
			}
			c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", tt.value)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil || c.Status != contacts.CorrectionPending || c.OldValue != "VP Engineering" {
				t.Fatalf("correction %+v, %v; want pending from VP Engineering", c, err)
			}
		})
	}
}

// TestResubmissionWithdrawsOnlyPending: a tenant's new correction of a
// field withdraws its earlier one still pending; one staff already
// reviewed keeps its status and its reviewer.
func TestResubmissionWithdrawsOnlyPending(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	reviewer := dbtest.MustCreateUser(t, b.db)
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Re", LastName: "Submit", Title: "Engineer", City: "Austin", CompanyID: co})
	submit := func(field, value string) *contacts.Correction {
		t.Helper()
		c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, field, value)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	rejected := submit("city", "Dallas")
	if _, err := b.svc.RejectCorrection(b.ctx, reviewer, rejected.ID); err != nil {
		t.Fatal(err)
	}
	accepted := submit("title", "CTO")
	if _, err := b.svc.AcceptCorrection(b.ctx, reviewer, accepted.ID); err != nil {
		t.Fatal(err)
	}
	pending := submit("title", "CEO")
	submit("city", "Houston")
	submit("title", "CFO")
	page, err := b.svc.ListCorrections(b.ctx, b.tenant, contacts.CorrectionListParams{ContactID: &id, PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := map[uuid.UUID]string{rejected.ID: contacts.CorrectionRejected, accepted.ID: contacts.CorrectionAccepted,
		pending.ID: contacts.CorrectionWithdrawn}
	for _, c := range page.Items {
		status, ok := want[c.ID]
		if !ok {
			continue
		}
		delete(want, c.ID)
		if c.Status != status {
			t.Errorf("%s correction to %q is %s, want %s", c.Field, c.NewValue, c.Status, status)
		}
		if by := c.ReviewedBy; status != contacts.CorrectionWithdrawn && (by == nil || *by != reviewer) {
			t.Errorf("%s correction to %q reviewed by %v, want the staff member", c.Field, c.NewValue, by)
		}
	}
	if len(want) != 0 {
		t.Fatalf("the list misses %v", want)
	}
}

// TestReviewAuditedAsStaff: a review is audited in the tenant's log as
// staff's whoever calls the service (the tenant's log hides who at
// 1CloudAI did it), not only when the caller's actor says so.
func TestReviewAuditedAsStaff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	reviewer := dbtest.MustCreateUser(t, b.db)
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Audit", LastName: "Staff", Title: "Engineer", City: "Austin", CompanyID: co})
	for _, tc := range []struct {
		field, value string
		review       func(ctx context.Context, reviewer, id uuid.UUID) (*contacts.Correction, error)
		action       string
	}{
		{"title", "CTO", b.svc.AcceptCorrection, "contact.correction_accepted"},
		{"city", "Dallas", b.svc.RejectCorrection, "contact.correction_rejected"},
	} {
		k, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, tc.field, tc.value)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tc.review(b.ctx, reviewer, k.ID); err != nil {
			t.Fatal(err)
		}
		var staff []bool
		if err := b.db.Gorm.Raw(`SELECT actor_staff FROM audit_events WHERE tenant_id = ? AND action = ? AND data->>'correction_id' = ?`,
			b.tenant, tc.action, k.ID.String()).Scan(&staff).Error; err != nil {
			t.Fatal(err)
		}
		if len(staff) != 1 || !staff[0] {
			t.Errorf("%s audited %v, want once as staff's", tc.action, staff)
		}
	}
}

// TestAcceptedEmailIsUnverified: an email written into the record by a
// correction, accepted by staff or at once (a private contact), has not
// been verified: the record's status is unknown, for every tenant.
func TestAcceptedEmailIsUnverified(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	reviewer := dbtest.MustCreateUser(t, b.db)
	for _, tc := range []struct {
		name    string
		private bool
	}{{"OKStaffReview", false}, {"OKPrivate", true}} {
		t.Run(tc.name, func(t *testing.T) {
			opts := ContactOpts{FirstName: "Unverified", LastName: tc.name, Email: strings.ToLower(tc.name) + "@" + b.word + ".example", CompanyID: co}
			if tc.private {
				opts.Owner = &b.tenant
			}
			id := MustCreateContact(t, b.db, opts)
			if err := b.db.Gorm.Exec(`UPDATE contacts SET email_status = 'valid' WHERE id = ?`, id).Error; err != nil {
				t.Fatal(err)
			}
			k, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "email", "new."+strings.ToLower(tc.name)+"@"+b.word+".example")
			if err != nil {
				t.Fatal(err)
			}
			if !tc.private {
				if _, err := b.svc.AcceptCorrection(b.ctx, reviewer, k.ID); err != nil {
					t.Fatal(err)
				}
			}
			var email, status string
			if err := b.db.Pool.QueryRow(b.ctx, `SELECT email::text, email_status FROM contacts WHERE id = $1`, id).Scan(&email, &status); err != nil {
				t.Fatal(err)
			}
			if email != k.NewValue || status != "unknown" {
				t.Fatalf("the record has %q (%s), want %q (unknown)", email, status, k.NewValue)
			}
		})
	}
}

// TestCorrectionWaitsForTheContact: a correction of a contact whose row a
// write holds (an import under way) waits for it, and then compares with,
// and records as its old value, what that write left: not the value from
// before it, which the write is about to replace.
func TestCorrectionWaitsForTheContact(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Wait", LastName: "Write", Title: "Engineer", CompanyID: co})
	tx, err := b.db.Pool.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	if _, err := tx.Exec(b.ctx, `UPDATE contacts SET title = 'Imported', updated_at = clock_timestamp() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	type result struct {
		c   *contacts.Correction
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := b.svc.SubmitCorrection(context.Background(), b.tenant, b.user, id, "title", "CTO")
		done <- result{c, err}
	}()
	var r result
	waited := false
	// Polled until one or the other, for as long as a loaded CI machine
	// could take to get the correction to its read (a minute at most).
	for range 12000 {
		select {
		case r = <-done:
		default:
		}
		if r.c != nil || r.err != nil {
			break
		}
		// A session of this test's database waiting on a lock in the
		// correction's read of the contact.
		if err := b.db.Pool.QueryRow(b.ctx, `SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND query ILIKE '%owner_tenant_id IS NOT NULL AS private%'`).Scan(&waited); err != nil {
			t.Fatal(err)
		}
		if waited {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !waited && r.c == nil && r.err == nil {
		t.Fatal("the correction neither ended nor waited on a lock")
	}
	if err := tx.Commit(b.ctx); err != nil {
		t.Fatal(err)
	}
	if waited {
		r = <-done
	}
	if r.err != nil || r.c.OldValue != "Imported" {
		t.Fatalf("correction %+v, %v; want it made after the import, from Imported", r.c, r.err)
	}
}
