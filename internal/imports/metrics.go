package imports

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the imports' Prometheus figures, for the imports this process
// works: import_rows_merged_total{outcome} (rows merged by the outcome they
// settled in, dry runs included; the rate of their sum is the import
// throughput in rows/s, a rising share of invalid rows is the files going
// bad) and import_runs_finished_total{status} (completed, failed,
// cancelled). No tenant or import is a label. A nil *Metrics records
// nothing.
type Metrics struct {
	rows     *prometheus.CounterVec
	finished *prometheus.CounterVec
}

// NewMetrics registers the import metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "import_rows_merged_total",
			Help: "Import rows this process merged (dry runs included), by outcome (created, matched, duplicate, invalid); sum(rate()) is the import throughput in rows/s."},
			[]string{"outcome"}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "import_runs_finished_total",
			Help: "Imports this process finished, by status (completed, failed, cancelled)."}, []string{"status"}),
	}
	reg.MustRegister(m.rows, m.finished)
	for _, o := range []string{OutcomeCreated, OutcomeMatched, OutcomeDuplicate, OutcomeInvalid} {
		m.rows.WithLabelValues(o)
	}
	for _, st := range []string{StatusCompleted, StatusFailed, StatusCancelled} {
		m.finished.WithLabelValues(st)
	}
	return m
}

// WithMetrics makes the service count merged rows and finished imports in
// m.
func (s *Service) WithMetrics(m *Metrics) *Service {
	s.metrics = m
	return s
}

// merged counts a merged batch's rows by their outcomes.
func (m *Metrics) merged(c Counts) {
	if m == nil {
		return
	}
	for o, n := range map[string]int{OutcomeCreated: c.Created, OutcomeMatched: c.Matched,
		OutcomeDuplicate: c.Duplicate, OutcomeInvalid: c.Invalid} {
		m.rows.WithLabelValues(o).Add(float64(n))
	}
}

func (m *Metrics) finish(status string) {
	if m != nil {
		m.finished.WithLabelValues(status).Inc()
	}
}
