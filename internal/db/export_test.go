package db

import (
	"context"
	"fmt"
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
