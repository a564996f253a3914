package api

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"

	"github.com/onecloudai/contacts/openapi"
)

// massAssignmentFields are the names a client may add to a write body in the
// hope that the server binds them onto the record it writes.
var massAssignmentFields = []string{"tenant_id", "owner_tenant_id", "user_id", "role", "system_role", "id",
	"created_at", "updated_at", "status", "package_code", "api_access", "scopes", "password_hash"}

// pathParam is a path parameter in the route table's form (:id, :userId).
var pathParam = regexp.MustCompile(`:[A-Za-z_]+`)

// TestWriteBodiesOnEveryRoute walks every documented operation that takes
// a body, as a principal it admits: a JSON body with a field its schema does
// not have (tenant_id, role, id, created_at, status, …) is refused with 422
// naming that field, never bound onto what the route writes; and a body over
// MAX_BODY_BYTES is 413. Signed webhooks take the sender's JSON as it is
// (only the limit applies), and the upload routes have their own, larger
// limit (TestImportBadUploads).
func TestWriteBodiesOnEveryRoute(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, map[string]string{"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": "whsec_sweep"})
	admin := tb.MustSignup(t, "bodysweep")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	staff := tb.MustSystemUser(t, "system_admin")
	doc, err := openapi3.NewLoader().LoadFromData(openapi.JSON)
	if err != nil {
		t.Fatal(err)
	}
	swept := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil {
				continue
			}
			route := method + " /api/v1" + echoPath(path)
			allowed := expectedAccess[route]
			token := tokenFor(allowed, admin, staff)
			target := pathParam.ReplaceAllStringFunc("/api/v1"+echoPath(path), func(string) string { return uuid.NewString() })
			content := op.RequestBody.Value.Content
			if content.Get("multipart/form-data") != nil {
				continue
			}
			t.Run(route+"/TooLarge", func(t *testing.T) {
				big := `{"x":"` + strings.Repeat("a", 2048) + `"}`
				rec := tb.req(t, method, target, token, big)
				wantStatus(t, rec, http.StatusRequestEntityTooLarge)
			})
			if slices.Contains(allowed, "webhook") || route == "POST /api/v1/crm/webhook" {
				continue
			}
			mt := content.Get("application/json")
			if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
				t.Errorf("%s: a body that is not a JSON object", route)
				continue
			}
			swept++
			props := mt.Schema.Value.Properties
			for _, field := range massAssignmentFields {
				if _, ok := props[field]; ok {
					continue
				}
				t.Run(route+"/"+field, func(t *testing.T) {
					rec := tb.req(t, method, target, token, map[string]any{field: "00000000-0000-7000-8000-000000000001"})
					wantStatus(t, rec, http.StatusUnprocessableEntity)
					p := decodeProblem(t, rec)
					errs, _ := p["errors"].([]any)
					if len(errs) != 1 || errs[0].(map[string]any)["field"] != field {
						t.Errorf("the problem does not name %q alone: %v", field, p)
					}
				})
			}
		}
	}
	if swept < 30 {
		t.Fatalf("only %d operations with a JSON body swept", swept)
	}
}
