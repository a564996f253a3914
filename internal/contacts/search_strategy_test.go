package contacts

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestOrderedPageStrategies checks that every strategy of an ordered page
// returns the same pages: which one runs depends on planner estimates that
// a small test database never produces.
func TestOrderedPageStrategies(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	s := NewService(d, []byte("strategy-test-key"))
	word := fmt.Sprintf("qzstrat%d", uuid.New().ID())
	tenant := uuid.Must(uuid.NewV7())
	if _, err := d.Pool.Exec(ctx, `INSERT INTO tenants (id, name) VALUES ($1, 'strategies')`, tenant); err != nil {
		t.Fatal(err)
	}
	for i := range 23 {
		if _, err := d.Pool.Exec(ctx, `INSERT INTO contacts (id, first_name, last_name, company_name, seniority, updated_at)
			VALUES ($1, $2, $3, $4, $5, now() - $6 * interval '1 minute')`,
			uuid.Must(uuid.NewV7()), fmt.Sprintf("N%02d", (i*7)%23), "Strat", word+" Inc", []string{"vp", "entry"}[i%2], i%5); err != nil {
			t.Fatal(err)
		}
	}
	filters, _ := Filters{Seniorities: []string{"vp"}}.normalize()
	m, err := s.compile(ctx, tenant, word, filters)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []struct{ name, mode, cols, order string }{
		{"OKByID", modeID, "c.id", "c.id DESC"},
		{"OKByName", modeName, "c.id, c.sort_name", "c.sort_name, c.id"},
		{"OKByUpdate", modeUpdated, "c.id, c.updated_at", "c.updated_at DESC, c.id DESC"},
	} {
		t.Run(o.name, func(t *testing.T) {
			t.Parallel()
			var want string
			for _, strategy := range []int{stratCount, stratBounded, stratBitmap, stratPlain} {
				var got []uuid.UUID
				var cur *cursor
				for {
					rows, n, err := s.orderedPage(ctx, m, o.mode, o.cols, o.order, cur, 4, strategy)
					if err != nil {
						t.Fatal(err)
					}
					if (strategy == stratCount || strategy == stratBitmap) && cur == nil && n != 12 {
						t.Fatalf("strategy %d counted %d matches, want 12", strategy, n)
					}
					for i, r := range rows {
						if i < 4 {
							got = append(got, r.ID)
						}
					}
					if len(rows) <= 4 {
						break
					}
					last := rows[3]
					last.Mode = o.mode
					cur = &last
				}
				if len(got) != 12 {
					t.Fatalf("strategy %d paged %d contacts, want 12", strategy, len(got))
				}
				if strategy == stratCount {
					want = fmt.Sprint(got)
				} else if fmt.Sprint(got) != want {
					t.Fatalf("strategy %d order %v, want %v", strategy, got, want)
				}
			}
		})
	}
}
