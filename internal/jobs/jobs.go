// Package jobs wires River, the PostgreSQL-backed job queue. One client
// serves both sides: it inserts jobs inside GORM transactions (InsertTx
// takes the *sql.Tx beneath them, so a job exists exactly when the change
// that needs it commits) and, in processes that work (`serve` by default,
// `worker`), runs the workers that the domain packages register.
//
// Jobs are idempotent and resumable: each keeps its progress in our own
// tables and picks up from there on retry, so a worker killed mid-job loses
// and duplicates nothing. River rescues jobs of a dead worker after
// RescueAfter.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/quietlog"
)

// Client is the River client used everywhere.
type Client = river.Client[*sql.Tx]

// Queues.
const (
	QueueDefault = river.QueueDefault
	QueueImports = "imports"
	QueueCRM     = "crm"
	QueueBilling = "billing"
)

// Timeouts. A job runs at most JobTimeout; a job whose worker died is
// retried after RescueAfter (River's rescuer).
const (
	JobTimeout  = 10 * time.Minute
	RescueAfter = JobTimeout + time.Minute
)

// RepeatWindow is how long River's logger leaves out a warning or error
// that repeats one it has just written.
const RepeatWindow = time.Minute

// Opts configure New.
type Opts struct {
	// Work starts workers for every queue; false makes an insert-only client.
	Work       bool
	MaxWorkers int // per queue; default 4
	// Logger is River's. While PostgreSQL is down, River's producers,
	// notifier and elector log an ERROR for every failed poll, about ten a
	// second with four queues; a warning or error repeating one written
	// less than RepeatWindow ago is counted, not written (quietlog).
	Logger *slog.Logger
	// PollOnly turns off LISTEN/NOTIFY (tests with many clients).
	PollOnly bool
	// Periodic are scheduled jobs; the elected leader among the working
	// clients inserts them.
	Periodic []Schedule
}

// New returns a client over d. workers holds every registered worker; it
// may be nil for an insert-only client.
func New(d *db.DB, workers *river.Workers, o Opts) (*Client, error) {
	if o.MaxWorkers <= 0 {
		o.MaxWorkers = 4
	}
	if o.Logger != nil {
		o.Logger = slog.New(quietlog.NewHandler(o.Logger.Handler(), RepeatWindow))
	}
	cfg := &river.Config{
		Logger:               o.Logger,
		JobTimeout:           JobTimeout,
		RescueStuckJobsAfter: RescueAfter,
		Workers:              workers,
		FetchCooldown:        50 * time.Millisecond,
		FetchPollInterval:    500 * time.Millisecond,
	}
	if o.Work {
		for _, p := range o.Periodic {
			cfg.PeriodicJobs = append(cfg.PeriodicJobs, p.periodicJob())
		}
		cfg.Queues = map[string]river.QueueConfig{
			QueueDefault: {MaxWorkers: o.MaxWorkers},
			QueueImports: {MaxWorkers: o.MaxWorkers},
			QueueCRM:     {MaxWorkers: o.MaxWorkers},
			QueueBilling: {MaxWorkers: 2},
		}
	}
	driver := riverdatabasesql.NewWithPgxListener(d.SQL, d.Pool)
	if o.PollOnly {
		driver = riverdatabasesql.New(d.SQL)
		cfg.PollOnly = true
	}
	c, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return c, nil
}

// Inserter enqueues a job inside the caller's transaction tx, so the job
// exists exactly when the change that asks for it commits. Services take
// one (TxInserter in production) instead of a River client.
type Inserter func(ctx context.Context, tx *gorm.DB, args river.JobArgs) error

// TxInserter is the Inserter of c.
func TxInserter(c *Client) Inserter {
	return func(ctx context.Context, tx *gorm.DB, args river.JobArgs) error {
		return InsertTx(ctx, c, tx, args, nil)
	}
}

// InsertTx enqueues args inside the GORM transaction tx.
func InsertTx(ctx context.Context, c *Client, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error {
	sqlTx, err := db.SQLTx(tx)
	if err != nil {
		return err
	}
	if _, err := c.InsertTx(ctx, sqlTx, args, opts); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Priorities. River works a queue's available jobs by priority first, then
// in the order they became available. Work that a tenant queues while it
// already has its share queued or running goes at PriorityBacklog, so that
// one tenant's backlog (a 100,000-contact push is 1,000 jobs) never queues
// another tenant's first job behind it: that job, at PriorityFirst, runs as
// soon as a worker is free. Among backlogs it is first come, first served.
const (
	PriorityFirst   = 1
	PriorityBacklog = 2
)

// TenantPriority is the priority of the i-th (from 0) of a tenant's new
// jobs, when the tenant has unfinished jobs of the kind already and may run
// share of them at once: the jobs that fill the tenant's share go first,
// the rest are backlog.
func TenantPriority(unfinished, share, i int) int {
	if unfinished+i < max(share, 1) {
		return PriorityFirst
	}
	return PriorityBacklog
}

// CountUnfinished counts the jobs of kind whose args contain match (a
// tenant id, say) that River has not finished: queued, scheduled, waiting
// for a retry or running. The args' GIN index answers it.
func CountUnfinished(ctx context.Context, tx *gorm.DB, kind string, match map[string]any) (int, error) {
	b, err := json.Marshal(match)
	if err != nil {
		return 0, err
	}
	var n int
	if err := tx.WithContext(ctx).Raw(`SELECT count(*) FROM river_job WHERE kind = ? AND args @> ?::jsonb
		AND state IN ('available', 'pending', 'retryable', 'running', 'scheduled')`, kind, string(b)).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count unfinished %s jobs: %w", kind, err)
	}
	return n, nil
}
