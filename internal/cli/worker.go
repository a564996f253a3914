package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/api"
	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/idempotency"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/mail"
)

// newJobs builds the River client with every domain's workers registered.
// A package with background work adds one line here (crm.RegisterWorkers is
// the example); serve and worker then both run it.
func newJobs(d *db.DB, svc api.Services, log *slog.Logger) (*jobs.Client, error) {
	workers := river.NewWorkers()
	contacts.RegisterWorkers(workers, svc.Contacts, log)
	crm.RegisterWorkers(workers, svc.CRM)
	billing.RegisterWorkers(workers, svc.Billing, log)
	imports.RegisterWorkers(workers, svc.Imports)
	identity.RegisterWorkers(workers, svc.Identity, log)
	mail.RegisterWorkers(workers, svc.Mail)
	idempotency.RegisterWorkers(workers, svc.Idempotency, log)
	return jobs.New(d, workers, jobs.Opts{Work: true, Logger: log, Periodic: schedules()})
}

// schedules are every domain's scheduled jobs, which the elected leader
// among serve and worker processes inserts.
func schedules() []jobs.Schedule {
	return slices.Concat(contacts.PeriodicJobs(), imports.PeriodicJobs(), crm.PeriodicJobs(),
		identity.PeriodicJobs(), mail.PeriodicJobs(), billing.PeriodicJobs(), idempotency.PeriodicJobs())
}

// stopJobs lets running jobs finish for up to timeout, then cancels them
// (they are idempotent and resume on their next run).
func stopJobs(c *jobs.Client, log *slog.Logger, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := c.Stop(ctx); err != nil {
		log.Warn("workers did not stop in time; cancelling running jobs", "error", err)
		cctx, ccancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer ccancel()
		_ = c.StopAndCancel(cctx)
	}
	log.Info("workers stopped")
}

// runWorker runs the background workers only (no API). With
// --metrics-addr it serves their Prometheus figures at /metrics on that
// address (METRICS_TOKEN guards it as on serve): the job runs, imports and
// CRM pushes this process works, which no serve process sees.
func runWorker(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "worker")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus /metrics on this address, such as :9090 (METRICS_TOKEN guards it as on serve); empty: none")
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
	if pending, err := m.Pending(ctx); err != nil {
		return err
	} else if pending {
		return errors.New("the database has pending migrations: run `contacts migrate up` (or start `contacts serve`) first")
	}
	svc := api.NewServices(cfg, log, d)
	var metrics *http.Server
	var metricsLn net.Listener
	var jobMetrics *jobs.Metrics
	if *metricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", *metricsAddr); err != nil {
			return fmt.Errorf("--metrics-addr: cannot listen on %s: %w", *metricsAddr, err)
		}
		reg := api.NewRegistry(d.Pool)
		svc.RegisterMetrics(reg)
		jobMetrics = jobs.NewMetrics(reg, d.Pool)
		metrics = &http.Server{Handler: api.MetricsHandler(reg, cfg.MetricsToken, log), ReadHeaderTimeout: 10 * time.Second,
			WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	}
	jobsClient, err := newJobs(d, svc, log)
	if err != nil {
		if metricsLn != nil {
			metricsLn.Close()
		}
		return err
	}
	jobs.LogDiscarded(ctx, jobsClient, log)
	if jobMetrics != nil {
		jobMetrics.Watch(ctx, jobsClient)
	}
	if err := jobsClient.Start(context.WithoutCancel(ctx)); err != nil {
		if metricsLn != nil {
			metricsLn.Close()
		}
		return err
	}
	served := make(chan error, 1)
	if metrics != nil {
		go func() { served <- metrics.Serve(metricsLn) }()
		log.Info("metrics listening", "addr", metricsLn.Addr().String())
	}
	log.Info("workers started")
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
		log.Error("metrics listener failed; stopping the workers", "error", serveErr)
	}
	if metrics != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_ = metrics.Shutdown(sctx)
		cancel()
	}
	stopJobs(jobsClient, log, cfg.ShutdownTimeout)
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	return serveErr
}
