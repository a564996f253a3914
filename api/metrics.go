package api

import (
	"strconv"
	"time"

	"github.com/IBM/pgxpoolprometheus"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// httpMetrics counts requests and their latency by route template (never
// the raw path, which would explode cardinality) and status, and the 429
// answers by the limit that refused them.
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	refused  *prometheus.CounterVec
}

// refusal is what errorHandler tells withAccessLog of a 429 answer: its
// problem type (rate-limited, login-throttled, quota-exceeded) and, for a
// monthly quota, the quota's metric.
type refusal struct{ typ, quota string }

// refusalKey holds the refusal of a 429 answer in the echo context.
const refusalKey = "rate_limit_refusal"

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests by method, route template and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "HTTP request latency by method, route template and status.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
	}
	m.refused = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rate_limit_refusals_total",
		Help: "429 answers by route template, problem type (rate-limited, login-throttled, quota-exceeded) and, for a monthly quota, its metric.",
	}, []string{"route", "type", "quota"})
	reg.MustRegister(m.requests, m.latency, m.refused)
	return m
}

func (m *httpMetrics) refusal(route string, r refusal) {
	m.refused.WithLabelValues(route, r.typ, r.quota).Inc()
}

func (m *httpMetrics) observe(method, route string, status int, d time.Duration) {
	s := strconv.Itoa(status)
	m.requests.WithLabelValues(method, route, s).Inc()
	m.latency.WithLabelValues(method, route, s).Observe(d.Seconds())
}

// NewRegistry returns a Prometheus registry with the Go runtime, process and
// connection pool collectors. The pool is pgxpool's, which every query
// goes through (GORM's database/sql handle is a thin wrapper over it whose
// own statistics would say nothing about waits for a connection).
func NewRegistry(pool *pgxpool.Pool) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if pool != nil {
		reg.MustRegister(pgxpoolprometheus.NewCollector(pool, map[string]string{"db_name": "contacts"}))
	}
	return reg
}
