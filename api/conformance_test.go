package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/onecloudai/contacts/openapi"
)

// Every response the integration tests get from the real router is held
// to the committed OpenAPI 3 description (openapi/openapi.json), the one
// the SPA's types and API customers read: its status must be documented
// for the operation, its Content-Type must be one the status declares,
// and a JSON body must validate against the status's schema (required
// fields, types, formats, enums). Object schemas that list their
// properties are closed (additionalProperties: false) for this check, so a
// field the server sends but the description does not name is a
// violation too; free-form objects (maps, `any`) stay open.
//
// Violations are collected per test and fail it when it ends, one line
// per distinct violation.

// conformanceExempt lists, in one place, the requests the check does not
// hold to a documented operation, each with its reason. Everything else is
// checked; an exemption with errorsAreProblems still holds its error
// answers to the Problem schema.
var conformanceExempt = []struct {
	match             func(r *http.Request) bool
	errorsAreProblems bool
	reason            string
}{
	{func(r *http.Request) bool { return !strings.HasPrefix(r.URL.Path, "/api/v1/") }, false,
		"not the documented API: /healthz, /readyz, /metrics, /openapi.json, the Swagger UI under /docs and the SPA's pages and assets"},
	{func(r *http.Request) bool { return r.Method == http.MethodHead }, false,
		"HEAD is not in the description and its answers have no body to check (the API answers it 405; the operational routes as GET)"},
	{func(r *http.Request) bool { return r.Method == http.MethodOptions }, true,
		"OPTIONS is not in the description: it answers 204 with Allow (a CORS preflight when CORS_ALLOWED_ORIGINS is set), as docs/API.md says"},
	{func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/v1/_") }, true,
		"test-only routes (server_test.go withProbeRoute) that exercise bind and the error model"},
}

// conformanceSpec is openapi/openapi.json parsed, closed and routed once
// per test binary.
var conformanceSpec = sync.OnceValues(func() (*specChecker, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.JSON)
	if err != nil {
		return nil, fmt.Errorf("load openapi/openapi.json: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi/openapi.json is not valid OpenAPI 3: %w", err)
	}
	adjustSchemas(doc)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	problem := doc.Components.Schemas["Problem"]
	if problem == nil {
		return nil, errors.New("openapi/openapi.json has no Problem schema")
	}
	return &specChecker{router: router, problem: problem.Value}, nil
})

type specChecker struct {
	router  routers.Router
	problem *openapi3.Schema
}

// adjustSchemas sets additionalProperties: false on every object schema
// that lists properties and says nothing about others. It also lets an
// empty schema (`{}`, swag's `any`, e.g. the values of an audit event's
// data) accept null: OpenAPI 3.0.3 has nullable matter only next to a
// type, and the SPA's types read `{}` as unknown, but kin-openapi refuses
// null wherever nullable is not set.
func adjustSchemas(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			s.AdditionalProperties.Has = openapi3.Ptr(false)
		}
		if s.IsEmpty() {
			s.Nullable = true
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, m := range group {
				walk(m)
			}
		}
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, r := range op.Responses.Map() {
				for _, mt := range r.Value.Content {
					walk(mt.Schema)
				}
			}
		}
	}
}

// violations is the per-test log of responses that broke the description.
var violations sync.Map // testing.TB -> *violationLog

type violationLog struct {
	mu    sync.Mutex
	count map[string]int
	order []string
}

