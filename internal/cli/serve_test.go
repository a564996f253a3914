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

// TestServeListensWhileMigrating: serve opens its listener before it
// migrates, so a liveness probe is answered while a long migration runs
// (here: waiting for another process's migration lock), and readiness
// follows the migration. SIGTERM (the context) then ends it cleanly.
func TestServeListensWhileMigrating(t *testing.T) {
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

	ctx := context.Background()
	other, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	const migrateLock = 0x636f6e7461637473 // db.migrateLock: another process is migrating
	if _, err := other.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		t.Fatal(err)
	}

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- runServe(runCtx, &env{stdout: io.Discard, stderr: io.Discard}, nil) }()
	status := func(path string) int {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitFor := func(path string, want int) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			select {
			case err := <-done:
				t.Fatalf("serve ended early: %v", err)
			default:
			}
			if status(path) == want {
				return
			}
		}
		t.Fatalf("%s never answered %d", path, want)
	}
	waitFor("/healthz", http.StatusOK)
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d while migrations are pending, want 503", got)
	}
	if _, err := other.Exec(ctx, `SELECT pg_advisory_unlock($1)`, int64(migrateLock)); err != nil {
		t.Fatal(err)
	}
	waitFor("/readyz", http.StatusOK)
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}
}

// TestServeWithoutMigrateWaitsForSchema: `serve --migrate=false` (the
// schema is migrated by a separate step of the deployment) answers
// liveness at once but starts its workers only once that step is done,
// as `contacts worker` refuses to run on an old schema: workers of a new
// release must not run their jobs against the previous one's tables.
func TestServeWithoutMigrateWaitsForSchema(t *testing.T) {
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
	ctx := context.Background()

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() {
		done <- runServe(runCtx, &env{stdout: io.Discard, stderr: io.Discard}, []string{"--migrate=false"})
	}()
	status := func(path string) int {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			select {
			case err := <-done:
				t.Fatalf("serve ended while waiting for %s: %v", what, err)
			default:
			}
			if ok() {
				return
			}
		}
		t.Fatalf("never: %s", what)
	}
	waitFor("/healthz 200", func() bool { return status("/healthz") == http.StatusOK })
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d on an unmigrated database, want 503", got)
	}
	// Serving on, not failing: the workers wait for the schema.
	for range 20 {
		select {
		case err := <-done:
			t.Fatalf("serve --migrate=false ended on an unmigrated database: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}

	// The deployment's migration step.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	d, err := db.Open(ctx, dsn, db.OpenOpts{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	d.Close()
	waitFor("/readyz 200", func() bool { return status("/readyz") == http.StatusOK })
	// The workers started: River elects a leader among them.
	waitFor("a River leader", func() bool {
		var n int
		return conn.QueryRow(ctx, `SELECT count(*) FROM river_leader`).Scan(&n) == nil && n > 0
	})
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}
}
