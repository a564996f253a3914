package cli

import (
	"context"
	"time"

	"github.com/onecloudai/contacts/api"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/platform/buildinfo"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve")
	migrate := fs.Bool("migrate", true, "apply pending migrations before serving")
	workersFlag := fs.Bool("workers", true, "run the background workers in this process (false: API-only replica)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, log, d, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		return err
	}
	if *migrate {
		if err := m.Up(ctx, logWriter{log}); err != nil {
			return err
		}
	}
	log.Info("starting", "version", buildinfo.Version, "env", cfg.AppEnv)
	svc := api.NewServices(cfg, log, d)
	// The usage flusher writes its last batch when ctx ends; wait for it
	// before the deferred d.Close, so no API key request count is lost.
	flushCtx, stopFlush := context.WithCancel(ctx)
	flushed := make(chan struct{})
	go func() { svc.APIKeys.Run(flushCtx, 5*time.Second); close(flushed) }()
	defer func() { stopFlush(); <-flushed }()
	if *workersFlag {
		jobsClient, err := newJobs(d, svc, log)
		if err != nil {
			return err
		}
		// Stopped explicitly after the HTTP server has drained.
		if err := jobsClient.Start(context.WithoutCancel(ctx)); err != nil {
			return err
		}
		defer stopJobs(jobsClient, log, cfg.ShutdownTimeout)
	}
	srv := api.New(api.Deps{
		Config:   cfg,
		Logger:   log,
		DB:       d,
		Migrator: m,
		Registry: api.NewRegistry(d.Pool),
		Services: svc,
	})
	return srv.Serve(ctx)
}
