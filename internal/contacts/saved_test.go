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

// TestSavedCountsAsDone: each call on saved contacts and lists answers
// what it did, counting each contact once however often the call names
// it: newly saved and already saved, newly put on the list (not merely
// saved), taken off the list (not merely named), approved; the audit
// records the same count as the answer.
func TestSavedCountsAsDone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	var c [4]uuid.UUID
	for i := range c {
		c[i] = MustCreateContact(t, b.db, ContactOpts{FirstName: "Count", LastName: fmt.Sprint(i), CompanyID: co})
	}
	hot, cold := MustCreateList(t, b, b.tenant, "Hot"), MustCreateList(t, b, b.tenant, "Cold")
	if _, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: c[:1]}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, hot.ID, c[1:2]); err != nil {
		t.Fatal(err)
	}
	// c0 saved, c1 saved and on hot, c2 and c3 not saved.

	res, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: []uuid.UUID{c[0], c[1], c[2], c[2]}, ListID: &hot.ID})
	if err != nil || *res != (contacts.SaveResult{Saved: 1, AlreadySaved: 2, AddedToList: 2}) {
		t.Fatalf("save onto hot = %+v, %v; want 1 saved, 2 already, 2 added (c0 and c2)", res, err)
	}
	if n, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, cold.ID, []uuid.UUID{c[0], c[3], c[3]}); err != nil || n != 2 {
		t.Fatalf("add to cold = %d, %v; want 2 (c0 saved before, c3 saved now)", n, err)
	}
	if n, err := b.svc.RemoveListMembers(b.ctx, b.tenant, hot.ID, []uuid.UUID{c[1], c[3], c[3]}); err != nil || n != 1 {
		t.Fatalf("remove from hot = %d, %v; want 1 (c3 is not on it)", n, err)
	}
	if n, err := b.svc.ApproveSaved(b.ctx, b.tenant, b.user, []uuid.UUID{c[0], c[0], c[2]}); err != nil || n != 2 {
		t.Fatalf("approve = %d, %v; want 2", n, err)
	}
	var audited int
	if err := b.db.Pool.QueryRow(b.ctx, `SELECT (data->>'count')::int FROM audit_events
		WHERE tenant_id = $1 AND action = 'saved_contacts.approved'`, b.tenant).Scan(&audited); err != nil || audited != 2 {
		t.Fatalf("audited count = %d, %v; want 2", audited, err)
	}
	// A rejection marks rejected what was approved.
	if n, err := b.svc.RejectSaved(b.ctx, b.tenant, b.user, []uuid.UUID{c[0], c[0]}); err != nil || n != 1 {
		t.Fatalf("reject = %d, %v; want 1", n, err)
	}
	if got, err := b.svc.GetContact(b.ctx, b.tenant, c[0]); err != nil || got.SavedStatus != contacts.SavedStatusRejected {
		t.Fatalf("rejected contact = %+v, %v", got, err)
	}
	if n, err := b.svc.UnsaveContacts(b.ctx, b.tenant, []uuid.UUID{c[2], c[2], c[3]}); err != nil || n != 2 {
		t.Fatalf("unsave = %d, %v; want 2", n, err)
	}
	for _, l := range []struct {
		list *contacts.List
		want int
	}{{hot, 1}, {cold, 1}} {
		if got, err := b.svc.GetList(b.ctx, b.tenant, l.list.ID); err != nil || got.MemberCount != l.want {
			t.Fatalf("list %q = %+v, %v; want %d members", l.list.Name, got, err, l.want)
		}
	}
}

