package limits_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestConcurrentRepeatChargedOnce: the same search by the same principal
// sent several times at once (a retry while the first answer is still on
// its way, a double click) is charged once: the others are repeats of it.
func TestConcurrentRepeatChargedOnce(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := MustCreateTenant(t, "pro", billing.StatusActive, nil)
	ctx := context.Background()
	plan, err := svc.Plan(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	const rounds, n = 20, 4
	var charged atomic.Int32
	for range rounds {
		r := limitsReceipt(uuid.Must(uuid.NewV7()), []byte("same search"))
		atOnce(n, func() {
			_, c, err := svc.ConsumeSearch(ctx, tenant, plan, r)
			if err != nil {
				t.Error(err)
			}
			if c {
				charged.Add(1)
			}
		})
	}
	q, err := svc.PeekPlan(ctx, tenant, plan, "searches")
	if err != nil {
		t.Fatal(err)
	}
	if charged.Load() != rounds || q.Used != rounds {
		t.Fatalf("%d charges, %d units used for %d searches each sent %d times at once; want %d", charged.Load(), q.Used, rounds, n, rounds)
	}
}

// TestConcurrentRepeatRefusedAtTheLimit: the same search sent several
// times at once with the quota used up is refused every time. A copy that
// found the receipt of another copy, taken back only after the quota
// refused that one, used to be answered free as its repeat.
func TestConcurrentRepeatRefusedAtTheLimit(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := pinnedService(d.Gorm)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	ctx := context.Background()
	plan, err := svc.Plan(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Consume(ctx, tenant, limits.Searches, plan.Limit(limits.Searches)); err != nil {
		t.Fatal(err)
	}
	const rounds, n = 20, 4
	var answered atomic.Int32
	for range rounds {
		r := limitsReceipt(uuid.Must(uuid.NewV7()), []byte("same search"))
		atOnce(n, func() {
			_, charged, err := svc.ConsumeSearch(ctx, tenant, plan, r)
			switch {
			case err == nil:
				answered.Add(1)
			case !apperr.Is(err, apperr.ERATELIMIT) || charged:
				t.Errorf("charged %v (%v), want a quota refusal", charged, err)
			}
		})
	}
	if answered.Load() != 0 {
		t.Fatalf("%d of %d copies of searches sent at once at the limit were answered; want none", answered.Load(), rounds*n)
	}
}

// atOnce runs f in n goroutines released together, and waits for them.
func atOnce(n int, f func()) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			f()
		})
	}
	close(start)
	wg.Wait()
}

func limitsReceipt(p uuid.UUID, s []byte) limits.SearchReceipt {
	return limits.SearchReceipt{PrincipalID: p, Search: s}
}

