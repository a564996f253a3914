package imports_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestRecordsShowTenantCorrections: a record's contact is summarized as the
// tenant sees it elsewhere (details, search, the export): its own latest
// corrections of the email, title and company name in place of the shared
// values, and a corrected company name in the spelling of the company it
// names. Another tenant importing the same person sees the shared values.
func TestRecordsShowTenantCorrections(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	shared := MustSharedContact(t, tb.db, "Ann", "Lee", "ann@"+w+".example", "Old "+w+" Co")
	if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO companies (id, name) VALUES ($1, $2)`, uuid.Must(uuid.NewV7()), "Newco "+w); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ field, value string }{
		{"title", "Chief Executive"}, {"company_name", "NEWCO " + w}, {"email", "ann.lee@" + w + ".example"},
	} {
		if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO contact_corrections (tenant_id, id, contact_id, field, new_value)
			VALUES ($1, $2, $3, $4, $5)`, tb.tenant, uuid.Must(uuid.NewV7()), shared, c.field, c.value); err != nil {
			t.Fatal(err)
		}
	}
	other := MustCreateTenant(t, tb.db, "pro")
	csv := "email,first_name,last_name\nann@" + w + ".example,Ann,Lee\n"
	for _, tc := range []struct {
		name                  string
		tenant                uuid.UUID
		email, title, company string
	}{
		{"OKCorrected", tb.tenant, "ann.lee@" + w + ".example", "Chief Executive", "Newco " + w},
		{"OKOtherTenantShared", other, "ann@" + w + ".example", "Engineer", "Old " + w + " Co"},
	} {
		imp := tb.MustUpload(t, tc.tenant, "people.csv", csv)
		tb.MustRun(t, tc.tenant, imp.ID, false)
		recs := tb.records(t, tc.tenant, imp.ID)
		if len(recs) != 1 {
			t.Fatalf("%s: %d records, want 1", tc.name, len(recs))
		}
		var r imports.ImportRecord
		for _, rec := range recs {
			r = rec
		}
		if r.ContactID == nil || *r.ContactID != shared || r.Contact == nil {
			t.Fatalf("%s: record %+v, want the shared contact %s", tc.name, r, shared)
		}
		if c := r.Contact; c.Email != tc.email || c.Title != tc.title || c.CompanyName != tc.company {
			t.Fatalf("%s: contact shows %q, %q, %q; want %q, %q, %q", tc.name, c.Email, c.Title, c.CompanyName,
				tc.email, tc.title, tc.company)
		}
	}
}

// TestRecordsHideOtherTenantsPrivateContact: a record shows a contact
// only if the tenant may see it (shared, or its own private one); should
// a record ever point at another tenant's private contact, its summary
// stays hidden.
func TestRecordsHideOtherTenantsPrivateContact(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	other := MustCreateTenant(t, tb.db, "pro")
	private := tb.MustUpload(t, other, "private.csv", "email,first_name,last_name\npriv@"+w+".example,Pia,Vate\n")
	tb.MustRun(t, other, private.ID, false)
	var privateID uuid.UUID
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT id FROM contacts WHERE owner_tenant_id = $1`, other).Scan(&privateID); err != nil {
		t.Fatal(err)
	}
	own := tb.MustUpload(t, tb.tenant, "own.csv", "email,first_name,last_name\nown@"+w+".example,Oona,Wn\n")
	tb.MustRun(t, tb.tenant, own.ID, false)
	for _, tc := range []struct {
		name    string
		tenant  uuid.UUID
		id      uuid.UUID
		forge   bool // point the record at the other tenant's private contact
		visible bool
	}{
		{"OKOwnPrivate", other, private.ID, false, true},
		{"HiddenOtherTenantsPrivate", tb.tenant, own.ID, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.forge {
				if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE import_records SET contact_id = $1 WHERE import_id = $2`,
					privateID, tc.id); err != nil {
					t.Fatal(err)
				}
			}
			recs := tb.records(t, tc.tenant, tc.id)
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1", len(recs))
			}
			for _, r := range recs {
				if (r.Contact != nil) != tc.visible {
					t.Fatalf("contact summary %+v, want shown %v", r.Contact, tc.visible)
				}
			}
		})
	}
}
