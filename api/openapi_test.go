package api

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/tenancy"
	"github.com/onecloudai/contacts/openapi"
)

// specOperation is what the tests read of an operation in swagger.json.
type specOperation struct {
	Security       []map[string][]string `json:"security"`
	RequiredScopes []string              `json:"x-required-scopes"`
	OperationID    string                `json:"operationId"`
	Description    string                `json:"description"`
	Produces       []string              `json:"produces"`
	Parameters     []struct {
		Name     string   `json:"name"`
		In       string   `json:"in"`
		Required bool     `json:"required"`
		Enum     []string `json:"enum"`
	} `json:"parameters"`
	Responses map[string]struct {
		Headers map[string]struct {
			Type string `json:"type"`
		} `json:"headers"`
	} `json:"responses"`
}

type specDoc struct {
	Paths       map[string]map[string]specOperation `json:"paths"`
	Definitions map[string]struct {
		Required   []string `json:"required"`
		Properties map[string]struct {
			Enum  []string `json:"enum"`
			Items struct {
				Enum []string `json:"enum"`
			} `json:"items"`
		} `json:"properties"`
	} `json:"definitions"`
}

func readSpec(t *testing.T) specDoc {
	t.Helper()
	raw, err := os.ReadFile("../openapi/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec specDoc
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

// rawBodyRoutes read their body as bytes (a signed webhook) instead of
// binding JSON: no 415 or 422 from bind.
var rawBodyRoutes = map[string]bool{"POST /api/v1/crm/webhook": true}

// quotaRoutes meter a monthly quota: their 429 (and for searches every
// success) carries the quota's X-Quota-<Metric>-* headers.
var quotaRoutes = map[string]struct {
	metric    limits.Metric
	onSuccess bool
}{
	"POST /api/v1/contacts/search":   {limits.Searches, true},
	"POST /api/v1/imports/:id/start": {limits.ImportRows, false},
	"POST /api/v1/crm/pushes":        {limits.CRMPushes, false},
}

// TestOpenAPIMatchesRoutes checks the committed spec against the route
// table: every API route is documented, and an operation declares API key
// security and its x-required-scopes exactly when its permission has a
// scope; it lists the statuses and headers the middleware and bind add to
// every route of its kind. (Freshness of the file itself is checked by
// `make test`.)
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	spec := readSpec(t)
	tb := setup(t)
	for route, access := range tb.srv.access {
		method, path, _ := strings.Cut(route, " ")
		path = strings.TrimPrefix(path, "/api/v1")
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, ":") {
				path = strings.Replace(path, seg, "{"+seg[1:]+"}", 1)
			}
		}
		op, ok := spec.Paths[path][strings.ToLower(method)]
		if !ok {
			t.Errorf("%s is not in the OpenAPI description (missing swag annotation?)", route)
			continue
		}
		if op.OperationID == "" {
			t.Errorf("%s has no operationId (@ID)", route)
		}
		var schemes []string
		for _, s := range op.Security {
			for name := range s {
				schemes = append(schemes, name)
			}
		}
		scope, keyable := tenancy.ScopeFor(access.perm)
		keyable = keyable && !access.public && !access.signedIn
		if keyable != slices.Contains(schemes, "ApiKeyAuth") {
			t.Errorf("%s: ApiKeyAuth declared=%v, but API keys may call it=%v", route, !keyable, keyable)
		}
		if keyable && (len(op.RequiredScopes) != 1 || op.RequiredScopes[0] != string(scope)) {
			t.Errorf("%s: x-required-scopes = %v, want [%s]", route, op.RequiredScopes, scope)
		}
		if keyable && !strings.Contains(op.Description, "scope: "+string(scope)) {
			t.Errorf("%s: description does not say 'API key scope: %s'", route, scope)
		}
		if !access.public && !slices.Contains(schemes, "BearerAuth") && access.perm != "" || (access.signedIn && !slices.Contains(schemes, "BearerAuth")) {
			t.Errorf("%s: needs a login but declares no BearerAuth", route)
		}
		checkResponses(t, route, op, keyable)
	}
}

