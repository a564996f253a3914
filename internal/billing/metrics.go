package billing

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Stripe webhook's Prometheus figures:
// stripe_webhook_events_total{type,outcome}, one per delivery this process
// answered. type is the event type for the types the service acts on
// (checkout.session.completed, customer.subscription.*, invoice.paid,
// invoice.payment_failed), "other" for any other signed event and "" for a
// delivery whose signature failed; outcome is the first word of the outcome
// stored with the event (applied, queued, ignored, stale, undecodable), or
// duplicate (a redelivery), bad_signature, malformed, not_configured or
// error (the delivery failed with a 5xx: Stripe retries it). A nil *Metrics
// records nothing.
type Metrics struct {
	events *prometheus.CounterVec
}

// NewMetrics registers the billing metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stripe_webhook_events_total",
		Help: "Stripe webhook deliveries by event type and outcome (applied, queued, ignored, stale, undecodable, duplicate, bad_signature, malformed, not_configured, error)."},
		[]string{"type", "outcome"})}
	reg.MustRegister(m.events)
	m.events.WithLabelValues("checkout.session.completed", "error")
	m.events.WithLabelValues("", "bad_signature")
	return m
}

// WithMetrics makes the service count its webhook deliveries in m.
func (s *Service) WithMetrics(m *Metrics) *Service {
	s.metrics = m
	return s
}

// webhookType is the type label of an event type: the types the service
// acts on by name, any other as "other", so that a new event type Stripe
// sends adds no series.
func webhookType(evType string) string {
	switch evType {
	case "", "checkout.session.completed", "customer.subscription.created", "customer.subscription.updated",
		"customer.subscription.deleted", "invoice.paid", "invoice.payment_failed":
		return evType
	}
	return "other"
}

func (m *Metrics) webhook(evType, outcome string) {
	if m == nil {
		return
	}
	evType = webhookType(evType)
	if word, _, ok := strings.Cut(outcome, ":"); ok {
		outcome = word
	}
	m.events.WithLabelValues(evType, outcome).Inc()
}
