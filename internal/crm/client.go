package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The client side of CRM_API.md: one call sends a request and sees it
// through the contract's rules, retrying where the contract says so. Every
// HTTP attempt is reported to the caller (record), so the push history holds
// each one with the CRM's answer.

// Attempt outcomes, as stored in crm_push_events.outcome.
const (
	OutcomeCreated      = "created"      // per item: the CRM created the record
	OutcomeUpdated      = "updated"      // per item: the CRM updated the record
	OutcomeItemError    = "error"        // per item: the CRM refused this item (error_code says why)
	OutcomeRateLimited  = "rate_limited" // 429: waited Retry-After and retried
	OutcomeUnauthorized = "unauthorized" // 401: refreshed the token and retried
	OutcomeUnavailable  = "unavailable"  // 5xx: backed off and retried
	OutcomeTimeout      = "timeout"      // no answer in time: backed off and retried
	OutcomeNetwork      = "network_error"
	OutcomeRejected     = "rejected"    // 4xx for the whole request: not retried
	OutcomeInterrupted  = "interrupted" // the worker stopped before the answer
	OutcomeRead         = "read"        // 200 for reading the record (fill_if_empty needs its values)

	// outcomeOK is a 2xx before its items are read: each item's event takes
	// its own result (created, updated, error), or OutcomeRead.
	outcomeOK = "ok"
)

// attempt is one HTTP request to the CRM.
type attempt struct {
	N          int
	RequestID  uuid.UUID
	At         time.Time
	Duration   time.Duration
	HTTPStatus int // 0: no answer
	Outcome    string
	Code       string // the CRM's error code, if any
	Message    string
	Body       []byte // the CRM's answer
}

// response is a CRM answer the caller reads.
type response struct {
	status int
	header http.Header
	body   []byte
}

// APIError is an answer that retrying cannot fix (400, 404, 410, ...).
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("crm: %d %s: %s", e.Status, e.Code, e.Message)
}

// TransientError is a failure that may pass later (5xx, timeouts, too many
// 429s) after this call's retries ran out.
type TransientError struct {
	Last string
}

func (e *TransientError) Error() string { return "crm: still failing after retries: " + e.Last }

var (
	// errNotConnected: the tenant has no connection (or it was disconnected).
	errNotConnected = errors.New("crm: not connected")
	// errNeedsReauth: the grant is gone; an org admin must reconnect.
	errNeedsReauth = errors.New("crm: the connection needs re-authorization")
	// errAccountChanged: the connection moved to another CRM account since
	// the caller read it; what it planned for the old account is not sent.
	errAccountChanged = errors.New("crm: the connection moved to another account")
)

