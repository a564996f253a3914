package jobs

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
)

// Metrics are the background jobs' Prometheus figures: what this process's
// workers did (river_job_runs_total by kind and outcome, run and queue wait
// times) and what waits in the whole queue (river_jobs by state, read from
// the database at each scrape).
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
		desc: prometheus.NewDesc("river_jobs", "Jobs in the queue by state (all processes).", []string{"state"}, nil)})
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
				m.record(ev)
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

// queueDepth counts river_job rows by state when scraped.
type queueDepth struct {
	pool *pgxpool.Pool
	desc *prometheus.Desc
}

func (q *queueDepth) Describe(ch chan<- *prometheus.Desc) { ch <- q.desc }

func (q *queueDepth) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := q.pool.Query(ctx, `SELECT state::text, count(*) FROM river_job GROUP BY state`)
	if err != nil {
		return // no figure rather than a failed scrape (e.g. before migrations)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int64
		if rows.Scan(&state, &n) == nil {
			ch <- prometheus.MustNewConstMetric(q.desc, prometheus.GaugeValue, float64(n), state)
		}
	}
}
