package cli

import (
	"context"
	"fmt"

	"github.com/onecloudai/contacts/internal/db"
)

func runMigrate(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 || (args[0] != "up" && args[0] != "down" && args[0] != "status") {
		fmt.Fprintln(e.stderr, "usage: contacts migrate up|down|status")
		return errUsage
	}
	_, _, d, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		return err
	}
	switch args[0] {
	case "up":
		return m.Up(ctx, e.stdout)
	case "down":
		return m.Down(ctx, e.stdout)
	default:
		return m.Status(ctx, e.stdout)
	}
}
