package db_test

import (
	"slices"
	"testing"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// notTenantScoped are the tables with a tenant_id column that DESIGN.md §3's
// distribution rule does not cover, each with why: their rows are not a
// tenant's data, or a tenant's and the platform's rows share the table.
var notTenantScoped = map[string]string{
	"sessions":      "a user's sign-in; tenant_id is the tenant it works in now and changes on switch-tenant",
	"stripe_events": "Stripe's events, keyed by Stripe's event id; tenant_id records which tenant an event moved",
	"search_terms":  "the shared vocabulary (tenant_id NULL) with each tenant's own words; a race may leave duplicates",
}

// TestTenantTablesLeadWithTenantID: DESIGN.md §3 says every tenant-scoped
// table carries tenant_id as the leading column of its primary key or of a
// unique index, so the schema can be distributed by tenant. The catalog of
// the migrated schema is checked, so a new table cannot forget it.
func TestTenantTablesLeadWithTenantID(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	var rows []struct {
		Table   string
		Leading bool
	}
	err := d.Gorm.Raw(`SELECT c.relname AS table,
			EXISTS (SELECT 1 FROM pg_index i
				JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
				WHERE i.indrelid = c.oid AND i.indisunique AND i.indpred IS NULL AND a.attname = 'tenant_id') AS leading
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r'
		  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
		ORDER BY 1`).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, r := range rows {
		seen = append(seen, r.Table)
		if _, skip := notTenantScoped[r.Table]; skip {
			continue
		}
		if !r.Leading {
			t.Errorf("table %s has tenant_id but no primary key or unique index that starts with it", r.Table)
		}
	}
	for table := range notTenantScoped {
		if !slices.Contains(seen, table) {
			t.Errorf("notTenantScoped names %s, which has no tenant_id column", table)
		}
	}
	if len(seen) < 20 {
		t.Fatalf("only %d tables with tenant_id: %v", len(seen), seen)
	}
}
