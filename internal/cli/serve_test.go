package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/onecloudai/contacts/internal/apikeys"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
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
	return newServedOn(t, dbtest.Empty(t))
}

// newServedOn is newServed on the database dsn.
func newServedOn(t *testing.T, dsn string) *served {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("APP_ENV", "development")
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("HTTP_ADDR", addr)
	// No load balancer here: SIGTERM closes at once unless a test sets it.
	t.Setenv("SHUTDOWN_DRAIN_DELAY", "0s")
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

// stopServe sends SIGTERM (the context) and wants a clean end within
// two minutes.
func (s *served) stopServe() {
	s.t.Helper()
	s.stop()
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Fatalf("serve after SIGTERM: %v", err)
		}
	case <-time.After(2 * time.Minute):
		s.t.Fatal("serve did not stop within 2 minutes of SIGTERM")
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

// TestServeStartingIsNotReady: on a database that needs no migration,
// serve is still not ready while its own start-up migration step runs
// (here: waiting for another process's migration lock); /readyz said 200
// at once, so a rollout or a test could take a process for ready and stop
// it mid-start. SIGTERM then is a stop, not a failure.
func TestServeStartingIsNotReady(t *testing.T) {
	_, dsn := dbtest.Fresh(t)
	s := newServedOn(t, dsn)
	t.Setenv("SHUTDOWN_DRAIN_DELAY", "10m")
	ctx := context.Background()
	other, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	const migrateLock = 0x636f6e7461637473 // db.migrateLock
	if _, err := other.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		t.Fatal(err)
	}
	s.start()
	s.waitFor("/healthz 200", func() bool { return s.status("/healthz") == http.StatusOK })
	s.waitFor("serve waiting for the migration lock", func() bool {
		var n int
		// It polls for the lock (db.Migrator): a session whose last
		// statement tried it.
		return other.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_try_advisory_lock%'`).Scan(&n) == nil && n > 0
	})
	if got := s.status("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d while serve is starting, want 503", got)
	}
	// Never ready, so no load balancer sends to it: SIGTERM skips the
	// drain delay (the 10 minutes set above would outlast stopServe).
	s.stopServe()
}

