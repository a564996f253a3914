package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

const headerRequestID = "X-Request-ID"

// A client-supplied request id is kept only when it is short and plain, so
// it cannot inject anything into logs or headers.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// withRequestID takes X-Request-ID from the client when it is sane, or makes
// one, and echoes it in the response. The request's context carries it from
// here on (as its audit actor's, which attachActor completes once the
// caller is known), so that the lines logged before that (a failed or slow
// SQL statement of the authentication itself) lead back to the request too.
func withRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		rid := c.Request().Header.Get(headerRequestID)
		if !validRequestID.MatchString(rid) {
			rid = uuid.NewString()
		}
		c.Set(headerRequestID, rid)
		c.Response().Header().Set(headerRequestID, rid)
		req := c.Request()
		c.SetRequest(req.WithContext(audit.WithActor(req.Context(), audit.Actor{RequestID: rid})))
		return next(c)
	}
}

func requestID(c echo.Context) string {
	rid, _ := c.Get(headerRequestID).(string)
	return rid
}

// metricMethod is the method label: the standard methods by name, any
// other as OTHER (each invented method would be a new series).
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// withAccessLog writes one JSON log line per request and records metrics.
// It commits errors itself (c.Error) so the logged status is the one sent.
func withAccessLog(log *slog.Logger, m *httpMetrics) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			elapsed := time.Since(start)
			res := c.Response()
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			m.observe(metricMethod(c.Request().Method), route, res.Status, elapsed)
			if r, ok := c.Get(refusalKey).(refusal); ok && res.Status == http.StatusTooManyRequests {
				m.refusal(route, r)
			}
			attrs := []slog.Attr{
				slog.String("request_id", requestID(c)),
				slog.String("method", c.Request().Method),
				slog.String("path", c.Request().URL.Path),
				slog.String("route", route),
				slog.Int("status", res.Status),
				slog.Int64("bytes", res.Size),
				slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
				slog.String("remote_ip", c.RealIP()),
			}
			if typ, ok := c.Get(problemTypeKey).(string); ok {
				// Why a request was refused or failed (invalid-signature
				// or stale-timestamp for a webhook, login-throttled,
				// quota-exceeded): the problem type the client read.
				attrs = append(attrs, slog.String("problem", typ))
			}
			attrs = append(attrs, principalLogAttrs(c)...)
			level := slog.LevelInfo
			if planned, _ := c.Get(plannedKey).(bool); res.Status >= 500 && !planned {
				level = slog.LevelError
			}
			cutShort, _ := c.Get(cutShortKey).(bool)
			if cutShort {
				level = slog.LevelError
				attrs = append(attrs, slog.Bool("cut_short", true))
			}
			log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			if cutShort {
				// net/http closes the connection without ending the body
				// (no last chunk, or fewer bytes than Content-Length): the
				// client sees a failed download, not a short file.
				panic(http.ErrAbortHandler)
			}
			return nil
		}
	}
}

// principalLogAttrs is extended by the auth middleware to attach tenant,
// user or API key ids to the access log.
func principalLogAttrs(c echo.Context) []slog.Attr {
	var attrs []slog.Attr
	for _, k := range []string{"tenant_id", "user_id", "api_key_id"} {
		if v, ok := c.Get(logKeyPrefix + k).(string); ok && v != "" {
			attrs = append(attrs, slog.String(k, v))
		}
	}
	return attrs
}

const logKeyPrefix = "log."

// problemTypeKey holds the type of the problem document errorHandler
// answered, for the access log.
const problemTypeKey = "problem_type"

// plannedKey marks a 5xx answer that is the process's planned state, not
// a failure (/readyz while it starts or stops): logged at INFO.
const plannedKey = "planned_unavailable"

// cutShortKey marks a request whose handler failed after the response was
// committed (errorHandler): withAccessLog logs it and cuts the connection.
const cutShortKey = "cut_short"

// withRecover turns a panic into a 500 problem and logs the stack.
func withRecover(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					log.ErrorContext(c.Request().Context(), "panic", "request_id", requestID(c),
						"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return next(c)
		}
	}
}

