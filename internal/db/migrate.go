package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/onecloudai/contacts/migrations"
)

// Migrator applies the project's goose migrations and River's own.
type Migrator struct {
	db     *sql.DB // the advisory lock's session: waits for another migrator as long as it takes
	goose  *goose.Provider
	river  *rivermigrate.Migrator[*sql.Tx]
	limits MigrateLimits
	close  func() // closes the pool of OpenMigrator's sessions
}

// MigrateLimits bound the sessions that apply migrations
// (MIGRATE_LOCK_TIMEOUT, MIGRATE_STATEMENT_TIMEOUT). Zero is no limit.
//
// LockTimeout is the classic outage's guard: an ALTER TABLE that queues for
// its ACCESS EXCLUSIVE lock behind a long transaction (an import's batch, a
// report) makes every later query on the table queue behind it. With the
// limit the statement gives up instead, its migration's transaction rolls
// back, and the table's readers and writers go on; the migration is applied
// on a later try.
type MigrateLimits struct {
	LockTimeout      time.Duration
	StatementTimeout time.Duration
}

// migrateLock is the advisory lock key that one migrating process holds at
// a time (the bytes of "contacts"): replicas starting together with
// `serve --migrate` take turns, and the later ones find nothing pending.
const migrateLock = 0x636f6e7461637473

// migrateLockPoll is how often a process waiting for the migration lock
// tries again.
const migrateLockPoll = 200 * time.Millisecond

// locked runs fn while this process holds the migration lock, on a session
// of its own (a process that dies releases it with its connection).
func (m *Migrator) locked(ctx context.Context, fn func() error) error {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Close()
	// Wait by polling, not in pg_advisory_lock: a statement waiting for the
	// lock holds a snapshot, and a migration building an index
	// CONCURRENTLY waits for every older snapshot to end, so replicas
	// waiting their turn would stall the one migrating, for ever
	// (TestMigrationsConcurrently, with 00068).
	for {
		var got bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, int64(migrateLock)).Scan(&got); err != nil {
			return fmt.Errorf("migrate: wait for another migration: %w", err)
		}
		if got {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("migrate: wait for another migration: %w", ctx.Err())
		case <-time.After(migrateLockPoll):
		}
	}
	defer func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrateLock))
	}()
	return fn()
}

// NewMigrator prepares migrations against sqlDB, applied with the limits
// of sqlDB's sessions (none, for the application's pool). It suits what
// only asks whether migrations are pending; what applies them on a live
// database uses OpenMigrator.
func NewMigrator(sqlDB *sql.DB) (*Migrator, error) {
	return newMigrator(sqlDB, sqlDB, migrations.FS)
}

// OpenMigrator prepares migrations applied on a small pool of d's database
// of their own, whose sessions have lock_timeout and statement_timeout set
// to limits (River's migrations and ours alike). The advisory lock that
// makes migrators take turns is taken on d's pool, without the limits: a
// replica starting while another migrates waits for it. Close releases
// the pool.
func OpenMigrator(ctx context.Context, d *DB, limits MigrateLimits) (*Migrator, error) {
	return openMigrator(ctx, d, limits, migrations.FS)
}

func openMigrator(ctx context.Context, d *DB, limits MigrateLimits, fsys fs.FS) (*Migrator, error) {
	pcfg := d.Pool.Config()
	params := make(map[string]string, len(pcfg.ConnConfig.RuntimeParams)+2)
	for k, v := range pcfg.ConnConfig.RuntimeParams {
		params[k] = v
	}
	params["lock_timeout"] = strconv.FormatInt(limits.LockTimeout.Milliseconds(), 10)
	params["statement_timeout"] = strconv.FormatInt(limits.StatementTimeout.Milliseconds(), 10)
	pcfg.ConnConfig.RuntimeParams = params
	pcfg.MinConns = 0
	pcfg.MaxConns = 2 // goose's session, and River's transaction
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("migrate: open pool: %w", err)
	}
	apply := stdlib.OpenDBFromPool(pool)
	m, err := newMigrator(d.SQL, apply, fsys)
	if err != nil {
		_ = apply.Close()
		pool.Close()
		return nil, err
	}
	m.limits = limits
	m.close = func() { _ = apply.Close(); pool.Close() }
	return m, nil
}

// newMigrator applies fsys's migrations and River's on apply's sessions,
// holding the advisory lock on a session of lockDB.
func newMigrator(lockDB, apply *sql.DB, fsys fs.FS) (*Migrator, error) {
	// Out-of-order migrations are allowed: features are developed in
	// parallel, and a lower-numbered file may land after a higher one.
	gp, err := goose.NewProvider(goose.DialectPostgres, apply, fsys, goose.WithAllowOutofOrder(true))
	if err != nil {
		return nil, fmt.Errorf("goose provider: %w", err)
	}
	rm, err := rivermigrate.New(riverdatabasesql.New(apply), nil)
	if err != nil {
		return nil, fmt.Errorf("river migrator: %w", err)
	}
	return &Migrator{db: lockDB, goose: gp, river: rm, close: func() {}}, nil
}

