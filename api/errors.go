package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Problem is an RFC 9457 problem document; every error the API returns has
// this shape and the media type application/problem+json.
type Problem struct {
	Type      string         `json:"type" example:"validation-error"`
	Title     string         `json:"title" example:"Unprocessable Entity"`
	Status    int            `json:"status" example:"422"`
	Detail    string         `json:"detail,omitempty" example:"The request has invalid fields."`
	Instance  string         `json:"instance,omitempty" example:"/api/v1/contacts/search"`
	Code      string         `json:"code" example:"invalid"`
	RequestID string         `json:"request_id,omitempty" example:"0f8fad5b-d9cb-469f-a165-70867728950e"`
	Errors    []ProblemField `json:"errors,omitempty"`

	// Members that some problem types add (errorHandler merges them from
	// apperr.Error.Extra; this struct documents them).

	// Metric is the used-up monthly quota (quota-exceeded).
	Metric string `json:"metric,omitempty" enums:"searches,import_rows,crm_pushes"`
	// Limit is the quota (quota-exceeded), the requests per minute
	// (rate-limited) or the seats (seat limit).
	Limit *int64 `json:"limit,omitempty"`
	// Used and Remaining are the quota's state (quota-exceeded).
	Used      *int64 `json:"used,omitempty"`
	Remaining *int64 `json:"remaining,omitempty"`
	// Requested is what the refused operation needed (an import's rows).
	Requested *int64 `json:"requested,omitempty"`
	// Reset is when the monthly quota resets (quota-exceeded).
	Reset string `json:"reset,omitempty" example:"2026-12-01T00:00:00Z"`
	// ResetSeconds is when the rate-limit window ends (rate-limited), as
	// the RateLimit-Reset header says.
	ResetSeconds *int `json:"reset_seconds,omitempty"`
	// LimitScope says which per-minute limit refused an API-key request
	// (rate-limited): the key's own, or the tenant's, which all its keys
	// share.
	LimitScope string `json:"limit_scope,omitempty" enums:"api_key,tenant"`
	// Feature and Package name what the package lacks
	// (plan-feature-unavailable) or whose cap applied (file too large).
	Feature string `json:"feature,omitempty" example:"api_access"`
	Package string `json:"package,omitempty" example:"free"`
	// LimitBytes is the package's largest import file (413).
	LimitBytes *int64 `json:"limit_bytes,omitempty"`
	// Members and PendingInvitations explain a seat limit.
	Members            *int `json:"members,omitempty"`
	PendingInvitations *int `json:"pending_invitations,omitempty"`
	// RequiredScope is the API key scope the operation needs (403).
	RequiredScope string `json:"required_scope,omitempty" enums:"contacts:read,saved:read,saved:write,corrections:write,imports:read,imports:write,crm:read,crm:push,usage:read" example:"imports:read"`
} //	@name	Problem

// ProblemField is one invalid field of a request.
type ProblemField struct {
	Field   string `json:"field" example:"page_size"`
	Message string `json:"message" example:"must be at most 100"`
} //	@name	ProblemField

// errorStatus is the one table from error codes to HTTP statuses and default
// problem types.
var errorStatus = map[string]struct {
	status int
	typ    string
}{
	apperr.EMALFORMED:    {http.StatusBadRequest, "malformed-request"},
	apperr.EUNAUTHORIZED: {http.StatusUnauthorized, "unauthorized"},
	apperr.EFORBIDDEN:    {http.StatusForbidden, "forbidden"},
	apperr.ENOTFOUND:     {http.StatusNotFound, "not-found"},
	apperr.ENOTALLOWED:   {http.StatusMethodNotAllowed, "method-not-allowed"},
	apperr.ECONFLICT:     {http.StatusConflict, "conflict"},
	apperr.EPRECONDITION: {http.StatusPreconditionFailed, "precondition-failed"},
	apperr.ETOOLARGE:     {http.StatusRequestEntityTooLarge, "payload-too-large"},
	apperr.EUNSUPPORTED:  {http.StatusUnsupportedMediaType, "unsupported-media-type"},
	apperr.EINVALID:      {http.StatusUnprocessableEntity, "validation-error"},
	apperr.ERATELIMIT:    {http.StatusTooManyRequests, "rate-limited"},
	apperr.EINTERNAL:     {http.StatusInternalServerError, "internal-error"},
	apperr.EUNAVAILABLE:  {http.StatusServiceUnavailable, "service-unavailable"},
}

