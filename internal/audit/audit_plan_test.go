package audit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestListFiltersUseAnIndex: the audit log's filters (an action, exact or
// a prefix such as "billing.*", and an actor) reach the table by an index
// on what they filter, in the tenant's view and the platform's. The prefix
// (LIKE 'billing.%') could not use the index on action in the database's
// collation, and the actor had none: a filter matching few events read the
// whole table, every tenant's events (30 ms at 300,000 events, growing with
// the platform's log).
func TestListFiltersUseAnIndex(t *testing.T) {
	t.Parallel()
	// A database of its own: its statistics are this test's.
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	tenant, other, actor, rare := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	for _, stmt := range []string{
		// 40,000 events of two tenants and the platform by one busy actor,
		// and a handful of billing events by a rare one.
		`INSERT INTO users (id, email, name, password_hash) VALUES ('` + actor.String() + `', 'busy@example.com', 'Busy', 'x'),
			('` + rare.String() + `', 'rare@example.com', 'Rare', 'x')`,
		`INSERT INTO tenants (id, name) VALUES ('` + tenant.String() + `', 'Busy Co'), ('` + other.String() + `', 'Other Co')`,
		`INSERT INTO audit_events (id, tenant_id, actor_user_id, action, created_at)
			SELECT gen_random_uuid(), CASE n % 3 WHEN 0 THEN '` + tenant.String() + `'::uuid WHEN 1 THEN '` + other.String() + `'::uuid END,
				'` + actor.String() + `', (ARRAY['saved_contacts.saved', 'list.created', 'import.started', 'auth.login'])[1 + n % 4], now()
			FROM generate_series(1, 40000) n`,
		`INSERT INTO audit_events (id, tenant_id, actor_user_id, action, created_at)
			SELECT gen_random_uuid(), '` + tenant.String() + `', '` + rare.String() + `', 'billing.checkout_started', now()
			FROM generate_series(1, 5)`,
		`ANALYZE audit_events`,
	} {
		if err := d.Gorm.WithContext(ctx).Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, tc := range []struct {
		name   string
		p      audit.ListParams
		column string
	}{
		{"TenantActionPrefix", audit.ListParams{TenantID: &tenant, Action: "billing.*"}, "action"},
		{"TenantAction", audit.ListParams{TenantID: &tenant, Action: "billing.checkout_started"}, "action"},
		{"PlatformActionPrefix", audit.ListParams{Action: "Billing.*"}, "action"},
		{"PlatformAction", audit.ListParams{Action: "billing.checkout_started"}, "action"},
		{"TenantActor", audit.ListParams{TenantID: &tenant, ActorID: &rare, StaffHidden: true}, "actor_"},
		{"PlatformActor", audit.ListParams{ActorID: &rare}, "actor_"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stmt, err := audit.ListSQL(d.Gorm, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			plan, raw := dbtest.Explain(t, d, stmt)
			// Every way the plan reaches audit_events must be an index
			// condition on the filtered column (a bitmap scan's conditions
			// are its children's).
			reads := 0
			plan.Walk(func(n dbtest.PlanNode) {
				if n.Relation == "audit_events" || (n.NodeType == "Bitmap Index Scan" && strings.HasPrefix(n.IndexName, "audit_events")) {
					if n.NodeType != "Bitmap Heap Scan" {
						reads++
						if !strings.Contains(n.IndexCond, tc.column) {
							t.Errorf("audit_events read by a %s %s (index condition %q), not by %s:\n%s", n.NodeType, n.IndexName,
								n.IndexCond, tc.column, raw)
						}
					}
				}
			})
			if reads == 0 {
				t.Fatalf("no read of audit_events in the plan:\n%s", raw)
			}
			events, _, err := audit.NewService(d.Gorm).List(ctx, tc.p)
			if err != nil || len(events) != 5 {
				t.Fatalf("List = %d events, %v; want the 5 billing events", len(events), err)
			}
		})
	}
}
