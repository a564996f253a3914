package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/onecloudai/contacts/api"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/platform/buildinfo"
)

// runServe serves the API, the SPA and Swagger UI, and (unless
// --workers=false) the background workers. The listener opens first, so
// /healthz answers while a long migration runs (/readyz says it is
// pending until it is done); the workers start once the schema is current.
// On SIGTERM /readyz turns 503 and the HTTP server serves on for
// SHUTDOWN_DRAIN_DELAY (the load balancer stops sending meanwhile), then
// closes its listener and drains within SHUTDOWN_TIMEOUT; the workers stop
// side by side from the signal, within SHUTDOWN_TIMEOUT.
func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve")
	migrate := fs.Bool("migrate", true, "apply pending migrations before serving (false: a separate step migrates, and the workers wait for it)")
	workersFlag := fs.Bool("workers", true, "run the background workers in this process (false: API-only replica)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, log, d, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	m, err := db.OpenMigrator(ctx, d, migrateLimits(cfg))
	if err != nil {
		return err
	}
	defer m.Close()
	svc := api.NewServices(cfg, log, d)
	registry := api.NewRegistry(d.Pool)
	jobMetrics := jobs.NewMetrics(registry, d.Pool)
	srv := api.New(api.Deps{
		Config:   cfg,
		Logger:   log,
		DB:       d,
		Migrator: m,
		Registry: registry,
		Services: svc,
	})
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		// "listen tcp :8080: bind: address already in use" named neither
		// the variable nor what to change.
		return fmt.Errorf("HTTP_ADDR: cannot listen on %s (another process may hold the port; set HTTP_ADDR to a free one): %w", cfg.HTTPAddr, err)
	}
	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	served := make(chan error, 1)
	// waitCtx ends with ctx or when the server stops on its own: nothing
	// then waits for the schema any longer.
	waitCtx, stopWaiting := context.WithCancel(ctx)
	defer stopWaiting()
	srv.Starting(*migrate)
	go func() { served <- srv.ServeListener(serveCtx, ln); stopWaiting() }()
	if *migrate {
		if err := m.Up(ctx, logWriter{log}); err != nil {
			stopServing()
			<-served
			if ctx.Err() != nil {
				// SIGTERM while starting: a stop, not a failure. Each
				// migration is a transaction; the next start goes on.
				log.Info("stopped while migrating")
				return nil
			}
			return err
		}
		srv.Starting(false)
	}
	log.Info("starting", "version", buildinfo.Version, "env", cfg.AppEnv)
	// The usage flusher writes its last batch once the HTTP drain is over
	// (serve returns), not at SIGTERM: requests still running then are
	// counted as they authenticate. It is waited for before the deferred
	// d.Close, so no API key request count is lost.
	flushCtx, stopFlush := context.WithCancel(context.WithoutCancel(ctx))
	flushed := make(chan struct{})
	go func() { svc.APIKeys.Run(flushCtx, 5*time.Second); close(flushed) }()
	defer func() { stopFlush(); <-flushed }()
	var jobsClient *jobs.Client
	if *workersFlag && !*migrate {
		// Another step of the deployment migrates: the workers start once
		// it is done, never on the previous release's schema.
		untilMigrated(waitCtx, m, log, 2*time.Second)
	}
	if *workersFlag && waitCtx.Err() == nil {
		err := func() error {
			if jobsClient, err = newJobs(d, svc, log); err != nil {
				return err
			}
			jobMetrics.Watch(ctx, jobsClient)
			jobs.LogDiscarded(ctx, jobsClient, log)
			// Stopped explicitly below, beside the HTTP drain.
			return jobsClient.Start(context.WithoutCancel(ctx))
		}()
		if err != nil {
			stopServing()
			<-served
			return err
		}
	}
	var serveErr error
	ended := false // the server has answered on served (it failed, or it drained already)
	select {
	case serveErr = <-served:
		ended = true
	case <-ctx.Done():
	}
	if jobsClient != nil {
		stopped := make(chan struct{})
		go func() { stopJobs(jobsClient, log, cfg.ShutdownTimeout); close(stopped) }()
		defer func() { <-stopped }()
	}
	if !ended {
		serveErr = <-served
	}
	return serveErr
}

// untilMigrated returns once m has no pending migration, asking every
// interval, or when ctx ends.
func untilMigrated(ctx context.Context, m *db.Migrator, log *slog.Logger, every time.Duration) {
	for logged := false; ; logged = true {
		pending, err := m.Pending(ctx)
		if err == nil && !pending {
			if logged {
				log.Info("migrations applied; starting the workers")
			}
			return
		}
		switch {
		case logged:
		case err != nil:
			log.Warn("the workers wait: the migration state could not be read", "error", err)
		default:
			log.Info("the workers wait for pending migrations (serve --migrate=false)")
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
