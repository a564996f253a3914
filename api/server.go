// Package api is the HTTP layer: the Echo router, middleware, handlers by
// resource, request and response types, and the one error mapper that turns
// every failure into an RFC 9457 problem document. Handlers parse, call a
// service, and map the result; they never touch the database.
package api

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/onecloudai/contacts/frontend"
	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/imports"
)

// Deps are what the HTTP layer needs from the rest of the program.
type Deps struct {
	Config   config.Config
	Logger   *slog.Logger
	DB       *db.DB
	Migrator *db.Migrator
	Registry *prometheus.Registry
	Services Services
	// SPA is the built web app to serve; nil serves the one embedded in
	// the binary (frontend.Dist).
	SPA fs.FS
}

// Server is the configured HTTP API, SPA and documentation.
type Server struct {
	echo      *echo.Echo
	cfg       config.Config
	log       *slog.Logger
	db        *db.DB
	migrator  *db.Migrator
	registry  *prometheus.Registry
	validator *validator.Validate
	// bodyLimits overrides the default body limit for routes (by template)
	// that accept uploads.
	bodyLimits map[string]int64
	// longRoutes ("GET /api/v1/saved-contacts/export") stream a file or
	// read a stored one: they get the write timeout instead of
	// REQUEST_TIMEOUT (see withDeadlines).
	longRoutes map[string]bool
	svc        Services
	spaFiles   fs.FS
	// access records the access rule of every API route ("GET /api/v1/me").
	access   map[string]routeAccess
	timeouts serverTimeouts
	// starting is set while the process's start-up (its migrations) is
	// not over: /readyz answers 503 meanwhile.
	starting atomic.Bool
	// draining is set once the server is told to stop (SIGTERM): /readyz
	// answers 503 while it serves on for SHUTDOWN_DRAIN_DELAY.
	draining atomic.Bool
	// ready runs and keeps /readyz's database check.
	ready readiness
}

// Starting says whether the process is still starting up (serve migrates
// after it listens): while it is, /readyz answers 503 whatever the
// database says, so no traffic (and no test, no rollout step) takes the
// process for ready before its start-up is done.
func (s *Server) Starting(v bool) { s.starting.Store(v) }

// serverTimeouts bound how long a connection may take. An upload route
// (bodyLimits) is held to progress instead of read and write: see
// withUploadDeadlines.
type serverTimeouts struct {
	readHeader, read, write, idle time.Duration
	// uploadIdle is how long an upload may go without a byte arriving.
	uploadIdle time.Duration
}

var defaultTimeouts = serverTimeouts{
	readHeader: 10 * time.Second,
	read:       5 * time.Minute,
	write:      10 * time.Minute, // streamed exports
	idle:       2 * time.Minute,
	uploadIdle: time.Minute,
}

