package cli

import (
	"context"
	"fmt"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
)

func runMigrate(ctx context.Context, e *env, args []string) error {
	force := len(args) == 2 && args[0] == "down" && args[1] == "--force"
	if force {
		args = args[:1]
	}
	if len(args) != 1 || (args[0] != "up" && args[0] != "down" && args[0] != "status") {
		fmt.Fprintln(e.stderr, "usage: contacts migrate up|down [--force]|status")
		return errUsage
	}
	cfg, _, d, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	if args[0] == "down" && cfg.IsProduction() && !force {
		// Some downs drop what cannot come back (which audit events were
		// staff's, withdrawn corrections): on purpose only.
		fmt.Fprintln(e.stderr, "migrate: down in production rolls back data some migrations cannot restore; "+
			"take a backup and run 'contacts migrate down --force'")
		return errUsage
	}
	m, err := db.OpenMigrator(ctx, d, migrateLimits(cfg))
	if err != nil {
		return err
	}
	defer m.Close()
	switch args[0] {
	case "up":
		return m.Up(ctx, e.stdout)
	case "down":
		return m.Down(ctx, e.stdout)
	default:
		return m.Status(ctx, e.stdout)
	}
}

// migrateLimits bound the sessions that apply migrations (docs/OPERATIONS.md
// "Upgrading").
func migrateLimits(cfg config.Config) db.MigrateLimits {
	return db.MigrateLimits{LockTimeout: cfg.MigrateLockTimeout, StatementTimeout: cfg.MigrateStatementTimeout}
}