// TestSaveTakesMaxBulkIDs: one call takes up to MaxBulkIDs contacts, the
// most included; one more is refused (TestSaveContacts).
func TestSaveTakesMaxBulkIDs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	ids := make([]uuid.UUID, contacts.MaxBulkIDs)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
	}
	if _, err := b.db.Pool.Exec(b.ctx, `INSERT INTO contacts (id, first_name, last_name, source, company_id, company_name)
		SELECT id, 'Bulk', 'Saver', 'test', $2, 'Bulk' FROM unnest($1::uuid[]) AS id`, ids, co); err != nil {
		t.Fatal(err)
	}
	res, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: ids})
	if err != nil || res.Saved != contacts.MaxBulkIDs {
		t.Fatalf("save of %d = %+v, %v", len(ids), res, err)
	}
	if n, err := b.svc.ApproveSaved(b.ctx, b.tenant, b.user, ids); err != nil || n != contacts.MaxBulkIDs {
		t.Fatalf("approve of %d = %d, %v", len(ids), n, err)
	}
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
	// Another list of the tenant's: the list filter takes l's members, not
	// every contact on some list.
	if _, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, MustCreateList(t, b, b.tenant, "Not this one").ID, all[:1]); err != nil {
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
		{"OKStatuses", contacts.SavedParams{Statuses: []string{"rejected", "saved"}}, all[:2]},
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
				if len(got) > len(tt.want) {
					t.Fatalf("more pages than matches: a cursor repeated a row (%v)", got)
				}
				page, err := b.svc.ListSaved(b.ctx, b.tenant, p)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != len(tt.want) {
					t.Fatalf("total = %d, want %d", page.Total, len(tt.want))
				}
				if len(page.Items) == 0 {
					t.Fatal("an empty page: the one before, full and the last, gave a cursor")
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
	t.Run("ErrMalformedCursorOfOtherFilters", func(t *testing.T) {
		// A cursor continues the query that issued it: another status or
		// list would start its page at a place of another order.
		t.Parallel()
		p := contacts.SavedParams{Statuses: []string{"saved"}, PageSize: 1, MaxPageSize: 10}
		page, err := b.svc.ListSaved(b.ctx, b.tenant, p)
		if err != nil || page.NextCursor == "" {
			t.Fatalf("first page = %+v, %v", page, err)
		}
		for _, other := range []contacts.SavedParams{
			{Statuses: []string{"approved"}},
			{Statuses: []string{"saved"}, ListID: &l.ID},
		} {
			other.PageSize, other.MaxPageSize, other.Cursor = 1, 10, page.NextCursor
			_, err := b.svc.ListSaved(b.ctx, b.tenant, other)
			wantCode(t, err, apperr.EMALFORMED)
		}
	})
	t.Run("ErrInvalidParams", func(t *testing.T) {
		t.Parallel()
		for _, p := range []contacts.SavedParams{
			{PageSize: 11, MaxPageSize: 10},
			{PageSize: 0, MaxPageSize: 10},
			{Statuses: []string{"saved", "pending"}, PageSize: 5, MaxPageSize: 10},
		} {
			_, err := b.svc.ListSaved(b.ctx, b.tenant, p)
			wantCode(t, err, apperr.EINVALID)
		}
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

// TestSavedPagesAcrossSaveTimes: pages of every size, whose rows were
// saved at different times and at the same time, continue after the last
// row of the page before (its saved time and id): each saved contact
// once, newest saved first, and no empty page at the end.
func TestSavedPagesAcrossSaveTimes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	want := mustSaveMany(t, b.db, b.tenant, 7, 3) // saved 3, 3, then 1
	for size := 1; size <= 8; size++ {
		t.Run(fmt.Sprintf("OKPageOf%d", size), func(t *testing.T) {
			t.Parallel()
			var got []uuid.UUID
			p := contacts.SavedParams{PageSize: size, MaxPageSize: 10}
			for range len(want) + 1 {
				page, err := b.svc.ListSaved(b.ctx, b.tenant, p)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != len(want) || len(page.Items) == 0 {
					t.Fatalf("a page of %d items, total %d", len(page.Items), page.Total)
				}
				got = append(got, ids(page.Items)...)
				if p.Cursor = page.NextCursor; p.Cursor == "" {
					break
				}
			}
			if fmtIDs(got) != fmtIDs(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
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
