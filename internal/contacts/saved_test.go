package contacts_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

func TestSaveContacts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	c1 := MustCreateContact(t, b.db, ContactOpts{FirstName: "Sa", LastName: "One", CompanyID: co})
	c2 := MustCreateContact(t, b.db, ContactOpts{FirstName: "Sa", LastName: "Two", CompanyID: co})
	foreign := MustCreateContact(t, b.db, ContactOpts{FirstName: "Sa", LastName: "Foreign", CompanyID: co, Owner: &b.other})
	tooMany := make([]uuid.UUID, contacts.MaxBulkIDs+1)
	for i := range tooMany {
		tooMany[i] = uuid.New()
	}
	tests := []struct {
		name string
		ids  []uuid.UUID
		list *uuid.UUID
		code string
	}{
		{"ErrNotFoundOtherTenantsPrivate", []uuid.UUID{c1, foreign}, nil, apperr.ENOTFOUND},
		{"ErrNotFoundMissing", []uuid.UUID{c1, uuid.Must(uuid.NewV7())}, nil, apperr.ENOTFOUND},
		{"ErrNotFoundList", []uuid.UUID{c1}, ptr(uuid.Must(uuid.NewV7())), apperr.ENOTFOUND},
		{"ErrInvalidEmpty", nil, nil, apperr.EINVALID},
		{"ErrInvalidTooMany", tooMany, nil, apperr.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: tt.ids, ListID: tt.list})
			wantCode(t, err, tt.code)
			if c, _ := b.svc.GetContact(b.ctx, b.tenant, c1); c.Saved {
				t.Fatal("a failed save saved something")
			}
		})
	}
	t.Run("OKIdempotent", func(t *testing.T) {
		res, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: []uuid.UUID{c1}})
		if err != nil || res.Saved != 1 {
			t.Fatalf("first save = %+v, %v", res, err)
		}
		if _, err := b.svc.ApproveSaved(b.ctx, b.tenant, b.user, []uuid.UUID{c1}); err != nil {
			t.Fatal(err)
		}
		res, err = b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: []uuid.UUID{c1, c2}})
		if err != nil || res.Saved != 1 || res.AlreadySaved != 1 {
			t.Fatalf("second save = %+v, %v", res, err)
		}
		if c, _ := b.svc.GetContact(b.ctx, b.tenant, c1); c.SavedStatus != contacts.SavedStatusApproved {
			t.Fatalf("saving again changed the status to %q", c.SavedStatus)
		}
		if c, _ := b.svc.GetContact(b.ctx, b.other, c1); c.Saved {
			t.Fatal("another tenant sees the save")
		}
	})
	t.Run("OKUnsave", func(t *testing.T) {
		n, err := b.svc.UnsaveContacts(b.ctx, b.tenant, []uuid.UUID{c2, foreign})
		if err != nil || n != 1 {
			t.Fatalf("unsave = %d, %v", n, err)
		}
	})
	t.Run("ErrNotFoundApproveUnsaved", func(t *testing.T) {
		_, err := b.svc.RejectSaved(b.ctx, b.tenant, b.user, []uuid.UUID{c1, c2})
		wantCode(t, err, apperr.ENOTFOUND)
		if c, _ := b.svc.GetContact(b.ctx, b.tenant, c1); c.SavedStatus != contacts.SavedStatusApproved {
			t.Fatal("a failed reject changed a status")
		}
	})
}