// withSecurityHeaders sets conservative browser protections. Swagger UI's
// page starts with an inline script, so /docs also allows that script (by
// its hash), and inline styles as the SPA does. API answers are stored in
// no cache: they are a user's or a tenant's data.
func withSecurityHeaders(hsts bool) echo.MiddlewareFunc {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
		"font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
	docsCSP := "default-src 'self'; script-src 'self' " + strings.Join(docsScriptSources(), " ") +
		"; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
		"connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			p := c.Request().URL.Path
			if p == "/docs" || strings.HasPrefix(p, "/docs/") {
				h.Set("Content-Security-Policy", docsCSP)
			} else {
				h.Set("Content-Security-Policy", csp)
			}
			if p == "/api" || strings.HasPrefix(p, "/api/") {
				// Every API answer: contact data, tokens, key secrets,
				// invitation links and exports alike.
				h.Set(echo.HeaderCacheControl, "no-store")
			}
			if hsts {
				h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			return next(c)
		}
	}
}

// withBodyLimit refuses bodies over the limit of the matched route (the
// default, or an override for upload routes): at once when Content-Length
// says so, and while reading otherwise (bind maps that error to 413).
func withBodyLimit(def int64, overrides map[string]int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			limit := def
			if o, ok := overrides[c.Path()]; ok {
				limit = o
			}
			req := c.Request()
			if req.ContentLength > limit {
				return tooLarge(limit)
			}
			if req.Body != nil && req.Body != http.NoBody {
				req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			}
			return next(c)
		}
	}
}

func tooLarge(limit int64) error {
	return apperr.Errorf(apperr.ETOOLARGE, "The request body exceeds the limit of %s.", humanBytes(limit))
}

// minUploadRate is the slowest an upload may arrive on average once it has
// taken longer than the read timeout: 64 kbit/s.
const minUploadRate = 8 << 10

// withUploadDeadlines lets the upload routes (bodyLimits) take as long
// as its file needs instead of the server's read and write timeouts, which
// would cut off a large file on an ordinary uplink (a Pro package's 512 MiB
// at 10 Mbit/s takes seven minutes). Each read that brings bytes moves the
// connection's deadlines on: reading, by uploadIdle (a client that stops
// sending is ended), but never past the read timeout plus what the bytes
// so far earn at minUploadRate (a client that drips a byte now and then is
// ended too); writing the answer, by the write timeout.
func withUploadDeadlines(routes map[string]int64, timeouts func() serverTimeouts) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if _, ok := routes[c.Path()]; !ok || req.Body == nil || req.Body == http.NoBody {
				return next(c)
			}
			b := &uploadBody{ReadCloser: req.Body, rc: http.NewResponseController(c.Response()), t: timeouts(), start: time.Now()}
			b.extend(b.start)
			req.Body = b
			return next(c)
		}
	}
}

// uploadBody moves the connection's deadlines on as the body arrives.
type uploadBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	t     serverTimeouts
	start time.Time
	total int64
}

func (b *uploadBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.total += int64(n)
		b.extend(time.Now())
	}
	return n, err
}

// extend sets the deadlines after a read at now. A server without deadlines
// (tests through the handler) has nothing to move.
func (b *uploadBody) extend(now time.Time) {
	read := now.Add(b.t.uploadIdle)
	earned := b.start.Add(b.t.read + time.Duration(float64(b.total)/minUploadRate*float64(time.Second)))
	if earned.Before(read) {
		read = earned
	}
	_ = b.rc.SetReadDeadline(read)
	_ = b.rc.SetWriteDeadline(now.Add(b.t.write))
}

// withDeadlines bounds the database work of API requests, so that a
// PostgreSQL that hangs, or a pool taken by stuck queries, answers 503 with
// Retry-After (errorHandler) instead of holding the request until its
// client gives up. Every API request waits at most DB_ACQUIRE_TIMEOUT for a
// pooled connection. An ordinary request has REQUEST_TIMEOUT in all;
// downloads and file re-reads (longRoutes) have the write timeout, past
// which their answer could not be sent anyway; uploads (bodyLimits) take as
// long as their file needs (withUploadDeadlines bounds the connection).
// The probes and the SPA are not API requests: /readyz has its own 2 s.
func (s *Server) withDeadlines(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if p := req.URL.Path; p != "/api" && !strings.HasPrefix(p, "/api/") {
			return next(c)
		}
		ctx := db.WithAcquireTimeout(req.Context(), s.cfg.DBAcquireTimeout)
		limit := s.cfg.RequestTimeout
		if _, upload := s.bodyLimits[c.Path()]; upload && req.Method == http.MethodPost {
			limit = 0
		} else if s.longRoutes[req.Method+" "+c.Path()] {
			limit = s.timeouts.write
		}
		if limit > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, limit)
			defer cancel()
		}
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}
