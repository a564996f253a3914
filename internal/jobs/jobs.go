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
	Periodic []*river.PeriodicJob
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
		cfg.PeriodicJobs = o.Periodic
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
