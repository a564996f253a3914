package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// served is `contacts serve` run by a test on an empty database of its own
// and a free loopback port.
type served struct {
	t    *testing.T
	dsn  string
	addr string
	stop context.CancelFunc
	done chan error
}

// newServed makes the database and picks the port; start runs serve.
func newServed(t *testing.T) *served {
	t.Helper()
	dsn := dbtest.Empty(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("APP_ENV", "development")
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("HTTP_ADDR", addr)
	return &served{t: t, dsn: dsn, addr: addr, done: make(chan error, 1)}
}

// start runs serve with args until stopServe or the test's end.
func (s *served) start(args ...string) {
	ctx, stop := context.WithCancel(context.Background())
	s.t.Cleanup(stop)
	s.stop = stop
	go func() { s.done <- runServe(ctx, &env{stdout: io.Discard, stderr: io.Discard}, args) }()
}

// status is the status of a GET of path, 0 when nothing answered.
func (s *served) status(path string) int {
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitFor polls ok for up to a minute; serve must not end meanwhile.
func (s *served) waitFor(what string, ok func() bool) {
	s.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-s.done:
			s.t.Fatalf("serve ended while waiting for %s: %v", what, err)
		default:
		}
		if ok() {
			return
		}
	}
	s.t.Fatalf("never: %s", what)
}

// stopServe sends SIGTERM (the context) and wants a clean end.
func (s *served) stopServe() {
	s.t.Helper()
	s.stop()
	if err := <-s.done; err != nil {
		s.t.Fatalf("serve after SIGTERM: %v", err)
	}
}

// TestServeListensWhileMigrating: serve opens its listener before it
// migrates, so a liveness probe is answered while a long migration runs
// (here: waiting for another process's migration lock), and readiness
// follows the migration. SIGTERM (the context) then ends it cleanly.
func TestServeListensWhileMigrating(t *testing.T) {
	s := newServed(t)
	ctx := context.Background()
	other, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	const migrateLock = 0x636f6e7461637473 // db.migrateLock: another process is migrating
	if _, err := other.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		t.Fatal(err)
	}
	s.start()
	s.waitFor("/healthz 200", func() bool { return s.status("/healthz") == http.StatusOK })
	if got := s.status("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d while migrations are pending, want 503", got)
	}
	if _, err := other.Exec(ctx, `SELECT pg_advisory_unlock($1)`, int64(migrateLock)); err != nil {
		t.Fatal(err)
	}
	s.waitFor("/readyz 200", func() bool { return s.status("/readyz") == http.StatusOK })
	s.stopServe()
}

// TestServeWithoutMigrateWaitsForSchema: `serve --migrate=false` (the
// schema is migrated by a separate step of the deployment) answers
// liveness at once but starts its workers only once that step is done,
// as `contacts worker` refuses to run on an old schema: workers of a new
// release must not run their jobs against the previous one's tables.
func TestServeWithoutMigrateWaitsForSchema(t *testing.T) {
	s := newServed(t)
	ctx := context.Background()
	s.start("--migrate=false")
	s.waitFor("/healthz 200", func() bool { return s.status("/healthz") == http.StatusOK })
	if got := s.status("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d on an unmigrated database, want 503", got)
	}
	// Serving on, not failing: the workers wait for the schema.
	for range 20 {
		select {
		case err := <-s.done:
			t.Fatalf("serve --migrate=false ended on an unmigrated database: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}

	// The deployment's migration step.
	d, err := db.Open(ctx, s.dsn, db.OpenOpts{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	s.waitFor("/readyz 200", func() bool { return s.status("/readyz") == http.StatusOK })
	// The workers started: River elects a leader among them.
	s.waitFor("a River leader", func() bool {
		var n int
		return d.Pool.QueryRow(ctx, `SELECT count(*) FROM river_leader`).Scan(&n) == nil && n > 0
	})
	s.stopServe()
}