// checkResponses holds an operation to the statuses and headers that come
// from outside its handler: the API-key rate limit (auth_middleware.go),
// Retry-After on every 429 (errors.go), bind and the body limit, quota
// headers and CSV downloads.
func checkResponses(t *testing.T, route string, op specOperation, keyable bool) {
	t.Helper()
	wantStatus := func(code, why string) {
		if _, ok := op.Responses[code]; !ok {
			t.Errorf("%s: no %s response (%s)", route, code, why)
		}
	}
	wantHeader := func(code, name, typ string) {
		r, ok := op.Responses[code]
		if !ok {
			return // reported by wantStatus
		}
		if h, ok := r.Headers[name]; !ok || h.Type != typ {
			t.Errorf("%s: %s response does not declare the %s header %s (@Header)", route, code, typ, name)
		}
	}
	var success []string
	for code := range op.Responses {
		if strings.HasPrefix(code, "2") {
			success = append(success, code)
		}
	}
	if keyable {
		wantStatus("429", "rate-limited: API keys are limited per minute")
		for _, code := range append(success, "429") {
			for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
				wantHeader(code, h, "integer")
			}
		}
	}
	if _, ok := op.Responses["429"]; ok {
		wantHeader("429", "Retry-After", "integer")
	}
	for _, p := range op.Parameters {
		if p.In != "body" {
			continue
		}
		wantStatus("400", "malformed JSON")
		wantStatus("413", "a body over MAX_BODY_BYTES")
		if !rawBodyRoutes[route] {
			wantStatus("415", "a Content-Type other than JSON")
			wantStatus("422", "invalid or unknown fields")
		}
	}
	if q, ok := quotaRoutes[route]; ok {
		wantStatus("429", "quota-exceeded")
		codes := []string{"429"}
		if q.onSuccess {
			codes = append(codes, success...)
		}
		for _, code := range codes {
			name := "X-Quota-" + titleMetric(q.metric)
			wantHeader(code, name+"-Limit", "integer")
			wantHeader(code, name+"-Used", "integer")
			wantHeader(code, name+"-Remaining", "integer")
			wantHeader(code, name+"-Reset", "string")
		}
	}
	if slices.Contains(op.Produces, "text/csv") {
		for _, code := range success {
			wantHeader(code, "Content-Disposition", "string")
		}
	}
}

// TestOpenAPIEnums: the enums of the description are the lists the server
// checks against.
func TestOpenAPIEnums(t *testing.T) {
	t.Parallel()
	spec := readSpec(t)
	var scopes []string
	for _, s := range tenancy.Scopes {
		scopes = append(scopes, string(s))
	}
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"CreateAPIKeyRequest.scopes", spec.Definitions["CreateAPIKeyRequest"].Properties["scopes"].Items.Enum, scopes},
		// Its example named contacts:write, which is no scope.
		{"Problem.required_scope", spec.Definitions["Problem"].Properties["required_scope"].Enum, scopes},
		{"ImportMappingRequest.columns", spec.Definitions["ImportMappingRequest"].Properties["columns"].Items.Enum, append([]string{""}, imports.Fields...)},
		{"ImportMapping.columns", spec.Definitions["ImportMapping"].Properties["columns"].Items.Enum, append([]string{""}, imports.Fields...)},
		{"ImportMappingRequest.match_keys", spec.Definitions["ImportMappingRequest"].Properties["match_keys"].Items.Enum, imports.MatchKeys},
		{"ImportMapping.match_keys", spec.Definitions["ImportMapping"].Properties["match_keys"].Items.Enum, imports.MatchKeys},
		{"listImportRecords outcome", queryEnum(spec, "/imports/{id}/records", "outcome"), imports.Outcomes},
		{"listPlatformImportRecords outcome", queryEnum(spec, "/admin/imports/{id}/records", "outcome"), imports.Outcomes},
	}
	for _, tt := range tests {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: enum %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func queryEnum(spec specDoc, path, name string) []string {
	for _, p := range spec.Paths[path]["get"].Parameters {
		if p.In == "query" && p.Name == name {
			return p.Enum
		}
	}
	return nil
}

// TestOpenAPITimestampFormat: every time.Time of a request or response type
// is described as format date-time (swag says only "string" otherwise).
func TestOpenAPITimestampFormat(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			field, ok := n.(*ast.Field)
			if !ok || field.Tag == nil || !isTime(field.Type) {
				return true
			}
			tag, err := strconv.Unquote(field.Tag.Value)
			if err != nil {
				t.Fatal(err)
			}
			st := reflect.StructTag(tag)
			if _, isJSON := st.Lookup("json"); isJSON && st.Get("format") != "date-time" {
				t.Errorf("%s: a time.Time field without format:\"date-time\"", fset.Position(field.Pos()))
			}
			return true
		})
	}
}

