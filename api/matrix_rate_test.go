package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestKeyRateLimitOnEveryKeyRoute: every route an API key may call counts
// the key's requests per minute, and refuses the one over it (429
// rate-limited, with Retry-After), whatever the route would have answered.
func TestKeyRateLimitOnEveryKeyRoute(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin, _ := tb.MustRateLimitedKey(t, "mxrate", 1)
	key := tb.MustCreateKey(t, admin, "contacts:read", "saved:read", "saved:write", "corrections:write", "imports:read",
		"imports:write", "crm:read", "crm:push", "usage:read")
	routes := make([]string, 0, len(expectedKeyScope))
	for route := range expectedKeyScope {
		routes = append(routes, route)
	}
	slices.Sort(routes)
	for _, route := range routes { // in turn: they share the tenant's minute
		method, path, _ := strings.Cut(route, " ")
		path = strings.NewReplacer(":id", uuid.NewString()).Replace(path)
		t.Run(route, func(t *testing.T) {
			if err := tb.db.Gorm.Exec(`DELETE FROM rate_limit_windows WHERE bucket IN (?, ?)`,
				"key:"+key.ID, "tenant:"+admin.tenantID).Error; err != nil {
				t.Fatal(err)
			}
			if rec := tb.credReq(t, method, path, key.Secret, true, nil); rec.Code == http.StatusTooManyRequests {
				t.Fatalf("the first request of the minute: 429: %s", rec.Body.String())
			}
			rec := tb.credReq(t, method, path, key.Secret, true, nil)
			wantStatus(t, rec, http.StatusTooManyRequests)
			if p := decodeProblem(t, rec); p["type"] != "rate-limited" || rec.Header().Get("Retry-After") == "" {
				t.Fatalf("problem %v, Retry-After %q", p, rec.Header().Get("Retry-After"))
			}
		})
	}
}