// TestRefusedSearchLeavesNoReceipt: a search the quota refuses when it is
// charged (its units went to another search after the 429 pre-check) is
// not a free repeat afterwards, whether its receipt was new or renewed a
// stale one.
func TestRefusedSearchLeavesNoReceipt(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	clock := newTestClock(midMonth)
	svc := limits.NewService(d.Gorm, 0).WithClock(clock.Now)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	ctx := context.Background()
	plan, err := svc.Plan(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	stale := limitsReceipt(uuid.Must(uuid.NewV7()), []byte("charged before"))
	if _, charged, err := svc.ConsumeSearch(ctx, tenant, plan, stale); err != nil || !charged {
		t.Fatalf("first search: charged %v (%v)", charged, err)
	}
	clock.Set(midMonth.Add(limits.RepeatWindow + time.Second))
	if _, err := svc.Consume(ctx, tenant, limits.Searches, plan.Limit(limits.Searches)-1); err != nil {
		t.Fatal(err)
	}
	for _, r := range []limits.SearchReceipt{stale, limitsReceipt(uuid.Must(uuid.NewV7()), []byte("never charged"))} {
		if _, charged, err := svc.ConsumeSearch(ctx, tenant, plan, r); !apperr.Is(err, apperr.ERATELIMIT) || charged {
			t.Fatalf("%s at the limit: charged %v (%v), want a quota refusal", r.Search, charged, err)
		}
		if free, err := svc.RepeatIsFree(ctx, tenant, r); err != nil || free {
			t.Fatalf("%s after its refusal: free %v (%v), want charged again", r.Search, free, err)
		}
	}
}

// BenchmarkConsumeSearch: what charging a new search costs (its claim, its
// charge and their transaction), one at a time.
func BenchmarkConsumeSearch(b *testing.B) {
	d := dbtest.Shared(b)
	svc := limits.NewService(d.Gorm, 0)
	tenant := MustCreateTenant(b, "enterprise", billing.StatusActive, nil)
	ctx := context.Background()
	plan, err := svc.Plan(ctx, tenant)
	if err != nil {
		b.Fatal(err)
	}
	principal := uuid.Must(uuid.NewV7())
	for i := 0; b.Loop(); i++ {
		if _, charged, err := svc.ConsumeSearch(ctx, tenant, plan, limitsReceipt(principal, fmt.Appendf(nil, "search %d", i))); err != nil || !charged {
			b.Fatalf("charged %v (%v)", charged, err)
		}
	}
}

// TestConsumeSearchWindowAndLimit: steps on one tenant with a pinned
// clock. A repeat within RepeatWindow is free, one RepeatWindow after the
// charge it is charged again; the last unit of the quota can be used, and
// the search after it is refused; a quota of one allows one search.
func TestConsumeSearchWindowAndLimit(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	principal := uuid.Must(uuid.NewV7())
	a, b, c := limitsReceipt(principal, []byte("a")), limitsReceipt(principal, []byte("b")), limitsReceipt(principal, []byte("c"))
	type step struct {
		name        string
		at          time.Duration // after midMonth
		r           limits.SearchReceipt
		wantFree    bool // RepeatIsFree before the charge
		wantCharged bool
		wantUsed    int64
		wantErr     bool
	}
	tests := []struct {
		name  string
		limit int
		steps []step
	}{
		{"QuotaOfThree", 3, []step{
			{"First", 0, a, false, true, 1, false},
			{"RepeatIsFree", time.Second, a, true, false, 1, false},
			{"RepeatAtTheWindowsLastInstant", limits.RepeatWindow - time.Microsecond, a, true, false, 1, false},
			{"RepeatOneWindowLaterCharged", limits.RepeatWindow, a, false, true, 2, false},
			{"LastUnit", limits.RepeatWindow, b, false, true, 3, false},
			{"ErrQuotaUsedUp", limits.RepeatWindow, c, false, false, 3, true},
			{"RepeatOfTheLastUnitFree", limits.RepeatWindow + time.Second, b, true, false, 3, false},
			{"RepeatOfTheRechargedFree", limits.RepeatWindow + time.Second, a, true, false, 3, false},
		}},
		{"AnotherPrincipalCharged", 3, []step{
			{"First", 0, a, false, true, 1, false},
			{"SameSearchAnotherPrincipal", time.Second, limitsReceipt(uuid.Must(uuid.NewV7()), []byte("a")), false, true, 2, false},
		}},
		{"QuotaOfOne", 1, []step{
			{"OnlyUnit", 0, a, false, true, 1, false},
			{"ErrQuotaUsedUp", 0, b, false, false, 1, true},
		}},
		{"QuotaOfNone", 0, []step{
			{"ErrNoQuota", 0, a, false, false, 0, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newTestClock(midMonth)
			svc := limits.NewService(d.Gorm, 0).WithClock(clock.Now)
			tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
			plan := limits.Plan{Package: billing.Package{SearchesPerMonth: tt.limit}}
			for _, st := range tt.steps {
				clock.Set(midMonth.Add(st.at))
				if free, err := svc.RepeatIsFree(ctx, tenant, st.r); err != nil || free != st.wantFree {
					t.Fatalf("%s: repeat free %v (%v), want %v", st.name, free, err, st.wantFree)
				}
				q, charged, err := svc.ConsumeSearch(ctx, tenant, plan, st.r)
				if charged != st.wantCharged || q.Used != st.wantUsed || (err != nil) != st.wantErr ||
					(st.wantErr && !apperr.Is(err, apperr.ERATELIMIT)) {
					t.Fatalf("%s: charged %v, used %d (%v); want charged %v, used %d, error %v",
						st.name, charged, q.Used, err, st.wantCharged, st.wantUsed, st.wantErr)
				}
			}
		})
	}
}

// TestShortRepeatWindow: a service given a shorter repeat window
// (WithRepeatWindow, for benchmarks) charges a repeat after it, and its
// prune still keeps the receipts younger than RepeatWindow that services
// with the ordinary window rely on.
func TestShortRepeatWindow(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	clock := newTestClock(midMonth)
	short := limits.NewService(d.Gorm, 0).WithClock(clock.Now).WithRepeatWindow(time.Minute)
	ordinary := limits.NewService(d.Gorm, 0).WithClock(clock.Now)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	plan := limits.Plan{Package: billing.Package{SearchesPerMonth: 10}}
	r := limitsReceipt(uuid.Must(uuid.NewV7()), []byte("a"))
	if _, charged, err := short.ConsumeSearch(ctx, tenant, plan, r); err != nil || !charged {
		t.Fatalf("first search: charged %v (%v)", charged, err)
	}
	clock.Set(midMonth.Add(2 * time.Minute))
	short.PruneSearchReceipts(ctx)
	for _, tt := range []struct {
		name string
		svc  *limits.Service
		want bool
	}{{"ShortWindowOver", short, false}, {"OrdinaryWindowKeptThroughPrune", ordinary, true}} {
		if free, err := tt.svc.RepeatIsFree(ctx, tenant, r); err != nil || free != tt.want {
			t.Fatalf("%s: repeat free %v (%v), want %v", tt.name, free, err, tt.want)
		}
	}
	if q, charged, err := short.ConsumeSearch(ctx, tenant, plan, r); err != nil || !charged || q.Used != 2 {
		t.Fatalf("repeat after the short window: charged %v, used %d (%v); want charged, 2", charged, q.Used, err)
	}
}