func recordViolation(t testing.TB, msg string) {
	v, loaded := violations.LoadOrStore(t, &violationLog{count: map[string]int{}})
	log := v.(*violationLog)
	if !loaded {
		t.Cleanup(func() {
			violations.Delete(t)
			log.mu.Lock()
			defer log.mu.Unlock()
			var b strings.Builder
			for _, m := range log.order {
				if n := log.count[m]; n > 1 {
					m = fmt.Sprintf("%s (%d times)", m, n)
				}
				b.WriteString("\n  " + m)
			}
			t.Errorf("responses do not match openapi/openapi.json (fix the handler or its swag annotations, then scripts/openapi.sh write):%s", b.String())
		})
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if log.count[msg] == 0 {
		log.order = append(log.order, msg)
	}
	log.count[msg]++
}

// serve sends req through h and holds the response to the API
// description, recording violations against t.
func serve(t testing.TB, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	recordMatrix(t, req, rec)
	if err := checkConformance(req, rec); err != nil {
		recordViolation(t, fmt.Sprintf("%s %s -> %d: %v", req.Method, req.URL.Path, rec.Code, err))
	}
	return rec
}

// checkConformance returns why the response to req breaks the description,
// or nil.
func checkConformance(req *http.Request, rec *httptest.ResponseRecorder) error {
	spec, err := conformanceSpec()
	if err != nil {
		return err
	}
	for _, ex := range conformanceExempt {
		if ex.match(req) {
			if ex.errorsAreProblems && rec.Code >= 400 {
				return checkProblem(spec, rec)
			}
			return nil
		}
	}
	route, params, err := spec.router.FindRoute(req)
	if err != nil {
		// No documented operation: the router itself answered (unknown
		// path, wrong method), and its errors are problem documents too.
		if rec.Code < 400 {
			return fmt.Errorf("no documented operation (%v), yet the answer is not an error", err)
		}
		return checkProblem(spec, rec)
	}
	op := route.Operation
	opts := &openapi3filter.Options{
		IncludeResponseStatus:   true,
		MultiError:              true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()},
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Options:                opts,
	}
	in.SetBodyBytes(rec.Body.Bytes())
	resp := op.Responses.Status(rec.Code)
	if resp == nil && rec.Code == http.StatusServiceUnavailable {
		// Any operation answers 503 while the database is unreachable
		// (docs/API.md, Errors), described once rather than on each one.
		return checkProblem(spec, rec)
	}
	if resp == nil {
		return fmt.Errorf("status %d is not documented for %s (documents %s)", rec.Code, op.OperationID, strings.Join(slices.Sorted(maps.Keys(op.Responses.Map())), ", "))
	}
	if missing := undeclaredHeaders(resp.Value, rec.Header()); len(missing) > 0 {
		return fmt.Errorf("%s: header %s sent with %d is not documented (add an @Header annotation)", op.OperationID, strings.Join(missing, ", "), rec.Code)
	}
	if len(resp.Value.Content) == 0 {
		if rec.Body.Len() > 0 {
			return fmt.Errorf("%s documents no body for %d, yet the answer has a %q body", op.OperationID, rec.Code, rec.Header().Get("Content-Type"))
		}
		return nil
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s: %s", op.OperationID, oneLine(err))
	}
	return nil
}

// contractHeader reports whether a response header is part of the API's
// contract, one a client acts on (rate limits and quotas, when to retry,
// versions for If-Match, replays, where a file or a redirect goes), so the
// description must declare it for each operation and status that sends it.
// Headers every answer carries alike (X-Request-ID, Cache-Control,
// WWW-Authenticate on a 401) are described once in docs/API.md.
func contractHeader(name string) bool {
	name = http.CanonicalHeaderKey(name)
	switch name {
	case "Retry-After", "Etag", "Location", "Idempotent-Replayed", "X-Search-Charged", "Content-Disposition":
		return true
	}
	return strings.HasPrefix(name, "Ratelimit-") || strings.HasPrefix(name, "X-Quota-")
}

// undeclaredHeaders lists the contract headers of h that resp does not
// declare.
func undeclaredHeaders(resp *openapi3.Response, h http.Header) []string {
	var missing []string
	for name := range h {
		if !contractHeader(name) {
			continue
		}
		declared := false
		for d := range resp.Headers {
			if strings.EqualFold(d, name) {
				declared = true
				break
			}
		}
		if !declared {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	return missing
}

// checkProblem holds an error without a documented operation to the
// Problem schema.
func checkProblem(spec *specChecker, rec *httptest.ResponseRecorder) error {
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		return fmt.Errorf("error answer has Content-Type %q, want application/problem+json", ct)
	}
	var v any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		return fmt.Errorf("error answer is not JSON: %w", err)
	}
	if err := spec.problem.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse()); err != nil {
		return fmt.Errorf("not a Problem: %s", oneLine(err))
	}
	return nil
}

