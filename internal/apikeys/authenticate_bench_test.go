package apikeys

import (
	"context"
	"testing"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
)

// BenchmarkAuthenticate measures Authenticate alone for one key of a Pro
// tenant, called again and again (the steady state of an integration):
// what the key path costs a request before the route's own work.
//
//	TEST_DATABASE_URL=... go test ./internal/apikeys -run '^$' -bench Authenticate -benchtime 5000x -count 3
func BenchmarkAuthenticate(b *testing.B) {
	d := dbtest.Shared(b)
	ctx := context.Background()
	tenant, user := proTenant(b, d)
	svc := NewService(d.Gorm, limits.NewService(d.Gorm, 0))
	key := mustCreate(b, svc, tenant, user, CreateParams{Name: "bench", Scopes: []string{"usage:read"}})
	for b.Loop() {
		if _, err := svc.Authenticate(ctx, key.Secret); err != nil {
			b.Fatal(err)
		}
	}
}