// New builds the router with every route and middleware.
func New(deps Deps) *Server {
	s := &Server{
		echo:       echo.New(),
		cfg:        deps.Config,
		log:        deps.Logger,
		db:         deps.DB,
		migrator:   deps.Migrator,
		registry:   deps.Registry,
		validator:  newValidator(),
		bodyLimits: map[string]int64{},
		longRoutes: map[string]bool{
			"GET /api/v1/saved-contacts/export":        true,
			"GET /api/v1/imports/:id/errors.csv":       true,
			"GET /api/v1/admin/imports/:id/errors.csv": true,
			"PUT /api/v1/imports/:id/mapping":          true, // a new encoding reads the file again
			"PUT /api/v1/admin/imports/:id/mapping":    true,
		},
		svc:      deps.Services,
		spaFiles: deps.SPA,
		access:   map[string]routeAccess{},
		timeouts: defaultTimeouts,
		ready:    readiness{now: time.Now},
	}
	if s.spaFiles == nil {
		s.spaFiles = frontend.Dist()
	}
	// Import uploads stream into the database and the package's cap is
	// checked as they do (413 naming it); this is only the outer bound.
	s.bodyLimits["/api/v1/imports"] = imports.MaxUploadBytes
	s.bodyLimits["/api/v1/admin/imports"] = imports.MaxUploadBytes
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	s.svc.RegisterMetrics(s.registry)
	e := s.echo
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = errorHandler(s.log, s.cfg.MaxBodyBytes, s.notFound(), s.databaseDown)
	e.IPExtractor = clientIP(s.cfg.TrustedProxies)

	e.Use(withRequestID)
	e.Use(withAccessLog(s.log, newHTTPMetrics(s.registry)))
	e.Use(withRecover(s.log))
	e.Use(withSecurityHeaders(strings.HasPrefix(s.cfg.PublicURL, "https://")))
	if len(s.cfg.CORSAllowedOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins: s.cfg.CORSAllowedOrigins,
			AllowHeaders: []string{echo.HeaderAuthorization, echo.HeaderContentType, "X-API-Key", headerRequestID, headerIdempotencyKey, headerIfMatch},
			ExposeHeaders: append([]string{headerRequestID, "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", echo.HeaderContentDisposition,
				headerSearchCharged, headerIdempotentReplayed, headerETag},
				quotaHeaderNames()...),
			AllowCredentials: true,
			MaxAge:           600,
		}))
	}
	e.Use(withBodyLimit(s.cfg.MaxBodyBytes, s.bodyLimits))
	e.Use(withUploadDeadlines(s.bodyLimits, func() serverTimeouts { return s.timeouts }))
	e.Use(s.withDeadlines)
	s.routes()
	return s
}

// databaseDown reports whether err, which failed a request, says the
// database is unreachable, or, when its text cannot tell (a connection cut
// mid-statement reads as an EOF), whether the database answers no ping
// now.
func (s *Server) databaseDown(ctx context.Context, err error) bool {
	if db.IsUnavailable(err) {
		return true
	}
	if s.db == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	return s.db.Ping(ctx) != nil
}

// Handler returns the root handler, for tests and custom servers.
func (s *Server) Handler() http.Handler { return s.echo }

// ServeListener serves on ln until ctx ends. The caller listens (serve
// does, so that its error can name HTTP_ADDR). When ctx ends, /readyz
// answers 503 at once and the server goes on serving (new connections
// too) for SHUTDOWN_DRAIN_DELAY, so that a load balancer sees the 503 and
// stops sending before the listener closes; every response of that time
// closes its connection (closeWhileDraining). A process still starting
// (never ready: no balancer sends to it) skips the delay. Then the
// listener closes and in-flight requests drain.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.closeWhileDraining(s.echo),
		ReadHeaderTimeout: s.timeouts.readHeader,
		ReadTimeout:       s.timeouts.read,
		WriteTimeout:      s.timeouts.write,
		IdleTimeout:       s.timeouts.idle,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("http server listening", "addr", ln.Addr().String(), "public_url", s.cfg.PublicURL)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.draining.Store(true)
	if delay := s.cfg.ShutdownDrainDelay; delay > 0 && !s.starting.Load() {
		s.log.Info("http server stopping: /readyz answers 503; serving on before the listener closes", "delay", delay.String())
		select {
		case err := <-errc:
			return err
		case <-time.After(delay):
		}
	}
	s.log.Info("http server draining", "timeout", s.cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Requests still running after SHUTDOWN_TIMEOUT (a long export or
		// upload) are cut off rather than outliving the process's grace.
		s.log.Warn("http server drain timed out; closing the remaining connections", "error", err)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	s.log.Info("http server stopped")
	return nil
}

// closeWhileDraining answers every request of the drain with
// "Connection: close", so the client's next request opens a new
// connection, which the load balancer gives to an instance that stays.
// Idle connections stay open meanwhile (closing them while the balancer
// still sends races its reuse of them: a request lost in flight);
// Shutdown closes them once the delay is over and the balancer has
// stopped sending.
func (s *Server) closeWhileDraining(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP says whose request it is. Without trusted proxies it is the
// connection's address and X-Forwarded-For is ignored (anyone can send
// it). Behind the listed proxies it is the nearest address in
// X-Forwarded-For that is not one of them; a request that does not come
// from one of them keeps its connection's address.
func clientIP(proxies []*net.IPNet) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range proxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