// TestServeDrainsBeforeClosing: SIGTERM turns /readyz 503 at once while
// serve goes on answering, new connections included, for
// SHUTDOWN_DRAIN_DELAY; only then does the listener close. It closed at
// the signal, so a load balancer, which had seen no 503, went on sending
// new requests to a closed port until its next probes failed.
func TestServeDrainsBeforeClosing(t *testing.T) {
	_, dsn := dbtest.Fresh(t)
	s := newServedOn(t, dsn)
	const delay = 10 * time.Second
	t.Setenv("SHUTDOWN_DRAIN_DELAY", delay.String())
	s.start()
	s.waitFor("/readyz 200", func() bool { return s.status("/readyz") == http.StatusOK })

	// Each request on a new connection, as a balancer's would be, that
	// the client would keep open: closed says whether the server closes it.
	get := func(path string) (status int, closed bool) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get("http://" + s.addr + path)
		if err != nil {
			t.Fatalf("GET %s during the drain: %v (the listener closed before SHUTDOWN_DRAIN_DELAY)", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Close
	}
	// A client's connection, kept open from before the signal (a
	// balancer's pool).
	kept := &http.Transport{}
	defer kept.CloseIdleConnections()
	keptGet := func() (status int, reused, closed bool) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+s.addr+"/healthz", nil)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
		}))
		resp, err := (&http.Client{Transport: kept, Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("GET /healthz on the kept connection: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body) // read to the end: the connection goes back to the pool
		resp.Body.Close()
		return resp.StatusCode, reused, resp.Close
	}
	if got, _, closed := keptGet(); got != http.StatusOK || closed {
		t.Fatalf("GET /healthz before SIGTERM: %d, connection closed %v; want 200, kept", got, closed)
	}
	stopped := time.Now()
	s.stop()
	s.waitFor("/readyz 503", func() bool {
		got, _ := get("/readyz")
		return got == http.StatusServiceUnavailable
	})
	for _, path := range []string{"/healthz", "/api/v1/status"} {
		// Served, and the connection closed after the answer: a client
		// holding it open would keep sending here.
		if got, closed := get(path); got != http.StatusOK || !closed {
			t.Fatalf("GET %s during the drain: %d, connection closed %v; want 200, closed", path, got, closed)
		}
	}
	if got, _ := get("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz during the drain: %d, want 503", got)
	}
	// The idle connection was not closed under the client (a balancer
	// reusing it would lose a request): it answers once more, then closes.
	if got, reused, closed := keptGet(); got != http.StatusOK || !reused || !closed {
		t.Fatalf("GET /healthz on the connection kept from before SIGTERM: %d, reused %v, closed after %v; want 200, reused, closed", got, reused, closed)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not stop within 2 minutes of SIGTERM")
	}
	if took := time.Since(stopped); took < delay {
		t.Fatalf("serve stopped %s after SIGTERM, before SHUTDOWN_DRAIN_DELAY (%s)", took, delay)
	}
	if got := s.status("/healthz"); got != 0 {
		t.Fatalf("/healthz after serve returned: %d, want no answer", got)
	}
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

// TestServeCountsRequestsOfTheDrain: a request that SIGTERM finds still
// authenticating (its key's lookup waits for the database) is counted in
// the key's usage: the last usage flush waits for the HTTP drain to end,
// not for the signal.
func TestServeCountsRequestsOfTheDrain(t *testing.T) {
	d, dsn := dbtest.Fresh(t)
	ctx := context.Background()
	tenant := uuid.Must(uuid.NewV7())
	if err := d.Gorm.Exec(`INSERT INTO tenants (id, name) VALUES (?, 'Drain test')`, tenant).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.Exec(`INSERT INTO subscriptions (tenant_id, package_id, status, source)
		SELECT ?, id, 'active', 'manual' FROM packages WHERE code = 'pro'`, tenant).Error; err != nil {
		t.Fatal(err)
	}
	key, err := apikeys.NewService(d.Gorm, limits.NewService(d.Gorm, 0)).Create(ctx, tenant, dbtest.MustCreateUser(t, d),
		apikeys.CreateParams{Name: "drain", Scopes: []string{"usage:read"}})
	if err != nil {
		t.Fatal(err)
	}
	s := newServedOn(t, dsn)
	s.start()
	s.waitFor("/readyz 200", func() bool { return s.status("/readyz") == http.StatusOK })

	// Hold the key's lookup: the request is in, its key not yet counted.
	hold, err := d.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback(ctx) }()
	if _, err := hold.Exec(ctx, `LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, "http://"+s.addr+"/api/v1/tenant/usage", nil)
		req.Header.Set("X-API-Key", key.Secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	waitForLockWait := func() bool {
		var n int
		return d.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE relation = 'api_keys'::regclass AND NOT granted`).Scan(&n) == nil && n > 0
	}
	s.waitFor("the key's lookup to wait", waitForLockWait)

	s.stop()
	// The drain has begun once the listener is closed.
	for {
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			break
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	if err := hold.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if got := <-answered; got != http.StatusOK {
		t.Fatalf("the request of the drain: %d, want 200", got)
	}
	if err := <-s.done; err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}
	var n int64
	if err := d.Gorm.Raw(`SELECT coalesce(sum(requests), 0) FROM api_key_usage_daily WHERE key_id = ?`, key.ID).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("usage counts %d requests, want the 1 of the drain", n)
	}
}

// TestServeNamesHTTPAddrWhenThePortIsTaken: a port another process holds
// stops serve with an error naming HTTP_ADDR (net.Listen's own text named
// neither the variable nor what to change).
func TestServeNamesHTTPAddrWhenThePortIsTaken(t *testing.T) {
	s := newServed(t)
	held, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	s.start()
	select {
	case err := <-s.done:
		if err == nil || !strings.HasPrefix(err.Error(), "HTTP_ADDR: cannot listen on "+s.addr) {
			t.Fatalf("serve on a taken port: %v; want an error naming HTTP_ADDR", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve on a taken port did not stop")
	}
}
