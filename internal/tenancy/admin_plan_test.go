package tenancy_test

import (
	"context"
	"testing"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestListTenantsSearchUsesIndexes: the staff tenants search (a fragment
// of the name or of a member's email) reaches the tenants it finds by
// indexes: the trigram index on the name, or the primary key for the
// tenants of the members found by the trigram index on their emails. It
// read every tenant newest first and tested each, the members' emails by
// reading every user (130 ms at 20,000 tenants and 100,000 users for a
// term that finds none, growing with the platform).
func TestListTenantsSearchUsesIndexes(t *testing.T) {
	t.Parallel()
	// A database of its own: its statistics are this test's.
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	for _, stmt := range []string{
		`INSERT INTO tenants (id, name) SELECT gen_random_uuid(), 'Acme Labs ' || n FROM generate_series(1, 10000) n`,
		`INSERT INTO users (id, email, name, password_hash)
			SELECT gen_random_uuid(), 'user' || n || '@company' || n || '.example', 'Anna Schmidt', 'x' FROM generate_series(1, 20000) n`,
		`INSERT INTO memberships (tenant_id, user_id, role)
			SELECT t.id, u.id, 'member' FROM (SELECT id, row_number() OVER (ORDER BY id) rn FROM users) u
			JOIN (SELECT id, row_number() OVER (ORDER BY id) rn FROM tenants) t ON t.rn = 1 + u.rn % 10000`,
		`INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'Quirkworks')`,
		`INSERT INTO users (id, email, name, password_hash) VALUES (gen_random_uuid(), 'zoe@zanzibar-trading.example', 'Zoe', 'x')`,
		`INSERT INTO memberships (tenant_id, user_id, role) SELECT t.id, u.id, 'org_admin' FROM tenants t, users u
			WHERE t.name = 'Acme Labs 77' AND u.email = 'zoe@zanzibar-trading.example'`,
		`VACUUM ANALYZE tenants`, `VACUUM ANALYZE users`, `VACUUM ANALYZE memberships`,
	} {
		if err := d.Gorm.WithContext(ctx).Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	for _, tc := range []struct{ q, want string }{
		{"quirkwork", "Quirkworks"},
		{"zanzibar-trading", "Acme Labs 77"},
		{"nothing-like-it", ""},
	} {
		t.Run(tc.q, func(t *testing.T) {
			stmt, err := tenancy.ListTenantsSQL(d.Gorm, tenancy.ListTenantsParams{Query: tc.q})
			if err != nil {
				t.Fatal(err)
			}
			plan, raw := dbtest.Explain(t, d, stmt)
			// tenants and users are read only through bitmaps of the
			// indexes named; nothing reads either table in order.
			want := map[string]bool{"tenants_name_trgm": false, "tenants_pkey": false, "users_email_trgm": false}
			plan.Walk(func(n dbtest.PlanNode) {
				if (n.Relation == "tenants" || n.Relation == "users") && n.NodeType != "Bitmap Heap Scan" {
					t.Errorf("%s read by a %s %s:\n%s", n.Relation, n.NodeType, n.IndexName, raw)
				}
				if _, ok := want[n.IndexName]; ok && n.NodeType == "Bitmap Index Scan" {
					want[n.IndexName] = true
				}
			})
			for ix, seen := range want {
				if !seen {
					t.Errorf("no bitmap of %s in the plan:\n%s", ix, raw)
				}
			}
			ts, _, err := svc.ListTenants(ctx, tenancy.ListTenantsParams{Query: tc.q})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, x := range ts {
				got += x.Name
			}
			if got != tc.want {
				t.Fatalf("ListTenants(%q) = %q, want %q", tc.q, got, tc.want)
			}
		})
	}
}
