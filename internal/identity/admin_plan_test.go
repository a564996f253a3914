package identity_test

import (
	"context"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// manyUsers fills a database of its own with 20,000 users and analyzes it.
func manyUsers(t *testing.T) (*db.DB, string) {
	t.Helper()
	d, dsn := dbtest.Fresh(t)
	for _, stmt := range []string{
		`INSERT INTO users (id, email, name, password_hash)
			SELECT gen_random_uuid(), 'user' || n || '@company' || (n / 5) || '.example', 'Anna Schmidt ' || n, 'x'
			FROM generate_series(1, 20000) n`,
		`INSERT INTO users (id, email, name, password_hash) VALUES (gen_random_uuid(), 'zoe.quirk@rare.example', 'Zoe Quirk', 'x')`,
		`VACUUM ANALYZE users`, // and the trigram indexes' pending entries merged, as autovacuum does
	} {
		if err := d.Gorm.Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return d, dsn
}

// TestListUsersSearchUsesTrigramIndexes: the staff users search matches a
// fragment anywhere in the email or the name; a term found in few users
// reaches them by the trigram indexes on both, not by reading every user
// newest first (450 ms at 100,000 users).
func TestListUsersSearchUsesTrigramIndexes(t *testing.T) {
	t.Parallel()
	d, _ := manyUsers(t)
	for _, q := range []string{"quirk", "rare.example", "Zoe Q"} {
		stmt, err := identity.ListUsersSQL(d.Gorm, identity.ListUsersParams{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		plan, raw := dbtest.Explain(t, d, stmt)
		indexes := map[string]bool{}
		plan.Walk(func(n dbtest.PlanNode) {
			if n.Relation == "users" && n.NodeType != "Bitmap Heap Scan" {
				t.Errorf("%q: users read by a %s %s, not by the trigram indexes:\n%s", q, n.NodeType, n.IndexName, raw)
			}
			if n.NodeType == "Bitmap Index Scan" {
				indexes[n.IndexName] = true
			}
		})
		if !indexes["users_email_trgm"] || !indexes["users_name_trgm"] {
			t.Errorf("%q: bitmap of %v, want users_email_trgm and users_name_trgm:\n%s", q, indexes, raw)
		}
	}
}

// TestListUsersSearchPlannedForItsTerm: the users search is planned for
// its term every time. pgx runs it as a cached prepared statement, and
// after five runs PostgreSQL switched to a generic plan (the newest users
// first, each tested against the pattern) that reads every user for a
// rare term: the console's search was fast five times, then 100-250 ms.
func TestListUsersSearchPlannedForItsTerm(t *testing.T) {
	t.Parallel()
	_, dsn := manyUsers(t)
	ctx := context.Background()
	// One connection: the prepared statements seen are the search's.
	one, err := db.Open(ctx, dsn, db.OpenOpts{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(one.Close)
	svc := identity.NewService(one.Gorm, identity.NewTokenIssuer([]byte(strings.Repeat("k", 32))), tenancy.NewService(one.Gorm, nil, "", nil))
	for range 12 {
		// An email: its many trigrams make the plan for it costly, so that
		// PostgreSQL prefers a generic plan after five runs.
		us, _, err := svc.ListUsers(ctx, identity.ListUsersParams{Query: "Zoe.Quirk@rare.example"})
		if err != nil || len(us) != 1 || us[0].Email != "zoe.quirk@rare.example" {
			t.Fatalf("ListUsers(Zoe's email) = %v, %v; want Zoe", us, err)
		}
	}
	var generic, custom int64
	if err := one.Pool.QueryRow(ctx, `SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)
		FROM pg_prepared_statements WHERE statement LIKE $1`, `SELECT % FROM "users" WHERE %ILIKE%`).Scan(&generic, &custom); err != nil {
		t.Fatal(err)
	}
	if generic != 0 || custom < 12 {
		t.Fatalf("the search ran %d times with a generic plan and %d with a plan for its term; want every run planned for its term", generic, custom)
	}
}
