package crm_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestPushFairBetweenTenants: one tenant's big push does not queue another
// tenant's push behind all of it. Tenant A (Pro: 4 jobs at once) pushes
// 1,000 contacts (10 jobs), then tenant B pushes one contact; one worker
// works the CRM queue, so the order the jobs ran in is the order River
// chose. B's job runs right after the 4 that fill A's share, not after
// A's tenth; a second push of A, queued while its first is, runs last.
func TestPushFairBetweenTenants(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	a := setupOn(t, d)
	a.MustConnect(t)
	b := a.otherTenant(t)
	b.account = "acc_" + uuid.NewString()[:8]
	b.MustConnect(t)
	bigPush := a.MustPush(t, a.MustApproved(t, 10*crm.BatchSize))
	smallPush := b.MustPush(t, b.MustApproved(t, 1))
	// A's next push, while its first is still queued, is all backlog.
	laterPush := a.MustPush(t, a.MustApproved(t, 1))

	startWorkers(t, d, a.svc, 1)
	deadline := time.Now().Add(60 * time.Second)
	for a.push(t, bigPush).Status != "completed" || b.push(t, smallPush).Status != "completed" ||
		a.push(t, laterPush).Status != "completed" {
		if time.Now().After(deadline) {
			t.Fatalf("pushes not done: %+v, %+v", a.push(t, bigPush).Push, b.push(t, smallPush).Push)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var order []string
	if err := d.Gorm.Raw(`SELECT args->>'batch_id' FROM river_job WHERE kind = 'crm_push' ORDER BY attempted_at, id`).
		Scan(&order).Error; err != nil {
		t.Fatal(err)
	}
	if len(order) != 12 {
		t.Fatalf("%d push jobs ran, want 12", len(order))
	}
	at := -1
	for i, batch := range order {
		if batch == smallPush.String() {
			at = i
		}
	}
	if at != 4 {
		t.Fatalf("tenant B's push ran as job %d of 12, want 5th (after A's share of 4)", at+1)
	}
	if order[11] != laterPush.String() {
		t.Fatalf("A's second push ran before the end of its first: %v", order)
	}
}
