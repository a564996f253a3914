package contacts_test

import (
	"context"
	"testing"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// BenchmarkListLists: GET /lists's query for a tenant with 50 lists and
// 200,000 memberships (40,000 saved contacts, each on 5 of the lists),
// vacuumed and analyzed as a table at rest is.
func BenchmarkListLists(b *testing.B) {
	d, _ := dbtest.Fresh(b)
	ctx := context.Background()
	svc := contacts.NewService(d, []byte("test-cursor-key-0123456789"))
	tenant := MustCreateTenant(b, d, "DE")
	ids := mustSaveMany(b, d, tenant, 40_000, 4)
	if _, err := d.Pool.Exec(ctx, `INSERT INTO lists (tenant_id, id, name) SELECT $1, gen_random_uuid(), 'List ' || g FROM generate_series(1, 50) g`,
		tenant); err != nil {
		b.Fatal(err)
	}
	// Contact i is on lists i mod 10, +10, +20, +30, +40 (in name order).
	if _, err := d.Pool.Exec(ctx, `INSERT INTO list_members (tenant_id, list_id, contact_id)
		SELECT $1, l.id, c.id FROM unnest($2::uuid[]) WITH ORDINALITY AS c(id, i)
		JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM lists WHERE tenant_id = $1) l ON l.k % 10 = c.i % 10`,
		tenant, ids); err != nil {
		b.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `VACUUM ANALYZE list_members, lists, saved_contacts`); err != nil {
		b.Fatal(err)
	}
	var total int
	for b.Loop() {
		ls, err := svc.ListLists(ctx, tenant)
		if err != nil || len(ls) != 50 {
			b.Fatalf("lists = %d, %v", len(ls), err)
		}
		total = 0
		for _, l := range ls {
			total += l.MemberCount
		}
	}
	if total != 200_000 {
		b.Fatalf("memberships = %d", total)
	}
}
