package api

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/syncbuf"
)

// dbProxy stands between the server and PostgreSQL so a test can take the
// database away (every connection cut, new ones refused) and bring it back
// at the same address.
type dbProxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
	frozen atomic.Bool
}

func startDBProxy(t *testing.T, target string) *dbProxy {
	t.Helper()
	p := &dbProxy{target: target, addr: "127.0.0.1:0"}
	p.up(t)
	t.Cleanup(p.down)
	return p
}

func (p *dbProxy) up(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { p.pump(s, c); s.Close() }()
			go func() { p.pump(c, s); c.Close() }()
		}
	}()
}

// pump copies src to dst, holding what it reads while the proxy is frozen.
func (p *dbProxy) pump(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		for p.frozen.Load() {
			time.Sleep(10 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// freeze keeps every connection open, new ones too, but passes no byte on:
// a database that hangs (a network partition) rather than refuses.
func (p *dbProxy) freeze(v bool) { p.frozen.Store(v) }

// down refuses new connections and cuts the open ones, as a database
// server that stops or a network that fails does.
func (p *dbProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestDatabaseOutage: while the database is unreachable an API request
// fails at once with a 503 problem (Retry-After, nothing of the driver's
// text), logged with its request id; /readyz says so; and once the database
// is back the same server answers again, without a restart.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	tb, proxy, _, logBuf := setupBehindProxy(t, nil, 4)
	s := tb.MustSignup(t, "outage")
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/tenant", s.token, nil), http.StatusOK)

	proxy.down()
	for _, tt := range []struct{ name, method, path string }{
		{"GetTenant", http.MethodGet, "/api/v1/tenant"},
		{"ListMembers", http.MethodGet, "/api/v1/tenant/members"},
	} {
		rec := tb.req(t, tt.method, tt.path, s.token, nil)
		wantStatus(t, rec, http.StatusServiceUnavailable)
		p := decodeProblem(t, rec)
		if p["type"] != "service-unavailable" || p["code"] != "unavailable" {
			t.Errorf("%s: problem %v", tt.name, p)
		}
		if rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", tt.name)
		}
		for _, leak := range []string{proxy.addr, "dial", "connect", "EOF"} {
			if strings.Contains(rec.Body.String(), leak) {
				t.Errorf("%s: the answer shows the driver's text (%q): %s", tt.name, leak, rec.Body.String())
			}
		}
		if rid, _ := p["request_id"].(string); !strings.Contains(logBuf.String(), rid) {
			t.Errorf("%s: the failure is not logged with request id %s: %s", tt.name, rid, logBuf.String())
		}
	}
	wantStatus(t, serve(t, tb.srv.Handler(), httptest.NewRequest(http.MethodGet, "/readyz", nil)), http.StatusServiceUnavailable)

	proxy.up(t)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/tenant", s.token, nil), http.StatusOK)
	wantStatus(t, serve(t, tb.srv.Handler(), httptest.NewRequest(http.MethodGet, "/readyz", nil)), http.StatusOK)
}

// setupBehindProxy is a server whose pool (maxConns connections) reaches a
// fresh database through a dbProxy; it returns the database's own address
// too, for sessions that go round the proxy, and the server's log.
func setupBehindProxy(t *testing.T, env map[string]string, maxConns int32) (*testBundle, *dbProxy, string, *syncbuf.Buffer) {
	t.Helper()
	_, dsn := dbtest.Fresh(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startDBProxy(t, u.Host)
	u.Host = proxy.addr
	d, err := db.Open(context.Background(), u.String(), db.OpenOpts{MaxConns: maxConns})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	logBuf := &syncbuf.Buffer{}
	return serverOn(t, d, env, slog.New(slog.NewJSONHandler(logBuf, nil))), proxy, dsn, logBuf
}

// serverOn is a server over d configured by env (APP_ENV test).
func serverOn(t *testing.T, d *db.DB, env map[string]string, log *slog.Logger) *testBundle {
	t.Helper()
	cfg, err := config.LoadFrom(func(k string) string {
		if k == "APP_ENV" {
			return "test"
		}
		return env[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		t.Fatal(err)
	}
	return &testBundle{srv: New(Deps{Config: cfg, Logger: log, DB: d, Migrator: m, Services: NewServices(cfg, log, d)}), db: d}
}

// answerWithin sends the request and fails the test if no answer comes
// within limit: a request that would hang until its client gives up.
func answerWithin(t *testing.T, limit time.Duration, send func() *httptest.ResponseRecorder) *httptest.ResponseRecorder {
	t.Helper()
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- send() }()
	select {
	case rec := <-done:
		return rec
	case <-time.After(limit):
		t.Fatalf("no answer within %s: the request hangs", limit)
		return nil
	}
}

// wantTimeout checks a 503 of a request that ran out of time.
func wantTimeout(t *testing.T, name string, rec *httptest.ResponseRecorder) {
	t.Helper()
	wantStatus(t, rec, http.StatusServiceUnavailable)
	p := decodeProblem(t, rec)
	if p["type"] != "service-unavailable" || p["code"] != "unavailable" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("%s: problem %v, Retry-After %q", name, p, rec.Header().Get("Retry-After"))
	}
	if strings.Contains(rec.Body.String(), "deadline") || strings.Contains(rec.Body.String(), "cancel") {
		t.Errorf("%s: the answer shows the driver's text: %s", name, rec.Body.String())
	}
}

// lockWaiters counts the sessions of the database that wait for a lock.
func lockWaiters(t *testing.T, conn *pgx.Conn) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDatabaseHang: a database that accepts but does not answer, a pool
// taken by stuck queries and a statement stuck behind a lock each answer an
// ordinary request 503 with Retry-After within REQUEST_TIMEOUT (plus the
// grace a statement gets to stop), never a request held until its client
// gives up; the stuck statement is cancelled on the server, not left
// waiting there; a download that waits longer than REQUEST_TIMEOUT still
// completes; /healthz stays 200 while /readyz says 503.
func TestDatabaseHang(t *testing.T) {
	t.Parallel()
	tb, proxy, dsn, logBuf := setupBehindProxy(t, map[string]string{"REQUEST_TIMEOUT": "1s", "DB_ACQUIRE_TIMEOUT": "500ms"}, 3)
	const guard = 20 * time.Second
	// Signing up hashes a password, which can take over a second on a
	// loaded machine under -race: it goes through a server of the same
	// database without the short deadlines.
	s := serverOn(t, tb.db, nil, slog.New(slog.DiscardHandler)).MustSignup(t, "hang")
	get := func(path string) func() *httptest.ResponseRecorder {
		return func() *httptest.ResponseRecorder { return tb.req(t, http.MethodGet, path, s.token, nil) }
	}
	probe := func(path string) *httptest.ResponseRecorder {
		return answerWithin(t, guard, func() *httptest.ResponseRecorder {
			return serve(t, tb.srv.Handler(), httptest.NewRequest(http.MethodGet, path, nil))
		})
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/tenant", s.token, nil), http.StatusOK)
	other, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close(context.Background()) })
	watch, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = watch.Close(context.Background()) })

	t.Run("PoolTaken", func(t *testing.T) {
		var held []*pgxpool.Conn
		for range 3 {
			c, err := tb.db.Pool.Acquire(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
		}
		release := func() {
			for _, c := range held {
				c.Release()
			}
			held = nil
		}
		defer release() // also when a check fails: the pool's Close waits for them
		wantTimeout(t, "GetTenant", answerWithin(t, guard, get("/api/v1/tenant")))
		// A download has no REQUEST_TIMEOUT, but waits for a connection
		// no longer than any request.
		wantTimeout(t, "ExportSaved", answerWithin(t, guard, get("/api/v1/saved-contacts/export")))
		wantStatus(t, probe("/readyz"), http.StatusServiceUnavailable)
		wantStatus(t, probe("/healthz"), http.StatusOK)
		release()
		wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/tenant", s.token, nil), http.StatusOK)
		if !strings.Contains(logBuf.String(), `"msg":"database timeout"`) {
			t.Errorf("the timeout is not logged as one: %s", logBuf.String())
		}
	})

	t.Run("StatementStuck", func(t *testing.T) {
		tx, err := other.Begin(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback(context.Background()) }()
		if _, err := tx.Exec(context.Background(), `SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE`, s.tenantID); err != nil {
			t.Fatal(err)
		}
		wantTimeout(t, "UpdateTenant", answerWithin(t, guard, func() *httptest.ResponseRecorder {
			return tb.req(t, http.MethodPatch, "/api/v1/tenant", s.token, map[string]string{"name": "Renamed while locked"})
		}))
		// The statement was cancelled on the server: no backend of the
		// pool's is left waiting for the lock (each request that gave up
		// would otherwise leave one, until max_connections).
		for deadline := time.Now().Add(guard); lockWaiters(t, watch) > 0; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the request's statement still waits for the lock on the server")
			}
		}
		if err := tx.Rollback(context.Background()); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/tenant", s.token, map[string]string{"name": "Renamed"}), http.StatusOK)
	})

	t.Run("DownloadOutlastsRequestTimeout", func(t *testing.T) {
		id := tb.MustPrivateContact(t, s.tenantID, "Long", "Export")
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", s.token, map[string]any{"contact_ids": []string{id}}), http.StatusOK)
		tx, err := other.Begin(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback(context.Background()) }()
		if _, err := tx.Exec(context.Background(), `LOCK TABLE saved_contacts IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		exported := make(chan *httptest.ResponseRecorder, 1)
		go func() { exported <- tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export", s.token, nil) }()
		// A guard against a hang, not a measurement: on a loaded machine
		// (CI's two cores under the browser tests, -race) the export's
		// sign-in check and first query can take seconds to get there.
		for deadline := time.Now().Add(guard); lockWaiters(t, watch) == 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the export never reached the lock")
			}
		}
		// An ordinary request behind the same lock gives up after
		// REQUEST_TIMEOUT; the export, waiting since before it, goes on.
		wantTimeout(t, "ListSaved", answerWithin(t, guard, get("/api/v1/saved-contacts")))
		if err := tx.Commit(context.Background()); err != nil {
			t.Fatal(err)
		}
		var rec *httptest.ResponseRecorder
		select {
		case rec = <-exported:
		case <-time.After(guard):
			t.Fatal("the export never finished")
		}
		wantStatus(t, rec, http.StatusOK)
		rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if err != nil || len(rows) != 2 || rows[1][0] != id {
			t.Fatalf("export: %d rows, err %v: %s", len(rows), err, rec.Body.String())
		}
	})

	t.Run("NetworkHangs", func(t *testing.T) {
		proxy.freeze(true)
		t.Cleanup(func() { proxy.freeze(false) })
		wantTimeout(t, "GetTenant", answerWithin(t, guard, get("/api/v1/tenant")))
		wantTimeout(t, "ListMembers", answerWithin(t, guard, get("/api/v1/tenant/members")))
		wantStatus(t, probe("/readyz"), http.StatusServiceUnavailable)
		wantStatus(t, probe("/healthz"), http.StatusOK)
		proxy.freeze(false)
		wantStatus(t, answerWithin(t, guard, get("/api/v1/tenant")), http.StatusOK)
	})
}

// TestLongRoutesExist: every route exempt from REQUEST_TIMEOUT is one the
// router has, so a renamed route does not silently lose its exemption.
func TestLongRoutesExist(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for r := range tb.srv.longRoutes {
		if _, ok := tb.srv.access[r]; !ok {
			t.Errorf("longRoutes names %q, which is no route", r)
		}
	}
}

// ctxRequestIDs is a slog handler that records, for each message, the
// request id its context carries (as the serve command's log handler adds
// it to the line).
type ctxRequestIDs struct {
	mu   sync.Mutex
	seen map[string][]string
}

func (h *ctxRequestIDs) Enabled(context.Context, slog.Level) bool { return true }
func (h *ctxRequestIDs) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *ctxRequestIDs) WithGroup(string) slog.Handler            { return h }
func (h *ctxRequestIDs) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen[r.Message] = append(h.seen[r.Message], audit.ActorFrom(ctx).RequestID)
	return nil
}

func (h *ctxRequestIDs) ids(msg string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.seen[msg])
}

// TestOutageSQLErrorCarriesRequestID: the failed SQL statement of a
// request's authentication (its session lookup, before the caller is
// known) is logged with the request's id, so the `sql error` line leads to
// the request the client quotes.
func TestOutageSQLErrorCarriesRequestID(t *testing.T) {
	t.Parallel()
	_, dsn := dbtest.Fresh(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startDBProxy(t, u.Host)
	u.Host = proxy.addr
	logged := &ctxRequestIDs{seen: map[string][]string{}}
	d, err := db.Open(context.Background(), u.String(), db.OpenOpts{MaxConns: 4, Logger: slog.New(logged)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	tb := serverOn(t, d, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s := tb.MustSignup(t, "outagerid")
	proxy.down()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/tenant", nil)
	req.Header.Set(echo.HeaderAuthorization, "Bearer "+s.token)
	req.Header.Set(headerRequestID, "outage-rid-1")
	wantStatus(t, tb.serve(t, req), http.StatusServiceUnavailable)
	ids := logged.ids("sql error")
	if len(ids) == 0 {
		t.Fatal("no sql error was logged")
	}
	if !slices.Contains(ids, "outage-rid-1") {
		t.Fatalf("the sql error lines carry request ids %q, not the request's", ids)
	}
}
