package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// StripeOpts configure the Stripe side of billing. An empty SecretKey
// leaves checkout and the portal off (503 billing-not-configured); manual
// administration works either way.
type StripeOpts struct {
	SecretKey     string
	WebhookSecret string
	APIBase       string // stripe-mock in tests; empty for Stripe itself
	PublicURL     string // success, cancel and return URLs point back into the SPA
}

// WithStripe enables Stripe on the service.
func (s *Service) WithStripe(o StripeOpts) *Service {
	s.webhookSecret = o.WebhookSecret
	s.publicURL = strings.TrimRight(o.PublicURL, "/")
	if o.SecretKey == "" {
		return s
	}
	backends := &stripe.Backends{}
	if o.APIBase != "" {
		cfg := &stripe.BackendConfig{URL: stripe.String(strings.TrimRight(o.APIBase, "/")),
			HTTPClient: &http.Client{Timeout: 20 * time.Second}, MaxNetworkRetries: stripe.Int64(2)}
		b := stripe.GetBackendWithConfig(stripe.APIBackend, cfg)
		backends.API, backends.Connect, backends.Uploads = b, b, b
	} else {
		backends = nil
	}
	s.stripe = client.New(o.SecretKey, backends)
	return s
}

var errNotConfigured = &apperr.Error{Code: apperr.EUNAVAILABLE, Type: "billing-not-configured",
	Message: "Online billing is not configured on this server; contact support@1cloudcrm.com to change your package."}

