package cli

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db"
)

// runBenchAuth compares one small search made with an API key, the same
// search with an access token (JWT), and the unauthenticated health route,
// in one run: requests/s and latency per credential. The difference between
// the key and the JWT rows is what the key path (lookup, scope check, rate
// limit) costs.
func runBenchAuth(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench auth")
	clients := fs.Int("clients", 8, "concurrent clients")
	requests := fs.Int("requests", 2000, "requests per credential")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, cfg.DatabaseURL, db.OpenOpts{MaxConns: int32(2**clients + 4), Logger: newLogger(e.stderr, "error")})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Pool.Exec(ctx, `INSERT INTO tenants (id, name) VALUES ($1, 'Benchmark') ON CONFLICT (id) DO NOTHING`, benchTenantID); err != nil {
		return err
	}
	// The per-minute API limit would throttle the benchmark: it is lifted on
	// the Enterprise package of this (benchmark) database.
	base, token, key, stop, err := benchServer(ctx, cfg, d)
	if err != nil {
		return err
	}
	defer stop()
	if _, err := d.Pool.Exec(ctx, `UPDATE packages SET api_requests_per_minute = greatest(api_requests_per_minute, 10000000) WHERE code = 'enterprise'`); err != nil {
		return err
	}
	body := searchBody(contacts.SearchParams{Query: "engineer", PageSize: 5})
	keyS := newHTTPSearcher(base, "X-API-Key", key, *clients)
	jwtS := newHTTPSearcher(base, "Authorization", "Bearer "+token, *clients)
	health := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *clients * 2}}
	targets := []struct {
		name string
		do   func() error
	}{
		{"search, API key (X-API-Key)", func() error { return keyS.do(ctx, body) }},
		{"search, access token (JWT)", func() error { return jwtS.do(ctx, body) }},
		{"GET /healthz (no auth)", func() error {
			res, err := health.Get(base + "/healthz")
			if err == nil {
				res.Body.Close()
			}
			return err
		}},
	}
	for range 20 { // warm up
		for _, t := range targets {
			if err := t.do(); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
	}
	fmt.Fprintf(e.stdout, "auth benchmark: %d clients, %d requests per credential\n\n| credential | requests/s | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|\n", *clients, *requests)
	p50 := map[int]time.Duration{}
	for i, t := range targets {
		lat, wall, err := runConcurrent(*clients, *requests / *clients, func(int, int) (int, error) { return 0, t.do() })
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		l := lat[0]
		p50[i] = pct(l, 50)
		fmt.Fprintf(e.stdout, "| %s | %.0f | %s | %s | %s |\n", t.name, float64(len(l))/wall.Seconds(), ms(pct(l, 50)), ms(pct(l, 95)), ms(pct(l, 99)))
	}
	fmt.Fprintf(e.stdout, "\nkey path vs JWT path, p50: %+.2f ms\n", float64((p50[0]-p50[1]).Microseconds())/1000)
	return nil
}
