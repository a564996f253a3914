package limits_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
)

// TestJobSlots: a Starter tenant (max_concurrent_jobs 2) gets two slots,
// a third holder waits until one is released or expires; a holder that
// claims again keeps its slot.
func TestJobSlots(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	ctx := context.Background()
	tenant := MustCreateTenant(t, "starter", billing.StatusActive, nil)
	claim := func(holder string) bool {
		t.Helper()
		ok, err := svc.ClaimJobSlot(ctx, tenant, holder, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for _, step := range []struct {
		holder string
		want   bool
	}{{"import:a", true}, {"crm:1", true}, {"crm:2", false}, {"import:a", true}} {
		if got := claim(step.holder); got != step.want {
			t.Fatalf("claim %s = %v, want %v", step.holder, got, step.want)
		}
	}
	if err := svc.ReleaseJobSlot(ctx, tenant, "crm:1"); err != nil {
		t.Fatal(err)
	}
	if !claim("crm:2") {
		t.Fatal("a released slot was not free")
	}
	// A dead worker's slot expires.
	if err := d.Gorm.Exec(`UPDATE job_slots SET expires_at = now() - interval '1 second' WHERE tenant_id = ? AND holder = 'import:a'`,
		tenant).Error; err != nil {
		t.Fatal(err)
	}
	if !claim("crm:3") {
		t.Fatal("an expired slot was not free")
	}
	if err := svc.RenewJobSlot(ctx, tenant, "crm:3", time.Minute); err != nil {
		t.Fatal(err)
	}
	if claim("import:b") {
		t.Fatal("a third job ran beside two")
	}
	// A job whose slot expired and was taken away while it went on gets it
	// back at its next renewal: it runs, so the next job waits.
	if err := d.Gorm.Exec(`UPDATE job_slots SET expires_at = now() - interval '1 second' WHERE tenant_id = ? AND holder = 'crm:2'`,
		tenant).Error; err != nil {
		t.Fatal(err)
	}
	if !claim("import:b") {
		t.Fatal("an expired slot was not free")
	}
	if err := svc.RenewJobSlot(ctx, tenant, "crm:2", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := svc.ReleaseJobSlot(ctx, tenant, "import:b"); err != nil {
		t.Fatal(err)
	}
	if claim("import:c") {
		t.Fatal("a job started beside two running ones: the renewed slot did not count")
	}
}

// TestJobSlotsUnderConcurrency: 20 jobs of a Free tenant (one slot) race
// for it; exactly one wins.
func TestJobSlotsUnderConcurrency(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	var won atomic.Int64
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := svc.ClaimJobSlot(context.Background(), tenant, fmt.Sprintf("crm:%d", i), time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d jobs got the only slot", won.Load())
	}
}
