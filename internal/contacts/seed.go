package contacts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Demo amounts (DESIGN.md §9) and the fixed seed of the demo data.
const (
	DemoContacts  = 100_000
	DemoCompanies = 10_000
	DemoSeed      = 1
)

// SeedOpts says what Seed loads.
type SeedOpts struct {
	Contacts  int
	Companies int
	Seed      uint64
	// Progress receives a progress bar and phase lines; nil discards them.
	Progress io.Writer
}

// SeedStats reports what Seed did and how long each phase took.
type SeedStats struct {
	Companies, Contacts int
	Load                time.Duration // COPY of both tables
	Index               time.Duration // rebuilding the contacts indexes
	Vocabulary          time.Duration // search_terms and ANALYZE
	Total               time.Duration
}

// ErrSeedDataExists is returned (wrapped in an ECONFLICT error) when the
// shared database already holds companies or contacts.
var ErrSeedDataExists = errors.New("the shared contact database is not empty")

// Seed loads deterministic synthetic companies and contacts into the shared
// database in one transaction: all of it or nothing.
//
// It refuses (ECONFLICT) when shared companies or contacts exist: topping up
// would need the earlier run's parameters to stay deterministic, and a
// silent mix of two seeds is worse than a clear refusal. Use a fresh
// database to reseed. Returns EINVALID for counts out of range.
//
// Speed: rows stream through COPY (pgx CopyFrom); when the contacts table
// is empty its secondary indexes are dropped first and rebuilt after the
// load with a large maintenance_work_mem, which is several times faster
// than maintaining a GIN index row by row (figures in docs/PERFORMANCE.md).
// The index definitions are read from the catalog, so the migration stays
// their only source. The transaction holds an exclusive lock on contacts
// while it runs.
func Seed(ctx context.Context, d *db.DB, opts SeedOpts) (*SeedStats, error) {
	if opts.Contacts < 0 || opts.Contacts > 50_000_000 {
		return nil, apperr.Invalid("Invalid seed size.", apperr.FieldError{Field: "contacts", Message: "must be between 0 and 50000000"})
	}
	if opts.Companies < 1 || opts.Companies > 5_000_000 {
		return nil, apperr.Invalid("Invalid seed size.", apperr.FieldError{Field: "companies", Message: "must be between 1 and 5000000"})
	}
	out := opts.Progress
	if out == nil {
		out = io.Discard
	}
	started := time.Now()
	stats := &SeedStats{Companies: opts.Companies, Contacts: opts.Contacts}

	conn, err := d.Pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("seed: acquire: %w", err)
	}
	defer conn.Release()
	if err := registerCitext(ctx, conn.Conn()); err != nil {
		return nil, err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("seed: begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit this is a no-op

	// The lock makes the emptiness check and the load one step: a second
	// seeder waits here and then finds the data.
	if _, err := tx.Exec(ctx, `LOCK TABLE companies, contacts IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return nil, fmt.Errorf("seed: lock: %w", err)
	}
	var sharedExists, anyContacts bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM contacts WHERE owner_tenant_id IS NULL)
		OR EXISTS (SELECT 1 FROM companies), EXISTS (SELECT 1 FROM contacts)`).Scan(&sharedExists, &anyContacts); err != nil {
		return nil, fmt.Errorf("seed: check: %w", err)
	}
	if sharedExists {
		return nil, &apperr.Error{Code: apperr.ECONFLICT, Message: "The shared contact database already holds data; seed a fresh database.", Err: ErrSeedDataExists}
	}
	for _, set := range []string{`SET LOCAL maintenance_work_mem = '1GB'`, `SET LOCAL synchronous_commit = off`} {
		if _, err := tx.Exec(ctx, set); err != nil {
			return nil, fmt.Errorf("seed: %s: %w", set, err)
		}
	}

	// The vocabulary trigger would queue every copied row in a transition
	// table; the words are collected in one pass after the load instead.
	if _, err := tx.Exec(ctx, `ALTER TABLE contacts DISABLE TRIGGER contacts_vocabulary_insert`); err != nil {
		return nil, fmt.Errorf("seed: disable vocabulary trigger: %w", err)
	}
	var indexes []string
	if !anyContacts {
		if indexes, err = dropSecondaryIndexes(ctx, tx); err != nil {
			return nil, err
		}
	}

	fmt.Fprintf(out, "seed %d: generating %d companies and %d contacts\n", opts.Seed, opts.Companies, opts.Contacts)
	g := newGenerator(opts.Seed, opts.Companies, opts.Contacts)
	bar := newProgress(out, opts.Companies+opts.Contacts)
	loadStart := time.Now()
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"companies"}, companyColumns,
		&rowSource{n: opts.Companies, row: g.companyRow, bar: bar}); err != nil {
		return nil, fmt.Errorf("seed: copy companies: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"contacts"}, contactColumns,
		&rowSource{n: opts.Contacts, row: g.contactRow, bar: bar}); err != nil {
		return nil, fmt.Errorf("seed: copy contacts: %w", err)
	}
	bar.finish()
	stats.Load = time.Since(loadStart)
	fmt.Fprintf(out, "loaded %d rows in %s\n", opts.Companies+opts.Contacts, stats.Load.Round(time.Millisecond))

	indexStart := time.Now()
	for i, def := range indexes {
		t := time.Now()
		if _, err := tx.Exec(ctx, def); err != nil {
			return nil, fmt.Errorf("seed: rebuild index: %w", err)
		}
		fmt.Fprintf(out, "index %d/%d built in %s: %s\n", i+1, len(indexes), time.Since(t).Round(time.Millisecond), def)
	}
	stats.Index = time.Since(indexStart)

	vocabStart := time.Now()
	if err := refreshSearchTerms(ctx, tx); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `ALTER TABLE contacts ENABLE TRIGGER contacts_vocabulary_insert`); err != nil {
		return nil, fmt.Errorf("seed: enable vocabulary trigger: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("seed: commit: %w", err)
	}
	if _, err := conn.Exec(ctx, `VACUUM (ANALYZE) companies, contacts, search_terms`); err != nil {
		return nil, fmt.Errorf("seed: analyze: %w", err)
	}
	stats.Vocabulary = time.Since(vocabStart)
	stats.Total = time.Since(started)
	fmt.Fprintf(out, "vocabulary and statistics in %s\nseeded %d companies and %d contacts in %s\n",
		stats.Vocabulary.Round(time.Millisecond), opts.Companies, opts.Contacts, stats.Total.Round(time.Millisecond))
	return stats, nil
}

