// Package apperr is the small error vocabulary that every domain package
// speaks. A domain returns an *Error with a Code; the HTTP layer maps codes to
// statuses in exactly one table (api/errors.go). Anything that is not an
// *Error is an internal error and never reaches a client verbatim.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Each service method documents which of these it returns.
const (
	EINVALID      = "invalid"             // the input breaks a rule (422)
	EMALFORMED    = "malformed"           // the input cannot be parsed (400)
	EUNAUTHORIZED = "unauthorized"        // no or bad credentials (401)
	EFORBIDDEN    = "forbidden"           // authenticated but not allowed (403)
	ENOTFOUND     = "not_found"           // missing or not visible to the caller (404)
	ECONFLICT     = "conflict"            // the state forbids it (409)
	ETOOLARGE     = "too_large"           // the body or file is over a limit (413)
	EUNSUPPORTED  = "unsupported"         // wrong media type (415)
	ERATELIMIT    = "rate_limited"        // too many requests or quota used up (429)
	EUNAVAILABLE  = "unavailable"         // a dependency is down or not configured (503)
	EINTERNAL     = "internal"            // a bug or a failure; details are logged only (500; the API answers 503 when the database is unreachable)
	ENOTALLOWED   = "not_allowed"         // the method is not allowed on the route (405)
	EPRECONDITION = "precondition_failed" // the object changed since the caller read it (If-Match, 412)
)

// FieldError names one field of the input and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a domain error safe to show to a client.
type Error struct {
	Code    string
	Message string
	// Type is a short problem type slug (e.g. "quota-exceeded"); empty means
	// the code's default.
	Type   string
	Fields []FieldError
	// Extra members added to the problem document (e.g. metric, limit).
	Extra map[string]any
	// RetryAfter, when set, becomes the Retry-After header.
	RetryAfter time.Duration
	// Limit, for a rate limit that refused the request, is how many it
	// allows in its window (the RateLimit-Limit header; RateLimit-Remaining
	// is then 0 and RateLimit-Reset is RetryAfter).
	Limit int
	// Err is the cause, kept for logs and errors.Is; never shown.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error listing field problems.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: fields}
}

// Code returns the code of the first *Error in err's chain, or EINTERNAL.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries code.
func Is(err error, code string) bool { return Code(err) == code }
