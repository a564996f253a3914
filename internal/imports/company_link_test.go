package imports_test

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/imports"
)

// A new contact is linked to the company of its domain (the row's, or its
// email's when the company names agree, as matching compares them: case,
// accents, punctuation and legal forms aside) however the company's domain was
// cased when it was stored, accented capitals included: companies.domain
// is citext.
func TestNewContactLinksCompanyWhateverTheCase(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	companies := map[string]uuid.UUID{}
	for _, dom := range []string{"Case" + tb.word + ".Example", "MÜLLER" + tb.word + ".example"} {
		id := uuid.Must(uuid.NewV7())
		if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO companies (id, name, domain) VALUES ($1, $2, $3)`,
			id, "Linked "+dom, dom); err != nil {
			t.Fatal(err)
		}
		companies[dom] = id
	}
	file := fmt.Sprintf("Email,First Name,Last Name,Company,Website\n"+
		"ann@case%[1]s.example,Ann,Case,,\n"+
		"bo@elsewhere%[1]s.example,Bo,Site,,case%[1]s.example\n"+
		"cy@müller%[1]s.example,Cy,Umlaut,,\n"+
		"di@case%[1]s.example,Di,Other,Another Company %[1]s,\n"+
		"ed@case%[1]s.example,Ed,Form,\"LINKED case%[1]s.example, Inc.\",\n", tb.word)
	imp := tb.MustUpload(t, tb.tenant, "case.csv", file)
	done := tb.MustRun(t, tb.tenant, imp.ID, false)
	if done.Counts.Created != 5 {
		t.Fatalf("counts %+v (%s), want 5 created", done.Counts, done.Error)
	}
	tests := []struct {
		name, last string
		company    *uuid.UUID
	}{
		{"OKEmailDomain", "Case", new(companies["Case"+tb.word+".Example"])},
		{"OKRowDomain", "Site", new(companies["Case"+tb.word+".Example"])},
		{"OKAccentedCapitals", "Umlaut", new(companies["MÜLLER"+tb.word+".example"])},
		{"OKOtherCompanyName", "Other", nil},
		// The company's name another way (case, punctuation, legal form).
		{"OKCompanyNameLegalForm", "Form", new(companies["Case"+tb.word+".Example"])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *uuid.UUID
			if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT c.company_id FROM contacts c
				JOIN import_records r ON r.contact_id = c.id
				WHERE r.tenant_id = $1 AND r.import_id = $2 AND c.last_name = $3`, tb.tenant, imp.ID, tt.last).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tt.company == nil) || (got != nil && *got != *tt.company) {
				t.Errorf("company %v, want %v", got, tt.company)
			}
		})
	}
}

// The companies of a batch's new contacts are looked up through the index
// that compares lower-cased domains as bytes (migration 00045), not the
// citext one, which lower-cased both sides of every comparison: a tenth
// of what a created contact cost (docs/PERFORMANCE.md). Each row probes
// it: given a join, the planner read and hashed every company for a
// batch of a few thousand rows, twice the time of the probes.
func TestNewContactsProbeCompaniesByBytes(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := t.Context()
	w := dbtest.UniqueWord()
	tx := mustPlanTx(t, d,
		`SET LOCAL jit = off`,
		`CREATE TEMP TABLE import_batch_rows (LIKE import_batch INCLUDING ALL) ON COMMIT DROP`,
		// 2,000 companies and a batch of 1,000 new people at them.
		`INSERT INTO companies (id, name, domain) SELECT gen_random_uuid(), 'Company ' || n, 'c' || n || '.`+w+`.example'
			FROM generate_series(1, 2000) n`,
		`INSERT INTO import_batch_rows (new_id, row_num, usable, raw, email, email_domain, first_name, last_name, company_name, outcome)
			SELECT gen_random_uuid(), n, true, '{}', 'p' || n || '@c' || n * 7 || '.`+w+`.example', 'c' || n * 7 || '.`+w+`.example',
				'Ann', 'Row' || n, 'Company ' || n * 7, 'created'
			FROM generate_series(1, 1000) n`,
		`ANALYZE companies`,
		`ANALYZE import_batch_rows`,
	)
	var raw []byte
	if err := tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+imports.InsertContactsSQL(), nil, "import").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var indexes []string
	dbtest.ParsePlan(t, raw).Walk(func(n dbtest.PlanNode) {
		if n.Relation == "companies" {
			indexes = append(indexes, n.IndexName)
		}
	})
	if len(indexes) != 1 || indexes[0] != "companies_domain_lower" {
		t.Fatalf("companies read through %q, want one probe of companies_domain_lower:\n%s", indexes, raw)
	}
}
