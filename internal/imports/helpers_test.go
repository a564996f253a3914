package imports_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/limits"
)

// testBundle is what most tests need: the service, a tenant on a package
// with room (Pro unless said otherwise), a user, and a word unique to the
// test for the contacts it creates.
type testBundle struct {
	ctx    context.Context
	db     *db.DB
	svc    *imports.Service
	lim    *limits.Service
	clock  *quotaClock // lim's clock, at quotaTime unless a test moves it
	tenant uuid.UUID
	user   uuid.UUID
	word   string
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	return setupWith(t, imports.Options{})
}

func setupWith(t *testing.T, o imports.Options) *testBundle {
	t.Helper()
	d := dbtest.Shared(t)
	tb := &testBundle{ctx: context.Background(), db: d, word: dbtest.UniqueWord()}
	tb.clock = &quotaClock{}
	tb.clock.Set(quotaTime)
	tb.lim = limits.NewService(d.Gorm, 0).WithClock(tb.clock.Now)
	tb.svc = imports.NewService(d, tb.lim, o)
	tb.tenant = MustCreateTenant(t, d, "pro")
	tb.user = dbtest.MustCreateUser(t, d)
	return tb
}

// quotaTime is where the tests' limits clock stands: mid-month, so that a
// run crossing a month boundary on the wall clock cannot meter one test's
// rows into two months.
var quotaTime = time.Date(2026, time.November, 15, 12, 0, 0, 0, time.UTC)

// quotaClock is a limits clock a test can move.
type quotaClock struct{ ns atomic.Int64 }

func (c *quotaClock) Now() time.Time  { return time.Unix(0, c.ns.Load()) }
func (c *quotaClock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

// pinnedLimits is a limits service whose clock stands at quotaTime.
func pinnedLimits(d *db.DB) *limits.Service {
	return limits.NewService(d.Gorm, 0).WithClock(func() time.Time { return quotaTime })
}

// MustCreateTenant creates a tenant (default region DE) on the package
// with code pkg ("" for none: the Free limits).
func MustCreateTenant(tb testing.TB, d *db.DB, pkg string) uuid.UUID {
	tb.Helper()
	id := uuid.Must(uuid.NewV7())
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, `INSERT INTO tenants (id, name, default_region) VALUES ($1, $2, 'DE')`,
		id, "Tenant "+id.String()[:8]); err != nil {
		tb.Fatal(err)
	}
	if pkg != "" {
		if _, err := d.Pool.Exec(ctx, `INSERT INTO subscriptions (tenant_id, package_id, status, source)
			SELECT $1, id, 'active', 'manual' FROM packages WHERE code = $2`, id, pkg); err != nil {
			tb.Fatal(err)
		}
	}
	return id
}

// MustSharedContact inserts a shared (canonical) contact and returns its id.
func MustSharedContact(tb testing.TB, d *db.DB, first, last, email, company string) uuid.UUID {
	tb.Helper()
	id := uuid.Must(uuid.NewV7())
	var e any
	if email != "" {
		e = email
	}
	if _, err := d.Pool.Exec(context.Background(), `INSERT INTO contacts (id, first_name, last_name, email, company_name, title, source)
		VALUES ($1, $2, $3, $4, $5, 'Engineer', 'seed')`, id, first, last, e, company); err != nil {
		tb.Fatal(err)
	}
	return id
}

// MustUpload uploads body as name for tenant.
func (tb *testBundle) MustUpload(t testing.TB, tenant uuid.UUID, name, body string) *imports.Import {
	t.Helper()
	imp, err := tb.svc.Upload(tb.ctx, tenant, imports.UploadParams{FileName: name, Body: strings.NewReader(body), Size: -1, UserID: &tb.user})
	if err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
	return imp
}

// MustRun starts an import and works it to the end (as the queue would,
// retrying after waits).
func (tb *testBundle) MustRun(t testing.TB, tenant, id uuid.UUID, dryRun bool) *imports.Import {
	t.Helper()
	if _, err := tb.svc.Start(tb.ctx, tenant, id, imports.StartParams{DryRun: dryRun, UserID: &tb.user}); err != nil {
		t.Fatalf("start: %v", err)
	}
	return tb.MustWork(t, tenant, id)
}

// workOnce runs an import's job once it gets a place, as the queue would
// retry it while the tenant's (or the platform's) places are taken by
// other tests' imports, and returns the run's error.
func (tb *testBundle) workOnce(t testing.TB, id uuid.UUID) error {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := tb.svc.Work(tb.ctx, id)
		var wait *imports.WaitError
		if !errors.As(err, &wait) {
			return err
		}
		if time.Now().After(deadline) {
			t.Fatal("the import got no place")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// MustWork works an import until it is no longer queued or running.
func (tb *testBundle) MustWork(t testing.TB, tenant, id uuid.UUID) *imports.Import {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if err := tb.workOnce(t, id); err != nil {
			t.Fatalf("work: %v", err)
		}
		imp, err := tb.svc.Get(tb.ctx, tenant, id)
		if err != nil {
			t.Fatal(err)
		}
		if imp.Status != imports.StatusRunning && imp.Status != imports.StatusQueued {
			return imp
		}
	}
	t.Fatal("import did not finish")
	return nil
}

// records returns every record of an import by row number.
func (tb *testBundle) records(t testing.TB, tenant, id uuid.UUID) map[int]imports.ImportRecord {
	t.Helper()
	out := map[int]imports.ImportRecord{}
	cursor := ""
	for {
		page, err := tb.svc.Records(tb.ctx, tenant, id, imports.RecordParams{Limit: 1000, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Items {
			out[r.Row] = r
		}
		if page.NextCursor == "" {
			return out
		}
		cursor = page.NextCursor
	}
}

// mustPlanTx opens a transaction that the test's end rolls back and runs
// stmts in it: the settings and tables a plan test explains a statement
// against.
func mustPlanTx(t *testing.T, d *db.DB, stmts ...string) pgx.Tx {
	t.Helper()
	tx, err := d.Pool.BeginTx(t.Context(), pgx.TxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback(context.Background()) })
	for _, stmt := range stmts {
		if _, err := tx.Exec(t.Context(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return tx
}
