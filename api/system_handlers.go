package api

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/singleflight"

	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/buildinfo"
)

// StatusResponse describes the running service.
type StatusResponse struct {
	Name        string    `json:"name" example:"1CloudAI Business Contacts" validate:"required"`
	Version     string    `json:"version" example:"v1.0.0" validate:"required"`
	Environment string    `json:"environment" example:"development" enums:"development,test,production" validate:"required"`
	Database    string    `json:"database" example:"ok" enums:"ok,unavailable" validate:"required"`
	Time        time.Time `json:"time" format:"date-time" example:"2026-11-28T20:00:00Z" validate:"required"`
} //	@name	StatusResponse

// getStatus godoc
//
//	@Summary		Service status
//	@Description	Name, version and environment of the service and whether its database answers. Public.
//	@ID				getStatus
//	@Tags			system
//	@Produce		json
//	@Success		200	{object}	StatusResponse
//	@Router			/status [get]
func (s *Server) getStatus(c echo.Context) error {
	dbState := "ok"
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if s.db == nil || s.db.Ping(ctx) != nil {
		dbState = "unavailable"
	}
	return c.JSON(http.StatusOK, StatusResponse{
		Name:        buildinfo.Name,
		Version:     buildinfo.Version,
		Environment: s.cfg.AppEnv,
		Database:    dbState,
		Time:        time.Now().UTC().Truncate(time.Second),
	})
}

// healthz answers while the process runs; it checks nothing else, so an
// orchestrator does not restart a healthy process because the DB blinked.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the process has started, is not stopping,
// the database answers and every migration is applied, so a load balancer
// sends traffic only to instances that can serve.
func (s *Server) readyz(c echo.Context) error {
	if s.draining.Load() {
		// Every rollout passes here: no operator needs an ERROR line for it.
		c.Set(plannedKey, true)
		return apperr.Errorf(apperr.EUNAVAILABLE, "Shutting down: this instance takes no new requests.")
	}
	if err := s.ready.check(s.checkDatabase); err != nil {
		if err == errStarting {
			c.Set(plannedKey, true)
		}
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// errStarting is the answer of a process still applying its migrations:
// its planned state, not a failure.
var errStarting = apperr.Errorf(apperr.EUNAVAILABLE, "Starting up: applying database migrations.")

// checkDatabase is the database half of /readyz: it answers, and the
// schema is the one this build needs.
func (s *Server) checkDatabase(ctx context.Context) error {
	if s.db == nil || s.db.Ping(ctx) != nil {
		return apperr.Errorf(apperr.EUNAVAILABLE, "The database is unreachable.")
	}
	if s.starting.Load() {
		return errStarting
	}
	if s.migrator != nil {
		pending, err := s.migrator.Pending(ctx)
		if err != nil {
			return apperr.Errorf(apperr.EUNAVAILABLE, "The migration state could not be read.")
		}
		if pending {
			return apperr.Errorf(apperr.EUNAVAILABLE, "Database migrations are pending; run `contacts migrate up`.")
		}
	}
	return nil
}

// readyFor is how long a database check that passed answers /readyz: the
// route is public, and each check is three queries, so probes (and anyone
// else) cost the database at most one check a second however many come.
const readyFor = time.Second

// readiness runs /readyz's database check for every prober at once and
// keeps a pass for readyFor. A failure is not kept: the first probe after
// the database is back sees it.
type readiness struct {
	flight  singleflight.Group
	mu      sync.Mutex
	okUntil time.Time
	now     func() time.Time
}

func (r *readiness) check(fn func(context.Context) error) error {
	if r.fresh() {
		return nil
	}
	_, err, _ := r.flight.Do("", func() (any, error) {
		if r.fresh() { // a check that finished since this prober looked
			return nil, nil
		}
		// Not the first prober's context: its going would fail the others.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err := fn(ctx)
		if err == nil {
			r.mu.Lock()
			r.okUntil = r.now().Add(readyFor)
			r.mu.Unlock()
		}
		return nil, err
	})
	return err
}

func (r *readiness) fresh() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now().Before(r.okUntil)
}

// metrics serves the Prometheus text.
func (s *Server) metrics(c echo.Context) error {
	return serveMetrics(c, s.registry, s.cfg.MetricsToken)
}

// serveMetrics serves reg's Prometheus text. With a token (METRICS_TOKEN,
// always set in production) it answers only the scraper that sends it as a
// bearer token.
func serveMetrics(c echo.Context, reg *prometheus.Registry, token string) error {
	got, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
	if token != "" && (!ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1) {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
		return apperr.Errorf(apperr.EUNAUTHORIZED, "Send METRICS_TOKEN as 'Authorization: Bearer <token>'.")
	}
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(c.Response(), c.Request())
	return nil
}

// MetricsHandler serves reg's Prometheus text at /metrics (and nothing
// else), guarded by token and refusing with the API's problem documents as
// the API server's /metrics does: the listener of `contacts worker
// --metrics-addr`, which has no API server.
func MetricsHandler(reg *prometheus.Registry, token string, log *slog.Logger) http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(log, 0, nil, nil)
	serve := func(c echo.Context) error { return serveMetrics(c, reg, token) }
	e.GET("/metrics", serve)
	e.HEAD("/metrics", serve)
	return e
}
