// Command contacts is the single binary of 1CloudAI Business Contacts:
// `contacts serve`, `contacts migrate up|down|status`, and the commands that
// later features add. See `contacts help`.
package main

import (
	"context"
	"os"
	"syscall"

	"github.com/onecloudai/contacts/internal/cli"
)

func main() {
	// The first SIGINT/SIGTERM stops gracefully; a second one ends at once.
	ctx, stop := cli.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
