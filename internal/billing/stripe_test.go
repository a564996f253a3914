package billing

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stripe/stripe-go/v76"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestStripeErr: what a failed Stripe call tells the tenant. A request
// Stripe refused (4xx) is ours to fix: a 500, logged, that retrying does
// not help. Stripe failing, out of reach (5xx, no answer) or limiting our
// rate (429) is a 503 asking to try again in a moment; the rate limit was
// a 500.
func TestStripeErr(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		err  error
		want string
	}{
		"BadRequest":          {&stripe.Error{HTTPStatusCode: 400}, apperr.EINTERNAL},
		"NotFound":            {&stripe.Error{HTTPStatusCode: 404, Code: stripe.ErrorCodeResourceMissing}, apperr.EINTERNAL},
		"LastClientStatus":    {&stripe.Error{HTTPStatusCode: 499}, apperr.EINTERNAL},
		"Wrapped":             {fmt.Errorf("call: %w", &stripe.Error{HTTPStatusCode: 402}), apperr.EINTERNAL},
		"ServerError":         {&stripe.Error{HTTPStatusCode: 500}, apperr.EUNAVAILABLE},
		"LastRedirectStatus":  {&stripe.Error{HTTPStatusCode: 399}, apperr.EUNAVAILABLE},
		"Unreachable":         {errors.New("dial tcp: connection refused"), apperr.EUNAVAILABLE},
		"RateLimitedByStripe": {&stripe.Error{HTTPStatusCode: 429, Code: stripe.ErrorCodeRateLimit}, apperr.EUNAVAILABLE},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := stripeErr("create checkout session", tc.err)
			if got := apperr.Code(err); got != tc.want {
				t.Fatalf("stripeErr(%v) is %s, want %s", tc.err, got, tc.want)
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("stripeErr(%v) = %v, which does not wrap the cause", tc.err, err)
			}
		})
	}
}
