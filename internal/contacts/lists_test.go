package contacts_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

func MustCreateList(tb testing.TB, b *testBundle, tenant uuid.UUID, name string) *contacts.List {
	tb.Helper()
	l, err := b.svc.CreateList(b.ctx, tenant, b.user, name)
	if err != nil {
		tb.Fatalf("create list: %v", err)
	}
	return l
}

func TestLists(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	c1 := MustCreateContact(t, b.db, ContactOpts{FirstName: "Li", LastName: "One", CompanyID: co})
	c2 := MustCreateContact(t, b.db, ContactOpts{FirstName: "Li", LastName: "Two", CompanyID: co})
	l := MustCreateList(t, b, b.tenant, "  Hot   leads ")
	if l.Name != "Hot leads" || l.MemberCount != 0 {
		t.Fatalf("created %+v", l)
	}

	t.Run("ErrConflictDuplicateName", func(t *testing.T) {
		_, err := b.svc.CreateList(b.ctx, b.tenant, b.user, "HOT LEADS")
		wantCode(t, err, apperr.ECONFLICT)
	})
	t.Run("ErrConflictBuiltInViewName", func(t *testing.T) {
		// The sidebar's entry above the lists; a list beside it of the
		// same name could not be told apart.
		for _, name := range []string{"All saved contacts", " all  SAVED contacts "} {
			_, err := b.svc.CreateList(b.ctx, b.tenant, b.user, name)
			wantCode(t, err, apperr.ECONFLICT)
			_, err = b.svc.RenameList(b.ctx, b.tenant, l.ID, name)
			wantCode(t, err, apperr.ECONFLICT)
		}
	})
	t.Run("OKSameNameOtherTenant", func(t *testing.T) {
		MustCreateList(t, b, b.other, "Hot leads")
	})
	t.Run("ErrInvalidName", func(t *testing.T) {
		_, err := b.svc.CreateList(b.ctx, b.tenant, b.user, "   ")
		wantCode(t, err, apperr.EINVALID)
		// A name of invisible characters shows as a blank list.
		_, err = b.svc.CreateList(b.ctx, b.tenant, b.user, "\u200b\u200b")
		wantCode(t, err, apperr.EINVALID)
	})
	t.Run("ErrConflictNameWithInvisibleEdge", func(t *testing.T) {
		// Looks exactly like "Hot leads" wherever it shows.
		_, err := b.svc.CreateList(b.ctx, b.tenant, b.user, "Hot leads\u200b")
		wantCode(t, err, apperr.ECONFLICT)
	})
	t.Run("ErrConflictNameDecomposed", func(t *testing.T) {
		// "Café" typed (é, one character) and pasted from a decomposed
		// source (e and a combining accent) look the same everywhere.
		tenant := MustCreateTenant(t, b.db, "FR")
		MustCreateList(t, b, tenant, "Caf\u00e9 owners")
		_, err := b.svc.CreateList(b.ctx, tenant, b.user, "Cafe\u0301 owners")
		wantCode(t, err, apperr.ECONFLICT)
	})
	t.Run("OKAddSavesAndRemove", func(t *testing.T) {
		n, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, l.ID, []uuid.UUID{c1, c2, c1})
		if err != nil || n != 2 {
			t.Fatalf("add = %d, %v", n, err)
		}
		c, err := b.svc.GetContact(b.ctx, b.tenant, c1)
		if err != nil || !c.Saved || c.SavedStatus != "saved" || len(c.Lists) != 1 || c.Lists[0].Name != "Hot leads" {
			t.Fatalf("contact = %+v, %v", c, err)
		}
		if got, _ := b.svc.GetList(b.ctx, b.tenant, l.ID); got.MemberCount != 2 {
			t.Fatalf("member count = %d", got.MemberCount)
		}
		if n, err := b.svc.RemoveListMembers(b.ctx, b.tenant, l.ID, []uuid.UUID{c2}); err != nil || n != 1 {
			t.Fatalf("remove = %d, %v", n, err)
		}
		if c, _ := b.svc.GetContact(b.ctx, b.tenant, c2); !c.Saved || len(c.Lists) != 0 {
			t.Fatalf("removed member: %+v", c)
		}
	})
	t.Run("ErrNotFoundOtherTenant", func(t *testing.T) {
		// Each call of another tenant, and of a list that does not exist,
		// is refused, not answered with nothing done: c1 is on l.
		missing := uuid.New()
		calls := []struct {
			name string
			call func(list uuid.UUID) error
		}{
			{"Get", func(list uuid.UUID) error { _, err := b.svc.GetList(b.ctx, b.other, list); return err }},
			{"Add", func(list uuid.UUID) error {
				_, err := b.svc.AddListMembers(b.ctx, b.other, b.otherUsr, list, []uuid.UUID{c1})
				return err
			}},
			{"Remove", func(list uuid.UUID) error {
				_, err := b.svc.RemoveListMembers(b.ctx, b.other, list, []uuid.UUID{c1})
				return err
			}},
			{"Rename", func(list uuid.UUID) error { _, err := b.svc.RenameList(b.ctx, b.other, list, "Mine now"); return err }},
			{"Delete", func(list uuid.UUID) error { return b.svc.DeleteList(b.ctx, b.other, list) }},
		}
		for _, c := range calls {
			t.Run(c.name, func(t *testing.T) {
				for _, list := range []uuid.UUID{l.ID, missing} {
					wantCode(t, c.call(list), apperr.ENOTFOUND)
				}
			})
		}
		if got, err := b.svc.GetList(b.ctx, b.tenant, l.ID); err != nil || got.Name != "Hot leads" || got.MemberCount != 1 {
			t.Fatalf("the tenant's list is %+v, %v", got, err)
		}
	})
	t.Run("ErrInvalidMemberIDs", func(t *testing.T) {
		// Adding and removing take 1 to MaxBulkIDs ids, as saving does.
		tooMany := make([]uuid.UUID, contacts.MaxBulkIDs+1)
		for i := range tooMany {
			tooMany[i] = uuid.New()
		}
		for _, ids := range [][]uuid.UUID{nil, tooMany} {
			_, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, l.ID, ids)
			wantCode(t, err, apperr.EINVALID)
			_, err = b.svc.RemoveListMembers(b.ctx, b.tenant, l.ID, ids)
			wantCode(t, err, apperr.EINVALID)
		}
	})
	t.Run("OKRenameAndList", func(t *testing.T) {
		MustCreateList(t, b, b.tenant, "Accounts")
		// A new name is cleaned up as a first one is.
		if r, err := b.svc.RenameList(b.ctx, b.tenant, l.ID, "  Warm   leads\u200b "); err != nil || r.Name != "Warm leads" {
			t.Fatalf("renamed = %+v, %v", r, err)
		}
		_, err := b.svc.RenameList(b.ctx, b.tenant, l.ID, "accounts")
		wantCode(t, err, apperr.ECONFLICT)
		ls, err := b.svc.ListLists(b.ctx, b.tenant)
		if err != nil || len(ls) != 2 || ls[0].Name != "Accounts" || ls[1].Name != "Warm leads" || ls[1].MemberCount != 1 {
			t.Fatalf("lists = %+v, %v", ls, err)
		}
	})
	t.Run("OKDeleteKeepsSaved", func(t *testing.T) {
		if err := b.svc.DeleteList(b.ctx, b.tenant, l.ID); err != nil {
			t.Fatal(err)
		}
		if c, _ := b.svc.GetContact(b.ctx, b.tenant, c1); !c.Saved || len(c.Lists) != 0 {
			t.Fatalf("after delete: %+v", c)
		}
	})
}

