package fakecrm

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxBatch is the most inputs one batch upsert takes.
const MaxBatch = 100

var (
	standardProperties = []string{"email", "first_name", "last_name", "phone", "job_title", "company_name"}
	readOnlyProperties = []string{"id", "external_id", "created_at", "updated_at", "hs_object_id"}
	emailRE            = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// ErrorDetail is one entry of an error's details.
type ErrorDetail struct {
	Field   string `json:"field,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiError writes the contract's error shape.
func apiError(w http.ResponseWriter, status int, code, msg string, details []ErrorDetail, extra map[string]any) {
	body := map[string]any{"status": status, "code": code, "message": msg, "correlation_id": randToken("")[:16]}
	if len(details) > 0 {
		body["details"] = details
	}
	for k, v := range extra {
		body[k] = v
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	writeJSON(w, status, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiCall is an authenticated API request.
type apiCall struct {
	account *account
	grant   *grant
	timeout bool // an injected timeout applies after the write
}

// api wraps an endpoint with authentication, scope check, rate limiting
// and fault injection.
func (s *Server) api(h func(w http.ResponseWriter, r *http.Request, c *apiCall), scope string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.stats.APIRequests++
		s.stats.currentInFlight++
		s.stats.MaxInFlight = max(s.stats.MaxInFlight, s.stats.currentInFlight)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.stats.currentInFlight--
			s.mu.Unlock()
		}()
		c, ok := s.admit(w, r, scope)
		if !ok {
			return
		}
		h(w, r, c)
	}
}

// admit runs the checks in the order a real API gateway would: faults
// (an outage answers before anything else), token, rate limit, scope.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, scope string) (*apiCall, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	isUpsert := strings.HasSuffix(r.URL.Path, "/batch/upsert")
	c := &apiCall{}
	for i := range s.faults {
		f := &s.faults[i]
		if f.count <= 0 || (f.kind == FaultTimeout && !isUpsert) {
			continue
		}
		f.count--
		s.stats.FaultsInjected++
		switch f.kind {
		case FaultRateLimit:
			secs := int(math.Ceil(s.opts.FaultRetryAfter.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			apiError(w, http.StatusTooManyRequests, "RATE_LIMITED", "Rate limit exceeded (injected).", nil,
				map[string]any{"policy": "TEN_SECONDLY"})
			return nil, false
		case FaultUnavailable:
			apiError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "The service is unavailable (injected).", nil, nil)
			return nil, false
		case FaultTimeout:
			c.timeout = true
		}
		break
	}
	s.faults = slices.DeleteFunc(s.faults, func(f fault) bool { return f.count <= 0 })

	authz := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(authz, "Bearer ")
	at := s.access[strings.TrimSpace(tok)]
	switch {
	case !ok || at == nil || at.revoked || at.grant.revoked:
		s.stats.Unauthorized++
		apiError(w, http.StatusUnauthorized, "INVALID_TOKEN", "The access token is missing, invalid or revoked.", nil, nil)
		return nil, false
	case !now.Before(at.expires):
		s.stats.Unauthorized++
		apiError(w, http.StatusUnauthorized, "TOKEN_EXPIRED", "The access token has expired.", nil, nil)
		return nil, false
	}
	c.grant = at.grant
	c.account = s.accountLocked(at.grant.account)

	// Fixed windows per account that start with the first request.
	a := c.account
	if a.windowStart.IsZero() || !now.Before(a.windowStart.Add(s.opts.RateWindow)) {
		a.windowStart, a.windowCount = now, 0
	}
	reset := int(math.Ceil(a.windowStart.Add(s.opts.RateWindow).Sub(now).Seconds()))
	reset = max(reset, 1)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.opts.RateLimit))
	h.Set("X-RateLimit-Reset", strconv.Itoa(reset))
	if a.windowCount >= s.opts.RateLimit {
		s.stats.RateLimited++
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("Retry-After", strconv.Itoa(reset))
		apiError(w, http.StatusTooManyRequests, "RATE_LIMITED",
			fmt.Sprintf("You have reached your ten-secondly limit of %d requests.", s.opts.RateLimit), nil,
			map[string]any{"policy": "TEN_SECONDLY"})
		return nil, false
	}
	a.windowCount++
	h.Set("X-RateLimit-Remaining", strconv.Itoa(s.opts.RateLimit-a.windowCount))

	if scope != "" && !slices.Contains(at.grant.scopes, scope) {
		apiError(w, http.StatusForbidden, "MISSING_SCOPES", "The token lacks a required scope.",
			[]ErrorDetail{{Field: "scope", Code: "MISSING_SCOPE", Message: scope}}, nil)
		return nil, false
	}
	return c, true
}

// getAccount is GET /v1/account.
func (s *Server) getAccount(w http.ResponseWriter, _ *http.Request, c *apiCall) {
	writeJSON(w, http.StatusOK, map[string]any{"account_id": c.account.id, "name": c.account.name, "scopes": c.grant.scopes})
}

// upsertInput is one input of a batch upsert.
type upsertInput struct {
	ExternalID string         `json:"external_id"`
	Properties map[string]any `json:"properties"`
}

// ItemError is a per-item error.
type ItemError struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	Field      string `json:"field,omitempty"`
	ExistingID string `json:"existing_id,omitempty"`
}

// Result is one per-item result of a batch upsert.
type Result struct {
	Index      int        `json:"index"`
	ExternalID string     `json:"external_id"`
	Status     string     `json:"status"`
	ID         string     `json:"id,omitempty"`
	UpdatedAt  *time.Time `json:"updated_at,omitempty"`
	Error      *ItemError `json:"error,omitempty"`
}

// batchUpsert is POST /v1/contacts/batch/upsert.
func (s *Server) batchUpsert(w http.ResponseWriter, r *http.Request, c *apiCall) {
	var body struct {
		Inputs []upsertInput `json:"inputs"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20))
	if err := dec.Decode(&body); err != nil {
		apiError(w, http.StatusBadRequest, "VALIDATION_ERROR", "The body is not valid JSON.", nil, nil)
		return
	}
	switch {
	case len(body.Inputs) == 0:
		apiError(w, http.StatusBadRequest, "VALIDATION_ERROR", "inputs must hold 1 to 100 items.",
			[]ErrorDetail{{Field: "inputs", Code: "MIN_ITEMS", Message: "At least 1 input."}}, nil)
		return
	case len(body.Inputs) > MaxBatch:
		apiError(w, http.StatusBadRequest, "BATCH_TOO_LARGE", "Max 100 inputs",
			[]ErrorDetail{{Field: "inputs", Code: "MAX_ITEMS", Message: "At most 100 inputs."}}, nil)
		return
	}
	seen := map[string]bool{}
	for i, in := range body.Inputs {
		if in.ExternalID == "" || len(in.ExternalID) > 255 {
			apiError(w, http.StatusBadRequest, "VALIDATION_ERROR", "external_id is required (max 255 characters).",
				[]ErrorDetail{{Field: fmt.Sprintf("inputs[%d].external_id", i), Code: "INVALID", Message: "1 to 255 characters."}}, nil)
			return
		}
		if seen[in.ExternalID] {
			apiError(w, http.StatusBadRequest, "DUPLICATE_INPUT", "An external_id appears twice in one request.",
				[]ErrorDetail{{Field: fmt.Sprintf("inputs[%d].external_id", i), Code: "DUPLICATE", Message: in.ExternalID}}, nil)
			return
		}
		seen[in.ExternalID] = true
	}

	s.mu.Lock()
	s.stats.UpsertRequests++
	results := make([]Result, len(body.Inputs))
	errs := 0
	for i, in := range body.Inputs {
		results[i] = s.upsertLocked(c.account, i, in)
		if results[i].Error != nil {
			errs++
		}
	}
	after := s.afterW
	hold := s.opts.TimeoutHold
	s.mu.Unlock()
	// The write has committed.
	if after != nil {
		after(c.account.id)
	}
	if c.timeout {
		select {
		case <-r.Context().Done():
		case <-time.After(hold):
		}
		apiError(w, http.StatusGatewayTimeout, "UNAVAILABLE", "The request timed out (injected).", nil, nil)
		return
	}
	status := http.StatusOK
	if errs > 0 {
		status = http.StatusMultiStatus
	}
	writeJSON(w, status, map[string]any{"results": results, "num_errors": errs})
}

