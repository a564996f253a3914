package contacts

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestEffectiveDocIsSearchDoc: the document the overlay builds from a
// tenant's corrections is the search_doc the contact has once staff accept
// them, so a tenant's search matches its corrected contact exactly as it
// will match the corrected record. It keeps effectiveDocSQL in step with
// search_doc's generation expression and the overlay's company move in
// step with applyCorrection. The corrected title holds CJK words, whose
// bigram tags (contacts_grams) both must hold.
func TestEffectiveDocIsSearchDoc(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	svc := NewService(d, []byte("test-cursor-key-0123456789"))
	w := dbtest.UniqueWord()
	tenant, user, reviewer := uuid.Must(uuid.NewV7()), dbtest.MustCreateUser(t, d), dbtest.MustCreateUser(t, d)
	if _, err := d.Pool.Exec(ctx, `INSERT INTO tenants (id, name) VALUES ($1, 'Effective')`, tenant); err != nil {
		t.Fatal(err)
	}
	from, to := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	if _, err := d.Pool.Exec(ctx, `INSERT INTO companies (id, name, domain, industry, employee_range) VALUES
		($1, $3 || ' Old GmbH', $3 || '.old', 'Retail', '11-50'), ($2, 'New ' || $3 || ' AG', $3 || '.new', 'Banking', '1001-5000')`,
		from, to, w); err != nil {
		t.Fatal(err)
	}
	contact := func(withCompany bool) uuid.UUID {
		id := uuid.Must(uuid.NewV7())
		if _, err := d.Pool.Exec(ctx, `INSERT INTO contacts (id, first_name, last_name, title, seniority, department, city, region,
				country, company_id, company_name, company_domain, industry, employee_range)
			SELECT $1, 'Eff', 'Ective', 'Sales Manager', 'manager', 'sales', 'Lyon', 'Rhône', 'FR',
				co.id, COALESCE(co.name, ''), co.domain, COALESCE(co.industry, ''), COALESCE(co.employee_range, '')
			FROM (SELECT 1) one LEFT JOIN companies co ON co.id = $2 AND $3`, id, from, withCompany); err != nil {
			t.Fatal(err)
		}
		return id
	}
	for _, tc := range []struct {
		name        string
		withCompany bool
		company     string
	}{
		{"OKMovedToNamedCompany", true, "new " + w + " ag"},
		{"OKRenamedToNoCompany", true, "Nowhere " + w + " Ltd"},
		{"OKNamedCompanyFromNone", false, "NEW " + w + " AG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := contact(tc.withCompany)
			var corrections []uuid.UUID
			for _, c := range [][2]string{{"title", "Chief Revenue Officer 营业部长"}, {"city", "Genève"}, {"country", "CH"},
				{"email", "eff@" + w + ".example"}, {"phone", "+41221234567"}, {"company_name", tc.company}} {
				cc, err := svc.SubmitCorrection(ctx, tenant, user, id, c[0], c[1])
				if err != nil {
					t.Fatal(err)
				}
				corrections = append(corrections, cc.ID)
			}
			// As kept by the last correction, and as a search builds it
			// when the contact changed since.
			var kept, built string
			var fresh bool
			if err := d.Pool.QueryRow(ctx, `SELECT e.doc::text, `+freshSQL+` FROM search_overlay_docs e JOIN contacts c ON c.id = e.contact_id
				WHERE e.tenant_id = $1 AND e.contact_id = $2`, tenant, id).Scan(&kept, &fresh); err != nil {
				t.Fatal(err)
			}
			if !fresh {
				t.Fatal("the row kept by the correction is not fresh: every search would build it again")
			}
			if err := d.Pool.QueryRow(ctx, effectiveSQL(`e.doc::text`, "")+` WHERE e.id = $3`, tenant, overlayFields, id).
				Scan(&built); err != nil {
				t.Fatal(err)
			}
			if kept != built {
				t.Fatalf("kept document\n%s\nbuilt\n%s", kept, built)
			}
			for _, cc := range corrections {
				if _, err := svc.AcceptCorrection(ctx, reviewer, cc); err != nil {
					t.Fatal(err)
				}
			}
			var stored string
			if err := d.Pool.QueryRow(ctx, `SELECT search_doc::text FROM contacts WHERE id = $1`, id).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if built != stored {
				t.Fatalf("overlay document\n%s\nsearch_doc once accepted\n%s", built, stored)
			}
		})
	}
}
