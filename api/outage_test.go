package api

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
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
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
}

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
	_, dsn := dbtest.Fresh(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startDBProxy(t, u.Host)
	u.Host = proxy.addr
	d, err := db.Open(context.Background(), u.String(), db.OpenOpts{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	cfg, err := config.LoadFrom(func(k string) string { return map[string]string{"APP_ENV": "test"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	var logBuf syncBuffer
	log := slog.New(slog.NewJSONHandler(&logBuf, nil))
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		t.Fatal(err)
	}
	tb := &testBundle{srv: New(Deps{Config: cfg, Logger: log, DB: d, Migrator: m, Services: NewServices(cfg, log, d)}), db: d}
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
