package contacts_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestSearchSkipsNoOtherTenantsImport: a broad search sorted by id (the
// order of a large match set) or by update time reads the shared contacts
// and the tenant's own, not past another tenant's private contacts. An import puts its
// contacts at the top of the id order, and the page statements walked
// contacts_pkey from the top, skipping every one of them: after another
// tenant imported 230,000 contacts, "engineer" took 600 ms instead of 4 ms
// (docs/PERFORMANCE.md, "Searches beside a running import"). The page is
// the same as before.
func TestSearchSkipsNoOtherTenantsImport(t *testing.T) {
	t.Parallel()
	// A database of its own: its statistics are this test's.
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	svc := contacts.NewService(d, []byte("test-cursor-key-0123456789"))
	tenant, importer := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	for _, stmt := range []string{
		`INSERT INTO tenants (id, name) VALUES ('` + tenant.String() + `', 'Searcher'), ('` + importer.String() + `', 'Importer')`,
		// 12,000 shared engineers (more than a count materializes), older
		// and with lower ids than the import's contacts.
		`INSERT INTO contacts (id, first_name, last_name, title, updated_at)
			SELECT ('1' || substr(gen_random_uuid()::text, 2))::uuid, 'Ann', 'Lee ' || n, 'Software Engineer',
				now() - interval '1 day' - n * interval '1 second' FROM generate_series(1, 12000) n`,
		// The searching tenant's own: some engineers among them, above and
		// below the shared ones in both orders.
		`INSERT INTO contacts (id, owner_tenant_id, first_name, last_name, title, updated_at)
			SELECT (CASE WHEN n % 2 = 0 THEN 'e' ELSE '0' END || substr(gen_random_uuid()::text, 2))::uuid, '` + tenant.String() + `',
				'Bo', 'Own ' || n, CASE WHEN n % 3 = 0 THEN 'Engineer' ELSE 'Sales' END,
				now() - CASE WHEN n % 2 = 0 THEN interval '1 hour' ELSE interval '2 days' END - n * interval '1 second'
			FROM generate_series(1, 60) n`,
		// Another tenant's import: 20,000 engineers of its own on top.
		`INSERT INTO contacts (id, owner_tenant_id, first_name, last_name, title)
			SELECT ('f' || substr(gen_random_uuid()::text, 2))::uuid, '` + importer.String() + `', 'Cy', 'Imp ' || n, 'Software Engineer'
			FROM generate_series(1, 20000) n`,
		`VACUUM ANALYZE contacts`,
	} {
		if err := d.Gorm.WithContext(ctx).Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, tc := range []struct {
		name   string
		tenant uuid.UUID
		sort   string
		order  string
		page   int
	}{
		{"FirstPage", tenant, "", "id DESC", 1},
		{"ThirdPage", tenant, "", "id DESC", 3}, // by cursor: below the import already, the same rows as the plain order
		{"UpdatedFirstPage", tenant, contacts.SortUpdated, "updated_at DESC, id DESC", 1},
		{"UpdatedThirdPage", tenant, contacts.SortUpdated, "updated_at DESC, id DESC", 3},
		// The importer itself: its own contacts are the page, read in
		// order from an index of its own, not sorted.
		{"ImporterFirstPage", importer, "", "id DESC", 1},
		{"ImporterUpdatedFirstPage", importer, contacts.SortUpdated, "updated_at DESC, id DESC", 1},
		{"ImporterUpdatedThirdPage", importer, contacts.SortUpdated, "updated_at DESC, id DESC", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stmts []string
			var stmtArgs [][]any
			cctx := contacts.WithSQLCapture(ctx, func(sql string, args []any) {
				stmts, stmtArgs = append(stmts, sql), append(stmtArgs, args)
			})
			p := contacts.SearchParams{Query: "engineer", Sort: tc.sort, PageSize: 25, MaxPageSize: 1000, NoCorrections: true}
			var res *contacts.SearchResult
			for range tc.page {
				stmts, stmtArgs = nil, nil
				r, err := svc.Search(cctx, tc.tenant, p)
				if err != nil {
					t.Fatal(err)
				}
				res, p.Cursor = r, r.NextCursor
			}
			var got []uuid.UUID
			for _, c := range res.Items {
				got = append(got, c.ID)
			}
			rows, err := d.Pool.Query(ctx, `SELECT id FROM contacts WHERE (owner_tenant_id IS NULL OR owner_tenant_id = $1)
				AND title ILIKE '%engineer%' ORDER BY `+tc.order+` LIMIT 25 OFFSET $2`, tc.tenant, 25*(tc.page-1))
			if err != nil {
				t.Fatal(err)
			}
			want, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("page:\n got %v\nwant %v", got, want)
			}
			if len(stmts) == 0 {
				t.Fatal("no statement captured")
			}
			// Every page statement together skips fewer rows than the
			// import wrote, and the first one (a walk of the first rows
			// the tenant may see, dense with matches) fills the page: the
			// import's rows did not send it on to collect all the matches.
			removed, pages := 0.0, 0
			for i, sql := range stmts {
				if !strings.Contains(sql, "ORDER BY") {
					continue
				}
				pages++
				var raw string
				if err := d.Pool.QueryRow(ctx, `EXPLAIN (ANALYZE, FORMAT JSON) `+sql,
					append([]any{pgx.QueryExecModeExec}, stmtArgs[i]...)...).Scan(&raw); err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
				var plans []struct {
					Plan planRows `json:"Plan"`
				}
				if err := json.Unmarshal([]byte(raw), &plans); err != nil || len(plans) != 1 {
					t.Fatalf("plan %s: %v", raw, err)
				}
				n := plans[0].Plan.removed()
				if n > 5000 {
					t.Errorf("a page statement skips %.0f rows:\n%s\n%s", n, sql, raw)
				}
				removed += n
			}
			if removed > 10000 {
				t.Errorf("the page statements skip %.0f rows in all", removed)
			}
			if pages != 1 {
				t.Errorf("%d page statements, want 1:\n%s", pages, strings.Join(stmts, "\n--\n"))
			}
		})
	}
}

// planRows is a node of EXPLAIN (ANALYZE, FORMAT JSON) with the rows its
// filter removed.
type planRows struct {
	Removed float64    `json:"Rows Removed by Filter"`
	Loops   float64    `json:"Actual Loops"`
	Plans   []planRows `json:"Plans"`
}

func (p planRows) removed() float64 {
	n := p.Removed * max(p.Loops, 1)
	for _, c := range p.Plans {
		n += c.removed()
	}
	return n
}
