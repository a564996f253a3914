package contacts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestOrderedPageStrategies checks that every strategy of an ordered page
// returns the same pages: which one runs depends on planner estimates that
// a small test database never produces. The tenant's own private contact
// is among them and another tenant's is not: the id and update orders read
// the shared and the tenant's contacts as two branches (ownerBranches).
func TestOrderedPageStrategies(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	s := NewService(d, []byte("strategy-test-key"))
	word := dbtest.UniqueWord()
	tenant := uuid.Must(uuid.NewV7())
	if _, err := d.Pool.Exec(ctx, `INSERT INTO tenants (id, name) VALUES ($1, 'strategies')`, tenant); err != nil {
		t.Fatal(err)
	}
	other := uuid.Must(uuid.NewV7())
	if _, err := d.Pool.Exec(ctx, `INSERT INTO tenants (id, name) VALUES ($1, 'strategies other')`, other); err != nil {
		t.Fatal(err)
	}
	var own, others uuid.UUID
	for i := range 27 {
		id, owner := uuid.Must(uuid.NewV7()), (*uuid.UUID)(nil)
		switch i {
		case 12:
			own, owner = id, &tenant
		case 18:
			others, owner = id, &other
		}
		if _, err := d.Pool.Exec(ctx, `INSERT INTO contacts (id, first_name, last_name, company_name, seniority, updated_at, owner_tenant_id)
			VALUES ($1, $2, $3, $4, $5, now() - $6 * interval '1 minute', $7)`,
			id, fmt.Sprintf("N%02d", (i*7)%27), "Strat", word+" Inc", []string{"vp", "entry"}[i%2], i%5, owner); err != nil {
			t.Fatal(err)
		}
	}
	filters, _ := Filters{Seniorities: []string{"vp"}}.normalize()
	m, err := s.compile(ctx, tenant, word, filters, false, false)
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
					rows, n, err := s.orderedPage(ctx, m, o.mode, o.cols, o.order, cur, 4, strategy, scanBudget)
					if err != nil {
						t.Fatal(err)
					}
					if (strategy == stratCount || strategy == stratBitmap) && cur == nil && n != 13 {
						t.Fatalf("strategy %d counted %d matches, want 13", strategy, n)
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
				if len(got) != 13 || !slices.Contains(got, own) || slices.Contains(got, others) {
					t.Fatalf("strategy %d paged %d contacts %v, want 13 with %v, without %v", strategy, len(got), got, own, others)
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

func TestWalkBudget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		est, rows float64
		size      int
		want      int
	}{
		{"NoEstimate", -1, 1e6, 25, scanBudget},
		{"EmptyTable", 100, 0, 25, scanBudget},
		{"Dense", 500_000, 1e6, 25, minScanBudget},
		{"Anticorrelated", 16_637, 1e6, 25, 4688},
		{"Sparse", 3_001, 1e6, 25, scanBudget},
		{"LargePage", 100_000, 1e6, 1000, scanBudget},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := walkBudget(tc.est, tc.rows, tc.size); got != tc.want {
				t.Fatalf("walkBudget(%v, %v, %d) = %d, want %d", tc.est, tc.rows, tc.size, got, tc.want)
			}
		})
	}
}

// TestSearchGate checks that a search waits for a free slot: with the only
// slot taken, a search gives up when its context ends; once the slot is
// free, the same search runs.
func TestSearchGate(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	s := NewService(d, []byte("gate-test-key-0123456789")).WithSearchConcurrency(1)
	tenant := uuid.Must(uuid.NewV7())
	if _, err := d.Pool.Exec(context.Background(), `INSERT INTO tenants (id, name) VALUES ($1, 'gate')`, tenant); err != nil {
		t.Fatal(err)
	}
	p := SearchParams{Query: "gate", PageSize: 5, MaxPageSize: 25}
	if err := s.searchGate.Acquire(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Search(ctx, tenant, p); !errors.Is(err, context.Canceled) {
		t.Fatalf("search with the slot taken: %v, want context.Canceled", err)
	}
	s.searchGate.Release(1)
	if _, err := s.Search(context.Background(), tenant, p); err != nil {
		t.Fatalf("search with the slot free: %v", err)
	}
}

// TestSearchGateMetrics: a search waiting for the only slot shows in
// search_waiting while it waits, and its wait in search_wait_seconds once
// it has its turn.
func TestSearchGateMetrics(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	reg := prometheus.NewRegistry()
	s := NewService(d, []byte("gate-test-key-0123456789")).WithSearchConcurrency(1).WithMetrics(NewMetrics(reg))
	tenant := uuid.Must(uuid.NewV7())
	if _, err := d.Pool.Exec(context.Background(), `INSERT INTO tenants (id, name) VALUES ($1, 'gate metrics')`, tenant); err != nil {
		t.Fatal(err)
	}
	gathered := func() (waiting float64, waits uint64) {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			switch mf.GetName() {
			case "search_waiting":
				waiting = mf.GetMetric()[0].GetGauge().GetValue()
			case "search_wait_seconds":
				waits = mf.GetMetric()[0].GetHistogram().GetSampleCount()
			}
		}
		return waiting, waits
	}
	if err := s.searchGate.Acquire(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Search(context.Background(), tenant, SearchParams{Query: "gate", PageSize: 5, MaxPageSize: 25})
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if w, _ := gathered(); w == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the waiting search never showed in search_waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, waits := gathered(); waits != 0 {
		t.Fatalf("search_wait_seconds counted %d waits before the search had its turn", waits)
	}
	s.searchGate.Release(1)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if w, waits := gathered(); w != 0 || waits != 1 {
		t.Fatalf("after the search: search_waiting %v, search_wait_seconds count %d; want 0 and 1", w, waits)
	}
}
