package crm

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the CRM integration's Prometheus figures, for the pushes this
// process works: every HTTP request to the CRM by outcome with its latency
// (crm_request_duration_seconds{outcome}: ok, rate_limited, unauthorized,
// unavailable, timeout, network_error, rejected, interrupted), and every
// pushed contact's settled state (crm_push_items_total{status}: pushed,
// failed, rejected, skipped). No tenant, account or path is a
// label. A nil *Metrics records nothing.
type Metrics struct {
	requests *prometheus.HistogramVec
	items    *prometheus.CounterVec
}

// NewMetrics registers the CRM metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "crm_request_duration_seconds",
			Help:    "HTTP requests to the CRM by outcome (ok, rate_limited, unauthorized, unavailable, timeout, network_error, rejected, interrupted) and their latency.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}}, []string{"outcome"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crm_push_items_total",
			Help: "Contacts whose push this process settled, by status (pushed, failed, rejected, skipped)."}, []string{"status"}),
	}
	reg.MustRegister(m.requests, m.items)
	for _, o := range []string{outcomeOK, OutcomeRateLimited, OutcomeUnauthorized, OutcomeUnavailable, OutcomeTimeout,
		OutcomeNetwork, OutcomeRejected, OutcomeInterrupted} {
		m.requests.WithLabelValues(o)
	}
	for _, st := range []string{ItemPushed, ItemFailed, ItemRejected} {
		m.items.WithLabelValues(st)
	}
	return m
}

// WithMetrics makes the service record its CRM requests and push outcomes
// in m.
func (s *Service) WithMetrics(m *Metrics) *Service {
	s.metrics = m
	return s
}

func (m *Metrics) request(a attempt) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(a.Outcome).Observe(a.Duration.Seconds())
}

func (m *Metrics) outcomes(outs []outcome) {
	if m == nil {
		return
	}
	for _, o := range outs {
		m.items.WithLabelValues(o.Status).Inc()
	}
}
