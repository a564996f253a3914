package contacts_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/uuid"
)

// wantMemberCounts fails unless ListLists answers every list of tenant
// with the number of its members.
func wantMemberCounts(t *testing.T, b *testBundle, tenant uuid.UUID) {
	t.Helper()
	rows, err := b.db.Pool.Query(b.ctx, `SELECT l.id,
		(SELECT count(*) FROM list_members lm WHERE lm.tenant_id = l.tenant_id AND lm.list_id = l.id)
		FROM lists l WHERE l.tenant_id = $1`, tenant)
	if err != nil {
		t.Fatal(err)
	}
	real := map[uuid.UUID]int{}
	for rows.Next() {
		var id uuid.UUID
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		real[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	ls, err := b.svc.ListLists(b.ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.MemberCount != real[l.ID] {
			t.Errorf("ListLists: %q has %d members, says %d", l.Name, real[l.ID], l.MemberCount)
		}
	}
}

// TestListMemberCountConcurrent: adds, removals and unsaves of overlapping
// contacts on the same lists at once all succeed and leave every count
// exact. Saving onto a list used to lock the saved rows after inserting
// them and insert again those an unsave removed meanwhile, out of order:
// deadlocks, and members whose saved row an unsave had just removed (a
// foreign key violation), both answered 500.
func TestListMemberCountConcurrent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	var cs []uuid.UUID
	for range 30 {
		cs = append(cs, MustCreateContact(t, b.db, ContactOpts{FirstName: "Busy", LastName: "List", CompanyID: co}))
	}
	lists := []uuid.UUID{MustCreateList(t, b, b.tenant, "A").ID, MustCreateList(t, b, b.tenant, "B").ID,
		MustCreateList(t, b, b.tenant, "C").ID}
	const workers, rounds = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 18))
			ctx := context.Background()
			for range rounds {
				pick := make([]uuid.UUID, 1+r.IntN(8))
				for i := range pick {
					pick[i] = cs[r.IntN(len(cs))]
				}
				list := lists[r.IntN(len(lists))]
				var err error
				switch r.IntN(3) {
				case 0:
					_, err = b.svc.AddListMembers(ctx, b.tenant, b.user, list, pick)
				case 1:
					_, err = b.svc.RemoveListMembers(ctx, b.tenant, list, pick)
				default:
					_, err = b.svc.UnsaveContacts(ctx, b.tenant, pick)
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent change: %v", err)
	}
	wantMemberCounts(t, b, b.tenant)
}