// upsertLocked applies one input. s.mu is held.
func (s *Server) upsertLocked(a *account, i int, in upsertInput) Result {
	res := Result{Index: i, ExternalID: in.ExternalID, Status: "error"}
	fail := func(code, msg, field, existing string) Result {
		res.Error = &ItemError{Code: code, Message: msg, Field: field, ExistingID: existing}
		return res
	}
	props := map[string]string{}
	for k, v := range in.Properties {
		field := "properties." + k
		switch {
		case slices.Contains(readOnlyProperties, k):
			return fail("READ_ONLY_PROPERTY", "The property "+k+" is read-only.", field, "")
		case !slices.Contains(standardProperties, k) && !a.custom[k]:
			return fail("UNKNOWN_PROPERTY", "The property "+k+" does not exist.", field, "")
		}
		str, ok := v.(string)
		if !ok {
			return fail("INVALID_VALUE", "Property values are strings.", field, "")
		}
		if k == "email" && str != "" {
			str = strings.ToLower(strings.TrimSpace(str))
			if !emailRE.MatchString(str) {
				return fail("INVALID_VALUE", "Invalid email address.", field, "")
			}
		}
		props[k] = str
	}
	rec := a.byExternal[in.ExternalID]
	if rec != nil && rec.Deleted {
		return fail("RECORD_DELETED", "The contact for this external_id was deleted.", "", rec.ID)
	}
	if email := props["email"]; email != "" {
		if other := a.byEmail[email]; other != nil && other != rec {
			return fail("EMAIL_CONFLICT", "Email used by contact "+other.ID, "properties.email", other.ID)
		}
	}
	now := s.now()
	if rec == nil {
		s.nextID++
		rec = &Record{ID: "c_" + strconv.Itoa(s.nextID), ExternalID: in.ExternalID, Properties: map[string]string{}, CreatedAt: now}
		a.records[rec.ID] = rec
		a.byExternal[in.ExternalID] = rec
		res.Status = "created"
	} else {
		res.Status = "updated"
	}
	if email, ok := props["email"]; ok {
		a.setEmail(rec, email)
	}
	for k, v := range props {
		if v == "" {
			delete(rec.Properties, k)
		} else {
			rec.Properties[k] = v
		}
	}
	rec.UpdatedAt = now
	res.ID = rec.ID
	t := now
	res.UpdatedAt = &t
	return res
}

func recordJSON(r *Record) map[string]any {
	return map[string]any{"id": r.ID, "external_id": r.ExternalID, "properties": r.Properties,
		"created_at": r.CreatedAt, "updated_at": r.UpdatedAt}
}

func (s *Server) writeRecord(w http.ResponseWriter, r *Record) {
	switch {
	case r == nil:
		apiError(w, http.StatusNotFound, "NOT_FOUND", "No such contact.", nil, nil)
	case r.Deleted:
		apiError(w, http.StatusGone, "RECORD_DELETED", "The contact was deleted.", nil, nil)
	default:
		writeJSON(w, http.StatusOK, recordJSON(r))
	}
}

// getContact is GET /v1/contacts/{id}.
func (s *Server) getContact(w http.ResponseWriter, r *http.Request, c *apiCall) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writeRecord(w, c.account.records[r.PathValue("id")])
}

// getByExternalID is GET /v1/contacts/by-external-id/{external_id}.
func (s *Server) getByExternalID(w http.ResponseWriter, r *http.Request, c *apiCall) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writeRecord(w, c.account.byExternal[r.PathValue("external_id")])
}
