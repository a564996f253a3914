// Package cli implements the subcommands of the contacts binary. Each
// command loads the configuration, builds what it needs and runs until done
// or until its context is cancelled (SIGINT/SIGTERM).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/platform/buildinfo"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what every command gets.
type env struct {
	stdout, stderr io.Writer
}

var commands = map[string]command{
	"serve":       {"Serve the API, SPA and Swagger UI (migrates first unless --migrate=false)", runServe},
	"migrate":     {"Apply or inspect database migrations: migrate up|down [--force]|status", runMigrate},
	"bench":       {"Measure performance: bench search [--clients 8] [--http=false] | bench auth | bench import [--rows N]", runBench},
	"seed":        {"Load synthetic contacts: seed --demo | --contacts N --companies M --seed S", runSeed},
	"version":     {"Print the version", runVersion},
	"admin":       {"Platform bootstrap: admin create-user --email E --system-admin", runAdmin},
	"worker":      {"Run the background workers only (no API): worker [--metrics-addr :9090]", runWorker},
	"fakecrm":     {"Serve the fake 1CloudAI CRM for development: fakecrm [--addr :8090]", runFakeCRM},
	"healthcheck": {"Exit 0 if the server on HTTP_ADDR's port is ready (/readyz; --live: /healthz), else 1 (Docker HEALTHCHECK)", runHealthcheck},
}

// errUsage marks a command-line mistake; the usage text is already printed.
var errUsage = errors.New("usage")

// Main runs the command named by args[0] and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "contacts: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd.run(ctx, e, args[1:]); err != nil {
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			return 2
		}
		fmt.Fprintf(stderr, "contacts %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "%s (%s)\n\nUsage: contacts <command> [flags]\n\nCommands:\n", buildinfo.Name, buildinfo.Version)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from the environment; see README.md.")
}

func newFlagSet(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("contacts "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// newLogger returns the JSON logger every command uses.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(strings.ToUpper(level)))
	return slog.New(requestIDHandler{slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})})
}

// requestIDHandler adds the request id of the request a record was logged
// for (the audit actor in its context) to records that do not carry one,
// so a service's log line leads back to its request.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := audit.ActorFrom(ctx).RequestID; id != "" {
		has := false
		r.Attrs(func(a slog.Attr) bool {
			has = a.Key == "request_id"
			return !has
		})
		if !has {
			r.AddAttrs(slog.String("request_id", id))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// poolSize is the database pool of a serving process: two connections for
// each search it runs at once (a search with facets holds two), and eight
// for other requests and background jobs.
func poolSize(cfg config.Config) int32 { return int32(2*cfg.SearchConcurrency + 8) }

// openDB loads the configuration and connects.
func openDB(ctx context.Context, e *env) (config.Config, *slog.Logger, *db.DB, error) {
	cfg, err := config.Load()
	if err != nil {
		return cfg, nil, nil, err
	}
	log := newLogger(os.Stderr, cfg.LogLevel)
	if e.stderr != os.Stderr {
		log = newLogger(e.stderr, cfg.LogLevel)
	}
	d, err := db.Open(ctx, cfg.DatabaseURL, db.OpenOpts{MaxConns: poolSize(cfg), Logger: log})
	if err != nil {
		// The driver's text redacts the password.
		return cfg, log, nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	return cfg, log, d, nil
}

func runVersion(_ context.Context, e *env, _ []string) error {
	fmt.Fprintln(e.stdout, buildinfo.Version)
	return nil
}
