package limits_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

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
	claim := slotClaim(t, svc, tenant)
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
// for it, released together; exactly one wins. Eight tenants race at once,
// so that claims of different tenants do not order those of one.
func TestJobSlotsUnderConcurrency(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	tenants := make([]uuid.UUID, 8)
	for i := range tenants {
		tenants[i] = MustCreateTenant(t, "free", billing.StatusActive, nil)
	}
	won := make([]atomic.Int64, len(tenants))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for ti, tenant := range tenants {
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ok, err := svc.ClaimJobSlot(context.Background(), tenant, fmt.Sprintf("crm:%d", i), time.Minute)
				if err != nil {
					t.Error(err)
				}
				if ok {
					won[ti].Add(1)
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	for ti := range tenants {
		if n := won[ti].Load(); n != 1 {
			t.Fatalf("tenant %d: %d jobs got the only slot", ti, n)
		}
	}
}

// TestJobSlotsSuspendedTenant: a suspended tenant's jobs get no slot (and
// one it held is given back), so its imports and pushes wait instead of
// running; reactivation gives them slots again.
func TestJobSlotsSuspendedTenant(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	ctx := context.Background()
	tenant := MustCreateTenant(t, "starter", billing.StatusActive, nil)
	setStatus := func(status string) {
		t.Helper()
		if err := d.Gorm.Exec(`UPDATE tenants SET status = ? WHERE id = ?`, status, tenant).Error; err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := svc.ClaimJobSlot(ctx, tenant, "import:a", time.Minute); err != nil || !ok {
		t.Fatalf("active tenant: claim = %v, %v", ok, err)
	}
	setStatus("suspended")
	for _, holder := range []string{"import:a", "crm:1"} {
		ok, err := svc.ClaimJobSlot(ctx, tenant, holder, time.Minute)
		if !errors.Is(err, limits.ErrSuspended) || ok {
			t.Fatalf("suspended tenant: claim %s = %v, %v; want ErrSuspended", holder, ok, err)
		}
	}
	if err := svc.RequireActive(ctx, tenant); !errors.Is(err, limits.ErrSuspended) {
		t.Fatalf("RequireActive of a suspended tenant = %v", err)
	}
	var held int
	if err := d.Gorm.Raw(`SELECT count(*) FROM job_slots WHERE tenant_id = ?`, tenant).Scan(&held).Error; err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("a suspended tenant still holds %d slots", held)
	}
	setStatus("active")
	if err := svc.RequireActive(ctx, tenant); err != nil {
		t.Fatalf("RequireActive of a reactivated tenant = %v", err)
	}
	for _, holder := range []string{"import:a", "crm:1"} {
		if ok, err := svc.ClaimJobSlot(ctx, tenant, holder, time.Minute); err != nil || !ok {
			t.Fatalf("reactivated tenant: claim %s = %v, %v", holder, ok, err)
		}
	}
}

// TestJobSlotsAfterDowngrade: a tenant moved to a package with fewer
// slots (Pro's 4 to Free's 1) while jobs run stops none of them: each
// keeps its slot through its claims and renewals, and a new job waits
// until the running ones are under the new limit, not merely one fewer.
func TestJobSlotsAfterDowngrade(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	ctx := context.Background()
	tenant := MustCreateTenant(t, "pro", billing.StatusActive, nil)
	claim := slotClaim(t, svc, tenant)
	for _, h := range []string{"import:a", "crm:1", "import:b"} {
		if !claim(h) {
			t.Fatalf("claim %s on Pro refused", h)
		}
	}
	if err := d.Gorm.Exec(`UPDATE subscriptions SET package_id = (SELECT id FROM packages WHERE code = 'free') WHERE tenant_id = ?`, tenant).Error; err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"import:a", "crm:1", "import:b"} {
		if !claim(h) {
			t.Fatalf("a running job (%s) lost its slot to the downgrade", h)
		}
		if err := svc.RenewJobSlot(ctx, tenant, h, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if claim("crm:2") {
		t.Fatal("a new job started beside three running ones on a one-slot package")
	}
	for _, h := range []string{"import:a", "crm:1"} {
		if err := svc.ReleaseJobSlot(ctx, tenant, h); err != nil {
			t.Fatal(err)
		}
	}
	if claim("crm:2") {
		t.Fatal("a new job started beside the one still running on a one-slot package")
	}
	if err := svc.ReleaseJobSlot(ctx, tenant, "import:b"); err != nil {
		t.Fatal(err)
	}
	if !claim("crm:2") {
		t.Fatal("the only slot was free and the new job still waited")
	}
}

// slotClaim claims a job slot of the tenant for a minute as a holder,
// failing the test on an error.
func slotClaim(t *testing.T, svc *limits.Service, tenant uuid.UUID) func(holder string) bool {
	return func(holder string) bool {
		t.Helper()
		ok, err := svc.ClaimJobSlot(context.Background(), tenant, holder, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
}

// TestJobSlotRenewAndRelease: a renewal moves a live slot's expiry to ttl
// from now (a running job's slot does not lapse under it), and a release
// frees the slot even when the job's context is already cancelled.
func TestJobSlotRenewAndRelease(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	ctx := context.Background()
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	claim := slotClaim(t, svc, tenant)
	left := func(holder string) time.Duration {
		t.Helper()
		var secs []float64
		if err := d.Gorm.Raw(`SELECT extract(epoch FROM expires_at - now()) FROM job_slots WHERE tenant_id = ? AND holder = ?`,
			tenant, holder).Scan(&secs).Error; err != nil {
			t.Fatal(err)
		}
		if len(secs) == 0 {
			return -1
		}
		return time.Duration(secs[0] * float64(time.Second))
	}
	if !claim("import:a") {
		t.Fatal("the only slot of a new tenant was refused")
	}
	if err := d.Gorm.Exec(`UPDATE job_slots SET expires_at = now() + interval '2 seconds' WHERE tenant_id = ?`, tenant).Error; err != nil {
		t.Fatal(err)
	}
	if err := svc.RenewJobSlot(ctx, tenant, "import:a", time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := left("import:a"); got < 59*time.Minute || got > time.Hour {
		t.Fatalf("after a renewal for an hour the slot has %s left", got)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := svc.ReleaseJobSlot(cancelled, tenant, "import:a"); err != nil {
		t.Fatalf("release on a cancelled context: %v", err)
	}
	if got := left("import:a"); got != -1 {
		t.Fatalf("the slot released on a cancelled context is still held (%s left)", got)
	}
	if !claim("crm:1") {
		t.Fatal("the released slot was not free")
	}
}

// TestJobSlotsOfOneTenant: a tenant's slots are its own. Another tenant's
// suspension neither refuses its claims nor makes it inactive, and the
// slot the suspended tenant gives back under the same holder name is not
// this tenant's; a claim holds the slot for the ttl asked.
func TestJobSlotsOfOneTenant(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	ctx := context.Background()
	active, suspended := MustCreateTenant(t, "starter", billing.StatusActive, nil), MustCreateTenant(t, "starter", billing.StatusActive, nil)
	if ok, err := svc.ClaimJobSlot(ctx, suspended, "import:a", time.Minute); err != nil || !ok {
		t.Fatalf("claim before the suspension = %v, %v", ok, err)
	}
	if err := d.Gorm.Exec(`UPDATE tenants SET status = 'suspended' WHERE id = ?`, suspended).Error; err != nil {
		t.Fatal(err)
	}
	if ok, err := svc.ClaimJobSlot(ctx, active, "import:a", time.Hour); err != nil || !ok {
		t.Fatalf("active tenant beside a suspended one: claim = %v, %v", ok, err)
	}
	if err := svc.RequireActive(ctx, active); err != nil {
		t.Fatalf("RequireActive of an active tenant beside a suspended one = %v", err)
	}
	if ok, err := svc.ClaimJobSlot(ctx, suspended, "import:a", time.Minute); !errors.Is(err, limits.ErrSuspended) || ok {
		t.Fatalf("suspended tenant: claim = %v, %v; want ErrSuspended", ok, err)
	}
	var left []float64
	if err := d.Gorm.Raw(`SELECT extract(epoch FROM expires_at - now()) FROM job_slots WHERE tenant_id = ? AND holder = 'import:a'`,
		active).Scan(&left).Error; err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0] < 59*60 || left[0] > 60*60 {
		t.Fatalf("the active tenant's slot claimed for an hour has %v seconds left, want it held about an hour", left)
	}
}
