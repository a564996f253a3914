package db

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/onecloudai/contacts/migrations"
)

// Migrator applies the project's goose migrations and River's own.
type Migrator struct {
	db    *sql.DB
	goose *goose.Provider
	river *rivermigrate.Migrator[*sql.Tx]
}

// migrateLock is the advisory lock key that one migrating process holds at
// a time (the bytes of "contacts"): replicas starting together with
// `serve --migrate` take turns, and the later ones find nothing pending.
const migrateLock = 0x636f6e7461637473

// locked runs fn while this process holds the migration lock, on a session
// of its own (a process that dies releases it with its connection).
func (m *Migrator) locked(ctx context.Context, fn func() error) error {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		return fmt.Errorf("migrate: wait for another migration: %w", err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrateLock))
	}()
	return fn()
}

// NewMigrator prepares migrations against sqlDB.
func NewMigrator(sqlDB *sql.DB) (*Migrator, error) {
	// Out-of-order migrations are allowed: features are developed in
	// parallel, and a lower-numbered file may land after a higher one.
	gp, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS, goose.WithAllowOutofOrder(true))
	if err != nil {
		return nil, fmt.Errorf("goose provider: %w", err)
	}
	rm, err := rivermigrate.New(riverdatabasesql.New(sqlDB), nil)
	if err != nil {
		return nil, fmt.Errorf("river migrator: %w", err)
	}
	return &Migrator{db: sqlDB, goose: gp, river: rm}, nil
}

// Up applies every pending migration: River's tables first (our schema does
// not depend on them, but jobs enqueued by our migrations would), then ours.
func (m *Migrator) Up(ctx context.Context, out io.Writer) error {
	return m.locked(ctx, func() error { return m.up(ctx, out) })
}

func (m *Migrator) up(ctx context.Context, out io.Writer) error {
	res, err := m.river.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("river migrate up: %w", err)
	}
	for _, v := range res.Versions {
		fmt.Fprintf(out, "river: applied %03d %s\n", v.Version, v.Name)
	}
	results, err := m.goose.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
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
			return fmt.Errorf("migrate down: %w", err)
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
