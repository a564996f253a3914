package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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
