package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/identity"
)

// BenchmarkAuthenticatedRequest measures the authenticated-request path
// through the real router: JWT verification plus the one query that
// rebuilds the principal (user, session, membership, tenant), then a
// trivial handler (GET /api/v1/tenant/usage is heavier; /me reads more).
// It reports p50 and p99 per request as custom metrics.
//
//	TEST_DATABASE_URL=... go test ./api -run '^$' -bench AuthenticatedRequest -benchtime 3000x
func BenchmarkAuthenticatedRequest(b *testing.B) {
	tb := setup(b)
	s := tb.MustSignup(b, "bench")
	paths := map[string]string{"authn-only": "/api/v1/tenant", "health-unauthenticated": "/healthz"}
	for name, path := range paths {
		b.Run(name, func(b *testing.B) {
			durations := make([]time.Duration, 0, b.N)
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set(echo.HeaderAuthorization, "Bearer "+s.token)
				rec := httptest.NewRecorder()
				start := time.Now()
				tb.srv.Handler().ServeHTTP(rec, req)
				durations = append(durations, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
			}
			reportPercentiles(b, durations)
		})
	}
}

// BenchmarkAPIKeyRequest compares an API-key request with an access-token
// request to the same route (GET /api/v1/tenant/usage, the usage:read
// scope) through the real router, on a tenant with the Enterprise package
// (6,000 key requests a minute, so the rate limiter answers but never
// refuses). Both pay the route's own queries; the key path adds its
// lookup and the rate-limit upsert, the token path its principal query.
// It reports p50 and p99 per request as custom metrics.
//
//	TEST_DATABASE_URL=... go test ./api -run '^$' -bench APIKeyRequest -benchtime 2000x -count 3
func BenchmarkAPIKeyRequest(b *testing.B) {
	tb := setup(b)
	s := tb.MustSignup(b, "bench-key")
	tb.MustSetPackage(b, s.tenantID, "enterprise")
	key := tb.MustCreateKey(b, s, "usage:read")
	creds := []struct{ name, header, value string }{
		{"api-key", "X-API-Key", key.Secret},
		{"access-token", echo.HeaderAuthorization, "Bearer " + s.token},
	}
	for _, c := range creds {
		b.Run(c.name, func(b *testing.B) {
			durations := make([]time.Duration, 0, b.N)
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/api/v1/tenant/usage", nil)
				req.Header.Set(c.header, c.value)
				rec := httptest.NewRecorder()
				start := time.Now()
				tb.srv.Handler().ServeHTTP(rec, req)
				durations = append(durations, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
			}
			reportPercentiles(b, durations)
		})
	}
}

// BenchmarkPasswordHash measures one argon2id hash with the production
// parameters (the cost of every login and signup).
func BenchmarkPasswordHash(b *testing.B) {
	for b.Loop() {
		if _, err := identity.HashPassword(context.Background(), "correct-horse-battery-staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	pct := func(p float64) float64 { return float64(d[int(float64(len(d)-1)*p)].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}
