package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/limits"
)

// runBenchImport measures an import end to end: it generates a CSV
// (--match share of rows are existing shared contacts, --dup repeat an
// earlier row, --invalid have a broken email and nothing else to know the
// person by (no company, no LinkedIn URL: a row with either would import
// without the email, with a warning), the rest are new people at
// existing companies), loads the same file with a bare COPY into a plain
// table (the physical limit), then uploads it and runs it through the
// River worker in this process, from start to completed. It reports rows
// per second of both, the ratio, and the worker's peak RSS. It writes to
// the database in DATABASE_URL (a private tenant's contacts): run it on a
// throwaway copy.
func runBenchImport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench import")
	rows := fs.Int("rows", 1_000_000, "rows in the generated file")
	matchShare := fs.Float64("match", 0.20, "share of rows that are existing shared contacts")
	dupShare := fs.Float64("dup", 0.02, "share of rows that repeat an earlier row of the file")
	invalidShare := fs.Float64("invalid", 0.01, "share of rows with an invalid email")
	seed := fs.Uint64("seed", 42, "seed of the generated file")
	file := fs.String("file", "", "where to write the generated CSV (default: a temporary file, removed afterwards)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, "error")
	d, err := db.Open(ctx, cfg.DatabaseURL, db.OpenOpts{MaxConns: 8, Logger: log})
	if err != nil {
		return err
	}
	defer d.Close()
	out := e.stdout

	// A fresh tenant each run, on the Enterprise package (10 M rows a
	// month, 2 GiB files).
	tenantID := uuid.Must(uuid.NewV7())
	if _, err := d.Pool.Exec(ctx, `INSERT INTO tenants (id, name, default_region) VALUES ($1, 'Import benchmark', 'US')`, tenantID); err != nil {
		return fmt.Errorf("bench tenant: %w", err)
	}
	if _, err := d.Pool.Exec(ctx, `INSERT INTO subscriptions (tenant_id, package_id, status, source)
		SELECT $1, id, 'active', 'manual' FROM packages WHERE code = 'enterprise'`, tenantID); err != nil {
		return fmt.Errorf("bench subscription: %w", err)
	}
	var shared int64
	if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM contacts WHERE owner_tenant_id IS NULL`).Scan(&shared); err != nil {
		return err
	}

	path := *file
	if path == "" {
		f, err := os.CreateTemp("", "bench-import-*.csv")
		if err != nil {
			return err
		}
		path = f.Name()
		_ = f.Close()
		defer os.Remove(path)
	}
	t0 := time.Now()
	g, err := generateImportCSV(ctx, d, path, *rows, *matchShare, *dupShare, *invalidShare, *seed)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "import benchmark: %s rows (%d matching, %d in-file duplicates, %d invalid), %.1f MB CSV, "+
		"against %s shared contacts; generated in %s\n\n", fmtInt(int64(*rows)), g.matching, g.dups, g.invalid,
		float64(st.Size())/1e6, fmtInt(shared), time.Since(t0).Round(time.Millisecond))

	// The physical limit: the same file through COPY into a bare table.
	rawTook, err := rawCopy(ctx, d, path)
	if err != nil {
		return fmt.Errorf("raw copy: %w", err)
	}
	rawRate := float64(*rows) / rawTook.Seconds()
	fmt.Fprintf(out, "raw COPY into a bare table: %s (%s rows/s)\n", rawTook.Round(time.Millisecond), fmtInt(int64(rawRate)))

	lim := limits.NewService(d.Gorm, 0)
	workers := river.NewWorkers()
	insertOnly, err := jobs.New(d, nil, jobs.Opts{Logger: log})
	if err != nil {
		return err
	}
	svc := imports.NewService(d, lim, imports.Options{Jobs: insertOnly, Logger: log})
	imports.RegisterWorkers(workers, svc)
	client, err := jobs.New(d, workers, jobs.Opts{Work: true, Logger: log, MaxWorkers: 2})
	if err != nil {
		return err
	}

	f, err := os.Open(path)
	if err != nil {
		return err
	}
	up := time.Now()
	imp, err := svc.Upload(ctx, tenantID, imports.UploadParams{FileName: "bench.csv", Body: bufio.NewReaderSize(f, 1<<20), Size: st.Size()})
	_ = f.Close()
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	fmt.Fprintf(out, "upload (store in 1 MiB chunks, preflight, exact row count): %s; detected %s, %q, %s, %d rows; mapping %v\n",
		time.Since(up).Round(time.Millisecond), imp.Format.Encoding, imp.Format.Delimiter, imp.Format.LineEnding,
		imp.RowCount(), imp.Mapping.Columns)

	if err := client.Start(ctx); err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = client.Stop(sctx)
	}()
	// Peak RSS of the worker phase only: the generator and the upload came
	// before; the kernel's high-water mark is reset here.
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	var peak atomic.Int64
	stopSampling := sampleRSS(&peak)
	var cpu backendCPU
	stopCPU := cpu.sample(ctx, d)
	procStart := processCPU()

	start := time.Now()
	if _, err := svc.Start(ctx, tenantID, imp.ID, imports.StartParams{}); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	var last *imports.Import
	lastLine := time.Time{}
	for {
		time.Sleep(200 * time.Millisecond)
		cur, err := svc.Get(ctx, tenantID, imp.ID)
		if err != nil {
			return err
		}
		last = cur
		if time.Since(lastLine) >= 5*time.Second {
			lastLine = time.Now()
			eta := "-"
			if cur.ETASeconds != nil {
				eta = (time.Duration(*cur.ETASeconds) * time.Second).String()
			}
			fmt.Fprintf(out, "  %6.1fs %-9s %-8s %9d/%d rows (%4.1f%%), %7.0f rows/s, ETA %s\n", time.Since(start).Seconds(),
				cur.Status, cur.Phase, cur.RowsDone, cur.RowsTotal, cur.Percent(), cur.Rate, eta)
		}
		if cur.Status != imports.StatusQueued && cur.Status != imports.StatusRunning {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	took := time.Since(start)
	stopSampling()
	stopCPU()
	goCPU := processCPU() - procStart
	hwm := readProcKB("VmHWM")
	if last.Status != imports.StatusCompleted {
		return fmt.Errorf("import %s: %s", last.Status, last.Error)
	}
	rate := float64(last.RowsDone) / took.Seconds()
	fmt.Fprintf(out, "\n| What | Figure |\n|---|---|\n")
	fmt.Fprintf(out, "| rows | %s (created %s, matched %s, duplicate %s, invalid %s) |\n", fmtInt(int64(last.RowsDone)),
		fmtInt(int64(last.Counts.Created)), fmtInt(int64(last.Counts.Matched)), fmtInt(int64(last.Counts.Duplicate)),
		fmtInt(int64(last.Counts.Invalid)))
	fmt.Fprintf(out, "| start → completed | %s, **%s rows/s** |\n", took.Round(time.Millisecond), fmtInt(int64(rate)))
	fmt.Fprintf(out, "| raw COPY of the same file into a bare table | %s, %s rows/s |\n", rawTook.Round(time.Millisecond), fmtInt(int64(rawRate)))
	fmt.Fprintf(out, "| import / raw COPY | %.2f (%.0f%%) |\n", rate/rawRate, 100*rate/rawRate)
	fmt.Fprintf(out, "| worker peak RSS (VmHWM of this process since start; sampled VmRSS peak) | %.0f MB; %.0f MB |\n",
		float64(hwm)/1024, float64(peak.Load())/1024)
	pgCPU := cpu.total()
	fmt.Fprintf(out, "| CPU time: import session backend; this process (reader, normalizer, River) | %s; %s |\n",
		pgCPU.Round(10*time.Millisecond), goCPU.Round(10*time.Millisecond))
	if pgCPU > 0 {
		fmt.Fprintf(out, "| rows per CPU second of the backend (what one free core would do) | %s |\n",
			fmtInt(int64(float64(last.RowsDone)/pgCPU.Seconds())))
	}
	fmt.Fprintf(out, "| load average at the end | %s |\n", loadAverage())
	return nil
}

// backendCPU follows the CPU time of the import sessions' backends
// (application_name contacts-import) in this database through /proc: the
// figure that does not depend on what else the machine runs. The database
// must be local; benchmarks that run side by side need a database each.
type backendCPU struct {
	mu   sync.Mutex
	last map[int]time.Duration
}

func (b *backendCPU) sample(ctx context.Context, d *db.DB) (stop func()) {
	b.last = map[int]time.Duration{}
	return sampleEvery(100*time.Millisecond, func() {
		rows, err := d.Pool.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, imports.ImportSessionName)
		if err != nil {
			return
		}
		defer rows.Close()
		for rows.Next() {
			var pid int
			if rows.Scan(&pid) == nil {
				if c, ok := procCPU(pid); ok {
					b.mu.Lock()
					b.last[pid] = c
					b.mu.Unlock()
				}
			}
		}
	})
}

func (b *backendCPU) total() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	var sum time.Duration
	for _, c := range b.last {
		sum += c
	}
	return sum
}

// procCPU reads utime + stime of a process (clock ticks of 10 ms).
func procCPU(pid int) (time.Duration, bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond, true
}

func processCPU() time.Duration {
	c, _ := procCPU(os.Getpid())
	return c
}

func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(raw))[:3], " ")
}

type generated struct{ matching, dups, invalid int }

// generateImportCSV writes the benchmark file: deterministic for a seed
// and a database.
func generateImportCSV(ctx context.Context, d *db.DB, path string, n int, match, dup, invalid float64, seed uint64) (generated, error) {
	var g generated
	f, err := os.Create(path)
	if err != nil {
		return g, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	if err := w.Write([]string{"Email", "First Name", "Last Name", "Company", "Job Title", "Phone", "City", "Country", "LinkedIn"}); err != nil {
		return g, err
	}
	type company struct{ name, domain, country, city string }
	var companies []company
	rows, err := d.Pool.Query(ctx, `SELECT name, domain::text, country, city FROM companies WHERE domain IS NOT NULL ORDER BY id`)
	if err != nil {
		return g, err
	}
	for rows.Next() {
		var c company
		if err := rows.Scan(&c.name, &c.domain, &c.country, &c.city); err != nil {
			rows.Close()
			return g, err
		}
		companies = append(companies, c)
	}
	rows.Close()
	if len(companies) == 0 {
		return g, errors.New("the database has no companies: seed it first (contacts seed --contacts 1000000 --companies 100000)")
	}
	// Matching rows take shared contacts in id order, streamed.
	existing, err := d.Pool.Query(ctx, `SELECT email::text, first_name, last_name, company_name, title, city, country
		FROM contacts WHERE owner_tenant_id IS NULL AND email IS NOT NULL ORDER BY id`)
	if err != nil {
		return g, err
	}
	defer existing.Close()
	firsts := []string{"Anna", "Ben", "Chloé", "David", "Elif", "Fatima", "Gustavo", "Hana", "Ivan", "Jürgen", "Kofi", "Léa",
		"Mateo", "Nora", "Oskar", "Priya", "Quentin", "Rosa", "Søren", "Tomás", "Uma", "Víctor", "Wei", "Yusuf", "Zoë"}
	lasts := []string{"Abe", "Becker", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Hoffmann", "Ito", "Jensen",
		"Kowalski", "López", "Müller", "Novak", "O'Brien", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka", "Ulrich",
		"Vargas", "Weber", "Xu", "Yilmaz", "Zimmermann"}
	titles := []string{"Software Engineer", "Head of Sales", "Marketing Manager", "CFO", "VP Engineering", "Account Executive",
		"Data Scientist", "Operations Director", "Product Manager", "HR Business Partner"}
	r := rand.New(rand.NewPCG(seed, 0x1f9))
	recent := make([][]string, 0, 4096)
	rec := make([]string, 9)
	for i := range n {
		p := r.Float64()
		switch {
		case p < dup && len(recent) > 0:
			copy(rec, recent[r.IntN(len(recent))])
			g.dups++
		case p < dup+match && existing.Next():
			var email, first, last, comp, title, city, country string
			if err := existing.Scan(&email, &first, &last, &comp, &title, &city, &country); err != nil {
				return g, err
			}
			rec = append(rec[:0], strings.ToUpper(email[:1])+email[1:], first, last, comp, title, "", city, country, "")
			g.matching++
		default:
			c := companies[r.IntN(len(companies))]
			first, last := firsts[r.IntN(len(firsts))], lasts[r.IntN(len(lasts))]
			local := strings.ToLower(asciiOnly(first) + "." + asciiOnly(last) + "." + strconv.Itoa(i))
			email := local + "@" + c.domain
			if p < dup+match+invalid {
				email = local + "@@" + c.domain
				g.invalid++
			}
			phone := ""
			if r.IntN(2) == 0 {
				phone = fmt.Sprintf("+49 30 %04d %04d", r.IntN(10000), r.IntN(10000))
			}
			li := ""
			if r.IntN(10) < 3 {
				li = "linkedin.com/in/" + strings.ReplaceAll(local, ".", "-")
			}
			country := c.country
			if r.IntN(4) == 0 {
				country = map[string]string{"US": "United States", "DE": "Germany", "GB": "United Kingdom", "FR": "France"}[c.country]
			}
			comp := c.name
			if p < dup+match+invalid {
				comp, li = "", "" // after the draws, so that the other rows stay as they were
			}
			rec = append(rec[:0], email, first, last, comp, titles[r.IntN(len(titles))], phone, c.city, country, li)
			if len(recent) < cap(recent) {
				recent = append(recent, append([]string(nil), rec...))
			} else {
				copy(recent[r.IntN(len(recent))], rec)
			}
		}
		if err := w.Write(rec); err != nil {
			return g, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return g, err
	}
	return g, bw.Flush()
}

func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < 128 && r != '\'':
			return r
		case strings.ContainsRune("éèê", r):
			return 'e'
		case strings.ContainsRune("áà", r):
			return 'a'
		case r == 'ü':
			return 'u'
		case r == 'ø' || r == 'ó':
			return 'o'
		case r == 'í':
			return 'i'
		case r == 'ë':
			return 'e'
		}
		return -1
	}, s)
}

// rawCopy loads the file with COPY ... (FORMAT csv) into a fresh table of
// text columns (an ordinary, logged one like the import's tables; named
// for this run, so that benchmarks may run side by side) and drops it.
func rawCopy(ctx context.Context, d *db.DB, path string) (time.Duration, error) {
	conn, err := d.Pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	table := pgx.Identifier{"bench_import_raw_" + strings.ReplaceAll(uuid.NewString(), "-", "")}.Sanitize()
	if _, err := conn.Exec(ctx, `CREATE TABLE `+table+` (email text, first_name text, last_name text, company text,
		title text, phone text, city text, country text, linkedin text)`); err != nil {
		return 0, err
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+table) }()
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	t := time.Now()
	if _, err := conn.Conn().PgConn().CopyFrom(ctx, bufio.NewReaderSize(f, 1<<20),
		`COPY `+table+` FROM STDIN WITH (FORMAT csv, HEADER true)`); err != nil {
		return 0, err
	}
	return time.Since(t), nil
}

// sampleRSS records the largest VmRSS seen until the returned stop runs.
func sampleRSS(peak *atomic.Int64) (stop func()) {
	return sampleEvery(100*time.Millisecond, func() {
		if kb := readProcKB("VmRSS"); kb > peak.Load() {
			peak.Store(kb)
		}
	})
}

// sampleEvery runs sample at once and then every interval, on a goroutine
// of its own, until the returned stop runs; stop returns once the last
// sample is done.
func sampleEvery(interval time.Duration, sample func()) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			sample()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// readProcKB reads a kB figure of /proc/self/status (0 where there is none).
func readProcKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && k == field {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
