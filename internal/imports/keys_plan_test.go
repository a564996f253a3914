package imports_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/imports"
)

// planNode is what TestPriorDuplicatesProbeTheKeyTable reads of an
// EXPLAIN (FORMAT JSON) node.
type planNode struct {
	NodeType  string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	IndexCond string     `json:"Index Cond"`
	Plans     []planNode `json:"Plans"`
}

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
	tx, err := d.Pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	for _, stmt := range []string{
		`SET LOCAL jit = off`,
		`CREATE UNLOGGED TABLE ` + keys + ` (LIKE import_keys INCLUDING ALL)`,
		`CREATE TEMP TABLE import_batch_rows (LIKE import_batch INCLUDING ALL) ON COMMIT DROP`,
		// 40,000 rows' keys of each kind so far, and a batch of 1,000 rows.
		`INSERT INTO ` + keys + ` (kind, key, root_row, row_num, email, linkedin_url, name_key)
			SELECT kind, kind::text || ':' || n, n, n,
				CASE kind WHEN 'e' THEN 'e:' || n END, CASE kind WHEN 'l' THEN 'l:' || n END, CASE kind WHEN 'n' THEN 'n:' || n END
			FROM generate_series(1, 40000) n, unnest(ARRAY['e', 'l', 'n']::"char"[]) kind`,
		`INSERT INTO import_batch_rows (new_id, row_num, usable, raw, email, linkedin_url, first_name, last_name, company_name)
			SELECT gen_random_uuid(), 40000 + n, true, '{}', 'row' || n || '@example.com', 'https://www.linkedin.com/in/row' || n,
				'Ann', 'Row' || n, 'Acme'
			FROM generate_series(1, 1000) n`,
		`ANALYZE ` + keys,
		`ANALYZE import_batch_rows`,
	} {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	var raw []byte
	if err := tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+imports.PriorDuplicatesSQL(keys, imports.MatchKeys)).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var plans []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal(raw, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("plan %s: %v", raw, err)
	}
	scans := 0
	var walk func(n planNode)
	walk = func(n planNode) {
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
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(plans[0].Plan)
	if scans != len(imports.MatchKeys) {
		t.Errorf("%d scans of the key table, want one per match key (%d):\n%s", scans, len(imports.MatchKeys), raw)
	}
}
