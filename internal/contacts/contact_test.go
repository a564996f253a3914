package contacts_test

import (
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
