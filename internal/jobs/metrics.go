package jobs

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Metrics are the background jobs' Prometheus figures: what this process's
// workers did (river_job_runs_total by kind and outcome, run and queue wait
// times) and what is in the whole queue (river_jobs by state, and
// river_jobs_discarded by kind: jobs River gave up on, whichever process
// worked them or its rescuer, kept for River's discarded-job retention of 7
// days; both read from the database at each scrape).
type Metrics struct {
	runs    *prometheus.CounterVec
	runTime *prometheus.HistogramVec
	wait    *prometheus.HistogramVec
}

// NewMetrics registers the job metrics on reg; pool answers the queue
// depth.
func NewMetrics(reg prometheus.Registerer, pool *pgxpool.Pool) *Metrics {
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "river_job_runs_total",
			Help: "Job runs worked by this process, by kind and outcome (completed, failed, cancelled, snoozed, interrupted)."},
			[]string{"kind", "outcome"}),
		runTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "river_job_run_seconds",
			Help: "How long a job run took, by kind.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)}, []string{"kind"}),
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "river_job_queue_wait_seconds",
			Help: "How long a job waited, available, before a worker took it, by kind.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)},
			[]string{"kind"}),
	}
	reg.MustRegister(m.runs, m.runTime, m.wait, &queueDepth{pool: pool,
		desc: prometheus.NewDesc("river_jobs", "Jobs in the queue by state (all processes).", []string{"state"}, nil),
		discarded: prometheus.NewDesc("river_jobs_discarded", "Discarded jobs (River gave up on them after their last attempt) still kept, by kind (all processes).",
			[]string{"kind"}, nil)})
	return m
}

var outcomes = map[river.EventKind]string{
	river.EventKindJobCompleted: "completed", river.EventKindJobFailed: "failed", river.EventKindJobCancelled: "cancelled",
	river.EventKindJobSnoozed: "snoozed", river.EventKindJobInterrupted: "interrupted",
}

// Watch records c's job events, from now until ctx ends or c stops.
func (m *Metrics) Watch(ctx context.Context, c *Client) {
	kinds := make([]river.EventKind, 0, len(outcomes))
	for k := range outcomes {
		kinds = append(kinds, k)
	}
	onEvents(ctx, c, m.record, kinds...)
}

// onEvents calls fn with each event of kinds that c sends, on a goroutine
// of its own, from now until ctx ends or c stops.
func onEvents(ctx context.Context, c *Client, fn func(*river.Event), kinds ...river.EventKind) {
	events, cancel := c.Subscribe(kinds...)
	go func() {
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					return
				}
				fn(ev)
			}
		}
	}()
}

func (m *Metrics) record(ev *river.Event) {
	if ev.Job == nil {
		return
	}
	m.runs.WithLabelValues(ev.Job.Kind, outcomes[ev.Kind]).Inc()
	if ev.JobStats != nil {
		m.runTime.WithLabelValues(ev.Job.Kind).Observe(ev.JobStats.RunDuration.Seconds())
		m.wait.WithLabelValues(ev.Job.Kind).Observe(ev.JobStats.QueueWaitDuration.Seconds())
	}
}

// queueDepth counts river_job rows by state, and the discarded ones by
// kind, when scraped.
type queueDepth struct {
	pool      *pgxpool.Pool
	desc      *prometheus.Desc
	discarded *prometheus.Desc
}

func (q *queueDepth) Describe(ch chan<- *prometheus.Desc) { ch <- q.desc; ch <- q.discarded }

func (q *queueDepth) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if !q.counts(ctx, ch, q.desc, `SELECT state::text, count(*) FROM river_job GROUP BY state`) {
		return
	}
	// By kind, with a zero for every kind the queue has held, so that an
	// alert on a rise sees the series before its first discard.
	q.counts(ctx, ch, q.discarded, `SELECT kind, count(*) FILTER (WHERE state = 'discarded') FROM river_job GROUP BY kind`)
}

// counts sends desc's gauge for each (label, count) row query returns. A
// query that fails sends nothing and returns false: no figure rather than
// a failed scrape (e.g. before migrations).
func (q *queueDepth) counts(ctx context.Context, ch chan<- prometheus.Metric, desc *prometheus.Desc, query string) bool {
	rows, err := q.pool.Query(ctx, query)
	if err != nil {
		return false
	}
	defer rows.Close()
	for rows.Next() {
		var label string
		var n int64
		if rows.Scan(&label, &n) == nil {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(n), label)
		}
	}
	return true
}

// LogDiscarded writes an ERROR line for each job c's workers fail for the
// last time (River discards it), with its kind, id, attempts, error and the
// ids its args name (the fields ending in _id: an import, a Stripe event,
// a mail, a push batch; never other fields, which may hold an address),
// from now until ctx ends or c stops. A job River's rescuer discards (its
// worker died on the last attempt) has no such event; river_jobs_discarded
// counts it.
func LogDiscarded(ctx context.Context, c *Client, log *slog.Logger) {
	onEvents(ctx, c, func(ev *river.Event) {
		if ev.Job == nil || ev.Job.State != rivertype.JobStateDiscarded {
			return
		}
		attrs := []any{"kind", ev.Job.Kind, "job_id", ev.Job.ID, "attempt", ev.Job.Attempt}
		if n := len(ev.Job.Errors); n > 0 {
			attrs = append(attrs, "error", ev.Job.Errors[n-1].Error)
		}
		log.ErrorContext(ctx, "job discarded after its last attempt", append(attrs, ownerIDs(ev.Job.EncodedArgs)...)...)
	}, river.EventKindJobFailed)
}

// ownerIDs are the top-level args fields whose names end in _id, as log
// attributes.
func ownerIDs(args []byte) []any {
	var m map[string]json.RawMessage
	if json.Unmarshal(args, &m) != nil {
		return nil
	}
	var out []any
	for _, k := range slices.Sorted(maps.Keys(m)) {
		var id string
		if strings.HasSuffix(k, "_id") && json.Unmarshal(m[k], &id) == nil {
			out = append(out, k, id)
		}
	}
	return out
}
