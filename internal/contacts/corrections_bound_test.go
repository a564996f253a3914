package contacts_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// mustFillReviewWindow writes n corrections of shared contact id by tenant,
// withdrawn (so none shows or blocks a new one), made age ago.
func (b *testBundle) mustFillReviewWindow(t *testing.T, tenant, id uuid.UUID, n int, age time.Duration) {
	t.Helper()
	if err := b.db.Gorm.Exec(`INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value, status, created_at, for_review)
		SELECT ?, gen_random_uuid(), ?, 'city', 'Old', 'New ' || g, 'withdrawn', now() - make_interval(secs => ?), true
		FROM generate_series(1, ?) g`, tenant, id, age.Seconds(), n).Error; err != nil {
		t.Fatal(err)
	}
}

// A tenant sends at most CorrectionsForReview corrections of shared
// contacts to the staff queue a day; its private contacts' corrections and
// its undos review nothing and pass.
func TestCorrectionsForReviewBounded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	shared := MustCreateContact(t, b.db, ContactOpts{FirstName: "Queue", LastName: "Flood", Title: "Engineer", City: "Old", CompanyID: co})
	private := MustCreateContact(t, b.db, ContactOpts{FirstName: "Own", LastName: "Row", Title: "Engineer", CompanyID: co, Owner: &b.tenant})
	// Older than a day: not counted.
	b.mustFillReviewWindow(t, b.tenant, shared, 50, 25*time.Hour)
	// The oldest counted one leaves the window in about an hour.
	b.mustFillReviewWindow(t, b.tenant, shared, 1, 23*time.Hour)
	b.mustFillReviewWindow(t, b.tenant, shared, contacts.CorrectionsForReview-2, time.Minute)
	// Another tenant's do not count for this one.
	b.mustFillReviewWindow(t, b.other, shared, contacts.CorrectionsForReview, time.Minute)

	c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, shared, "title", "CTO")
	if err != nil || c.Status != contacts.CorrectionPending {
		t.Fatalf("last place: %+v, %v", c, err)
	}
	_, err = b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, shared, "phone", "+14155550100")
	e := wantCode(t, err, apperr.ERATELIMIT)
	if e.Type != "rate-limited" || e.Limit != contacts.CorrectionsForReview ||
		e.RetryAfter < 55*time.Minute || e.RetryAfter > 61*time.Minute {
		t.Fatalf("refusal = %+v, want rate-limited, limit %d, retry after about an hour", e, contacts.CorrectionsForReview)
	}
	// Nothing of the refused one was written.
	var n int64
	if err := b.db.Gorm.Raw(`SELECT count(*) FROM contact_corrections WHERE tenant_id = ? AND field = 'phone'`, b.tenant).Scan(&n).Error; err != nil || n != 0 {
		t.Fatalf("refused correction written: %d, %v", n, err)
	}
	// An undo (back to the shared value) reviews nothing: it passes.
	if c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, shared, "title", "Engineer"); err != nil || c.Status != contacts.CorrectionAccepted {
		t.Fatalf("undo: %+v, %v", c, err)
	}
	// So does a correction of the tenant's own private contact.
	if c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, private, "title", "CEO"); err != nil || c.Status != contacts.CorrectionAccepted {
		t.Fatalf("private: %+v, %v", c, err)
	}
	// Neither is marked for review; the pending one is.
	var marks []string
	if err := b.db.Gorm.Raw(`SELECT status || ':' || for_review FROM contact_corrections
		WHERE tenant_id = ? AND field = 'title' ORDER BY created_at, id`, b.tenant).Scan(&marks).Error; err != nil {
		t.Fatal(err)
	}
	if want := []string{"withdrawn:true", "accepted:false", "accepted:false"}; !slices.Equal(marks, want) {
		t.Fatalf("title corrections %v, want %v", marks, want)
	}
	// The other tenant is at its own bound.
	_, err = b.svc.SubmitCorrection(b.ctx, b.other, b.otherUsr, shared, "title", "CFO")
	wantCode(t, err, apperr.ERATELIMIT)
}

// Two corrections racing for a tenant's last place: exactly one passes.
func TestCorrectionsForReviewLastPlaceRace(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	filler := MustCreateContact(t, b.db, ContactOpts{FirstName: "Fill", LastName: "Er", City: "Old", CompanyID: co})
	b.mustFillReviewWindow(t, b.tenant, filler, contacts.CorrectionsForReview-1, time.Minute)
	ids := []uuid.UUID{
		MustCreateContact(t, b.db, ContactOpts{FirstName: "Race", LastName: "One", Title: "Engineer", CompanyID: co}),
		MustCreateContact(t, b.db, ContactOpts{FirstName: "Race", LastName: "Two", Title: "Engineer", CompanyID: co}),
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "CTO")
		}()
	}
	wg.Wait()
	passed, refused := 0, 0
	for _, err := range errs {
		switch apperr.Code(err) {
		case apperr.ERATELIMIT:
			refused++
		default:
			if err != nil {
				t.Fatal(err)
			}
			passed++
		}
	}
	if passed != 1 || refused != 1 {
		t.Fatalf("passed %d, refused %d; want one each (%v)", passed, refused, errs)
	}
}

// TestReviewQueueCountCap: the review queue counts its corrections up to
// contacts.QueueCountCap and says when there are more; a queue of exactly
// the cap is counted, not capped. (Filtered to one contact, whose
// corrections are this test's alone.)
func TestReviewQueueCountCap(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Count", LastName: "Cap", City: "Old", CompanyID: co})
	t.Cleanup(func() {
		// Out of the shared queue that other tests page through.
		_ = b.db.Gorm.Exec(`UPDATE contact_corrections SET status = 'withdrawn' WHERE contact_id = ?`, id).Error
	})
	steps := []struct {
		name   string
		add    int
		total  int
		capped bool
	}{
		{"OKBelowCap", contacts.QueueCountCap - 1, contacts.QueueCountCap - 1, false},
		{"OKAtCap", 1, contacts.QueueCountCap, false},
		{"OKOverCap", 1, contacts.QueueCountCap, true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := b.db.Gorm.Exec(`INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value, status, for_review)
				SELECT ?, gen_random_uuid(), ?, 'city', 'Old', 'New ' || g, 'pending', true FROM generate_series(1, ?) g`,
				b.tenant, id, st.add).Error; err != nil {
				t.Fatal(err)
			}
			page, err := b.svc.ListPendingCorrections(b.ctx, contacts.CorrectionListParams{ContactID: &id, PageSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != st.total || page.TotalIsCapped != st.capped {
				t.Fatalf("queue total %d, capped %v; want %d, capped %v", page.Total, page.TotalIsCapped, st.total, st.capped)
			}
		})
	}
}