func isTime(e ast.Expr) bool {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "time" && sel.Sel.Name == "Time"
}

// TestOpenAPIBearerScheme: Swagger UI (/docs) sends an apiKey scheme's value
// as typed, so with BearerAuth declared as an apiKey header the access token
// that /auth/login returns went out without "Bearer " and every Try it out
// answered 401. The served OpenAPI 3 description declares an http bearer
// scheme, for which Swagger UI adds the prefix.
func TestOpenAPIBearerScheme(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			SecuritySchemes map[string]struct {
				Type   string `json:"type"`
				Scheme string `json:"scheme"`
				In     string `json:"in"`
				Name   string `json:"name"`
			} `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapi.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		scheme, typ, httpScheme, in, name string
	}{
		{scheme: "BearerAuth", typ: "http", httpScheme: "bearer"},
		{scheme: "ApiKeyAuth", typ: "apiKey", in: "header", name: "X-API-Key"},
	}
	for _, tt := range tests {
		got, ok := doc.Components.SecuritySchemes[tt.scheme]
		if !ok {
			t.Errorf("%s is not declared", tt.scheme)
			continue
		}
		if got.Type != tt.typ || got.Scheme != tt.httpScheme || got.In != tt.in || got.Name != tt.name {
			t.Errorf("%s = %+v, want type %q scheme %q in %q name %q", tt.scheme, got, tt.typ, tt.httpScheme, tt.in, tt.name)
		}
	}
}

// swaggerSample is the body Swagger UI's Try it out fills in from a schema:
// a property's example where it has one, else a placeholder of its type
// ("string", 0, true) or, for an object or an array, a sample of its parts.
func swaggerSample(t *testing.T, schemas map[string]json.RawMessage, raw json.RawMessage) any {
	t.Helper()
	var s struct {
		Ref        string                     `json:"$ref"`
		Type       string                     `json:"type"`
		Example    json.RawMessage            `json:"example"`
		Items      json.RawMessage            `json:"items"`
		Properties map[string]json.RawMessage `json:"properties"`
		AllOf      []json.RawMessage          `json:"allOf"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	switch {
	case s.Example != nil:
		var v any
		if err := json.Unmarshal(s.Example, &v); err != nil {
			t.Fatal(err)
		}
		return v
	case s.Ref != "":
		return swaggerSample(t, schemas, schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")])
	case len(s.AllOf) == 1:
		return swaggerSample(t, schemas, s.AllOf[0])
	case s.Type == "array":
		return []any{swaggerSample(t, schemas, s.Items)}
	case s.Type == "object" || s.Properties != nil:
		obj := map[string]any{}
		for name, p := range s.Properties {
			obj[name] = swaggerSample(t, schemas, p)
		}
		return obj
	case s.Type == "boolean":
		return true
	case s.Type == "integer", s.Type == "number":
		return 0
	default:
		return "string"
	}
}

// TestOpenAPISampleRuns: Swagger UI's Try it out fills a body from the
// schema's examples and placeholders, and the user edits what is theirs (the
// sign-in's email and password). Such a body must run: the search's cursor
// had no example, so it went out as "string" and every first try answered
// 400 "The cursor is not valid for this query"; the sign-in's tenant_id
// example was "0190...", so the sign-in that gives Authorize its token
// answered 422 unless the user found and deleted that field.
func TestOpenAPISampleRuns(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapi.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	tb := setup(t)
	admin := tb.MustSignup(t, "swagger-sample")
	tests := []struct {
		name, schema, path, token string
		edit                      map[string]any
	}{
		{"OKSearch", "SearchRequest", "/api/v1/contacts/search", admin.token, nil},
		{"OKLogin", "LoginRequest", "/api/v1/auth/login", "", map[string]any{"email": admin.email, "password": testPassword}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := swaggerSample(t, doc.Components.Schemas, json.RawMessage(`{"$ref":"#/components/schemas/`+tt.schema+`"}`)).(map[string]any)
			for k, v := range tt.edit {
				body[k] = v
			}
			rec := tb.req(t, http.MethodPost, tt.path, tt.token, body)
			wantStatus(t, rec, http.StatusOK)
		})
	}
}
