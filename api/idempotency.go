package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/idempotency"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

const (
	headerIdempotencyKey      = "Idempotency-Key"
	headerIdempotentReplayed  = "Idempotent-Replayed"
	idempotencyFinishDeadline = 5 * time.Second
)

// idempotent lets a client retry h safely: a request with an
// Idempotency-Key header whose key the tenant used for the same request
// (route, query, caller and body) in the last 24 hours is answered with
// the first request's answer (Idempotent-Replayed: true) instead of running
// again. Only successful answers are kept: after a 4xx or 5xx the retry
// runs. The same key with another request is 422; while the first request
// runs, 409 idempotency-key-in-use. Without the header h runs as always.
func (s *Server) idempotent(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		key := req.Header.Get(headerIdempotencyKey)
		if key == "" || s.svc.Idempotency == nil {
			return h(c)
		}
		if !validIdempotencyKey(key) {
			return apperr.Invalid("Invalid Idempotency-Key header.", apperr.FieldError{Field: headerIdempotencyKey,
				Message: "must be 1 to 255 visible ASCII characters (a UUID is a good key)"})
		}
		p := principal(c)
		if p.TenantID == uuid.Nil {
			return h(c) // keys are a tenant's; these routes need one anyway
		}
		body, err := readBody(req)
		if err != nil {
			return err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))

		fp := sha256.New()
		for _, part := range []string{req.Method, req.URL.Path, req.URL.RawQuery, p.UserID.String(), p.APIKeyID.String(),
			req.Header.Get(echo.HeaderContentType)} {
			fp.Write([]byte(part))
			fp.Write([]byte{0})
		}
		fp.Write(body)

		ctx := req.Context()
		stored, err := s.svc.Idempotency.Begin(ctx, p.TenantID, key, fp.Sum(nil))
		if err != nil {
			return err
		}
		if stored != nil {
			res := c.Response()
			res.Header().Set(headerIdempotentReplayed, "true")
			return c.Blob(stored.Status, stored.ContentType, stored.Body)
		}

		// The outcome is stored even when the client has gone (that is when
		// it retries), within a deadline of its own.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), idempotencyFinishDeadline)
		defer cancel()
		rec := &recordingWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		finished := false
		defer func() {
			c.Response().Writer = rec.ResponseWriter
			// A panic (answered 500 by withRecover) frees the key as any
			// failure does: its retry runs now, not after the claim runs out.
			if !finished {
				s.abandonKey(fctx, c, p.TenantID, key)
			}
		}()
		err = h(c)
		finished = true
		// A handler's error after a 2xx went out is the client's, gone while
		// its answer was written (the timeout its retry follows): the work
		// was done and the answer whole in rec, so it is kept.
		status := c.Response().Status
		clientGone := err != nil && rec.writeErr != nil && errors.Is(err, rec.writeErr)
		if (err == nil || clientGone) && c.Response().Committed && status >= 200 && status < 300 {
			if ferr := s.svc.Idempotency.Finish(fctx, p.TenantID, key, idempotency.Answer{Status: status,
				ContentType: c.Response().Header().Get(echo.HeaderContentType), Body: rec.body.Bytes()}); ferr != nil {
				s.log.ErrorContext(ctx, "idempotency: store answer", "error", ferr, "request_id", requestID(c))
			}
			return err
		}
		s.abandonKey(fctx, c, p.TenantID, key)
		return err
	}
}

// abandonKey frees key after its request failed, so that a retry runs.
func (s *Server) abandonKey(ctx context.Context, c echo.Context, tenantID uuid.UUID, key string) {
	if err := s.svc.Idempotency.Abandon(ctx, tenantID, key); err != nil {
		s.log.ErrorContext(ctx, "idempotency: free key", "error", err, "request_id", requestID(c))
	}
}

func validIdempotencyKey(k string) bool {
	if len(k) > idempotency.MaxKeyLength {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// recordingWriter keeps a copy of what the handler writes, and the error
// of a write that did not reach the client.
type recordingWriter struct {
	http.ResponseWriter
	body     bytes.Buffer
	writeErr error
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	n, err := w.ResponseWriter.Write(b)
	if err != nil && w.writeErr == nil {
		w.writeErr = err
	}
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