func TestListSavedAndExport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	var all []uuid.UUID
	for _, p := range []ContactOpts{
		{FirstName: "=cmd|' /C calc'!A0", LastName: "Evil", Title: "@SUM(1)", CompanyID: co},
		{FirstName: "Ana", LastName: "Ok", Title: "Engineer", Country: "DE", CompanyID: co, Phone: "+4930123456"},
		{FirstName: "Ben", LastName: "Ok", Title: "Sales Manager", Country: "US", CompanyID: co},
	} {
		all = append(all, MustCreateContact(t, b.db, p))
	}
	l := MustCreateList(t, b, b.tenant, "Export me")
	if _, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: all}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, l.ID, all[1:2]); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.ApproveSaved(b.ctx, b.tenant, b.user, all[2:3]); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		p    contacts.SavedParams
		want []uuid.UUID
	}{
		{"OKAll", contacts.SavedParams{}, []uuid.UUID{all[2], all[1], all[0]}},
		{"OKStatus", contacts.SavedParams{Statuses: []string{"approved"}}, all[2:3]},
		{"OKList", contacts.SavedParams{ListID: &l.ID}, all[1:2]},
		{"OKFilters", contacts.SavedParams{Query: "ok", Filters: contacts.Filters{Countries: []string{"US"}}}, all[2:3]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []uuid.UUID
			p := tt.p
			p.PageSize, p.MaxPageSize = 1, 10
			for {
				page, err := b.svc.ListSaved(b.ctx, b.tenant, p)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != len(tt.want) {
					t.Fatalf("total = %d, want %d", page.Total, len(tt.want))
				}
				got = append(got, ids(page.Items)...)
				if page.NextCursor == "" {
					break
				}
				p.Cursor = page.NextCursor
			}
			// Saved in one statement: same created_at, so the order is by id descending.
			want := slices.Clone(tt.want)
			slices.SortFunc(want, func(a, b uuid.UUID) int { return -strings.Compare(a.String(), b.String()) })
			if fmtIDs(got) != fmtIDs(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
	t.Run("ErrNotFoundOtherTenantsList", func(t *testing.T) {
		t.Parallel()
		_, err := b.svc.ListSaved(b.ctx, b.other, contacts.SavedParams{ListID: &l.ID, PageSize: 5, MaxPageSize: 10})
		wantCode(t, err, apperr.ENOTFOUND)
	})
	t.Run("OKOtherTenantSeesNothing", func(t *testing.T) {
		t.Parallel()
		page, err := b.svc.ListSaved(b.ctx, b.other, contacts.SavedParams{PageSize: 5, MaxPageSize: 10})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("got %d items, %v", len(page.Items), err)
		}
	})
	t.Run("OKExportCSV", func(t *testing.T) {
		t.Parallel()
		recs := b.mustExport(t)
		if len(recs) != 4 || recs[0][0] != "id" || recs[0][1] != "first_name" {
			t.Fatalf("csv = %q", recs)
		}
		byID := map[string][]string{}
		for _, r := range recs[1:] {
			byID[r[0]] = r
		}
		evil := byID[all[0].String()]
		if evil[1] != "'=cmd|' /C calc'!A0" || evil[6] != "'@SUM(1)" {
			t.Fatalf("formula not neutralized: %q", evil)
		}
		ana := byID[all[1].String()]
		if ana[5] != "'+4930123456" || ana[19] != "Export me" || ana[17] != "saved" {
			t.Fatalf("ana = %q", ana)
		}
	})
	t.Run("OKExportPlainPhones", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		if err := b.svc.ExportSaved(b.ctx, b.tenant, contacts.SavedParams{}, contacts.ExportOptions{PlainPhones: true}, &buf); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != 4 {
			t.Fatalf("csv = %q, %v", recs, err)
		}
		byID := map[string][]string{}
		for _, r := range recs[1:] {
			byID[r[0]] = r
		}
		// The phone goes out as stored; other cells keep the guard.
		if ana := byID[all[1].String()]; ana[5] != "+4930123456" {
			t.Fatalf("ana = %q", ana)
		}
		if evil := byID[all[0].String()]; evil[1] != "'=cmd|' /C calc'!A0" || evil[6] != "'@SUM(1)" {
			t.Fatalf("formula not neutralized: %q", evil)
		}
	})
}

func TestSetSavedNotes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	c := MustCreateContact(t, b.db, ContactOpts{FirstName: "No", LastName: "Tes", CompanyID: co})
	if _, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: []uuid.UUID{c}}); err != nil {
		t.Fatal(err)
	}
	longest := strings.Repeat("é", contacts.MaxNotesLength)
	tests := []struct {
		name   string
		tenant uuid.UUID
		notes  string
		code   string
		want   string
	}{
		{"OKLongest", b.tenant, longest, "", longest},
		{"ErrInvalidTooLong", b.tenant, longest + "é", apperr.EINVALID, longest},
		{"ErrInvalidControl", b.tenant, "nul\x00", apperr.EINVALID, longest},
		{"ErrNotFoundOtherTenant", b.other, "x", apperr.ENOTFOUND, longest},
		{"OKTrimmed", b.tenant, " \tline one\nline two\t\n", "", "line one\nline two"},
		{"OKCleared", b.tenant, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := b.svc.SetSavedNotes(b.ctx, tt.tenant, c, tt.notes)
			wantCode(t, err, tt.code)
			if err == nil && got.SavedNotes != tt.want {
				t.Fatalf("returned notes %q, want %q", got.SavedNotes, tt.want)
			}
			if stored, _ := b.svc.GetContact(b.ctx, b.tenant, c); stored.SavedNotes != tt.want {
				t.Fatalf("stored notes %q, want %q", stored.SavedNotes, tt.want)
			}
		})
	}
}