// TestListsCapped: a tenant has at most contacts.MaxLists lists (the
// workspace shows all of them with their counts on every page); the next
// is refused naming the cap, and deleting one makes room. Another tenant's
// lists do not count.
func TestListsCapped(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if err := b.db.Gorm.Exec(`INSERT INTO lists (tenant_id, id, name) SELECT ?, gen_random_uuid(), 'bulk ' || g FROM generate_series(1, ?) g`,
		b.tenant, contacts.MaxLists-1).Error; err != nil {
		t.Fatal(err)
	}
	last := MustCreateList(t, b, b.tenant, "The last one")
	_, err := b.svc.CreateList(b.ctx, b.tenant, b.user, "One too many")
	wantCode(t, err, apperr.ECONFLICT)
	if !strings.Contains(err.Error(), strconv.Itoa(contacts.MaxLists)) {
		t.Fatalf("the refusal %v does not name the cap", err)
	}
	MustCreateList(t, b, b.other, "One too many")
	if err := b.svc.DeleteList(b.ctx, b.tenant, last.ID); err != nil {
		t.Fatal(err)
	}
	MustCreateList(t, b, b.tenant, "One too many")
}

// TestListUpdatedAtMovesOnChange: a list's updated_at moves forward with
// each change to it, its name and its members; reading it does not.
func TestListUpdatedAtMovesOnChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	c := MustCreateContact(t, b.db, ContactOpts{FirstName: "Up", LastName: "Dated", CompanyID: co})
	l := MustCreateList(t, b, b.tenant, "Changing")
	last := l.UpdatedAt
	steps := []struct {
		name string
		call func() error
	}{
		{"Rename", func() error { _, err := b.svc.RenameList(b.ctx, b.tenant, l.ID, "Changed"); return err }},
		{"Add", func() error {
			_, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, l.ID, []uuid.UUID{c})
			return err
		}},
		{"Remove", func() error { _, err := b.svc.RemoveListMembers(b.ctx, b.tenant, l.ID, []uuid.UUID{c}); return err }},
	}
	for _, st := range steps {
		if err := st.call(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, err := b.svc.GetList(b.ctx, b.tenant, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.UpdatedAt.After(last) {
			t.Fatalf("%s: updated_at %v, not after %v", st.name, got.UpdatedAt, last)
		}
		last = got.UpdatedAt
	}
}