// echoStatusCode translates Echo's own errors (routing, body limit) into our
// codes, so they get the same problem documents as domain errors.
var echoStatusCode = map[int]string{
	http.StatusBadRequest:            apperr.EMALFORMED,
	http.StatusUnauthorized:          apperr.EUNAUTHORIZED,
	http.StatusForbidden:             apperr.EFORBIDDEN,
	http.StatusNotFound:              apperr.ENOTFOUND,
	http.StatusMethodNotAllowed:      apperr.ENOTALLOWED,
	http.StatusRequestEntityTooLarge: apperr.ETOOLARGE,
	http.StatusUnsupportedMediaType:  apperr.EUNSUPPORTED,
	http.StatusTooManyRequests:       apperr.ERATELIMIT,
	http.StatusServiceUnavailable:    apperr.EUNAVAILABLE,
}

// databaseRetryAfter is the Retry-After of an answer that failed because
// the database was unreachable.
const databaseRetryAfter = 5 * time.Second

// statusClientClosedRequest is the status logged for a request whose
// client went away before its answer (nginx's 499); it is never sent.
const statusClientClosedRequest = 499

// errorHandler returns Echo's HTTPErrorHandler: it turns any error into a
// problem document. Internal errors are logged with the request id and
// answered with a generic message; their text never reaches the client.
// A router miss (echo.ErrNotFound) goes to notFound first, which serves the
// SPA for client-side routes and names the path for API misses.
//
// An internal error while the database is unreachable (dbDown, asked only
// then) is an outage, not a bug: 503 service-unavailable with Retry-After,
// so clients and the SPA retry, and logged at ERROR as one. So is one that
// ran out of time (timedOut): the request's deadline or its wait for a
// pooled connection (withDeadlines).
func errorHandler(log *slog.Logger, maxBody int64, notFound func(echo.Context) error, dbDown func(context.Context, error) bool) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			// A download that failed after its 200 went out (the database
			// stopped answering, its list was deleted): no problem document
			// can follow, and ending the body as usual would hand the
			// client a short file that looks whole. withAccessLog cuts the
			// connection instead. A client that went away needs neither.
			if !(errors.Is(err, context.Canceled) && errors.Is(c.Request().Context().Err(), context.Canceled)) {
				log.ErrorContext(c.Request().Context(), "response cut short", "request_id", requestID(c),
					"method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
				c.Set(cutShortKey, true)
			}
			return
		}
		if errors.Is(err, echo.ErrNotFound) && notFound != nil {
			if err = notFound(c); err == nil {
				return
			}
		}
		if errors.Is(err, context.Canceled) && errors.Is(c.Request().Context().Err(), context.Canceled) {
			// The client went away (a page left, a fetch aborted) and took
			// the request's context with it: no one reads an answer, and
			// nothing failed here. Logged and counted as nginx does.
			c.Response().WriteHeader(statusClientClosedRequest)
			return
		}
		e := toAppError(err, maxBody)
		if e.Code == apperr.EINTERNAL && timedOut(c.Request().Context(), err) {
			log.ErrorContext(c.Request().Context(), "database timeout",
				"request_id", requestID(c), "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
			e = &apperr.Error{Code: apperr.EUNAVAILABLE, Message: "The service's database did not answer in time; try again in a moment.",
				RetryAfter: databaseRetryAfter, Err: err}
		} else if e.Code == apperr.EINTERNAL && dbDown != nil && dbDown(c.Request().Context(), err) {
			log.ErrorContext(c.Request().Context(), "database unavailable",
				"request_id", requestID(c), "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
			e = &apperr.Error{Code: apperr.EUNAVAILABLE, Message: "The service cannot reach its database; try again in a moment.",
				RetryAfter: databaseRetryAfter, Err: err}
		}
		m, ok := errorStatus[e.Code]
		if !ok {
			m = errorStatus[apperr.EINTERNAL]
		}
		rid := requestID(c)
		detail := e.Message
		if m.status >= 500 && e.Code == apperr.EINTERNAL {
			log.ErrorContext(c.Request().Context(), "internal error",
				"request_id", rid, "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
			detail = "An unexpected error occurred. Quote the request id when contacting support."
		}
		typ := m.typ
		if e.Type != "" {
			typ = e.Type
		}
		doc := map[string]any{
			"type":       typ,
			"title":      http.StatusText(m.status),
			"status":     m.status,
			"detail":     detail,
			"instance":   c.Request().URL.Path,
			"code":       e.Code,
			"request_id": rid,
		}
		if len(e.Fields) > 0 {
			fields := make([]ProblemField, len(e.Fields))
			for i, f := range e.Fields {
				fields[i] = ProblemField{Field: f.Field, Message: f.Message}
			}
			doc["errors"] = fields
		}
		for k, v := range e.Extra {
			if _, taken := doc[k]; !taken {
				doc[k] = v
			}
		}
		if e.RetryAfter > 0 {
			secs := int(e.RetryAfter.Seconds() + 0.999)
			h := c.Response().Header()
			h.Set("Retry-After", strconv.Itoa(secs))
			if e.Limit > 0 {
				setRateLimit(h, int64(e.Limit), 0, secs)
			}
		}
		quota := ""
		if ex := (*limits.Exhausted)(nil); errors.As(err, &ex) {
			setQuotaHeaders(c, ex.Quota, true)
			quota = string(ex.Quota.Metric)
		}
		if m.status == http.StatusTooManyRequests {
			c.Set(refusalKey, refusal{typ: typ, quota: quota})
		}
		c.Set(problemTypeKey, typ)
		if m.status == http.StatusMethodNotAllowed {
			// Echo stores the allowed methods for the matched path in the context.
			if allow, ok := c.Get(echo.ContextKeyHeaderAllow).(string); ok && allow != "" {
				c.Response().Header().Set(echo.HeaderAllow, allow)
			}
		}
		writeProblem(c, m.status, doc)
	}
}

// timedOut reports whether err failed a request because a deadline of ours
// passed: the request's own (ctx, whatever error the driver then gave) or
// a shorter one inside it, such as the wait for a pooled connection. A client that went
// away cancels ctx instead: that is no timeout.
func timedOut(ctx context.Context, err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded)
}

