package contacts_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// testBundle is what most tests need: the service, two tenants and a user
// of each, and a word unique to the test. The canonical contacts are shared
// by every test of the package, so a test finds its own contacts by putting
// its word in their company name and in its queries.
type testBundle struct {
	ctx      context.Context
	db       *db.DB
	svc      *contacts.Service
	tenant   uuid.UUID
	user     uuid.UUID
	other    uuid.UUID // another tenant
	otherUsr uuid.UUID
	word     string
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	d := dbtest.Shared(t)
	b := &testBundle{ctx: context.Background(), db: d, svc: contacts.NewService(d, []byte("test-cursor-key-0123456789")),
		word: dbtest.UniqueWord()}
	b.tenant = MustCreateTenant(t, d, "DE")
	b.user = dbtest.MustCreateUser(t, d)
	b.other = MustCreateTenant(t, d, "US")
	b.otherUsr = dbtest.MustCreateUser(t, d)
	return b
}

// mustExport is the tenant's saved-contacts CSV export, header first.
func (b *testBundle) mustExport(t *testing.T) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := b.svc.ExportSaved(b.ctx, b.tenant, contacts.SavedParams{}, contacts.ExportOptions{}, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func MustCreateTenant(tb testing.TB, d *db.DB, region string) uuid.UUID {
	tb.Helper()
	id := uuid.Must(uuid.NewV7())
	if _, err := d.Pool.Exec(context.Background(), `INSERT INTO tenants (id, name, default_region) VALUES ($1, $2, $3)`,
		id, "Tenant "+id.String()[:8], region); err != nil {
		tb.Fatalf("create tenant: %v", err)
	}
	return id
}

// CompanyOpts describes a test company; empty fields get defaults.
type CompanyOpts struct {
	Name, Domain, Industry, EmployeeRange, Country string
}

func MustCreateCompany(tb testing.TB, d *db.DB, o CompanyOpts) uuid.UUID {
	tb.Helper()
	id := uuid.Must(uuid.NewV7())
	var domain any
	if o.Domain != "" {
		domain = o.Domain
	}
	if o.Industry == "" {
		o.Industry = "Software"
	}
	if o.EmployeeRange == "" {
		o.EmployeeRange = "51-200"
	}
	if o.Country == "" {
		o.Country = "US"
	}
	if _, err := d.Pool.Exec(context.Background(), `INSERT INTO companies (id, name, domain, industry, employee_range, country)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, o.Name, domain, o.Industry, o.EmployeeRange, o.Country); err != nil {
		tb.Fatalf("create company: %v", err)
	}
	return id
}

// ContactOpts describes a test contact; the company's name, domain,
// industry and size are copied from CompanyID as the loaders do.
type ContactOpts struct {
	FirstName, LastName, Title, Seniority, Department string
	Email, Phone, City, Region, Country, LinkedIn     string
	CompanyID                                         uuid.UUID
	Owner                                             *uuid.UUID
}

func MustCreateContact(tb testing.TB, d *db.DB, o ContactOpts) uuid.UUID {
	tb.Helper()
	id := uuid.Must(uuid.NewV7())
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	if o.Seniority == "" {
		o.Seniority = "entry"
	}
	if o.Department == "" {
		o.Department = "engineering"
	}
	_, err := d.Pool.Exec(context.Background(), `INSERT INTO contacts (id, first_name, last_name, title, seniority, department,
			email, phone, city, region, country, linkedin_url, owner_tenant_id, source,
			company_id, company_name, company_domain, industry, employee_range)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'test',
			co.id, COALESCE(co.name, ''), co.domain, COALESCE(co.industry, ''), COALESCE(co.employee_range, '')
		FROM (SELECT 1) one LEFT JOIN companies co ON co.id = $14`,
		id, o.FirstName, o.LastName, o.Title, o.Seniority, o.Department, null(o.Email), null(o.Phone), o.City, o.Region,
		o.Country, o.LinkedIn, o.Owner, o.CompanyID)
	if err != nil {
		tb.Fatalf("create contact: %v", err)
	}
	return id
}

// copyPeople loads thousands of contacts of company co by COPY, each row
// (id, first_name, last_name, source, company_id), and gives them the
// company's name as an insert through the service would.
func (b *testBundle) copyPeople(t *testing.T, co uuid.UUID, rows [][]any) {
	t.Helper()
	if _, err := b.db.Pool.CopyFrom(b.ctx, pgx.Identifier{"contacts"},
		[]string{"id", "first_name", "last_name", "source", "company_id"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Pool.Exec(b.ctx, `UPDATE contacts c SET company_name = co.name FROM companies co
		WHERE co.id = $1 AND c.company_id = co.id`, co); err != nil {
		t.Fatal(err)
	}
}

// company creates the test's company, named after its word.
func (b *testBundle) company(t *testing.T, o CompanyOpts) uuid.UUID {
	t.Helper()
	if o.Name == "" {
		o.Name = strings.ToUpper(b.word[:1]) + b.word[1:] + " Systems"
	}
	if o.Domain == "" {
		o.Domain = b.word + ".example"
	}
	return MustCreateCompany(t, b.db, o)
}

func wantCode(t *testing.T, err error, code string) *apperr.Error {
	t.Helper()
	if apperr.Code(err) != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
	e, _ := apperr.As(err)
	return e
}

func names(cs []contacts.Contact) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.FirstName + " " + c.LastName
	}
	return out
}

func ids(cs []contacts.Contact) []uuid.UUID {
	out := make([]uuid.UUID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func fmtIDs(ids []uuid.UUID) string { return fmt.Sprint(ids) }
