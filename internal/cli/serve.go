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
	go svc.APIKeys.Run(ctx, 5*time.Second)
	srv := api.New(api.Deps{
		Config:   cfg,
		Logger:   log,
		DB:       d,
		Migrator: m,
		Registry: api.NewRegistry(d.SQL),
		Services: svc,
	})
	return srv.Serve(ctx)
}