func writeProblem(c echo.Context, status int, doc map[string]any) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/problem+json")
	h.Set(echo.HeaderCacheControl, "no-store")
	// A download route names its file before it knows whether it can
	// answer; a refusal is a problem to show, not a file to save.
	h.Del(echo.HeaderContentDisposition)
	if c.Request().Method == http.MethodHead {
		c.Response().WriteHeader(status)
		return
	}
	c.Response().WriteHeader(status)
	_ = jsonEncoder(c.Response()).Encode(doc)
}

func toAppError(err error, maxBody int64) *apperr.Error {
	if e, ok := apperr.As(err); ok {
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code, ok := echoStatusCode[he.Code]
		if !ok {
			return &apperr.Error{Code: apperr.EINTERNAL, Message: "internal error", Err: err}
		}
		msg := ""
		switch he.Code {
		case http.StatusNotFound:
			msg = "No route matches this path."
		case http.StatusMethodNotAllowed:
			msg = "This route does not accept this method."
		case http.StatusRequestEntityTooLarge:
			msg = "The request body exceeds the limit of " + humanBytes(maxBody) + "."
		default:
			if s, ok := he.Message.(string); ok {
				msg = s
			} else {
				msg = strings.ToLower(http.StatusText(he.Code))
			}
		}
		return &apperr.Error{Code: code, Message: msg, Err: err}
	}
	return &apperr.Error{Code: apperr.EINTERNAL, Message: "internal error", Err: err}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	default:
		return strconv.FormatInt(n, 10) + " bytes"
	}
}
