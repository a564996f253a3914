package contacts_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
)

// wantMemberCounts fails unless every list of tenant keeps, in
// lists.member_count and in what ListLists answers, the number of its
// members.
func wantMemberCounts(t *testing.T, b *testBundle, tenant uuid.UUID) {
	t.Helper()
	rows, err := b.db.Pool.Query(b.ctx, `SELECT l.id, l.member_count,
		(SELECT count(*) FROM list_members lm WHERE lm.tenant_id = l.tenant_id AND lm.list_id = l.id)
		FROM lists l WHERE l.tenant_id = $1`, tenant)
	if err != nil {
		t.Fatal(err)
	}
	real := map[uuid.UUID]int{}
	for rows.Next() {
		var id uuid.UUID
		var kept, n int
		if err := rows.Scan(&id, &kept, &n); err != nil {
			t.Fatal(err)
		}
		if kept != n {
			t.Errorf("list %s: member_count %d, %d members", id, kept, n)
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

// TestListMemberCountExact: a list's member count is kept, not counted on
// each read, and stays exact through every way members come and go: adds
// (duplicates included), saves onto a list, removals, unsaving contacts
// that are on several lists, deleting a private contact or another list.
func TestListMemberCountExact(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	var cs []uuid.UUID
	for range 6 {
		cs = append(cs, MustCreateContact(t, b.db, ContactOpts{FirstName: "Count", LastName: "Me", CompanyID: co}))
	}
	private := MustCreateContact(t, b.db, ContactOpts{FirstName: "Private", LastName: "One", CompanyID: co, Owner: &b.tenant})
	l1 := MustCreateList(t, b, b.tenant, "One")
	l2 := MustCreateList(t, b, b.tenant, "Two")
	l3 := MustCreateList(t, b, b.tenant, "Three")
	step := func(name string, fn func() error) {
		t.Helper()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wantMemberCounts(t, b, b.tenant)
	}
	step("add", func() error {
		_, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, l1.ID, append(cs[:4:4], cs[0], private))
		return err
	})
	step("add again", func() error {
		_, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, l1.ID, cs[2:])
		return err
	})
	step("save onto a list", func() error {
		_, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: append(cs[1:4:4], private), ListID: &l2.ID})
		return err
	})
	step("add to a third", func() error {
		_, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, l3.ID, cs)
		return err
	})
	step("remove", func() error {
		_, err := b.svc.RemoveListMembers(b.ctx, b.tenant, l1.ID, []uuid.UUID{cs[0], cs[5], uuid.Must(uuid.NewV7())})
		return err
	})
	step("unsave contacts on several lists", func() error {
		_, err := b.svc.UnsaveContacts(b.ctx, b.tenant, cs[1:3])
		return err
	})
	step("delete a private contact", func() error {
		return b.db.Gorm.Exec(`DELETE FROM contacts WHERE id = ?`, private).Error
	})
	step("delete a list", func() error { return b.svc.DeleteList(b.ctx, b.tenant, l2.ID) })
	got, err := b.svc.GetList(b.ctx, b.tenant, l1.ID)
	if err != nil || got.MemberCount != 2 {
		t.Fatalf("list one = %+v, %v; want 2 members left", got, err)
	}
}

// TestListMemberCountConcurrent: adds, removals and unsaves of overlapping
// contacts on the same lists at once all succeed and leave every count
// exact (lists.member_count included: an unsave of contacts on several
// lists updates those lists' counts, in list order). Saving onto a list
// used to lock the saved rows after inserting them and insert again those
// an unsave removed meanwhile, out of order: deadlocks, and members whose
// saved row an unsave had just removed (a foreign key violation), both
// answered 500.
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
