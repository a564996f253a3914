// Package stripemock names the stripe-mock server that tests use as the
// Stripe API (make test starts it and sets STRIPE_MOCK_URL). Only tests
// import it.
package stripemock

import (
	"net/url"
	"os"
	"testing"
)

// URL returns stripe-mock's base URL, failing t when STRIPE_MOCK_URL is
// unset or unreadable.
func URL(t testing.TB) *url.URL {
	t.Helper()
	base := os.Getenv("STRIPE_MOCK_URL")
	if base == "" {
		t.Fatal("STRIPE_MOCK_URL is not set: run the tests with `make test` (it starts stripe-mock)")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("STRIPE_MOCK_URL %q: %v", base, err)
	}
	return u
}
