package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	Message: "Online billing is not configured on this server; contact support@1cloudcrm.com to change your plan."}

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
// (billing-not-configured), EINVALID (unknown, inactive, free or unpriced
// package), ENOTFOUND.
func (s *Service) CheckoutSession(ctx context.Context, tenantID uuid.UUID, packageCode string) (string, error) {
	if s.stripe == nil {
		return "", errNotConfigured
	}
	pkg, err := s.PackageByCode(ctx, packageCode)
	if err != nil || !pkg.Active || pkg.PriceCents == 0 || pkg.StripePriceID == nil {
		return "", apperr.Invalid("This package cannot be bought online.", apperr.FieldError{Field: "package_code",
			Message: "must be an active paid package with a Stripe price"})
	}
	running, err := s.StripeSubscriptionRunning(ctx, tenantID)
	if err != nil {
		return "", err
	}
	if running {
		return "", &apperr.Error{Code: apperr.ECONFLICT, Type: "subscription-exists",
			Message: "This organization already has a Stripe subscription; change the plan in the billing portal."}
	}
	customer, err := s.customerFor(ctx, tenantID)
	if err != nil {
		return "", err
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
	params.Metadata = meta
	params.SetIdempotencyKey(fmt.Sprintf("checkout-%s-%s-%d", tenantID, *pkg.StripePriceID, time.Now().Unix()/60))
	sess, err := s.stripe.CheckoutSessions.New(params)
	if err != nil {
		return "", stripeErr("create checkout session", err)
	}
	return sess.URL, nil
}

// PortalSession opens the Stripe customer portal for the tenant's customer.
// Returns EUNAVAILABLE, ECONFLICT (no customer yet: buy a plan first).
func (s *Service) PortalSession(ctx context.Context, tenantID uuid.UUID) (string, error) {
	if s.stripe == nil {
		return "", errNotConfigured
	}
	var customer *string
	if err := s.db.WithContext(ctx).Raw(`SELECT stripe_customer_id FROM tenants WHERE id = ?`, tenantID).Scan(&customer).Error; err != nil {
		return "", err
	}
	if customer == nil || *customer == "" {
		return "", apperr.Errorf(apperr.ECONFLICT, "There is no billing account yet; choose a paid plan first.")
	}
	params := &stripe.BillingPortalSessionParams{Customer: customer, ReturnURL: stripe.String(s.publicURL + "/billing")}
	params.Context = ctx
	sess, err := s.stripe.BillingPortalSessions.New(params)
	if err != nil {
		return "", stripeErr("create portal session", err)
	}
	return sess.URL, nil
}

// customerFor returns the tenant's Stripe customer, creating it once. The
// tenant row is locked so two concurrent checkouts cannot create two.
func (s *Service) customerFor(ctx context.Context, tenantID uuid.UUID) (string, error) {
	var id string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t struct {
			Name             string
			StripeCustomerID *string
		}
		if err := tx.Raw(`SELECT name, stripe_customer_id FROM tenants WHERE id = ? FOR UPDATE`, tenantID).Scan(&t).Error; err != nil {
			return err
		}
		if t.Name == "" {
			return apperr.Errorf(apperr.ENOTFOUND, "Tenant not found.")
		}
		if t.StripeCustomerID != nil && *t.StripeCustomerID != "" {
			id = *t.StripeCustomerID
			return nil
		}
		params := &stripe.CustomerParams{Name: stripe.String(t.Name)}
		params.Context = ctx
		params.AddMetadata("tenant_id", tenantID.String())
		params.SetIdempotencyKey("customer-" + tenantID.String())
		c, err := s.stripe.Customers.New(params)
		if err != nil {
			return stripeErr("create customer", err)
		}
		id = c.ID
		if err := tx.Exec(`UPDATE tenants SET stripe_customer_id = ? WHERE id = ?`, id, tenantID).Error; err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "billing.customer_created", TargetType: "tenant",
			TargetID: tenantID.String(), Data: map[string]any{"stripe_customer_id": id}})
	})
	return id, err
}

// stripeErr hides Stripe's message from clients (it is logged by the
// caller's error path) and maps an outage to 503.
func stripeErr(op string, err error) error {
	var se *stripe.Error
	if errors.As(err, &se) && se.HTTPStatusCode >= 400 && se.HTTPStatusCode < 500 {
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