// crmError is the contract's error body.
type crmError struct {
	Error struct {
		Status  int    `json:"status"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func parseCRMError(body []byte) (code, msg string) {
	var e crmError
	if json.Unmarshal(body, &e) == nil {
		return e.Error.Code, e.Error.Message
	}
	return "", ""
}

// gate paces requests of one tenant: after the CRM says the window is used
// up (X-RateLimit-Remaining: 0 or a 429), requests wait until it resets
// instead of collecting more 429s. It is per process; the CRM's 429s cover
// the rest.
type gate struct {
	until time.Time
}

func (s *Service) gateWait(ctx context.Context, tenantID uuid.UUID) error {
	s.gatesMu.Lock()
	g := s.gates[tenantID.String()]
	var until time.Time
	if g != nil {
		until = g.until
	}
	s.gatesMu.Unlock()
	d := until.Sub(s.now())
	switch {
	case d > s.opts.InlineWaitMax:
		return &LongWaitError{Until: until}
	case d > 0:
		return s.opts.Sleep(ctx, d)
	}
	return nil
}

// LongWaitError is a rate-limit wait (Retry-After, or X-RateLimit-Reset
// with nothing remaining) longer than Options.InlineWaitMax. The call
// returns it instead of sleeping, so that a push job does not hold one of
// the tenant's job slots (shared with imports) while it waits: the job
// snoozes until Until and resumes with what is still queued.
type LongWaitError struct {
	Until time.Time
}

func (e *LongWaitError) Error() string {
	return "crm: rate limited until " + e.Until.UTC().Format(time.RFC3339)
}

func (s *Service) gateBlock(tenantID uuid.UUID, d time.Duration) {
	s.gatesMu.Lock()
	defer s.gatesMu.Unlock()
	g := s.gates[tenantID.String()]
	if g == nil {
		g = &gate{}
		s.gates[tenantID.String()] = g
	}
	if until := s.now().Add(d); until.After(g.until) {
		g.until = until
	}
}

func headerSeconds(h http.Header, name string) (time.Duration, bool) {
	v, err := strconv.Atoi(strings.TrimSpace(h.Get(name)))
	if err != nil || v < 0 {
		return 0, false
	}
	return time.Duration(v) * time.Second, true
}

// noteRateLimit reads the X-RateLimit-* headers of an answer.
func (s *Service) noteRateLimit(tenantID uuid.UUID, h http.Header) {
	if h.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	if reset, ok := headerSeconds(h, "X-RateLimit-Reset"); ok {
		s.gateBlock(tenantID, reset)
	}
}

// backoff is exponential with jitter: half the step is fixed, half random,
// so retries of many workers spread out without ever waiting less than
// half the step.
func (s *Service) backoff(n int) time.Duration {
	d := s.opts.BackoffBase << (n - 1)
	if d <= 0 || d > s.opts.BackoffMax {
		d = s.opts.BackoffMax
	}
	return d/2 + time.Duration(s.opts.Jitter()*float64(d/2))
}

// call sends one API request for tenantID and follows the contract: 429
// waits Retry-After; a token that reaches 80 % of its life while the call
// waits is refreshed before the next attempt; 401 refreshes the token once
// (single-flight) and retries; 5xx, timeouts and network errors retry with backoff and jitter
// (the same body: matching is by external_id, so a replay is safe); 403
// marks the connection as needing re-authorization; other 4xx return
// *APIError with the response. Every attempt goes to record. The request
// is meant for the CRM account account: when the stored token (at the start
// or after a refresh) is another account's, because an org admin connected
// another account meanwhile, it returns errAccountChanged instead of sending
// it there.
func (s *Service) call(ctx context.Context, tenantID uuid.UUID, account, method, path string, body []byte, record func(attempt)) (*response, error) {
	if record == nil {
		record = func(attempt) {}
	}
	if m := s.metrics; m != nil {
		inner := record
		record = func(a attempt) { m.request(a); inner(a) }
	}
	tok, err := s.accessToken(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if tok.account != account {
		return nil, errAccountChanged
	}
	refreshed := false
	transient, limited := 0, 0
	for n := 1; ; n++ {
		if err := s.gateWait(ctx, tenantID); err != nil {
			return nil, err
		}
		if n > 1 {
			// Waiting out rate limits and backoffs can outlast a token (the
			// CRM chooses expires_in): refresh at 80 % of its life here too,
			// as between calls, so that a 401 below means a refused token,
			// not one that aged while this call waited.
			fresh, err := s.renew(ctx, tenantID, tok)
			if err != nil {
				return nil, err
			}
			if fresh.version != tok.version {
				if fresh.account != account {
					return nil, errAccountChanged
				}
				tok, refreshed = fresh, false
			}
		}
		a := attempt{N: n, RequestID: uuid.Must(uuid.NewV7()), At: s.now()}
		start := time.Now()
		resp, err := s.send(ctx, method, path, body, tok.access)
		a.Duration = time.Since(start)
		if err != nil {
			if ctx.Err() != nil {
				a.Outcome, a.Message = OutcomeInterrupted, "The worker stopped before the CRM answered; the push resumes on retry."
				record(a)
				return nil, ctx.Err()
			}
			a.Outcome, a.Message = OutcomeNetwork, "No answer from the CRM: "+netErrorKind(err)
			if isTimeout(err) {
				a.Outcome, a.Message = OutcomeTimeout, "No answer from the CRM within "+s.opts.RequestTimeout.String()+"."
			}
			record(a)
			transient++
			if transient > s.opts.MaxRetries {
				return nil, &TransientError{Last: a.Message}
			}
			if err := s.opts.Sleep(ctx, s.backoff(transient)); err != nil {
				return nil, err
			}
			continue
		}
		a.HTTPStatus, a.Body = resp.status, resp.body
		a.Code, a.Message = parseCRMError(resp.body)
		if resp.status >= 300 && a.Code == "" {
			// Not the contract's error body (a proxy's page, say): the
			// status is all there is to tell.
			a.Code = "HTTP_" + strconv.Itoa(resp.status)
			a.Message = fmt.Sprintf("HTTP %d %s", resp.status, http.StatusText(resp.status))
		}
		s.noteRateLimit(tenantID, resp.header)
		switch st := resp.status; {
		case st >= 200 && st <= 299:
			a.Outcome = outcomeOK
			record(a)
			return resp, nil
		case st == http.StatusTooManyRequests:
			a.Outcome = OutcomeRateLimited
			record(a)
			limited++
			if limited > s.opts.MaxRateLimitWaits {
				return nil, &TransientError{Last: "rate limited " + strconv.Itoa(limited) + " times"}
			}
			wait, ok := headerSeconds(resp.header, "Retry-After")
			if !ok {
				wait, ok = headerSeconds(resp.header, "X-RateLimit-Reset")
			}
			if !ok || wait <= 0 {
				wait = time.Second
			}
			s.gateBlock(tenantID, wait)
		case st == http.StatusUnauthorized:
			a.Outcome = OutcomeUnauthorized
			record(a)
			if refreshed {
				// A fresh token refused too: the grant is gone.
				s.markNeedsReauth(ctx, tenantID, tok.version, "The CRM refused a freshly refreshed token ("+a.Code+").")
				return nil, errNeedsReauth
			}
			refreshed = true
			if tok, err = s.refresh(ctx, tenantID, tok.version); err != nil {
				return nil, err
			}
			if tok.account != account {
				return nil, errAccountChanged
			}
		case st == http.StatusForbidden:
			a.Outcome = OutcomeRejected
			record(a)
			s.markNeedsReauth(ctx, tenantID, tok.version, "The CRM refused access ("+a.Code+"): reconnect to grant it.")
			return nil, errNeedsReauth
		case st >= 500:
			a.Outcome = OutcomeUnavailable
			record(a)
			transient++
			if transient > s.opts.MaxRetries {
				return nil, &TransientError{Last: fmt.Sprintf("%d %s", st, a.Code)}
			}
			if err := s.opts.Sleep(ctx, s.backoff(transient)); err != nil {
				return nil, err
			}
		default:
			a.Outcome = OutcomeRejected
			record(a)
			return resp, &APIError{Status: st, Code: a.Code, Message: a.Message}
		}
	}
}

// send makes one HTTP request with the per-request timeout.
func (s *Service) send(ctx context.Context, method, path string, body []byte, accessToken string) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(s.cfg.APIBase, "/")+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, err
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// netErrorKind describes a transport error without its text (which may
// carry URLs).
func netErrorKind(err error) string {
	var op *net.OpError
	switch {
	case errors.As(err, &op):
		return "connection failed (" + op.Op + ")."
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the connection closed early."
	default:
		return "transport error."
	}
}

// Account is GET /v1/account.
type Account struct {
	AccountID string   `json:"account_id"`
	Name      string   `json:"name"`
	Scopes    []string `json:"scopes"`
}

// fetchAccount reads the account with a bare access token (before the
// connection is stored).
func (s *Service) fetchAccount(ctx context.Context, accessToken string) (*Account, error) {
	resp, err := s.send(ctx, http.MethodGet, "/v1/account", nil, accessToken)
	if err != nil {
		return nil, err
	}
	if resp.status != http.StatusOK {
		code, msg := parseCRMError(resp.body)
		return nil, &APIError{Status: resp.status, Code: code, Message: msg}
	}
	var a Account
	if err := json.Unmarshal(resp.body, &a); err != nil || a.AccountID == "" {
		return nil, errors.New("crm: malformed account answer")
	}
	return &a, nil
}
