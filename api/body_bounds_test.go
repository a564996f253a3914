package api

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"

	"github.com/onecloudai/contacts/openapi"
)

// boundCase is one value a documented bound refuses, for one field.
type boundCase struct {
	field string // the path errors[].field names: "email", "filters.titles", "scopes[0]"
	rule  string // the bound: "maxLength 254", "enum", ...
	value any
}

// boundCases lists, for each property of schema (one level of nested
// objects, as the search filters), a value just past each bound the
// OpenAPI description documents: one character or item over a maximum
// length or count, one under a minimum, one past a numeric bound, and a
// word outside an enumeration.
func boundCases(prefix string, schema *openapi3.Schema) []boundCase {
	var out []boundCase
	names := make([]string, 0, len(schema.Properties))
	for name := range schema.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ref := schema.Properties[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		p, field := ref.Value, prefix+name
		switch {
		case p.Type.Is(openapi3.TypeObject) && len(p.Properties) > 0:
			out = append(out, boundCases(field+".", p)...)
		case p.Type.Is(openapi3.TypeString):
			if p.MaxLength != nil {
				out = append(out, boundCase{field, fmt.Sprintf("maxLength %d", *p.MaxLength), strings.Repeat("a", int(*p.MaxLength)+1)})
			}
			if p.MinLength > 1 {
				out = append(out, boundCase{field, fmt.Sprintf("minLength %d", p.MinLength), strings.Repeat("a", int(p.MinLength)-1)})
			}
			if len(p.Enum) > 0 && p.Format == "" {
				out = append(out, boundCase{field, "enum", "not-one-of-them"})
			}
			if p.Format == "uuid" {
				out = append(out, boundCase{field, "format uuid", "not-an-id"})
			}
		case p.Type.Is(openapi3.TypeInteger):
			if p.Max != nil && *p.Max < math.MaxInt64/2 {
				out = append(out, boundCase{field, fmt.Sprintf("maximum %.0f", *p.Max), int64(*p.Max) + 1})
			}
			if p.Min != nil && *p.Min > math.MinInt64/2 {
				out = append(out, boundCase{field, fmt.Sprintf("minimum %.0f", *p.Min), int64(*p.Min) - 1})
			}
		case p.Type.Is(openapi3.TypeArray) && p.Items != nil && p.Items.Value != nil:
			item := any("a")
			if it := p.Items.Value; len(it.Enum) > 0 {
				item = it.Enum[0]
			} else if it.Format == "uuid" {
				item = "01856fc7-2400-7bbe-acd9-c1848b6bf8dd"
			}
			if p.MaxItems != nil {
				out = append(out, boundCase{field, fmt.Sprintf("maxItems %d", *p.MaxItems), slices.Repeat([]any{item}, int(*p.MaxItems)+1)})
			}
			if p.MinItems > 0 {
				out = append(out, boundCase{field, fmt.Sprintf("minItems %d", p.MinItems), []any{}})
			}
			if it := p.Items.Value; len(it.Enum) > 0 {
				out = append(out, boundCase{field + "[0]", "items enum", []any{"not-one-of-them"}})
			} else if it.Format == "uuid" {
				out = append(out, boundCase{field + "[0]", "items format uuid", []any{"not-an-id"}})
			}
		}
	}
	return out
}

