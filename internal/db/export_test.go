package db

import (
	"context"
	"fmt"
	"io/fs"
)

// DownTo rolls back the project migrations newer than version, so a test
// can run one migration against data of the schema before it.
func (m *Migrator) DownTo(ctx context.Context, version int64) error {
	return m.locked(ctx, func() error {
		if _, err := m.goose.DownTo(ctx, version); err != nil {
			return fmt.Errorf("migrate down to %d: %w", version, err)
		}
		return nil
	})
}

// MigrateLock is the advisory lock key migrators take turns on.
const MigrateLock = migrateLock

// OpenMigratorFS is OpenMigrator with the migrations of fsys instead of the
// project's, so a test can migrate a table of its own.
func OpenMigratorFS(ctx context.Context, d *DB, limits MigrateLimits, fsys fs.FS) (*Migrator, error) {
	return openMigrator(ctx, d, limits, fsys)
}