// StripeSubscriptionRunning reports whether the tenant has a Stripe
// subscription that may still run. Such a tenant changes plans in the
// portal; a second checkout would create a second subscription whose
// webhooks fight the first. Any source: a manual package change keeps a
// running Stripe subscription (and its id), and drops an ended one, as
// does the end of a kept one later (applySubscription). So under a plan
// staff set, a stored id is a subscription that still runs whatever
// status staff gave the plan: staff ending the plan here (canceled) does
// not end it at Stripe, where it goes on billing.
func (s *Service) StripeSubscriptionRunning(ctx context.Context, tenantID uuid.UUID) (bool, error) {
	var running int64
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM subscriptions WHERE tenant_id = ?
		AND stripe_subscription_id IS NOT NULL AND (status IN ? OR source = ?)`, tenantID, runningStatuses, SourceManual).Scan(&running).Error
	return running > 0, err
}

// StripeConfigured reports whether checkout and the portal are available.
func (s *Service) StripeConfigured() bool { return s.stripe != nil }

// CheckoutSession starts Stripe Checkout (subscription mode) for a paid
// package, reusing or creating the tenant's Stripe customer. The tenant id
// travels as client_reference_id and metadata; only the verified webhook
// that follows changes the tenant's plan. Returns EUNAVAILABLE
// (billing-not-configured, or Stripe unreachable), EINVALID (unknown,
// inactive, free or unpriced package), ECONFLICT (subscription-exists: a
// Stripe subscription runs or a checkout was paid; checkout-in-progress:
// another request of the tenant's is opening a checkout), ENOTFOUND.
func (s *Service) CheckoutSession(ctx context.Context, tenantID uuid.UUID, packageCode string) (string, error) {
	if s.stripe == nil {
		return "", errNotConfigured
	}
	pkg, err := s.PackageByCode(ctx, packageCode)
	if err != nil || !pkg.Active || pkg.PriceCents == 0 || pkg.StripePriceID == nil {
		return "", apperr.Invalid("This package cannot be bought online.", apperr.FieldError{Field: "package_code",
			Message: "must be an active paid package with a Stripe price"})
	}
	// One checkout of a tenant's at a time, so that two clicks, or two
	// tabs, cannot open two sessions side by side: the open sessions are
	// read and the new one is made under the tenant's claim. The claim is
	// a row, taken and given back in statements of their own, so no
	// connection is held (nor a lock) while Stripe answers: a slow Stripe
	// used to keep one pooled connection per checkout for the whole round
	// trip.
	claim, err := s.claimCheckout(ctx, tenantID)
	if err != nil {
		return "", err
	}
	// Given back whatever happens to the request; a release that fails
	// leaves the claim to expire, as a crash does.
	defer func() { _ = s.releaseCheckout(context.WithoutCancel(ctx), tenantID, claim) }()
	// Stripe's work ends well before the claim expires, so no other
	// request takes the claim over while this one still calls Stripe.
	ctx, cancel := context.WithTimeout(ctx, checkoutWork)
	defer cancel()
	running, err := s.StripeSubscriptionRunning(ctx, tenantID)
	if err != nil {
		return "", err
	}
	if running {
		return "", &apperr.Error{Code: apperr.ECONFLICT, Type: "subscription-exists",
			Message: "This organization already has a Stripe subscription; change the package in the billing portal."}
	}
	customer, err := s.customerFor(ctx, tenantID)
	if err != nil {
		return "", err
	}
	return s.openCheckout(ctx, tenantID, customer, pkg)
}

// CheckoutClaimTTL is how long a tenant's checkout claim holds: a request
// that died while it held the claim (a crash between taking it and giving
// it back) closes the tenant's checkout for that long at most.
// checkoutWork, the time a request may spend at Stripe under its claim, is
// well within it.
const (
	CheckoutClaimTTL = 2 * time.Minute
	checkoutWork     = time.Minute
)

var errCheckoutInProgress = &apperr.Error{Code: apperr.ECONFLICT, Type: "checkout-in-progress",
	Message: "A checkout page of this organization is being opened (another tab or click); try again in a moment."}

// claimCheckout takes the tenant's checkout claim, or one that expired, and
// returns its id. Returns ECONFLICT (checkout-in-progress) while another
// request holds it.
func (s *Service) claimCheckout(ctx context.Context, tenantID uuid.UUID) (uuid.UUID, error) {
	now := s.now()
	id := uuid.Must(uuid.NewV7())
	var got []uuid.UUID
	err := s.db.WithContext(ctx).Raw(`INSERT INTO checkout_claims (tenant_id, claim_id, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET claim_id = excluded.claim_id, expires_at = excluded.expires_at
		WHERE checkout_claims.expires_at <= ? RETURNING claim_id`, tenantID, id, now.Add(CheckoutClaimTTL), now).Scan(&got).Error
	if err != nil {
		return uuid.Nil, fmt.Errorf("claim checkout: %w", err)
	}
	if len(got) == 0 {
		return uuid.Nil, errCheckoutInProgress
	}
	return id, nil
}

// releaseCheckout gives back the tenant's checkout claim if it is still
// claim (not expired and taken over).
func (s *Service) releaseCheckout(ctx context.Context, tenantID, claim uuid.UUID) error {
	return s.db.WithContext(ctx).Exec(`DELETE FROM checkout_claims WHERE tenant_id = ? AND claim_id = ?`, tenantID, claim).Error
}

var errCheckoutPaid = &apperr.Error{Code: apperr.ECONFLICT, Type: "subscription-exists",
	Message: "A checkout of this organization has been paid; its package applies as soon as Stripe confirms it. Change packages in the billing portal."}

// checkoutPaid returns errCheckoutPaid when one of the tenant's recent
// checkouts was paid and its subscription runs at Stripe: until Stripe's
// webhook tells us (seconds, or hours while Stripe retries), the plan is
// as it was and StripeSubscriptionRunning says nothing runs, so another
// checkout would start a second subscription.
func (s *Service) checkoutPaid(ctx context.Context, tenantID uuid.UUID, customer string) error {
	lp := &stripe.CheckoutSessionListParams{Customer: stripe.String(customer), Status: stripe.String(string(stripe.CheckoutSessionStatusComplete))}
	lp.Context = ctx
	lp.AddExpand("data.subscription")
	lp.Single = true // the ten most recent are enough: older ones were confirmed long ago
	lp.Filters.AddFilter("limit", "", "10")
	it := s.stripe.CheckoutSessions.List(lp)
	for it.Next() {
		sess := it.CheckoutSession()
		if sess.ClientReferenceID != tenantID.String() || sess.Subscription == nil {
			continue
		}
		if status, ok := stripeStatus[sess.Subscription.Status]; ok && slices.Contains(runningStatuses, status) {
			return errCheckoutPaid
		}
	}
	if err := it.Err(); err != nil {
		return stripeErr("list checkout sessions", err)
	}
	return nil
}

// openCheckout returns the URL of the tenant's open Checkout session for
// pkg, creating it, and expires every other open session of the tenant's:
// two sessions left open (two tabs, a second package chosen) could both be
// paid, each starting a subscription that Stripe bills (one of them
// ignored as not the tenant's current subscription). An open session for
// the same package at the same price is reused (a second click, a reload),
// so the page a first click opened stays payable.
func (s *Service) openCheckout(ctx context.Context, tenantID uuid.UUID, customer string, pkg Package) (string, error) {
	if err := s.checkoutPaid(ctx, tenantID, customer); err != nil {
		return "", err
	}
	lp := &stripe.CheckoutSessionListParams{Customer: stripe.String(customer), Status: stripe.String(string(stripe.CheckoutSessionStatusOpen))}
	lp.Context = ctx
	lp.Filters.AddFilter("limit", "", "100")
	var reuse string
	it := s.stripe.CheckoutSessions.List(lp)
	for it.Next() {
		sess := it.CheckoutSession()
		if sess.ClientReferenceID != tenantID.String() || sess.Status != stripe.CheckoutSessionStatusOpen {
			continue
		}
		if reuse == "" && sess.URL != "" && sess.Metadata["package_code"] == pkg.Code && sess.Metadata["price_id"] == *pkg.StripePriceID {
			reuse = sess.URL
			continue
		}
		ep := &stripe.CheckoutSessionExpireParams{}
		ep.Context = ctx
		if _, err := s.stripe.CheckoutSessions.Expire(sess.ID, ep); err != nil {
			// Paid, or expired, since it was listed: only one that
			// was paid stands in the way.
			gp := &stripe.CheckoutSessionParams{}
			gp.Context = ctx
			now, gerr := s.stripe.CheckoutSessions.Get(sess.ID, gp)
			switch {
			case gerr != nil:
				return "", stripeErr("expire checkout session", err)
			case now.Status == stripe.CheckoutSessionStatusComplete:
				return "", errCheckoutPaid
			case now.Status != stripe.CheckoutSessionStatusExpired:
				return "", stripeErr("expire checkout session", err)
			}
		}
	}
	if err := it.Err(); err != nil {
		return "", stripeErr("list checkout sessions", err)
	}
	if reuse != "" {
		return reuse, nil
	}
	meta := map[string]string{"tenant_id": tenantID.String(), "package_code": pkg.Code}
	params := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		Customer:          stripe.String(customer),
		ClientReferenceID: stripe.String(tenantID.String()),
		LineItems:         []*stripe.CheckoutSessionLineItemParams{{Price: pkg.StripePriceID, Quantity: stripe.Int64(1)}},
		SuccessURL:        stripe.String(s.publicURL + "/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}"),
		CancelURL:         stripe.String(s.publicURL + "/billing?checkout=cancelled"),
		SubscriptionData:  &stripe.CheckoutSessionSubscriptionDataParams{Metadata: meta},
	}
	params.Context = ctx
	params.Metadata = map[string]string{"tenant_id": tenantID.String(), "package_code": pkg.Code, "price_id": *pkg.StripePriceID}
	// No idempotency key of ours: the reuse above answers a second click,
	// and stripe-go gives each request its own key for its retries.
	sess, err := s.stripe.CheckoutSessions.New(params)
	if err != nil {
		return "", stripeErr("create checkout session", err)
	}
	return sess.URL, nil
}

// PortalSession opens the Stripe customer portal for the tenant's customer.
// Returns EUNAVAILABLE, ECONFLICT (no customer yet, or it was deleted at
// Stripe: buy a plan first).
func (s *Service) PortalSession(ctx context.Context, tenantID uuid.UUID) (string, error) {
	if s.stripe == nil {
		return "", errNotConfigured
	}
	var customer *string
	if err := s.db.WithContext(ctx).Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, tenantID).Scan(&customer).Error; err != nil {
		return "", err
	}
	if customer == nil || *customer == "" {
		return "", apperr.Errorf(apperr.ECONFLICT, "There is no billing account yet; choose a paid package first.")
	}
	params := &stripe.BillingPortalSessionParams{Customer: customer, ReturnURL: stripe.String(s.publicURL + "/billing")}
	params.Context = ctx
	sess, err := s.stripe.BillingPortalSessions.New(params)
	var se *stripe.Error
	if errors.As(err, &se) && se.Code == stripe.ErrorCodeResourceMissing {
		// The customer was deleted at Stripe: its next checkout makes a
		// new one (customerFor).
		return "", &apperr.Error{Code: apperr.ECONFLICT, Err: err,
			Message: "The billing account was closed at Stripe; choose a paid package to open a new one."}
	}
	if err != nil {
		return "", stripeErr("create portal session", err)
	}
	return sess.URL, nil
}

// customerFor returns the tenant's Stripe customer, creating it once, or
// again when the stored one was deleted at Stripe (the Dashboard, or an id
// from another Stripe account or mode): Stripe refuses a checkout for it,
// so every checkout of the tenant's failed until support cleared the id
// by hand. Stripe is called outside any transaction; the id is stored only
// where the one read is still stored (a webhook may have stored a customer
// meanwhile), and the stored one is returned. The idempotency key, one per
// customer replaced, makes a repeated creation (callers take turns under
// the checkout claim; one whose claim expired, a retry after the store
// failed) answer the same customer.
func (s *Service) customerFor(ctx context.Context, tenantID uuid.UUID) (string, error) {
	var t struct {
		Name             string
		StripeCustomerID *string
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT name, stripe_customer_id FROM tenants WHERE id = ?`, tenantID).Scan(&t).Error; err != nil {
		return "", err
	}
	if t.Name == "" {
		return "", apperr.Errorf(apperr.ENOTFOUND, "Tenant not found.")
	}
	key, gone := "customer-"+tenantID.String(), ""
	if t.StripeCustomerID != nil && *t.StripeCustomerID != "" {
		gp := &stripe.CustomerParams{}
		gp.Context = ctx
		c, err := s.stripe.Customers.Get(*t.StripeCustomerID, gp)
		var se *stripe.Error
		switch {
		case err == nil && !c.Deleted:
			return *t.StripeCustomerID, nil
		case err != nil && !(errors.As(err, &se) && se.Code == stripe.ErrorCodeResourceMissing):
			return "", stripeErr("get customer", err)
		}
		gone = *t.StripeCustomerID
		key += "-after-" + gone
	}
	params := &stripe.CustomerParams{Name: stripe.String(t.Name)}
	params.Context = ctx
	params.AddMetadata("tenant_id", tenantID.String())
	params.SetIdempotencyKey(key)
	c, err := s.stripe.Customers.New(params)
	if err != nil {
		return "", stripeErr("create customer", err)
	}
	id := c.ID
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE tenants SET stripe_customer_id = ? WHERE id = ? AND stripe_customer_id IS NOT DISTINCT FROM ?`,
			c.ID, tenantID, t.StripeCustomerID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return tx.Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, tenantID).Scan(&id).Error
		}
		data := map[string]any{"stripe_customer_id": id}
		if gone != "" {
			data["replaced_stripe_customer_id"] = gone
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "billing.customer_created", TargetType: "tenant",
			TargetID: tenantID.String(), Data: data})
	})
	return id, err
}

// stripeErr hides Stripe's message from clients (it is logged by the
// caller's error path) and maps an outage to 503. Stripe's rate limit
// (429, still there after the client's retries) is one too: the request
// was sound and goes through in a moment; it was a 500 that told the
// tenant nothing would.
func stripeErr(op string, err error) error {
	var se *stripe.Error
	if errors.As(err, &se) && se.HTTPStatusCode >= 400 && se.HTTPStatusCode < 500 && se.HTTPStatusCode != http.StatusTooManyRequests {
		return &apperr.Error{Code: apperr.EINTERNAL, Message: "billing request rejected", Err: fmt.Errorf("stripe %s: %w", op, err)}
	}
	return &apperr.Error{Code: apperr.EUNAVAILABLE, Message: "The payment provider is not reachable; try again in a moment.", Err: fmt.Errorf("stripe %s: %w", op, err)}
}

// HasCustomer reports whether the tenant has a Stripe customer.
func (s *Service) HasCustomer(ctx context.Context, tenantID uuid.UUID) (bool, error) {
	var id *string
	err := s.db.WithContext(ctx).Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, tenantID).Scan(&id).Error
	return id != nil && *id != "", err
}
