package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/audit"
)

// BillingResponse is the tenant's plan, subscription and billing history.
type BillingResponse struct {
	Usage             UsageResponse `json:"usage"`
	StripeConfigured  bool          `json:"stripe_configured"`
	HasBillingAccount bool          `json:"has_billing_account"`
	// CheckoutAllowed: no Stripe subscription runs, so a package can be
	// bought through checkout; otherwise plans change in the portal.
	CheckoutAllowed bool `json:"checkout_allowed"`
	// CheckoutNotApplied: Stripe took a payment for a checkout of the
	// tenant's that could not be applied (its job gave up); the plan has
	// not changed yet and support has been alerted.
	CheckoutNotApplied bool                 `json:"checkout_not_applied"`
	History            []AuditEventResponse `json:"history"`
} //	@name	Billing

// getBilling godoc
//
//	@Summary		Subscription and billing history
//	@Description	The effective package with every limit and its use, the subscription (status, period, cancel at period end, source), whether online billing is available, the history of plan changes (Stripe events and manual changes with their reasons), and checkout_not_applied: a checkout was paid at Stripe but could not be applied yet (the plan has not changed; support has been alerted and applies it).
//	@ID				getBilling
//	@Tags			billing
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	BillingResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Router			/billing/subscription [get]
func (s *Server) getBilling(c echo.Context) error {
	ctx := c.Request().Context()
	tid := principal(c).TenantID
	u, err := s.svc.Limits.UsageOf(ctx, tid)
	if err != nil {
		return err
	}
	evs, _, err := s.svc.Audit.List(ctx, audit.ListParams{TenantID: &tid, Action: "subscription.*", Limit: 100})
	if err != nil {
		return err
	}
	hasAccount, err := s.svc.Billing.HasCustomer(ctx, tid)
	if err != nil {
		return err
	}
	running, err := s.svc.Billing.StripeSubscriptionRunning(ctx, tid)
	if err != nil {
		return err
	}
	notApplied, err := s.svc.Billing.CheckoutNotApplied(ctx, tid)
	if err != nil {
		return err
	}
	// Staff are named as such (tenantAuditEvents); where a Stripe event
	// was delivered from is of no use to the tenant either.
	history := tenantAuditEvents(evs, "").Items
	for i := range history {
		history[i].IP, history[i].RequestID = "", ""
	}
	return c.JSON(http.StatusOK, BillingResponse{Usage: toUsage(u), StripeConfigured: s.svc.Billing.StripeConfigured(),
		HasBillingAccount: hasAccount, CheckoutAllowed: !running, CheckoutNotApplied: notApplied, History: history})
}

// CheckoutRequest names the package to buy.
type CheckoutRequest struct {
	PackageCode string `json:"package_code" validate:"required,max=40" example:"pro"`
} //	@name	CheckoutRequest

// URLResponse is a URL to send the browser to.
type URLResponse struct {
	URL string `json:"url" example:"https://checkout.stripe.com/c/pay/cs_test_…"`
} //	@name	URLResponse

// createCheckoutSession godoc
//
//	@Summary		Start Stripe Checkout
//	@Description	Org admins only. Returns the Checkout URL for a paid package (subscription mode). Returning to the success URL activates nothing: the plan changes when Stripe's signed webhook arrives. A tenant has one Checkout page open at a time: asking again for the same package answers the page already open, and asking for another closes the earlier page (it can no longer be paid). 409 subscription-exists while a Stripe subscription runs, including one whose checkout was paid before Stripe's webhook confirmed it; 409 checkout-in-progress while another request of the tenant's is opening a checkout page (another tab: try again in a moment). 503 billing-not-configured without STRIPE_SECRET_KEY.
//	@ID				createCheckoutSession
//	@Tags			billing
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CheckoutRequest	true	"Package"
//	@Success		200		{object}	URLResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem	"A Stripe subscription is already running, or a checkout was paid and awaits Stripe's confirmation: use the portal (subscription-exists); another request of the tenant's is opening a checkout page (checkout-in-progress)"
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/billing/checkout-session [post]
func (s *Server) createCheckoutSession(c echo.Context) error {
	var req CheckoutRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	url, err := s.svc.Billing.CheckoutSession(c.Request().Context(), principal(c).TenantID, req.PackageCode)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, URLResponse{URL: url})
}

// createPortalSession godoc
//
//	@Summary		Open the Stripe customer portal
//	@Description	Org admins only: manage payment methods, invoices and cancellation at Stripe.
//	@ID				createPortalSession
//	@Tags			billing
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	URLResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		409	{object}	Problem	"No billing account yet, or it was deleted at Stripe (the next checkout opens a new one)"
//	@Failure		503	{object}	Problem
//	@Router			/billing/portal-session [post]
func (s *Server) createPortalSession(c echo.Context) error {
	url, err := s.svc.Billing.PortalSession(c.Request().Context(), principal(c).TenantID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, URLResponse{URL: url})
}

// WebhookResponse acknowledges a webhook.
type WebhookResponse struct {
	Received bool `json:"received"`
} //	@name	WebhookResponse

// stripeWebhook godoc
//
//	@Summary		Stripe webhook
//	@Description	Public, verified by the Stripe-Signature header (HMAC, 300 s tolerance). Each event id is applied once; duplicates answer 200 with no effect; older events never overwrite newer state. Handled: checkout.session.completed, customer.subscription.created|updated|deleted, invoice.paid, invoice.payment_failed; other types are acknowledged and ignored.
//	@ID				stripeWebhook
//	@Tags			billing
//	@Accept			json
//	@Produce		json
//	@Param			Stripe-Signature	header		string	true	"Stripe's signature"
//	@Success		200					{object}	WebhookResponse
//	@Failure		400					{object}	Problem	"Missing, invalid or stale signature, or an event created time Stripe cannot have given (not after 1970, not before the year 10000, or a live event over 300 s ahead of the server's clock)"
//	@Failure		413					{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		503					{object}	Problem	"No webhook secret configured"
//	@Router			/billing/stripe/webhook [post]
func (s *Server) stripeWebhook(c echo.Context) error {
	payload, err := readBody(c.Request())
	if err != nil {
		return err
	}
	// A package that changed (a downgrade without API access) holds for
	// the tenant's keys from the next request: keys read their tenant's
	// subscription digest on every request (apikeys.AuthenticateFrom).
	if err := s.svc.Billing.HandleWebhook(c.Request().Context(), payload, c.Request().Header.Get("Stripe-Signature")); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, WebhookResponse{Received: true})
}