// oneLine flattens a (multi) schema error into one readable line, one
// part per distinct JSON pointer (array indexes as *) and reason.
func oneLine(err error) string {
	var parts []string
	var flatten func(error)
	flatten = func(err error) {
		var me openapi3.MultiError
		if errors.As(err, &me) {
			for _, e := range me {
				flatten(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			ptr := se.JSONPointer()
			for i, p := range ptr {
				if _, err := strconv.Atoi(p); err == nil {
					ptr[i] = "*"
				}
			}
			parts = append(parts, fmt.Sprintf("/%s: %s", strings.Join(ptr, "/"), se.Reason))
			return
		}
		parts = append(parts, strings.ReplaceAll(err.Error(), "\n", " "))
	}
	var re *openapi3filter.ResponseError
	if !errors.As(err, &re) {
		flatten(err)
		return strings.Join(parts, "; ")
	}
	if re.Err == nil {
		return re.Reason
	}
	flatten(re.Err)
	slices.Sort(parts)
	return re.Reason + ": " + strings.Join(slices.Compact(parts), "; ")
}

// TestConformanceCheck holds the check itself to what it promises, on
// answers made up to break the description one way each.
func TestConformanceCheck(t *testing.T) {
	t.Parallel()
	const status = `{"database":"ok","environment":"test","name":"x","time":"2026-11-28T20:00:00Z","version":"v1"}`
	const problem = `{"type":"not-found","title":"Not Found","status":404,"code":"not_found","request_id":"r1"}`
	const jsonType, problemType = "application/json", "application/problem+json"
	tests := []struct {
		name, method, path string
		status             int
		contentType, body  string
		want               string // in the violation; "" for none
		header             string // sent with the answer (value 1), if any
	}{
		{"OK", http.MethodGet, "/api/v1/status", 200, jsonType, status, "", ""},
		{"OKProblem", http.MethodGet, "/api/v1/contacts/0195", 404, problemType, problem, "", ""},
		{"UndocumentedStatus", http.MethodGet, "/api/v1/status", 418, problemType, problem, "status 418 is not documented", ""},
		{"ProblemAsJSON", http.MethodGet, "/api/v1/contacts/0195", 404, jsonType, problem, "Content-Type", ""},
		{"MissingField", http.MethodGet, "/api/v1/status", 200, jsonType, `{"database":"ok","environment":"test","name":"x","version":"v1"}`, `"time"`, ""},
		{"WrongType", http.MethodGet, "/api/v1/status", 200, jsonType, strings.Replace(status, `"v1"`, `1`, 1), "/version", ""},
		{"BadFormat", http.MethodGet, "/api/v1/status", 200, jsonType, strings.Replace(status, "2026-11-28T20:00:00Z", "yesterday", 1), "/time", ""},
		{"UndocumentedEnum", http.MethodGet, "/api/v1/status", 200, jsonType, strings.Replace(status, `"ok"`, `"degraded"`, 1), "/database", ""},
		{"UndocumentedField", http.MethodGet, "/api/v1/status", 200, jsonType, strings.Replace(status, `{`, `{"extra":1,`, 1), "extra", ""},
		{"NullNotNullable", http.MethodGet, "/api/v1/status", 200, jsonType, strings.Replace(status, `"x"`, `null`, 1), "/name", ""},
		{"BodyWhereNone", http.MethodDelete, "/api/v1/lists/0195", 204, jsonType, `{}`, "documents no body", ""},
		{"UnknownRouteProblem", http.MethodGet, "/api/v1/nope", 404, problemType, problem, "", ""},
		{"UnknownRoutePlain", http.MethodGet, "/api/v1/nope", 404, "text/plain", "not found", "want application/problem+json", ""},
		{"UnknownRouteSuccess", http.MethodGet, "/api/v1/nope", 200, jsonType, `{}`, "no documented operation", ""},
		{"ProbeErrorNotProblem", http.MethodPost, "/api/v1/_probe", 400, problemType, `{"title":"x"}`, "not a Problem", ""},
		{"ExemptNonAPI", http.MethodGet, "/healthz", 200, "text/plain", "ok", "", ""},
		{"UndocumentedHeader", http.MethodGet, "/api/v1/status", 200, jsonType, status, "header Retry-After sent with 200 is not documented", "Retry-After"},
		{"UndocumentedHeaderNoBody", http.MethodDelete, "/api/v1/tenant/invitations/0195", 204, "", "", "header Ratelimit-Limit", "RateLimit-Limit"},
		// A key's 404 carries its minute's headers, declared since.
		{"DocumentedHeader", http.MethodGet, "/api/v1/contacts/0195", 404, problemType, problem, "", "RateLimit-Limit"},
		{"OrdinaryHeader", http.MethodGet, "/api/v1/status", 200, jsonType, status, "", "X-Request-Id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			if tt.contentType != "" {
				rec.Header().Set("Content-Type", tt.contentType)
			}
			if tt.header != "" {
				rec.Header().Set(tt.header, "1")
			}
			rec.WriteHeader(tt.status)
			rec.WriteString(tt.body)
			err := checkConformance(httptest.NewRequest(tt.method, tt.path, nil), rec)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("violation %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("violation %v, want one naming %q", err, tt.want)
			}
		})
	}
}