// Close releases OpenMigrator's pool (nothing for NewMigrator's).
func (m *Migrator) Close() { m.close() }

// explain turns a migrating statement that hit one of m's limits into
// what the operator does next. Each project migration is one transaction
// (but those marked NO TRANSACTION): the one that gave up left nothing
// behind, and the next `migrate up` (or start of `serve`) applies it.
func (m *Migrator) explain(step string, err error) error {
	what := "a migration"
	var partial *goose.PartialError
	if errors.As(err, &partial) && partial.Failed != nil && partial.Failed.Source != nil {
		what = "migration " + partial.Failed.Source.Path
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "55P03" && m.limits.LockTimeout > 0:
			return fmt.Errorf("%s: %s gave up after waiting MIGRATE_LOCK_TIMEOUT (%s) for a lock that another session holds "+
				"(a long transaction: see pg_stat_activity); it was rolled back (one marked NO TRANSACTION keeps its statements before that one): "+
				"run it again when that transaction has ended, or with a longer MIGRATE_LOCK_TIMEOUT: %w",
				step, what, m.limits.LockTimeout, err)
		case pgErr.Code == "57014" && m.limits.StatementTimeout > 0:
			return fmt.Errorf("%s: %s ran longer than MIGRATE_STATEMENT_TIMEOUT (%s) and was rolled back: "+
				"run it again with a longer one (0 for none): %w", step, what, m.limits.StatementTimeout, err)
		}
	}
	return fmt.Errorf("%s: %w", step, err)
}

// Up applies every pending migration: River's tables first (our schema does
// not depend on them, but jobs enqueued by our migrations would), then ours.
func (m *Migrator) Up(ctx context.Context, out io.Writer) error {
	return m.locked(ctx, func() error { return m.up(ctx, out) })
}

func (m *Migrator) up(ctx context.Context, out io.Writer) error {
	res, err := m.river.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return m.explain("river migrate up", err)
	}
	for _, v := range res.Versions {
		fmt.Fprintf(out, "river: applied %03d %s\n", v.Version, v.Name)
	}
	results, err := m.goose.Up(ctx)
	if err != nil {
		var partial *goose.PartialError
		if errors.As(err, &partial) {
			for _, r := range partial.Applied {
				fmt.Fprintf(out, "applied %s (%s)\n", r.Source.Path, r.Duration.Round(1e6))
			}
		}
		return m.explain("migrate up", err)
	}
	for _, r := range results {
		fmt.Fprintf(out, "applied %s (%s)\n", r.Source.Path, r.Duration.Round(1e6))
	}
	return nil
}

// Down rolls back the newest project migration.
func (m *Migrator) Down(ctx context.Context, out io.Writer) error {
	return m.locked(ctx, func() error {
		r, err := m.goose.Down(ctx)
		if err != nil {
			return m.explain("migrate down", err)
		}
		fmt.Fprintf(out, "rolled back %s\n", r.Source.Path)
		return nil
	})
}

// Reset rolls back every project migration and River's tables.
func (m *Migrator) Reset(ctx context.Context) error {
	return m.locked(ctx, func() error {
		if _, err := m.goose.DownTo(ctx, 0); err != nil {
			return fmt.Errorf("migrate down to 0: %w", err)
		}
		if _, err := m.river.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
			return fmt.Errorf("river migrate down: %w", err)
		}
		return nil
	})
}

// Status writes the state of every migration.
func (m *Migrator) Status(ctx context.Context, out io.Writer) error {
	statuses, err := m.goose.Status(ctx)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	for _, s := range statuses {
		state := "pending"
		if s.State == goose.StateApplied {
			state = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(out, "%-45s %s\n", s.Source.Path, state)
	}
	existing, err := m.river.ExistingVersions(ctx)
	if err != nil {
		return fmt.Errorf("river status: %w", err)
	}
	fmt.Fprintf(out, "river: %d of %d migrations applied\n", len(existing), len(m.river.AllVersions()))
	return nil
}

// Pending reports whether any project or River migration is not applied.
func (m *Migrator) Pending(ctx context.Context) (bool, error) {
	pending, err := m.goose.HasPending(ctx)
	if err != nil || pending {
		return pending, err
	}
	existing, err := m.river.ExistingVersions(ctx)
	if err != nil {
		return false, err
	}
	return len(existing) < len(m.river.AllVersions()), nil
}
