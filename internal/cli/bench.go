package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db"
)

// benchTenantID is the tenant the benchmark searches as (created if missing).
var benchTenantID = uuid.MustParse("01900000-0000-7000-8000-0000000be7c1")

func runBench(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "auth" {
		return runBenchAuth(ctx, e, args[1:])
	}
	if len(args) > 0 && args[0] == "import" {
		return runBenchImport(ctx, e, args[1:])
	}
	if len(args) == 0 || args[0] != "search" {
		fmt.Fprintln(e.stderr, "usage: contacts bench search [--clients 8] [--rounds 10] [--page-size 25] [--http=false] [--explain] [--only SHAPES] [--corrections N]\n"+
			"       contacts bench auth [--clients 8] [--requests 2000]\n"+
			"       contacts bench import [--rows 1000000] [--seed 42] [--file F]")
		return errUsage
	}
	fs := newFlagSet(e, "bench search")
	clients := fs.Int("clients", 8, "concurrent clients")
	rounds := fs.Int("rounds", 10, "times each client runs the whole mix")
	pageSize := fs.Int("page-size", 25, "results per page")
	explain := fs.Bool("explain", false, "print EXPLAIN (ANALYZE, BUFFERS) of the slowest shape's statements")
	only := fs.String("only", "", "comma-separated shape names to run (default: all)")
	viaHTTP := fs.Bool("http", true, "also run the mix through the HTTP API with a signed-in client and compare")
	pool := fs.Int("pool", 0, "database connections (default: as serve, 2 × SEARCH_CONCURRENCY + 8)")
	cpuProfile := fs.String("cpuprofile", "", "write a Go CPU profile of the whole run to this file")
	corrections := fs.Int("corrections", 0, "give the benchmark tenant this many corrections of shared contacts first (replacing its earlier ones; 0 removes them)")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	if *pool <= 0 {
		*pool = int(poolSize(cfg))
	}
	d, err := db.Open(ctx, cfg.DatabaseURL, db.OpenOpts{MaxConns: int32(*pool), Logger: newLogger(e.stderr, "error")})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Pool.Exec(ctx, `INSERT INTO tenants (id, name) VALUES ($1, 'Benchmark') ON CONFLICT (id) DO NOTHING`, benchTenantID); err != nil {
		return fmt.Errorf("bench tenant: %w", err)
	}
	if err := benchCorrections(ctx, d, *corrections); err != nil {
		return err
	}
	svc := contacts.NewService(d, cfg.JWTSecret).WithSearchConcurrency(cfg.SearchConcurrency)
	// The corrections went in directly: keep their search documents, as
	// a correction through the service does.
	if _, err := svc.KeepOverlayDocs(ctx, benchTenantID); err != nil {
		return err
	}
	var n int64
	if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM contacts`).Scan(&n); err != nil {
		return err
	}
	// As the tenant's principal would say (tenants.corrected_at).
	var uncorrected bool
	if err := d.Pool.QueryRow(ctx, `SELECT corrected_at IS NULL FROM tenants WHERE id = $1`, benchTenantID).Scan(&uncorrected); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "search benchmark (in process, service level): %d contacts, %d corrections by the tenant, %d clients, %d rounds, page size %d, %d searches at once (SEARCH_CONCURRENCY), pool %d\n\n",
		n, *corrections, *clients, *rounds, *pageSize, cfg.SearchConcurrency, *pool)

	shapes := contacts.BenchShapes()
	if *only != "" {
		names := strings.Split(*only, ",")
		shapes = slices.DeleteFunc(shapes, func(s contacts.BenchShape) bool { return !slices.Contains(names, s.Name) })
	}
	params := make([]contacts.SearchParams, len(shapes))
	for i, sh := range shapes {
		p := sh.Params
		p.PageSize, p.MaxPageSize, p.NoCorrections = *pageSize, 1000, uncorrected
		for page := 1; page < sh.Page; page++ {
			res, err := svc.Search(ctx, benchTenantID, p)
			if err != nil {
				return fmt.Errorf("%s: walk to page %d: %w", sh.Name, sh.Page, err)
			}
			if res.NextCursor == "" {
				return fmt.Errorf("%s: only %d pages", sh.Name, page)
			}
			p.Cursor = res.NextCursor
		}
		params[i] = p
		for range 2 { // warm up caches
			if _, err := svc.Search(ctx, benchTenantID, p); err != nil {
				return fmt.Errorf("%s: %w", sh.Name, err)
			}
		}
	}

	lat := make([][]time.Duration, len(shapes))
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	start := time.Now()
	for c := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range *rounds * len(shapes) {
				i := (c + it) % len(shapes)
				t := time.Now()
				_, err := svc.Search(ctx, benchTenantID, params[i])
				el := time.Since(t)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("%s: %w", shapes[i].Name, err)
				}
				lat[i] = append(lat[i], el)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	if firstErr != nil {
		return firstErr
	}

	var all []time.Duration
	slowest, slowestP95 := 0, time.Duration(0)
	fmt.Fprintf(e.stdout, "| shape | requests | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n")
	for i, sh := range shapes {
		l := lat[i]
		all = append(all, l...)
		p95 := pct(l, 95)
		if p95 > slowestP95 {
			slowest, slowestP95 = i, p95
		}
		fmt.Fprintf(e.stdout, "| %s | %d | %s | %s | %s | %s |\n", sh.Name, len(l), ms(pct(l, 50)), ms(p95), ms(pct(l, 99)), ms(pct(l, 100)))
	}
	fmt.Fprintf(e.stdout, "| **all** | %d | %s | %s | %s | %s |\n\n", len(all), ms(pct(all, 50)), ms(pct(all, 95)), ms(pct(all, 99)), ms(pct(all, 100)))
	fmt.Fprintf(e.stdout, "throughput: %.0f searches/s over %s\n", float64(len(all))/wall.Seconds(), wall.Round(time.Millisecond))

	if *viaHTTP {
		if err := benchSearchHTTP(ctx, e.stdout, cfg, d, shapes, params, lat, *clients, *rounds); err != nil {
			return err
		}
	}
	if *explain {
		return explainShape(ctx, e.stdout, d, svc, shapes[slowest].Name, params[slowest])
	}
	return nil
}

// benchCorrections replaces the benchmark tenant's corrections with n
// pending ones of shared contacts spread over the table (the same contacts
// for the same n and data), a quarter each of title, city, country and
// company name, with values the mix's filters and words read. With none
// the tenant is one that never corrected a contact (tenants.corrected_at
// cleared; inserting corrections sets it again).
func benchCorrections(ctx context.Context, d *db.DB, n int) error {
	for _, sql := range []string{`DELETE FROM contact_corrections WHERE tenant_id = $1`,
		`DELETE FROM search_overlay_docs WHERE tenant_id = $1`, `UPDATE tenants SET corrected_at = NULL WHERE id = $1`} {
		if _, err := d.Pool.Exec(ctx, sql, benchTenantID); err != nil {
			return fmt.Errorf("bench corrections: %w", err)
		}
	}
	if n <= 0 {
		return nil
	}
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
	}
	_, err := d.Pool.Exec(ctx, `
		INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value)
		SELECT $1, i.id, c.id, f.field, '', f.value
		  FROM (SELECT c.id, row_number() OVER (ORDER BY md5(c.id::text)) AS k
		          FROM contacts c WHERE c.owner_tenant_id IS NULL ORDER BY md5(c.id::text) LIMIT $2) c
		  JOIN unnest($3::uuid[]) WITH ORDINALITY i(id, k) ON i.k = c.k
		  JOIN (VALUES (0, 'title', 'VP of Sales'), (1, 'city', 'Berlin'), (2, 'country', 'DE'),
		               (3, 'company_name', 'Acme Overlay Ltd')) f(m, field, value) ON f.m = c.k % 4`,
		benchTenantID, n, ids)
	if err != nil {
		return fmt.Errorf("bench corrections: %w", err)
	}
	return nil
}

// benchSearchHTTP runs the same mix through the HTTP API (JSON, auth,
// metering, middleware) and prints it beside the direct service-level
// figures: the ratio is what the HTTP layer costs.
func benchSearchHTTP(ctx context.Context, w io.Writer, cfg config.Config, d *db.DB, shapes []contacts.BenchShape,
	params []contacts.SearchParams, direct [][]time.Duration, clients, rounds int) error {
	base, token, _, stop, err := benchServer(ctx, cfg, d)
	if err != nil {
		return fmt.Errorf("bench server: %w", err)
	}
	defer stop()
	h := newHTTPSearcher(base, "Authorization", "Bearer "+token, clients)
	bodies := make([][]byte, len(params))
	for i, p := range params {
		bodies[i] = searchBody(p)
		if err := h.do(ctx, bodies[i]); err != nil { // warm up
			return fmt.Errorf("%s over HTTP: %w", shapes[i].Name, err)
		}
	}
	lat, wall, err := runConcurrent(clients, rounds*len(shapes), func(c, it int) (int, error) {
		i := (c + it) % len(shapes)
		return i, h.do(ctx, bodies[i])
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nthrough the HTTP API (JWT, %d clients):\n\n", clients)
	fmt.Fprintf(w, "| shape | direct p50 ms | API p50 ms | API p95 ms | API p99 ms | API/direct p50 |\n|---|---:|---:|---:|---:|---:|\n")
	var all, allDirect []time.Duration
	for i, sh := range shapes {
		l := lat[i]
		all, allDirect = append(all, l...), append(allDirect, direct[i]...)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.2f× |\n", sh.Name, ms(pct(direct[i], 50)), ms(pct(l, 50)), ms(pct(l, 95)), ms(pct(l, 99)),
			float64(pct(l, 50))/float64(max(pct(direct[i], 50), time.Microsecond)))
	}
	fmt.Fprintf(w, "| **all** | %s | %s | %s | %s | %.2f× |\n\n", ms(pct(allDirect, 50)), ms(pct(all, 50)), ms(pct(all, 95)), ms(pct(all, 99)),
		float64(pct(all, 50))/float64(max(pct(allDirect, 50), time.Microsecond)))
	fmt.Fprintf(w, "HTTP throughput: %.0f searches/s over %s\n", float64(len(all))/wall.Seconds(), wall.Round(time.Millisecond))
	return nil
}

func explainShape(ctx context.Context, w io.Writer, d *db.DB, svc *contacts.Service, name string, p contacts.SearchParams) error {
	type stmt struct {
		sql  string
		args []any
	}
	var mu sync.Mutex
	var stmts []stmt
	cctx := contacts.WithSQLCapture(ctx, func(sql string, args []any) {
		mu.Lock()
		stmts = append(stmts, stmt{sql, slices.Clone(args)})
		mu.Unlock()
	})
	if _, err := svc.Search(cctx, benchTenantID, p); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nslowest shape: %s\n", name)
	for _, s := range stmts {
		rows, err := d.Pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+s.sql, s.args...)
		if err != nil {
			return err
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				rows.Close()
				return err
			}
			plan = append(plan, line)
		}
		rows.Close()
		fmt.Fprintf(w, "\n```sql\n%s\n```\n\n```\n%s\n```\n", strings.TrimSpace(s.sql), strings.Join(plan, "\n"))
	}
	return nil
}

func pct(l []time.Duration, p int) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	idx := (len(s)*p + 99) / 100
	return s[min(max(idx-1, 0), len(s)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