// exampleBody is a body of schema's required properties, each its
// documented example (or its enumeration's first word), so that a route
// whose service checks a field only once the body's shape is right (a
// name's length, counted after trimming) reaches that check.
func exampleBody(schema *openapi3.Schema) map[string]any {
	body := map[string]any{}
	for _, name := range schema.Required {
		ref := schema.Properties[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		switch p := ref.Value; {
		case p.Example != nil && p.Type.Is(openapi3.TypeArray):
			body[name] = strings.Split(fmt.Sprint(p.Example), ",")
		case p.Example != nil:
			body[name] = p.Example
		case len(p.Enum) > 0:
			body[name] = p.Enum[0]
		case p.Type.Is(openapi3.TypeBoolean):
			body[name] = false
		}
	}
	return body
}

// with is body with the field path "a.b" set to v.
func with(body map[string]any, field string, v any) map[string]any {
	out := map[string]any{}
	maps.Copy(out, body)
	head, rest, ok := strings.Cut(field, ".")
	if !ok {
		out[field] = v
		return out
	}
	inner, _ := out[head].(map[string]any)
	out[head] = with(inner, rest, v)
	return out
}

// problemFields are the fields a problem's errors name.
func problemFields(t testing.TB, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	errs, _ := decodeProblem(t, rec)["errors"].([]any)
	var out []string
	for _, e := range errs {
		f, _ := e.(map[string]any)["field"].(string)
		out = append(out, f)
	}
	return out
}

// tokenFor is the token of a principal a route admits (allowed, as in
// expectedAccess): the tenant admin's, else staff's, else none.
func tokenFor(allowed []string, admin, staff session) string {
	switch {
	case slices.Contains(allowed, "org_admin"):
		return admin.token
	case slices.Contains(allowed, "system_admin"):
		return staff.token
	}
	return ""
}

// TestDocumentedBoundsOnEveryRoute walks every documented operation that
// takes a JSON body, as a principal it admits, and sends each property a
// value just past each bound the OpenAPI description gives it (a length or
// an item count one over its maximum or under its minimum, a number one
// past its range, a word outside its enumeration, a malformed id): the
// answer is 422, naming that field. A bound the server enforces
// differently from the one it documents (one character more or less, an
// enumeration grown on one side only) fails here.
func TestDocumentedBoundsOnEveryRoute(t *testing.T) {
	t.Parallel()
	// Room for 1,001 ids (40 KB).
	tb := setupWith(t, map[string]string{"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": "whsec_bounds", "MAX_BODY_BYTES": "262144"})
	admin := tb.MustSignup(t, "bounds")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	staff := tb.MustSystemUser(t, "system_admin")
	// Accepting an invitation checks its token before the name it sets.
	rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": uniqueEmail("bounds-invitee"), "role": "member"})
	wantStatus(t, rec, http.StatusCreated)
	_, invitation, _ := strings.Cut(decode[InvitationResponse](t, rec).AcceptURL, "token=")
	valid := map[string]map[string]any{"POST /api/v1/invitations/accept": {"token": invitation}}
	// A package's edit and an import's mapping find their object before
	// they check the body: these routes get one.
	code := "b" + strings.ToLower(admin.tenantID[:8])
	rec = tb.req(t, http.MethodPost, "/api/v1/admin/packages", staff.token, map[string]any{"code": code, "name": "Bounds", "active": false,
		"max_users": 1, "searches_per_month": 1, "max_contacts_per_query": 1, "api_requests_per_minute": 0, "import_rows_per_month": 0,
		"max_concurrent_jobs": 1, "crm_pushes_per_month": 0})
	wantStatus(t, rec, http.StatusCreated)
	pkg := decode[PackageResponse](t, rec).ID
	rec = tb.uploadFile(t, "/api/v1/admin/imports", staff.token, false, "vendor.csv", []byte("Email\nann@"+code+".example\n"))
	wantStatus(t, rec, http.StatusCreated)
	targets := map[string]string{
		"PATCH /api/v1/admin/packages/:id":      "/api/v1/admin/packages/" + pkg,
		"PUT /api/v1/admin/imports/:id/mapping": "/api/v1/admin/imports/" + decode[ImportResponse](t, rec).ID + "/mapping",
		"PUT /api/v1/imports/:id/mapping":       "/api/v1/imports/" + tb.MustImport(t, admin, "Email\nann@"+code+".example\n").ID + "/mapping",
	}
	doc, err := openapi3.NewLoader().LoadFromData(openapi.JSON)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			route := method + " /api/v1" + echoPath(path)
			allowed := expectedAccess[route]
			mt := op.RequestBody.Value.Content.Get("application/json")
			if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || slices.Contains(allowed, "webhook") || route == "POST /api/v1/crm/webhook" {
				continue
			}
			token := tokenFor(allowed, admin, staff)
			target := targets[route]
			if target == "" {
				target = pathParam.ReplaceAllStringFunc("/api/v1"+echoPath(path), func(string) string { return uuid.NewString() })
			}
			base := exampleBody(mt.Schema.Value)
			maps.Copy(base, valid[route])
			for _, bc := range boundCases("", mt.Schema.Value) {
				checked++
				t.Run(route+"/"+bc.field+"/"+bc.rule, func(t *testing.T) {
					rec := tb.req(t, method, target, token, with(base, strings.TrimSuffix(bc.field, "[0]"), bc.value))
					if rec.Code != http.StatusUnprocessableEntity {
						t.Fatalf("%s %s past its %s: status %d, want 422; body %.300s", route, bc.field, bc.rule, rec.Code, rec.Body.String())
					}
					if !slices.Contains(problemFields(t, rec), bc.field) {
						t.Fatalf("%s %s past its %s: the problem does not name the field: %s", route, bc.field, bc.rule, rec.Body.String())
					}
				})
			}
		}
	}
	if checked < 60 {
		t.Fatalf("only %d documented bounds checked", checked)
	}
}

