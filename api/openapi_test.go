package api

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
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
		Format   string   `json:"format"`
		Items    struct {
			Enum []string `json:"enum"`
		} `json:"items"`
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
		if access.public && len(schemes) > 0 {
			// A generated client would make its callers sign in first.
			t.Errorf("%s: public, yet declares %v", route, schemes)
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
		// A key's request is counted against its minute before the handler
		// runs, so every answer but a 401 (the key itself refused) carries
		// the headers: the 404, 409 or 422 of a request made by key too.
		wantStatus("429", "rate-limited: API keys are limited per minute")
		for code := range op.Responses {
			if code == "401" {
				continue
			}
			for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
				wantHeader(code, h, "integer")
			}
		}
	}
	if _, ok := op.Responses["429"]; ok {
		wantHeader("429", "Retry-After", "integer")
	}
	for _, p := range op.Parameters {
		if p.In == "header" && p.Name == headerIdempotencyKey {
			// s.idempotent: a replay says so, and a key still in use is
			// 409 idempotency-key-in-use with Retry-After.
			wantStatus("409", "idempotency-key-in-use")
			wantHeader("409", "Retry-After", "integer")
			for _, code := range success {
				wantHeader(code, headerIdempotentReplayed, "string")
			}
		}
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
		{"listSaved status", queryEnum(spec, "/saved-contacts", "status"), []string{contacts.SavedStatusSaved, contacts.SavedStatusApproved, contacts.SavedStatusRejected}},
		{"exportSaved status", queryEnum(spec, "/saved-contacts/export", "status"), []string{contacts.SavedStatusSaved, contacts.SavedStatusApproved, contacts.SavedStatusRejected}},
	}
	for _, tt := range tests {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: enum %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// TestOpenAPIQueryFormats: a query parameter that is an id is read as a
// UUID and one that is a time as RFC 3339 (docs/API.md, Query parameters:
// anything else is 422), so the description gives their formats, and a
// client generator types them.
func TestOpenAPIQueryFormats(t *testing.T) {
	t.Parallel()
	spec := readSpec(t)
	for path, item := range spec.Paths {
		for method, op := range item {
			for _, p := range op.Parameters {
				var want string
				switch {
				case p.In != "query":
					continue
				case strings.HasSuffix(p.Name, "_id"):
					want = "uuid"
				case p.Name == "from" || p.Name == "to":
					want = "date-time"
				default:
					continue
				}
				if p.Format != want {
					t.Errorf("%s %s: query parameter %s has format %q, want %q (format(%s) on its @Param)", strings.ToUpper(method), path, p.Name, p.Format, want, want)
				}
			}
		}
	}
}

func queryEnum(spec specDoc, path, name string) []string {
	for _, p := range spec.Paths[path]["get"].Parameters {
		if p.In == "query" && p.Name == name {
			if p.Enum == nil {
				return p.Items.Enum // a repeated parameter
			}
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
// the schema's example where it has one (a whole body's or a property's),
// else the first of its enum values, else a placeholder of its type and
// format ("string", "user@example.com", 0, true) or, for an object or an
// array, a sample of its parts.
func swaggerSample(t *testing.T, schemas map[string]json.RawMessage, raw json.RawMessage) any {
	t.Helper()
	var s struct {
		Ref        string                     `json:"$ref"`
		Type       string                     `json:"type"`
		Format     string                     `json:"format"`
		Example    json.RawMessage            `json:"example"`
		Enum       []any                      `json:"enum"`
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
	case len(s.Enum) > 0:
		return s.Enum[0]
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
	case s.Format == "email":
		return "user@example.com"
	case s.Format == "uuid":
		return "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	case s.Format == "date-time":
		return time.Now().UTC().Format(time.RFC3339)
	default:
		return "string"
	}
}

// placeholders lists where a sample holds a bare type placeholder: the
// "string" that Swagger UI puts where a string has no example, and 0 for a
// number whose schema says it must be at least 1.
func placeholders(t *testing.T, schemas map[string]json.RawMessage, raw json.RawMessage, sample any, path string) []string {
	t.Helper()
	var s struct {
		Ref        string                     `json:"$ref"`
		Minimum    *float64                   `json:"minimum"`
		Items      json.RawMessage            `json:"items"`
		Properties map[string]json.RawMessage `json:"properties"`
		AllOf      []json.RawMessage          `json:"allOf"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	switch {
	case s.Ref != "":
		return placeholders(t, schemas, schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")], sample, path)
	case len(s.AllOf) == 1:
		return placeholders(t, schemas, s.AllOf[0], sample, path)
	}
	var out []string
	switch v := sample.(type) {
	case map[string]any:
		for k, sub := range v {
			if p, ok := s.Properties[k]; ok {
				out = append(out, placeholders(t, schemas, p, sub, path+"."+k)...)
			}
		}
	case []any:
		for _, sub := range v {
			if s.Items != nil {
				out = append(out, placeholders(t, schemas, s.Items, sub, path+"[]")...)
			}
		}
	case string:
		if v == "string" {
			out = append(out, path+` = "string"`)
		}
	case float64:
		if s.Minimum != nil && v < *s.Minimum {
			out = append(out, fmt.Sprintf("%s = %v, below its minimum %v", path, v, *s.Minimum))
		}
	}
	return out
}

// TestOpenAPIRequestSamples: the body Swagger UI fills in for every JSON
// request body holds no bare placeholder. The search's company, industry,
// region and city filters went out as ["string"] (no contact matched),
// PATCH /tenant renamed the organization to "string", and the contact ids
// of a save were "string" (422).
func TestOpenAPIRequestSamples(t *testing.T) {
	t.Parallel()
	type requestBody struct {
		Ref     string `json:"$ref"`
		Content map[string]struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"content"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody *requestBody `json:"requestBody"`
		} `json:"paths"`
		Components struct {
			Schemas       map[string]json.RawMessage `json:"schemas"`
			RequestBodies map[string]requestBody     `json:"requestBodies"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapi.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			body := op.RequestBody
			if body == nil {
				continue
			}
			if body.Ref != "" {
				rb, ok := doc.Components.RequestBodies[strings.TrimPrefix(body.Ref, "#/components/requestBodies/")]
				if !ok {
					t.Fatalf("%s %s: no request body %s", method, path, body.Ref)
				}
				body = &rb
			}
			mt, ok := body.Content["application/json"]
			if !ok || mt.Schema == nil {
				continue
			}
			n++
			sample := swaggerSample(t, doc.Components.Schemas, mt.Schema)
			for _, p := range placeholders(t, doc.Components.Schemas, mt.Schema, sample, "body") {
				t.Errorf("%s %s: %s", strings.ToUpper(method), path, p)
			}
		}
	}
	if n < 30 {
		t.Fatalf("only %d JSON request bodies found: has the description's shape changed?", n)
	}
}

// demoContactID is the contact id of the request examples
// (scripts/openapi-problems.cjs): the first contact of the demo data.
const demoContactID = "01856fc7-2400-7bbe-acd9-c1848b6bf8dd"

// TestOpenAPISampleRuns: Swagger UI's Try it out fills a body from the
// schema's examples and placeholders, and the user edits what is theirs (the
// sign-in's email and password). Such a body must run on the demo data (the
// test holds the demo's first contact, the one the examples name): the
// search's cursor had no example, so it went out as "string" and every
// first try answered 400 "The cursor is not valid for this query"; the
// sign-in's tenant_id example was "0190...", so the sign-in that gives
// Authorize its token answered 422 unless the user found and deleted that
// field; the search's filters said "string" for company, industry, region
// and city and found no contact; a save's contact ids were "string" (422).
//
// Routes without a runnable sample: the invitation and password-reset ones
// need the token of a mail's link, switch-tenant the id of one of the
// user's organizations, an import mapping the import's own columns.
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
	tb.MustSetPackage(t, admin.tenantID, "pro") // API keys, as the demo's Acme
	sysadmin := tb.MustSystemUser(t, tenancy.SystemAdmin)
	// The examples' contact is the demo's first one (TestDemoExampleContact
	// in internal/contacts): here the tenant's own, so that no other test's
	// shared search sees it. An earlier run in this process (go test
	// -count=N shares the package's database) left it to its own tenant,
	// and a contact's owner never changes: that one goes first.
	if err := tb.db.Gorm.Exec(`DELETE FROM contacts WHERE id = ?`, demoContactID).Error; err != nil {
		t.Fatal(err)
	}
	if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, email, title, seniority, department,
		company_name, company_domain, industry, city, region, country, owner_tenant_id, source)
		VALUES (?, 'Megan', 'Lewis', 'meganl@forgesystems.com', 'Senior Support Engineer', 'senior', 'customer_success',
		'Forge Systems', 'forgesystems.com', 'Software', 'Houston', 'Texas', 'US', ?, 'import')`, demoContactID, admin.tenantID).Error; err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, schema, path, token string
		edit                              map[string]any
		wantStatus                        int
		check                             func(t *testing.T, rec *httptest.ResponseRecorder)
	}{
		{"OKSearch", http.MethodPost, "SearchRequest", "/api/v1/contacts/search", admin.token, nil, http.StatusOK,
			func(t *testing.T, rec *httptest.ResponseRecorder) {
				if page := decode[SearchResponse](t, rec); len(page.Items) == 0 {
					t.Error("the sample search finds no contact")
				}
			}},
		{"OKLogin", http.MethodPost, "LoginRequest", "/api/v1/auth/login", "", map[string]any{"email": admin.email, "password": testPassword}, http.StatusOK, nil},
		{"OKCreateList", http.MethodPost, "ListRequest", "/api/v1/lists", admin.token, nil, http.StatusCreated, nil},
		{"OKCreateAPIKey", http.MethodPost, "CreateAPIKeyRequest", "/api/v1/api-keys", admin.token, nil, http.StatusCreated, nil},
		{"OKSaveContacts", http.MethodPost, "SaveContactsRequest", "/api/v1/saved-contacts", admin.token, nil, http.StatusOK,
			func(t *testing.T, rec *httptest.ResponseRecorder) {
				if got := decode[SaveResultResponse](t, rec); got.Saved != 1 {
					t.Errorf("the sample saved %+v, want the example contact", got)
				}
			}},
		{"OKUpdateTenant", http.MethodPatch, "UpdateTenantRequest", "/api/v1/tenant", admin.token, nil, http.StatusOK,
			func(t *testing.T, rec *httptest.ResponseRecorder) {
				if got := decode[map[string]any](t, rec)["name"]; got == "string" {
					t.Errorf("the sample renamed the organization to %q", got)
				}
			}},
		{"OKUpdateMe", http.MethodPatch, "UpdateMeRequest", "/api/v1/me", admin.token, nil, http.StatusOK, nil},
		{"OKCreatePackage", http.MethodPost, "CreatePackageRequest", "/api/v1/admin/packages", sysadmin.token,
			// Code and Stripe price are unique: this run's own, as the
			// package's database outlives a run (go test -count=N).
			map[string]any{"code": "team-" + uuid.NewString()[:8], "stripe_price_id": "price_1QTeam" + uuid.NewString()[:8]},
			http.StatusCreated, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := swaggerSample(t, doc.Components.Schemas, json.RawMessage(`{"$ref":"#/components/schemas/`+tt.schema+`"}`)).(map[string]any)
			for k, v := range tt.edit {
				body[k] = v
			}
			rec := tb.req(t, tt.method, tt.path, tt.token, body)
			wantStatus(t, rec, tt.wantStatus)
			if tt.check != nil {
				tt.check(t, rec)
			}
		})
	}
}
