package contacts_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

func TestGetContact(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	shared := MustCreateContact(t, b.db, ContactOpts{FirstName: "Ada", LastName: "Lovelace", Title: "Engineer", CompanyID: co})
	private := MustCreateContact(t, b.db, ContactOpts{FirstName: "Own", LastName: "Contact", CompanyID: co, Owner: &b.tenant})
	tests := []struct {
		name   string
		tenant uuid.UUID
		id     uuid.UUID
		code   string
	}{
		{"OKShared", b.tenant, shared, ""},
		{"OKOwnPrivate", b.tenant, private, ""},
		{"ErrNotFoundOtherTenant", b.other, private, apperr.ENOTFOUND},
		{"ErrNotFoundMissing", b.tenant, uuid.Must(uuid.NewV7()), apperr.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := b.svc.GetContact(b.ctx, tt.tenant, tt.id)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.ID != tt.id || c.CompanyID == nil || *c.CompanyID != co || c.CompanyDomain != b.word+".example" {
				t.Fatalf("got %+v", c)
			}
			if c.Private != (tt.id == private) || c.Saved || len(c.Lists) != 0 || len(c.Corrections) != 0 {
				t.Fatalf("got %+v", c)
			}
		})
	}
}

func TestGetCompany(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{Country: "FR"})
	var shared []uuid.UUID
	for range 5 {
		shared = append(shared, MustCreateContact(t, b.db, ContactOpts{FirstName: "Emp", LastName: "Loyee", CompanyID: co}))
	}
	MustCreateContact(t, b.db, ContactOpts{FirstName: "Hidden", LastName: "Private", CompanyID: co, Owner: &b.other})

	t.Run("OKPaged", func(t *testing.T) {
		t.Parallel()
		var got []uuid.UUID
		p := contacts.PageParams{PageSize: 2, MaxPageSize: 10}
		for {
			d, err := b.svc.GetCompany(b.ctx, b.tenant, co, p)
			if err != nil {
				t.Fatal(err)
			}
			if d.Name == "" || d.Country != "FR" || d.ContactCount != 5 || d.ContactCountCapped {
				t.Fatalf("company = %+v", d.Company)
			}
			got = append(got, ids(d.Contacts)...)
			if d.NextContactsCursor == "" {
				break
			}
			p.Cursor = d.NextContactsCursor
		}
		if fmtIDs(got) != fmtIDs(shared) {
			t.Fatalf("got %v, want %v", got, shared)
		}
	})
	t.Run("ErrNotFoundMissing", func(t *testing.T) {
		t.Parallel()
		_, err := b.svc.GetCompany(b.ctx, b.tenant, uuid.Must(uuid.NewV7()), contacts.PageParams{PageSize: 2, MaxPageSize: 10})
		wantCode(t, err, apperr.ENOTFOUND)
	})
	t.Run("ErrMalformedCursorOfOtherCompany", func(t *testing.T) {
		t.Parallel()
		d, err := b.svc.GetCompany(b.ctx, b.tenant, co, contacts.PageParams{PageSize: 1, MaxPageSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		other := b.company(t, CompanyOpts{Name: "Other " + b.word, Domain: "other." + b.word + ".example"})
		_, err = b.svc.GetCompany(b.ctx, b.tenant, other, contacts.PageParams{PageSize: 1, MaxPageSize: 10, Cursor: d.NextContactsCursor})
		wantCode(t, err, apperr.EMALFORMED)
	})
	t.Run("ErrInvalidPageSize", func(t *testing.T) {
		t.Parallel()
		_, err := b.svc.GetCompany(b.ctx, b.tenant, co, contacts.PageParams{PageSize: 11, MaxPageSize: 10})
		wantCode(t, err, apperr.EINVALID)
	})
}

// TestGetCompanyFollowsCorrections: a company's people are those the
// tenant sees there. A contact whose company name the tenant corrected
// shows under the company that name names (as in its details and search):
// it leaves the page of its shared company, joins the one named, and is on
// none when no company has the name. Other tenants still see the shared
// companies, and undoing the correction brings the contact back.
func TestGetCompanyFollowsCorrections(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alpha := b.company(t, CompanyOpts{Name: "Alpha " + b.word, Domain: "alpha." + b.word + ".example"})
	beta := b.company(t, CompanyOpts{Name: "Beta " + b.word, Domain: "beta." + b.word + ".example"})
	a1 := MustCreateContact(t, b.db, ContactOpts{FirstName: "Ann", LastName: "One", CompanyID: alpha})
	a2 := MustCreateContact(t, b.db, ContactOpts{FirstName: "Abe", LastName: "Two", CompanyID: alpha})
	b1 := MustCreateContact(t, b.db, ContactOpts{FirstName: "Bea", LastName: "Three", CompanyID: beta})
	// people pages through the company one contact at a time and checks
	// the count every page reports.
	people := func(tenant, company uuid.UUID) []uuid.UUID {
		t.Helper()
		var got []uuid.UUID
		p := contacts.PageParams{PageSize: 1, MaxPageSize: 10}
		for range 10 {
			d, err := b.svc.GetCompany(b.ctx, tenant, company, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range d.Contacts {
				if c.CompanyID == nil || *c.CompanyID != company {
					t.Fatalf("%s listed under %s shows company %v", c.ID, company, c.CompanyID)
				}
			}
			got = append(got, ids(d.Contacts)...)
			if d.NextContactsCursor == "" {
				if d.ContactCount != len(got) {
					t.Fatalf("count %d, listed %v", d.ContactCount, got)
				}
				return got
			}
			p.Cursor = d.NextContactsCursor
		}
		t.Fatal("more than 10 pages")
		return nil
	}
	want := func(name string, tenant, company uuid.UUID, ids ...uuid.UUID) {
		t.Helper()
		slices.SortFunc(ids, func(x, y uuid.UUID) int { return strings.Compare(x.String(), y.String()) })
		if got := people(tenant, company); fmtIDs(got) != fmtIDs(ids) {
			t.Fatalf("%s: got %v, want %v", name, got, ids)
		}
	}
	// Named in another case: the company of that name all the same.
	if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, a1, "company_name", strings.ToUpper("beta "+b.word)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, a2, "company_name", "Nowhere "+b.word+" Inc"); err != nil {
		t.Fatal(err)
	}
	want("alpha, corrected", b.tenant, alpha)
	want("beta, corrected", b.tenant, beta, a1, b1)
	want("alpha, other tenant", b.other, alpha, a1, a2)
	want("beta, other tenant", b.other, beta, b1)
	if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, a1, "company_name", "Alpha "+b.word); err != nil {
		t.Fatal(err)
	}
	want("alpha, undone", b.tenant, alpha, a1)
	want("beta, undone", b.tenant, beta, b1)
}