// TestUndocumentedValuesRefused: a value just outside what a field
// documents, chosen because it is a word of another list (a staff role as
// a tenant role, a tenant role as a staff role, a state no request sets)
// or a required field left out, is refused with 422 naming the field,
// whichever layer (the request's rules or the service behind them) refuses
// it.
func TestUndocumentedValuesRefused(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "refused")
	member := tb.MustJoin(t, admin, "member")
	staff := tb.MustSystemUser(t, "system_admin")
	other := tb.MustSystemUser(t, "support")
	contact := tb.MustPrivateContact(t, admin.tenantID, "Rene", "Refused")
	rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": uniqueEmail("refused-invitee"), "role": "member"})
	wantStatus(t, rec, http.StatusCreated)
	_, invitation, _ := strings.Cut(decode[InvitationResponse](t, rec).AcceptURL, "token=")
	tests := []struct {
		name, method, path, token string
		body                      map[string]any
		field                     string
	}{
		{"MemberRoleSystemAdmin", http.MethodPatch, "/api/v1/tenant/members/" + member.userID, admin.token, map[string]any{"role": "system_admin"}, "role"},
		{"InvitationRoleSystemAdmin", http.MethodPost, "/api/v1/tenant/invitations", admin.token,
			map[string]any{"email": uniqueEmail("refused-staff"), "role": "system_admin"}, "role"},
		{"SystemRoleOrgAdmin", http.MethodPatch, "/api/v1/admin/users/" + other.userID, staff.token, map[string]any{"system_role": "org_admin"}, "system_role"},
		{"TenantStatusDeleted", http.MethodPatch, "/api/v1/admin/tenants/" + admin.tenantID, staff.token,
			map[string]any{"status": "deleted", "reason": "refused test"}, "status"},
		{"SubscriptionStatusPaused", http.MethodPut, "/api/v1/admin/tenants/" + admin.tenantID + "/subscription", staff.token,
			map[string]any{"package_code": "starter", "status": "paused", "reason": "refused test"}, "status"},
		{"CorrectionFieldSeniority", http.MethodPost, "/api/v1/contacts/" + contact + "/corrections", admin.token,
			map[string]any{"field": "seniority", "value": "vp"}, "field"},
		{"TenantRegionDigits", http.MethodPatch, "/api/v1/tenant", admin.token, map[string]any{"default_region": "1A"}, "default_region"},
		{"PasswordWithoutCurrent", http.MethodPost, "/api/v1/me/password", admin.token, map[string]any{"new_password": "a new passphrase 1"}, "current_password"},
		{"AcceptWithoutPassword", http.MethodPost, "/api/v1/invitations/accept", "", map[string]any{"token": invitation}, "password"},
		{"KeyWithoutName", http.MethodPost, "/api/v1/api-keys", admin.token, map[string]any{"scopes": []string{"contacts:read"}}, "name"},
		{"CorrectionWithoutValue", http.MethodPost, "/api/v1/contacts/" + contact + "/corrections", admin.token, map[string]any{"field": "title"}, "value"},
		{"ListWithoutName", http.MethodPost, "/api/v1/lists", admin.token, map[string]any{}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, tt.method, tt.path, tt.token, tt.body)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422; body %.300s", rec.Code, rec.Body.String())
			}
			if !slices.Contains(problemFields(t, rec), tt.field) {
				t.Fatalf("the problem does not name %s: %s", tt.field, rec.Body.String())
			}
		})
	}
}
