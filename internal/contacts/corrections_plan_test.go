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
// them.
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
			SELECT '` + tenant.String() + `', gen_random_uuid(), c.id, 'title', 'CTO ' || n,
				CASE WHEN n <= 30000 THEN (ARRAY['accepted', 'rejected', 'withdrawn'])[1 + n % 3] ELSE 'pending' END, now()
			FROM generate_series(1, 30200) n JOIN (SELECT id, row_number() OVER (ORDER BY id) rn FROM contacts) c ON c.rn = 1 + n % 2000
			ORDER BY n`,
		`ANALYZE contacts`, `ANALYZE contact_corrections`,
	} {
		if err := d.Gorm.WithContext(ctx).Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	// uuid v7 ids: the pending corrections are the newest.
	if err := d.Gorm.WithContext(ctx).Exec(`UPDATE contact_corrections SET id = ('00000000' || substr(id::text, 9))::uuid WHERE status <> 'pending'`).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.WithContext(ctx).Exec(`ANALYZE contact_corrections`).Error; err != nil {
		t.Fatal(err)
	}
	var contact uuid.UUID
	if err := d.Pool.QueryRow(ctx, `SELECT contact_id FROM contact_corrections WHERE status = 'pending' LIMIT 1`).Scan(&contact); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		p     contacts.CorrectionListParams
		index string
		// inOrder: the index gives the queue's order (the whole queue);
		// one contact's few pending corrections may be sorted.
		inOrder bool
	}{
		{"Queue", contacts.CorrectionListParams{Status: contacts.CorrectionPending, PageSize: 25}, "contact_corrections_pending", true},
		{"QueueOfAContact", contacts.CorrectionListParams{Status: contacts.CorrectionPending, ContactID: &contact, PageSize: 25},
			"contact_corrections_pending_contact", false},
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
					if (n.NodeType != "Index Scan" && n.NodeType != "Index Only Scan") || n.IndexName != tc.index || n.Filter != "" {
						t.Errorf("contact_corrections read by a %s %s (filter %q), not by %s:\n%s", n.NodeType, n.IndexName, n.Filter, tc.index, raw)
					}
				}
			})
			if reads == 0 {
				t.Fatalf("no read of contact_corrections in the plan:\n%s", raw)
			}
		})
	}
}
