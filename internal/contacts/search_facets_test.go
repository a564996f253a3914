package contacts_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestSearchFacetsSpreadStableSample: facets over a large match set count a
// sample spread over the whole table, the same one on every run. The
// matches here lie in the table sorted by department, a third each of
// marketing, sales and engineering. The sample was the first 300 matches a
// sequential scan met: every facet said marketing (about 9,000), none sales
// or engineering; and on a table larger than a quarter of shared_buffers
// that scan started where the previous one had stopped, so the same search
// twice showed different figures ("Marketing 111", then "Marketing 0").
// Stated error: the sample reads whole blocks (1/16 of them here, about 300
// to 600 matches); on a table sorted by the facet's value, the worst case
// for a block sample, each department's share has a standard error of about
// a quarter of itself, so each one, exactly a third, must show within half
// of a third (between a sixth and a half of the total).
func TestSearchFacetsSpreadStableSample(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t) // ANALYZE below: its own database
	b := &testBundle{ctx: context.Background(), db: d, svc: contacts.NewService(d, []byte("test-cursor-key-0123456789")),
		word: dbtest.UniqueWord()}
	b.tenant = MustCreateTenant(t, d, "DE")
	co := b.company(t, CompanyOpts{})
	const third = 3000
	departments := []string{"marketing", "sales", "engineering"}
	// A title as long as real ones, so that a block holds about as many
	// rows as it does in production (about 13).
	title := strings.Repeat("Principal Regional Operations Coordinator ", 8)
	insert := func(co uuid.UUID, n int, department func(i int) string) {
		t.Helper()
		rows := make([][]any, n)
		for i := range rows {
			seniority := "director"
			if i%4 == 0 {
				seniority = "vp"
			}
			rows[i] = []any{uuid.Must(uuid.NewV7()), "Facet", fmt.Sprintf("Person%d", i), seniority, department(i), "test", co, title}
		}
		if _, err := d.Pool.CopyFrom(b.ctx, pgx.Identifier{"contacts"},
			[]string{"id", "first_name", "last_name", "seniority", "department", "source", "company_id", "title"}, pgx.CopyFromRows(rows)); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Pool.Exec(b.ctx, `UPDATE contacts c SET company_name = co.name FROM companies co
			WHERE co.id = $1 AND c.company_id = co.id`, co); err != nil {
			t.Fatal(err)
		}
	}
	insert(co, 3*third, func(i int) string { return departments[i/third] })
	if _, err := d.Pool.Exec(b.ctx, `VACUUM ANALYZE contacts`); err != nil {
		t.Fatal(err)
	}

	p := contacts.SearchParams{Query: b.word, Facets: true}
	first := b.search(t, b.tenant, p)
	if first.Facets == nil || !first.Facets.IsCapped || !first.TotalIsEstimate {
		t.Fatalf("total %d (estimate %v), facets %+v: want an estimated total and sampled facets", first.Total, first.TotalIsEstimate, first.Facets)
	}
	got := map[string]int{}
	for _, f := range first.Facets.Department {
		got[f.Value] = f.Count
	}
	for _, dep := range departments {
		// Scaled to the estimated total, not to 9,000: compare shares.
		share := float64(got[dep]) / float64(first.Total)
		if share < 1.0/6 || share > 1.0/2 {
			t.Errorf("department %s: %d of %d (%.0f%%), want a third ± half of it; facets %+v",
				dep, got[dep], first.Total, 100*share, first.Facets.Department)
		}
	}

	same := func(what string) {
		t.Helper()
		res := b.search(t, b.tenant, p)
		for _, l := range [][2][]contacts.FacetCount{{res.Facets.Department, first.Facets.Department},
			{res.Facets.Seniority, first.Facets.Seniority}} {
			if !slices.Equal(l[0], l[1]) || res.Total != first.Total {
				t.Errorf("%s: total %d, facets %+v; first run: total %d, facets %+v", what, res.Total, l[0], first.Total, l[1])
			}
		}
	}
	same("second run")
	// Unrelated contacts go to the GIN index's pending list and the
	// table's last block; the sample of the matches stays as it was.
	other := b.company(t, CompanyOpts{Name: "Unrelated Holdings", Domain: "unrelated.example"})
	insert(other, 50, func(int) string { return "finance" })
	same("after unrelated inserts")
}

// TestSearchFacetsOrderAndBlanks: a facet lists its values by count, most
// first, and values of the same count by value, so the same matches show
// the same list; a contact without the field (no country here) is counted
// under no value.
func TestSearchFacetsOrderAndBlanks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	for _, p := range []ContactOpts{
		{FirstName: "Ada", Seniority: "director", Country: "DE"},
		{FirstName: "Bea", Seniority: "vp"},
		{FirstName: "Cy", Seniority: "director"},
		{FirstName: "Di", Seniority: "entry"},
	} {
		p.LastName, p.CompanyID = "Facet", co
		MustCreateContact(t, b.db, p)
	}
	res := b.search(t, b.tenant, contacts.SearchParams{Query: b.word, Facets: true})
	if res.Facets == nil || res.Facets.IsCapped {
		t.Fatalf("facets = %+v, want every match counted", res.Facets)
	}
	if want := []contacts.FacetCount{{Value: "director", Count: 2}, {Value: "entry", Count: 1}, {Value: "vp", Count: 1}}; !slices.Equal(res.Facets.Seniority, want) {
		t.Errorf("seniority facets %+v, want %+v", res.Facets.Seniority, want)
	}
	if want := []contacts.FacetCount{{Value: "DE", Count: 1}}; !slices.Equal(res.Facets.Country, want) {
		t.Errorf("country facets %+v, want %+v", res.Facets.Country, want)
	}
}

// TestSearchFacetsOfExactlyTheSample: facets count up to 300 matches
// (facetSample) exactly; a search of exactly 300 counts every one, and its
// facets are no sample.
func TestSearchFacetsOfExactlyTheSample(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	const n = 300
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{uuid.Must(uuid.NewV7()), "Facet", fmt.Sprintf("Person%d", i), []string{"vp", "director", "entry"}[i%3], "test", co}
	}
	if _, err := b.db.Pool.CopyFrom(b.ctx, pgx.Identifier{"contacts"},
		[]string{"id", "first_name", "last_name", "seniority", "source", "company_id"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Pool.Exec(b.ctx, `UPDATE contacts c SET company_name = co.name FROM companies co
		WHERE co.id = $1 AND c.company_id = co.id`, co); err != nil {
		t.Fatal(err)
	}
	res := b.search(t, b.tenant, contacts.SearchParams{Query: b.word, Facets: true})
	want := []contacts.FacetCount{{Value: "director", Count: n / 3}, {Value: "entry", Count: n / 3}, {Value: "vp", Count: n / 3}}
	if res.Total != n || res.TotalIsEstimate || res.Facets == nil || res.Facets.IsCapped || !slices.Equal(res.Facets.Seniority, want) {
		t.Fatalf("total %d (estimate %v), facets %+v; want %d counted, seniority facets %+v, not a sample", res.Total, res.TotalIsEstimate, res.Facets, n, want)
	}
}