// SeedDemo loads the demo amount of DESIGN.md §9 (100,000 contacts across
// 10,000 companies, fixed seed) unless the shared database already holds
// data, in which case it says so and does nothing. It is safe to run on
// every start.
func SeedDemo(ctx context.Context, d *db.DB, out io.Writer) error {
	if out == nil {
		out = io.Discard
	}
	var exists bool
	if err := d.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM contacts WHERE owner_tenant_id IS NULL)
		OR EXISTS (SELECT 1 FROM companies)`).Scan(&exists); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	if exists {
		fmt.Fprintln(out, "demo contacts: the shared database already holds data; nothing to do")
		return nil
	}
	_, err := Seed(ctx, d, SeedOpts{Contacts: DemoContacts, Companies: DemoCompanies, Seed: DemoSeed, Progress: out})
	if apperr.Is(err, apperr.ECONFLICT) { // another process seeded meanwhile
		fmt.Fprintln(out, "demo contacts: seeded by another process meanwhile; nothing to do")
		return nil
	}
	return err
}

// refreshSearchTerms rebuilds the search vocabulary from the contacts:
// exact document counts, and no words that no contact has any more. The
// seed runs it after a bulk load with the vocabulary trigger off; at other
// times new words reach the vocabulary through that trigger, and the
// compaction job (vocabulary.go) removes the duplicates racing writers
// leave. The words of a tenant's
// private contacts are that tenant's (search_terms.tenant_id), so one
// tenant's data never shapes another's query.
func refreshSearchTerms(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `DELETE FROM search_terms`); err != nil {
		return fmt.Errorf("search terms: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO search_terms (term, ndoc)
		SELECT word, ndoc FROM ts_stat('SELECT search_doc FROM contacts WHERE owner_tenant_id IS NULL')
		WHERE length(word) BETWEEN 2 AND 60 AND word NOT LIKE '~%'`); err != nil {
		return fmt.Errorf("search terms: %w", err)
	}
	// A tenant's private words, where the shared vocabulary lacks them.
	if _, err := tx.Exec(ctx, `INSERT INTO search_terms (term, ndoc, tenant_id)
		SELECT w, count(*), c.owner_tenant_id FROM contacts c, unnest(tsvector_to_array(c.search_doc)) w
		 WHERE c.owner_tenant_id IS NOT NULL AND length(w) BETWEEN 2 AND 60 AND w NOT LIKE '~%'
		   AND NOT EXISTS (SELECT 1 FROM search_terms st WHERE st.tenant_id IS NULL AND st.term = w COLLATE "C")
		 GROUP BY c.owner_tenant_id, w`); err != nil {
		return fmt.Errorf("search terms: %w", err)
	}
	return nil
}

