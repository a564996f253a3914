package imports_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/imports"
)

// The key table grows with the import (one entry per key of every row so
// far: millions in a large import) while a batch stays at a few thousand
// rows. Looking the batch up must probe the table by key; reading every
// entry of a kind made each batch cost more than the one before (183 ms
// against 6 ms a batch at 370,000 keys). The planner picks that hash join
// even with fresh statistics, so the statement must not leave it the
// choice.
func TestPriorDuplicatesProbeTheKeyTable(t *testing.T) {
	d := dbtest.Shared(t)
	ctx := t.Context()
	keys := imports.KeysTable(uuid.New())
	tx := mustPlanTx(t, d,
		`SET LOCAL jit = off`,
		`CREATE UNLOGGED TABLE `+keys+` (LIKE import_keys INCLUDING ALL)`,
		`CREATE TEMP TABLE import_batch_rows (LIKE import_batch INCLUDING ALL) ON COMMIT DROP`,
		// 40,000 rows' keys of each kind so far, and a batch of 1,000 rows.
		`INSERT INTO `+keys+` (kind, key, root_row, row_num, email, linkedin_url, name_key)
			SELECT kind, kind::text || ':' || n, n, n,
				CASE kind WHEN 'e' THEN 'e:' || n END, CASE kind WHEN 'l' THEN 'l:' || n END, CASE kind WHEN 'n' THEN 'n:' || n END
			FROM generate_series(1, 40000) n, unnest(ARRAY['e', 'l', 'n']::"char"[]) kind`,
		`INSERT INTO import_batch_rows (new_id, row_num, usable, raw, email, linkedin_url, first_name, last_name, company_name)
			SELECT gen_random_uuid(), 40000 + n, true, '{}', 'row' || n || '@example.com', 'https://www.linkedin.com/in/row' || n,
				'Ann', 'Row' || n, 'Acme'
			FROM generate_series(1, 1000) n`,
		`ANALYZE `+keys,
		`ANALYZE import_batch_rows`,
	)
	var raw []byte
	if err := tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+imports.PriorDuplicatesSQL(keys, imports.MatchKeys)).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	scans := 0
	dbtest.ParsePlan(t, raw).Walk(func(n dbtest.PlanNode) {
		if n.Relation == strings.Trim(keys, `"`) {
			scans++
			cond := n.IndexCond
			if n.NodeType == "Bitmap Heap Scan" && len(n.Plans) == 1 {
				cond = n.Plans[0].IndexCond
			}
			if !strings.Contains(cond, "key = ") {
				t.Errorf("the key table is read by a %s (index condition %q), not probed by key:\n%s", n.NodeType, cond, raw)
			}
		}
	})
	if scans != len(imports.MatchKeys) {
		t.Errorf("%d scans of the key table, want one per match key (%d):\n%s", scans, len(imports.MatchKeys), raw)
	}
}

// A batch's rows are matched by name and company through
// contacts_name_company_key, whose company part is contacts_company_key
// (migration 00062: case, accents, punctuation and legal forms aside):
// the statement must compare the same expressions as the index, so that
// each row probes it by both the name and the company. An expression the
// index does not hold leaves only the name to probe by (every namesake:
// 56 a name at 1 M contacts) or a scan of every contact for each batch.
func TestMatchByNameAndCompanyProbesItsIndex(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := t.Context()
	tx := mustPlanTx(t, d,
		`SET LOCAL jit = off`,
		// The package's database holds a few hundred contacts: reading
		// them all into a hash is cheap here, as it is not at 1 M contacts,
		// where each row probes the index. Forbidding the rest shows what
		// a probe can use.
		`SET LOCAL enable_seqscan = off`,
		`SET LOCAL enable_hashjoin = off`,
		`SET LOCAL enable_mergejoin = off`,
		`CREATE TEMP TABLE import_batch_rows (LIKE import_batch INCLUDING ALL) ON COMMIT DROP`,
		`INSERT INTO import_batch_rows (new_id, row_num, usable, raw, first_name, last_name, company_name)
			SELECT gen_random_uuid(), n, true, '{}', 'Ann', 'Row' || n, 'ACME Inc.' FROM generate_series(1, 1000) n`,
		`ANALYZE import_batch_rows`,
	)
	var raw []byte
	if err := tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+imports.MatchSQL(2), uuid.New()).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var found []dbtest.PlanNode
	dbtest.ParsePlan(t, raw).Walk(func(n dbtest.PlanNode) {
		if n.Relation == "contacts" {
			found = append(found, n)
		}
	})
	if len(found) != 1 {
		t.Fatalf("%d reads of contacts, want one:\n%s", len(found), raw)
	}
	n := found[0]
	if n.IndexName != "contacts_name_company_key" || !strings.Contains(n.IndexCond, "sort_name") ||
		!strings.Contains(n.IndexCond, "company_name") {
		t.Errorf("contacts read by a %s of %q (index condition %q), want a probe of contacts_name_company_key by name and company:\n%s",
			n.NodeType, n.IndexName, n.IndexCond, raw)
	}
}
