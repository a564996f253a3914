package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestQueryCheckOnEveryRoute: every route refuses a query parameter that
// holds a NUL or is not valid UTF-8 (422 naming it, checkQuery), and the
// API description documents that answer for every operation. Each route
// is called as a principal it admits, so the check is reached.
func TestQueryCheckOnEveryRoute(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "mxquery")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	staff := tb.MustSystemUser(t, "system_admin")
	for route, allowed := range expectedAccess {
		method, path, _ := strings.Cut(route, " ")
		path = strings.NewReplacer(":userId", uuid.NewString(), ":id", uuid.NewString()).Replace(path)
		token := tokenFor(allowed, admin, staff)
		for _, q := range []string{"x=a%00b", "x=%ff", "%00=1"} {
			t.Run(route+"?"+q, func(t *testing.T) {
				rec := tb.req(t, method, path+"?"+q, token, nil)
				wantStatus(t, rec, http.StatusUnprocessableEntity)
				if p := decodeProblem(t, rec); p["errors"] == nil {
					t.Errorf("the problem names no parameter: %v", p)
				}
			})
		}
	}
}