// dropSecondaryIndexes drops the indexes of contacts that back no
// constraint and returns the statements that recreate them.
func dropSecondaryIndexes(ctx context.Context, tx pgx.Tx) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = 'contacts'::regclass
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
		ORDER BY c.relname`)
	if err != nil {
		return nil, fmt.Errorf("seed: list indexes: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		names = append(names, name)
		defs = append(defs, def)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := tx.Exec(ctx, `DROP INDEX `+pgx.Identifier{n}.Sanitize()); err != nil {
			return nil, fmt.Errorf("seed: drop index %s: %w", n, err)
		}
	}
	// The GIN index is the slowest to build; start with it so the progress
	// lines show the long wait first.
	for i, def := range defs {
		if i > 0 && strings.Contains(def, "USING gin") {
			defs[0], defs[i] = defs[i], defs[0]
		}
	}
	return defs, nil
}

// registerCitext lets pgx send citext values in binary COPY: citext has
// text's wire format but an OID that only the database knows.
func registerCitext(ctx context.Context, conn *pgx.Conn) error {
	if _, ok := conn.TypeMap().TypeForName("citext"); ok {
		return nil
	}
	var oid uint32
	if err := conn.QueryRow(ctx, `SELECT 'citext'::regtype::oid`).Scan(&oid); err != nil {
		return fmt.Errorf("seed: citext type: %w", err)
	}
	conn.TypeMap().RegisterType(&pgtype.Type{Name: "citext", OID: oid, Codec: pgtype.TextCodec{}})
	return nil
}

// rowSource feeds generated rows to CopyFrom.
type rowSource struct {
	n, i  int
	shown int
	row   func(i int, dst []any) []any
	vals  []any
	bar   *progress
}

func (s *rowSource) Next() bool {
	if s.i >= s.n {
		return false
	}
	s.vals = s.row(s.i, s.vals)
	s.i++
	if s.i-s.shown >= 2000 || s.i == s.n {
		s.bar.add(s.i - s.shown)
		s.shown = s.i
	}
	return true
}

func (s *rowSource) Values() ([]any, error) { return s.vals, nil }
func (s *rowSource) Err() error             { return nil }

// progress shows how far the load is: a bar on a terminal, a line every
// 10% elsewhere (a log file or CI), where a redrawn bar is only noise.
type progress struct {
	bar         *progressbar.ProgressBar
	out         io.Writer
	done, total int
	nextLine    int
	started     time.Time
}

func newProgress(out io.Writer, total int) *progress {
	p := &progress{out: out, total: total, started: time.Now()}
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(int64(total),
			progressbar.OptionSetWriter(out),
			progressbar.OptionSetDescription("loading rows"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionThrottle(250*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }),
			progressbar.OptionFullWidth(),
		)
	}
	return p
}

func (p *progress) add(n int) {
	p.done += n
	if p.bar != nil {
		_ = p.bar.Add(n)
		return
	}
	if p.total > 0 && p.done*10 >= p.nextLine*p.total && p.nextLine <= 10 {
		fmt.Fprintf(p.out, "loading rows: %d/%d (%d%%) after %s\n", p.done, p.total, p.done*100/p.total,
			time.Since(p.started).Round(time.Second))
		for p.nextLine*p.total <= p.done*10 {
			p.nextLine++
		}
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
