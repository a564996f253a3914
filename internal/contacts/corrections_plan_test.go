package contacts_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestReviewQueueReadsOnlyPendingCorrections: the staff review queue
// (pending corrections of every tenant, oldest first, by id; and one
// contact's) reads the pending corrections by an index in the queue's
// order. The partial index on pending corrections was on (created_at, id),
// which the queue does not order by, so its first page walked every
// correction by id and skipped the reviewed ones: the whole review history
// (900 ms behind 200,000 reviewed corrections), growing with it; or, when
// the planner preferred that index, read every pending correction to sort
// them. Filtered to one tenant or one field, the queue read every pending
// correction of every tenant in id order and kept the tenant's or field's
// (the whole queue for a tenant with few, or a field rarely corrected).
func TestReviewQueueReadsOnlyPendingCorrections(t *testing.T) {
	t.Parallel()
	// A database of its own: its statistics are this test's.
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	tenant := uuid.Must(uuid.NewV7())
	for _, stmt := range []string{
		`INSERT INTO tenants (id, name) VALUES ('` + tenant.String() + `', 'Busy Co')`,
		`INSERT INTO contacts (id, first_name, last_name) SELECT gen_random_uuid(), 'Ann', 'Lee ' || n FROM generate_series(1, 2000) n`,
		// 30,000 reviewed corrections, older, then 200 pending ones.
		`INSERT INTO contact_corrections (tenant_id, id, contact_id, field, new_value, status, created_at)
			SELECT '` + tenant.String() + `', gen_random_uuid(), c.id, CASE WHEN n > 30000 AND n % 10 = 0 THEN 'city' ELSE 'title' END, 'CTO ' || n,
				CASE WHEN n <= 30000 THEN (ARRAY['accepted', 'rejected', 'withdrawn'])[1 + n % 3] ELSE 'pending' END, now()
			FROM generate_series(1, 30200) n JOIN (SELECT id, row_number() OVER (ORDER BY id) rn FROM contacts) c ON c.rn = 1 + n % 2000
			ORDER BY n`,
		// 10,000 pending title corrections from 200 other tenants, of other
		// contacts: the queue's bulk, which a tenant's or a field's filter
		// must not read.
		`INSERT INTO tenants (id, name) SELECT gen_random_uuid(), 'Other ' || n FROM generate_series(1, 200) n`,
		`INSERT INTO contacts (id, first_name, last_name) SELECT gen_random_uuid(), 'Bob', 'Roe ' || n FROM generate_series(1, 2000) n`,
		`INSERT INTO contact_corrections (tenant_id, id, contact_id, field, new_value, status, created_at)
			SELECT t.id, gen_random_uuid(), c.id, 'title', 'CEO ' || n, 'pending', now()
			FROM generate_series(1, 10000) n
			JOIN (SELECT id, row_number() OVER (ORDER BY id) rn FROM tenants WHERE name LIKE 'Other %') t ON t.rn = 1 + n % 200
			JOIN (SELECT id, row_number() OVER (ORDER BY id) rn FROM contacts WHERE first_name = 'Bob') c ON c.rn = 1 + n % 2000`,
		`ANALYZE contacts`, `ANALYZE contact_corrections`,
	} {
		if err := d.Gorm.WithContext(ctx).Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	// uuid v7 ids: the pending corrections are the newest, Busy Co's
	// among the others' (not all first).
	for _, stmt := range []string{
		`UPDATE contact_corrections SET id = gen_random_uuid() WHERE status = 'pending'`,
		`UPDATE contact_corrections SET id = ('00000000' || substr(id::text, 9))::uuid WHERE status <> 'pending'`,
	} {
		if err := d.Gorm.WithContext(ctx).Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Gorm.WithContext(ctx).Exec(`ANALYZE contact_corrections`).Error; err != nil {
		t.Fatal(err)
	}
	var contact uuid.UUID
	if err := d.Pool.QueryRow(ctx, `SELECT contact_id FROM contact_corrections WHERE status = 'pending' AND tenant_id = $1 LIMIT 1`, tenant).Scan(&contact); err != nil {
		t.Fatal(err)
	}
	// The queue's count stops at the cap; a filter's counts its own.
	svc := contacts.NewService(d, []byte("test-cursor-key-0123456789"))
	for _, tc := range []struct {
		p      contacts.CorrectionListParams
		total  int
		capped bool
	}{
		{contacts.CorrectionListParams{PageSize: 25}, contacts.QueueCountCap, true},
		{contacts.CorrectionListParams{PageSize: 25, TenantID: &tenant}, 200, false},
		{contacts.CorrectionListParams{PageSize: 25, Field: "city"}, 20, false},
		{contacts.CorrectionListParams{PageSize: 25, TenantID: &tenant, Field: "city"}, 20, false},
	} {
		page, err := svc.ListPendingCorrections(ctx, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != tc.total || page.TotalIsCapped != tc.capped {
			t.Errorf("queue %+v: total %d capped %v, want %d %v", tc.p, page.Total, page.TotalIsCapped, tc.total, tc.capped)
		}
	}
	// One of the 200 tenants with 50 pending corrections in the queue of
	// 10,200.
	var other uuid.UUID
	if err := d.Pool.QueryRow(ctx, `SELECT id FROM tenants WHERE name = 'Other 7'`).Scan(&other); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		p     contacts.CorrectionListParams
		index string
		// inOrder: the index gives the queue's order (the whole queue);
		// a filtered queue's pending corrections (one contact's, tenant's,
		// field's) may be read by a bitmap scan of its index and sorted.
		inOrder bool
	}{
		{"Queue", contacts.CorrectionListParams{Status: contacts.CorrectionPending, PageSize: 25}, "contact_corrections_pending", true},
		{"QueueOfAContact", contacts.CorrectionListParams{Status: contacts.CorrectionPending, ContactID: &contact, PageSize: 25},
			"contact_corrections_pending_contact", false},
		{"QueueOfATenant", contacts.CorrectionListParams{Status: contacts.CorrectionPending, TenantID: &other, PageSize: 25},
			"contact_corrections_pending_tenant", false},
		{"QueueOfAField", contacts.CorrectionListParams{Status: contacts.CorrectionPending, Field: "city", PageSize: 25},
			"contact_corrections_pending_field", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stmt := contacts.CorrectionsSQL(d.Gorm, nil, tc.p)
			plan, raw := dbtest.Explain(t, d, stmt)
			reads := 0
			plan.Walk(func(n dbtest.PlanNode) {
				if tc.inOrder && (n.NodeType == "Sort" || n.NodeType == "Incremental Sort") {
					t.Errorf("the queue is sorted, not read in its order:\n%s", raw)
				}
				if n.Relation == "contact_corrections" {
					reads++
					// An index scan of the index, or (a filtered queue's few
					// rows, then sorted) a bitmap scan of it alone.
					byIndex := (n.NodeType == "Index Scan" || n.NodeType == "Index Only Scan") && n.IndexName == tc.index
					if !tc.inOrder && n.NodeType == "Bitmap Heap Scan" && len(n.Plans) == 1 {
						byIndex = n.Plans[0].NodeType == "Bitmap Index Scan" && n.Plans[0].IndexName == tc.index
					}
					if !byIndex || n.Filter != "" {
						t.Errorf("contact_corrections read by a %s %s (filter %q), not by %s:\n%s", n.NodeType, n.IndexName, n.Filter, tc.index, raw)
					}
					return
				}
			})
			if reads == 0 {
				t.Fatalf("no read of contact_corrections in the plan:\n%s", raw)
			}
		})
	}
}
