package api

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestOpenAPIMatchesRoutes checks the committed spec against the route
// table: every API route is documented, and an operation declares API key
// security and its x-required-scopes exactly when its permission has a
// scope. (Freshness of the file itself is checked by `make test`.)
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../openapi/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]struct {
			Security       []map[string][]string `json:"security"`
			RequiredScopes []string              `json:"x-required-scopes"`
			OperationID    string                `json:"operationId"`
			Description    string                `json:"description"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
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
	}
}