// TestGetCompanyKeepsContactCorrectedToItsOwnCompany: a contact whose
// company name reads otherwise than its company's (the company renamed
// since, say) and whose name the tenant corrected to the company's stays
// on that company's page, once, and in its count.
func TestGetCompanyKeepsContactCorrectedToItsOwnCompany(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	var want []uuid.UUID
	for range 3 {
		want = append(want, MustCreateContact(t, b.db, ContactOpts{FirstName: "Re", LastName: "Named", CompanyID: co}))
	}
	c, err := b.svc.GetContact(b.ctx, b.tenant, want[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Pool.Exec(b.ctx, `UPDATE contacts SET company_name = company_name || ' (old name)' WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, c.ID, "company_name", c.CompanyName); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 3} {
		var got []uuid.UUID
		p := contacts.PageParams{PageSize: size, MaxPageSize: 10}
		for range 5 {
			d, err := b.svc.GetCompany(b.ctx, b.tenant, co, p)
			if err != nil {
				t.Fatal(err)
			}
			if d.ContactCount != len(want) {
				t.Fatalf("pages of %d: contact_count %d, want %d", size, d.ContactCount, len(want))
			}
			got = append(got, ids(d.Contacts)...)
			if p.Cursor = d.NextContactsCursor; p.Cursor == "" {
				break
			}
		}
		if fmtIDs(got) != fmtIDs(want) {
			t.Fatalf("pages of %d: got %v, want %v", size, got, want)
		}
	}
}

// TestContactAsEachTenantSeesIt: two tenants save the same shared contact,
// each onto a list of its own, with a note and a correction; a third saves
// nothing. Each sees its own saved state, note, lists and corrections on
// the contact and none of another's.
func TestContactAsEachTenantSeesIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	third := MustCreateTenant(t, b.db, "GB")
	co := b.company(t, CompanyOpts{})
	shared := MustCreateContact(t, b.db, ContactOpts{FirstName: "Two", LastName: "Savers", Title: "Engineer", City: "Paris", CompanyID: co})
	type mark struct {
		tenant, user       uuid.UUID
		list, note         string
		field, value, seen string
	}
	marks := []mark{
		{b.tenant, b.user, "Mine " + b.word, "tenant note", "title", "Tenant Title", "Tenant Title"},
		{b.other, b.otherUsr, "Theirs " + b.word, "other note", "city", "Lyon", "Lyon"},
	}
	for _, m := range marks {
		l, err := b.svc.CreateList(b.ctx, m.tenant, m.user, m.list)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.SaveContacts(b.ctx, m.tenant, m.user, contacts.SaveParams{ContactIDs: []uuid.UUID{shared}, ListID: &l.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.SetSavedNotes(b.ctx, m.tenant, shared, m.note); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.SubmitCorrection(b.ctx, m.tenant, m.user, shared, m.field, m.value); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.svc.ApproveSaved(b.ctx, b.tenant, b.user, []uuid.UUID{shared}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                      string
		tenant                    uuid.UUID
		status, note, list        string
		field, value, title, city string
	}{
		{"OKTenant", b.tenant, contacts.SavedStatusApproved, "tenant note", "Mine " + b.word, "title", "Tenant Title", "Tenant Title", "Paris"},
		{"OKOther", b.other, contacts.SavedStatusSaved, "other note", "Theirs " + b.word, "city", "Lyon", "Engineer", "Lyon"},
		{"OKNotSaved", third, "", "", "", "", "", "Engineer", "Paris"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := b.svc.GetContact(b.ctx, tt.tenant, shared)
			if err != nil {
				t.Fatal(err)
			}
			if c.Saved != (tt.status != "") || c.SavedStatus != tt.status || c.SavedNotes != tt.note {
				t.Errorf("saved %v, status %q, note %q; want %q, %q", c.Saved, c.SavedStatus, c.SavedNotes, tt.status, tt.note)
			}
			var gotLists []string
			for _, l := range c.Lists {
				gotLists = append(gotLists, l.Name)
			}
			if want := []string{tt.list}; fmt.Sprint(gotLists) != fmt.Sprint(want[:min(len(tt.list), 1)]) {
				t.Errorf("lists %v, want %q", gotLists, tt.list)
			}
			var gotCorr []string
			for _, x := range c.Corrections {
				gotCorr = append(gotCorr, x.Field+"="+x.Value)
			}
			if want := []string{tt.field + "=" + tt.value}; fmt.Sprint(gotCorr) != fmt.Sprint(want[:min(len(tt.field), 1)]) {
				t.Errorf("corrections %v, want %s=%s", gotCorr, tt.field, tt.value)
			}
			if c.Title != tt.title || c.City != tt.city {
				t.Errorf("title %q, city %q; want %q, %q", c.Title, c.City, tt.title, tt.city)
			}
		})
	}
}

// TestGetCompanyPagesHoldOnlyVisible: another tenant's private contacts at
// a company, between the shared ones in id order, take no place on the
// company's pages: every page but the last is full, and the last ends the
// paging.
func TestGetCompanyPagesHoldOnlyVisible(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	var shared []uuid.UUID
	for range 4 {
		shared = append(shared, MustCreateContact(t, b.db, ContactOpts{FirstName: "Seen", LastName: "Here", CompanyID: co}))
		MustCreateContact(t, b.db, ContactOpts{FirstName: "Hidden", LastName: "There", CompanyID: co, Owner: &b.other})
	}
	tests := []struct {
		name  string
		size  int
		pages []int
	}{
		{"OKPageOfOne", 1, []int{1, 1, 1, 1}},
		{"OKPageOfTwo", 2, []int{2, 2}},
		{"OKPageOfThree", 3, []int{3, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []uuid.UUID
			var pages []int
			p := contacts.PageParams{PageSize: tt.size, MaxPageSize: 10}
			for range 10 {
				d, err := b.svc.GetCompany(b.ctx, b.tenant, co, p)
				if err != nil {
					t.Fatal(err)
				}
				if d.ContactCount != len(shared) {
					t.Fatalf("contact_count %d, want %d", d.ContactCount, len(shared))
				}
				got, pages = append(got, ids(d.Contacts)...), append(pages, len(d.Contacts))
				if p.Cursor = d.NextContactsCursor; p.Cursor == "" {
					break
				}
			}
			if fmtIDs(got) != fmtIDs(shared) || !slices.Equal(pages, tt.pages) {
				t.Fatalf("pages of %v: %v, want %v (%v)", pages, got, shared, tt.pages)
			}
		})
	}
}
