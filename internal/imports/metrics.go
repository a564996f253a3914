package imports

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the imports' Prometheus figures, for the imports this process
// works: import_rows_merged_total (rows merged, dry runs included; its rate
// is the import throughput in rows/s) and import_runs_finished_total{status}
// (completed, failed, cancelled). No tenant or import is a label. A nil
// *Metrics records nothing.
type Metrics struct {
	rows     prometheus.Counter
	finished *prometheus.CounterVec
}

// NewMetrics registers the import metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		rows: prometheus.NewCounter(prometheus.CounterOpts{Name: "import_rows_merged_total",
			Help: "Import rows this process merged (dry runs included); rate() is the import throughput in rows/s."}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "import_runs_finished_total",
			Help: "Imports this process finished, by status (completed, failed, cancelled)."}, []string{"status"}),
	}
	reg.MustRegister(m.rows, m.finished)
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

func (m *Metrics) merged(n int) {
	if m != nil {
		m.rows.Add(float64(n))
	}
}

func (m *Metrics) finish(status string) {
	if m != nil {
		m.finished.WithLabelValues(status).Inc()
	}
}
