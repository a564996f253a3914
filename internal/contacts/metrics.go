package contacts

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the search gate's Prometheus figures (SEARCH_CONCURRENCY):
// search_waiting, the searches waiting for a turn now, and
// search_wait_seconds, how long each search waited for its turn (given up
// waits included). A slow search answer whose wait is short is the
// database's cost; one whose wait is long is the gate's queue. A nil
// *Metrics records nothing.
type Metrics struct {
	waiting prometheus.Gauge
	wait    prometheus.Histogram
}

// NewMetrics registers the search metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{Name: "search_waiting",
			Help: "Searches waiting for a turn (SEARCH_CONCURRENCY) now."}),
		wait: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "search_wait_seconds",
			Help:    "How long a search waited for its turn (SEARCH_CONCURRENCY), given-up waits included.",
			Buckets: []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}}),
	}
	reg.MustRegister(m.waiting, m.wait)
	return m
}

// WithMetrics makes the service record its search gate's queue in m.
func (s *Service) WithMetrics(m *Metrics) *Service {
	s.metrics = m
	return s
}

// waitStarted counts a search into the queue; the function it returns
// counts it out.
func (m *Metrics) waitStarted() func() {
	if m == nil {
		return func() {}
	}
	start := time.Now()
	m.waiting.Inc()
	return func() {
		m.waiting.Dec()
		m.wait.Observe(time.Since(start).Seconds())
	}
}