// TestSavedWritesStayInTheirTenant: a shared contact saved by two tenants,
// each with a note and on a list of its own, is two saved contacts. What
// one tenant does to its saved contact (unsave, note, approve, reject,
// take it off its list) leaves the other's as it was, and does not wait
// for it: a transaction holding the other's rows delays nothing.
func TestSavedWritesStayInTheirTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	tests := []struct {
		name  string
		write func(contact, otherList uuid.UUID) error
	}{
		{"OKUnsave", func(c, _ uuid.UUID) error {
			_, err := b.svc.UnsaveContacts(b.ctx, b.other, []uuid.UUID{c})
			return err
		}},
		{"OKNotes", func(c, _ uuid.UUID) error {
			_, err := b.svc.SetSavedNotes(b.ctx, b.other, c, "other note")
			return err
		}},
		{"OKApprove", func(c, _ uuid.UUID) error {
			_, err := b.svc.ApproveSaved(b.ctx, b.other, b.otherUsr, []uuid.UUID{c})
			return err
		}},
		{"OKReject", func(c, _ uuid.UUID) error {
			_, err := b.svc.RejectSaved(b.ctx, b.other, b.otherUsr, []uuid.UUID{c})
			return err
		}},
		{"OKRemoveFromList", func(c, l uuid.UUID) error {
			_, err := b.svc.RemoveListMembers(b.ctx, b.other, l, []uuid.UUID{c})
			return err
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := MustCreateContact(t, b.db, ContactOpts{FirstName: "Both", LastName: tt.name, CompanyID: co})
			var lists []uuid.UUID
			for _, who := range []struct{ tenant, user uuid.UUID }{{b.tenant, b.user}, {b.other, b.otherUsr}} {
				l, err := b.svc.CreateList(b.ctx, who.tenant, who.user, fmt.Sprintf("%s %d", b.word, i))
				if err != nil {
					t.Fatal(err)
				}
				lists = append(lists, l.ID)
				if _, err := b.svc.SaveContacts(b.ctx, who.tenant, who.user, contacts.SaveParams{ContactIDs: []uuid.UUID{c}, ListID: &l.ID}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := b.svc.SetSavedNotes(b.ctx, b.tenant, c, "tenant note"); err != nil {
				t.Fatal(err)
			}
			if err := writeBesideHeldRows(t, b, c, func() error { return tt.write(c, lists[1]) }); err != nil {
				t.Fatal(err)
			}
			got, err := b.svc.GetContact(b.ctx, b.tenant, c)
			if err != nil {
				t.Fatal(err)
			}
			if got.SavedStatus != contacts.SavedStatusSaved || got.SavedNotes != "tenant note" ||
				len(got.Lists) != 1 || got.Lists[0].ID != lists[0] {
				t.Fatalf("the tenant's saved contact is %q, note %q, lists %v", got.SavedStatus, got.SavedNotes, got.Lists)
			}
		})
	}
}

// writeBesideHeldRows runs write, another tenant's, while a transaction
// holds b.tenant's saved contact and list membership of contact locked,
// and returns its error; it fails the test when write waits for that
// transaction instead.
func writeBesideHeldRows(t *testing.T, b *testBundle, contact uuid.UUID, write func() error) error {
	t.Helper()
	tx, err := b.db.Pool.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(b.ctx) }()
	var holder int
	if err := tx.QueryRow(b.ctx, `SELECT pg_backend_pid()`).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	for _, hold := range []string{
		`SELECT 1 FROM saved_contacts WHERE tenant_id = $1 AND contact_id = $2 FOR UPDATE`,
		`SELECT 1 FROM list_members WHERE tenant_id = $1 AND contact_id = $2 FOR UPDATE`,
	} {
		if _, err := tx.Exec(b.ctx, hold, b.tenant, contact); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- write() }()
	for {
		select {
		case err := <-done:
			return err
		default:
		}
		var waits bool
		if err := b.db.Pool.QueryRow(b.ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)))`,
			holder).Scan(&waits); err != nil {
			t.Fatal(err)
		}
		if waits {
			_ = tx.Rollback(b.ctx)
			<-done
			t.Fatal("the write waited for the other tenant's rows")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
