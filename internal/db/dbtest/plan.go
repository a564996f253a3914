package dbtest

import (
	"encoding/json"
	"testing"

	"github.com/onecloudai/contacts/internal/db"
)

// PlanNode is what plan tests read of a node of an EXPLAIN (FORMAT JSON)
// plan: how it reaches which relation, by which index and conditions.
type PlanNode struct {
	NodeType  string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	IndexName string     `json:"Index Name"`
	IndexCond string     `json:"Index Cond"`
	Filter    string     `json:"Filter"`
	Plans     []PlanNode `json:"Plans"`
}

// Walk calls fn for n and every node under it, parents first.
func (n PlanNode) Walk(fn func(PlanNode)) {
	fn(n)
	for _, c := range n.Plans {
		c.Walk(fn)
	}
}

// ParsePlan reads the output of EXPLAIN (FORMAT JSON) of one statement;
// it fails tb when raw is no such plan.
func ParsePlan(tb testing.TB, raw []byte) PlanNode {
	tb.Helper()
	var plans []struct {
		Plan PlanNode `json:"Plan"`
	}
	if err := json.Unmarshal(raw, &plans); err != nil || len(plans) != 1 {
		tb.Fatalf("plan %s: %v", raw, err)
	}
	return plans[0].Plan
}

// Explain plans stmt on d (EXPLAIN (FORMAT JSON), not run) and returns the
// plan and its JSON, for messages.
func Explain(tb testing.TB, d *db.DB, stmt string, args ...any) (PlanNode, string) {
	tb.Helper()
	var raw string
	if err := d.Gorm.WithContext(tb.Context()).Raw(`EXPLAIN (FORMAT JSON) `+stmt, args...).Row().Scan(&raw); err != nil {
		tb.Fatalf("%s: %v", stmt, err)
	}
	return ParsePlan(tb, []byte(raw)), raw
}
