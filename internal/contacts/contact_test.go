package contacts_test

import (
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
