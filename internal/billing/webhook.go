package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/freetext"
)

// WebhookTolerance is how old a signed webhook may be.
const WebhookTolerance = 300 * time.Second

// WithJobs lets the service enqueue work that calls Stripe.
func (s *Service) WithJobs(insert jobs.Inserter) *Service {
	s.jobs = insert
	return s
}

var errBadSignature = apperr.Errorf(apperr.EMALFORMED, "The webhook signature is missing, invalid or too old.")

// HandleWebhook verifies a Stripe webhook and records its event exactly
// once. Subscription and invoice events carry the state they describe and
// are applied in the same transaction; checkout.session.completed needs the
// subscription from Stripe, so it enqueues a job in that transaction.
//
// API versions: the signature and the envelope (id, type, created) are
// version-independent, so events from an endpoint pinned to another API
// version are accepted (IgnoreAPIVersionMismatch) and their objects decoded
// leniently: only ids, status, periods, cancel_at_period_end, metadata and
// price ids are read, fields that are stable across versions, or read
// where a later version moved them (itemPeriods, invoiceParent).
//
// Ordering: an event older than the newest subscription event applied to
// the tenant (subscriptions.last_event_at) is recorded but changes nothing,
// so out-of-order delivery can never roll state back. applySubscription and
// applyInvoice say how same-second events, invoices and events of a
// subscription that is not the tenant's current one are handled; an
// event whose Stripe customer is another tenant's changes nothing
// (outcomeOtherCustomer); the event is stored with the tenant it was about.
// Returns EUNAVAILABLE (no webhook secret), EMALFORMED (signature, or a
// created time Stripe cannot have given: checkCreated).
func (s *Service) HandleWebhook(ctx context.Context, payload []byte, signature string) error {
	evType, outcome, err := s.handleWebhook(ctx, payload, signature)
	if err != nil && outcome == "" {
		outcome = "error"
	}
	s.metrics.webhook(evType, outcome)
	return err
}

// handleWebhook is HandleWebhook, also returning the event's type (once its
// signature holds) and the delivery's outcome for the metrics ("" when it
// failed on something other than its input).
func (s *Service) handleWebhook(ctx context.Context, payload []byte, signature string) (evType, outcome string, err error) {
	if s.webhookSecret == "" {
		return "", "not_configured", errNotConfigured
	}
	ev, err := webhook.ConstructEventWithOptions(payload, signature, s.webhookSecret,
		webhook.ConstructEventOptions{Tolerance: WebhookTolerance, IgnoreAPIVersionMismatch: true})
	if err != nil {
		return "", "bad_signature", &apperr.Error{Code: apperr.EMALFORMED, Message: errBadSignature.Message, Err: err}
	}
	evType = string(ev.Type)
	if err := s.checkCreated(ev); err != nil {
		return evType, "malformed", err
	}
	// Only what the service reads is stored: not the payer's contact or
	// card details (storedPayload).
	stored, err := storedPayload(payload)
	if err != nil {
		return evType, "malformed", &apperr.Error{Code: apperr.EMALFORMED, Message: "The event is not a JSON object.", Err: err}
	}
	ctx = audit.WithActor(ctx, audit.Actor{Label: "stripe", RequestID: audit.ActorFrom(ctx).RequestID, IP: audit.ActorFrom(ctx).IP})
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`INSERT INTO stripe_events (id, type, created, payload) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			ev.ID, string(ev.Type), time.Unix(ev.Created, 0).UTC(), string(stored))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			outcome = "duplicate"
			return nil // a duplicate delivery: already handled
		}
		o, tenantID, err := s.dispatch(ctx, tx, ev)
		if err != nil {
			return err
		}
		outcome = o
		return tx.Exec(`UPDATE stripe_events SET outcome = ?, tenant_id = ?, processed_at = CASE WHEN ? THEN now() END WHERE id = ?`,
			outcome, tenantID, outcome != "queued", ev.ID).Error
	})
	if err != nil {
		return evType, "", err
	}
	return evType, outcome, nil
}

// storableUntil bounds an event's created time from above whatever its
// mode: the first instant PostgreSQL cannot store as it stores the rest
// (and Go cannot format as RFC 3339).
var storableUntil = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)

// checkCreated refuses an event whose created time Stripe cannot have
// given it: zero or negative, at or after the year 10000, or, for a live
// event, more than the signature's tolerance ahead of this server's clock
// (Stripe creates an event before it signs its first delivery, and a retry
// only adds age; the clocks differ by seconds). Stored, one out of
// PostgreSQL's range was a 500 that Stripe retried for days, and one in a
// later year became the tenant's newest event, so every real event after
// it was recorded as stale and changed nothing. Test-mode events may be
// dated ahead: a test clock dates its customers' events in its simulated
// time, which is advanced into the future on purpose. Returns EMALFORMED.
func (s *Service) checkCreated(ev stripe.Event) error {
	at := time.Unix(ev.Created, 0)
	ahead := ev.Livemode && at.After(s.now().Add(WebhookTolerance))
	if ev.Created <= 0 || !at.Before(storableUntil) || ahead {
		return apperr.Errorf(apperr.EMALFORMED,
			"The event's created time (%d) is not one Stripe can have given it: not after 1970, not before the year 10000, or (a live event) more than %d seconds ahead of this server's clock.",
			ev.Created, int(WebhookTolerance.Seconds()))
	}
	return nil
}

// checkPeriod refuses a subscription whose period or cancellation date
// Stripe cannot have given it: before 1970, or at or after the year 10000.
// PostgreSQL stores a later year, but JSON cannot write one, so one applied
// made every answer carrying the tenant's plan a 500. Returns EMALFORMED.
func checkPeriod(sub *stripe.Subscription) error {
	for _, v := range []int64{sub.CurrentPeriodStart, sub.CurrentPeriodEnd, sub.CancelAt} {
		if v < 0 || !time.Unix(v, 0).Before(storableUntil) {
			return apperr.Errorf(apperr.EMALFORMED,
				"The subscription's period (%d to %d, cancel at %d) is not one Stripe can have given it: not after 1970 or not before the year 10000.",
				sub.CurrentPeriodStart, sub.CurrentPeriodEnd, sub.CancelAt)
		}
	}
	return nil
}

// dispatch applies ev, a new event, by its type in tx and returns its
// outcome (stripe_events.outcome) and the tenant it was about: nil when
// no tenant of ours was found, the customer is another tenant's, or the
// event waits for its job (a completed checkout, whose job sets it).
func (s *Service) dispatch(ctx context.Context, tx *gorm.DB, ev stripe.Event) (string, *uuid.UUID, error) {
	at := time.Unix(ev.Created, 0).UTC()
	switch ev.Type {
	case "checkout.session.completed":
		if s.jobs == nil {
			return "", nil, errors.New("billing: no job inserter configured")
		}
		if err := s.jobs(ctx, tx, CheckoutCompletedArgs{EventID: ev.ID}); err != nil {
			return "", nil, err
		}
		return "queued", nil, nil
	case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted":
		var sub stripe.Subscription
		if err := json.Unmarshal(ev.Data.Raw, &sub); err != nil {
			return "undecodable", nil, nil
		}
		if ev.Type == "customer.subscription.deleted" {
			sub.Status = stripe.SubscriptionStatusCanceled
		}
		itemPeriods(ev.Data.Raw, &sub)
		return s.applySubscription(ctx, tx, ev, at, &sub, nil, "")
	case "invoice.paid", "invoice.payment_failed":
		var inv stripe.Invoice
		if err := json.Unmarshal(ev.Data.Raw, &inv); err != nil {
			return "undecodable", nil, nil
		}
		invoiceParent(ev.Data.Raw, &inv)
		if inv.Subscription == nil || inv.Subscription.ID == "" {
			return "ignored: no subscription", nil, nil
		}
		return s.applyInvoice(ctx, tx, ev, at, &inv)
	default:
		return "ignored", nil, nil
	}
}

// itemPeriods reads a subscription's billing period from its items where
// the subscription itself has none: from API version 2025-03-31.basil on,
// Stripe keeps current_period_start and current_period_end on each
// subscription item only. The items of one of our subscriptions share a
// period; the latest end is taken. A period end of its own, even an
// impossible one (checkPeriod refuses it), is kept.
func itemPeriods(raw []byte, sub *stripe.Subscription) {
	if sub.CurrentPeriodEnd != 0 {
		return
	}
	var v struct {
		Items struct {
			Data []struct {
				CurrentPeriodStart int64 `json:"current_period_start"`
				CurrentPeriodEnd   int64 `json:"current_period_end"`
			} `json:"data"`
		} `json:"items"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return
	}
	for _, it := range v.Items.Data {
		if it.CurrentPeriodEnd > sub.CurrentPeriodEnd {
			sub.CurrentPeriodStart, sub.CurrentPeriodEnd = it.CurrentPeriodStart, it.CurrentPeriodEnd
		}
	}
}

// cancelAt reads a cancellation on a date (cancel_at: the Dashboard's "on
// a custom date", the API) as the end of the subscription's period when it
// falls within the current one: Stripe leaves cancel_at_period_end false
// and the status active until that date, so the plan said it renewed and
// stayed in force until customer.subscription.deleted came. A date in a
// later period leaves this one as it is (the event of the renewal that
// starts the last period says so), as does one outside a period not known
// from both ends.
func cancelAt(sub *stripe.Subscription) {
	start, end := sub.CurrentPeriodStart, sub.CurrentPeriodEnd
	if start <= 0 || end <= 0 || sub.CancelAt <= start || sub.CancelAt > end {
		return
	}
	sub.CurrentPeriodEnd, sub.CancelAtPeriodEnd = sub.CancelAt, true
}

// invoiceParent reads an invoice's subscription where the invoice itself
// names none: from API version 2025-03-31.basil on, Stripe names it (and
// its metadata) under parent.subscription_details only.
func invoiceParent(raw []byte, inv *stripe.Invoice) {
	if inv.Subscription != nil && inv.Subscription.ID != "" {
		return
	}
	var v struct {
		Parent *struct {
			SubscriptionDetails *struct {
				Subscription json.RawMessage   `json:"subscription"`
				Metadata     map[string]string `json:"metadata"`
			} `json:"subscription_details"`
		} `json:"parent"`
	}
	if json.Unmarshal(raw, &v) != nil || v.Parent == nil || v.Parent.SubscriptionDetails == nil {
		return
	}
	d := v.Parent.SubscriptionDetails
	var sub stripe.Subscription
	// An id, or the subscription when expanded.
	if json.Unmarshal(d.Subscription, &sub.ID) != nil && json.Unmarshal(d.Subscription, &sub) != nil {
		return
	}
	if sub.ID == "" {
		return
	}
	if len(sub.Metadata) == 0 {
		sub.Metadata = d.Metadata
	}
	inv.Subscription = &sub
}

// tenantFor finds the tenant of a Stripe object: metadata first (when it
// names a tenant we have: a Stripe account shared with another deployment,
// or a subscription made in the Dashboard, may carry any id), then the
// stored subscription or customer id.
func tenantFor(tx *gorm.DB, meta map[string]string, subscriptionID, customerID string) (*uuid.UUID, error) {
	var ids []uuid.UUID
	if id, err := uuid.Parse(meta["tenant_id"]); err == nil {
		if err := tx.Raw(`SELECT id FROM tenants WHERE id = ?`, id).Scan(&ids).Error; err != nil {
			return nil, err
		}
		if len(ids) > 0 {
			return &ids[0], nil
		}
	}
	err := tx.Raw(`SELECT tenant_id FROM subscriptions WHERE stripe_subscription_id = ? AND ? <> ''
		UNION SELECT id FROM tenants WHERE stripe_customer_id = ? AND ? <> '' LIMIT 1`,
		subscriptionID, subscriptionID, customerID, customerID).Scan(&ids).Error
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return &ids[0], nil
}

// outcomeOtherCustomer records an event whose tenant (metadata, client
// reference) is not the tenant of its Stripe customer: the customer pays,
// so its subscription gives no other tenant a plan.
const outcomeOtherCustomer = "ignored: the customer is another tenant's"

// customerOfOther reports whether customerID is the Stripe customer of a
// tenant other than tenantID.
func customerOfOther(tx *gorm.DB, tenantID uuid.UUID, customerID string) (bool, error) {
	if customerID == "" {
		return false, nil
	}
	var other bool
	err := tx.Raw(`SELECT EXISTS (SELECT 1 FROM tenants WHERE stripe_customer_id = ? AND id <> ?)`, customerID, tenantID).Scan(&other).Error
	return other, err
}

// outcomeNotCurrent records an event of a subscription that does not hold
// the tenant, e.g. the second of two checkouts paid in two browser tabs.
const outcomeNotCurrent = "ignored: not the tenant's current subscription"

// outcomeManual records an invoice of a tenant whose plan platform staff
// set (an invoice moves only a plan that Stripe's events set), the end
// of the Stripe subscription kept beside such a plan, or a subscription
// not on file that does not run.
const outcomeManual = "ignored: the plan was set by platform staff"

// heldByOther reports whether the tenant's stored subscription is another
// Stripe subscription that is still in force.
func heldByOther(cur Subscription, subscriptionID string) bool {
	if cur.StripeSubscriptionID == nil || *cur.StripeSubscriptionID == "" || cur.of(subscriptionID) {
		return false
	}
	return slices.Contains(runningStatuses, cur.Status)
}

// stageRank orders the stages of one subscription's life. Stripe's
// event.created has whole seconds, so events of the same second are ordered
// by stage: customer.subscription.created (incomplete) delivered after
// customer.subscription.updated (active) is the older state.
var stageRank = map[string]int{StatusIncomplete: 0, StatusTrialing: 1, StatusActive: 2, StatusPastDue: 2, StatusPaused: 2, StatusCanceled: 3}

var stripeStatus = map[stripe.SubscriptionStatus]string{
	stripe.SubscriptionStatusTrialing:          StatusTrialing,
	stripe.SubscriptionStatusActive:            StatusActive,
	stripe.SubscriptionStatusPastDue:           StatusPastDue,
	stripe.SubscriptionStatusUnpaid:            StatusPastDue,
	stripe.SubscriptionStatusCanceled:          StatusCanceled,
	stripe.SubscriptionStatusIncomplete:        StatusIncomplete,
	stripe.SubscriptionStatusIncompleteExpired: StatusIncomplete,
	stripe.SubscriptionStatusPaused:            StatusPaused,
}

// applySubscription writes a Stripe subscription's state to the tenant,
// unless a newer event was applied already or the event is of a
// subscription other than the tenant's current one (heldByOther). On a
// same-second tie, an earlier stage of the same subscription is stale
// (stageRank); equal stages apply in delivery order. tenantID and
// packageCode, when given, come from the checkout session that created the
// subscription; that subscription becomes the current one, since the tenant
// has just paid for it.
func (s *Service) applySubscription(ctx context.Context, tx *gorm.DB, ev stripe.Event, at time.Time, sub *stripe.Subscription, tenantID *uuid.UUID, packageCode string) (string, *uuid.UUID, error) {
	if err := checkPeriod(sub); err != nil {
		return "", tenantID, err
	}
	cancelAt(sub)
	fromCheckout := tenantID != nil
	customerID := ""
	if sub.Customer != nil {
		customerID = sub.Customer.ID
	}
	var err error
	if tenantID == nil {
		if tenantID, err = tenantFor(tx, sub.Metadata, sub.ID, customerID); err != nil {
			return "", nil, err
		}
	}
	if tenantID == nil {
		return "ignored: unknown tenant", nil, nil
	}
	if other, err := customerOfOther(tx, *tenantID, customerID); err != nil || other {
		return outcomeOtherCustomer, nil, err
	}
	var cur Subscription
	found := true
	if err := tx.Clauses(forUpdate).Where("tenant_id = ?", *tenantID).Take(&cur).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		found = false
	} else if err != nil {
		return "", tenantID, err
	}
	// The subscription's metadata names the package it was bought as; a
	// plan change in the portal changes its price, never its metadata. So
	// it stands in for an unknown price only for a subscription not on
	// file yet: the one on file keeps the package its prices set (below).
	if packageCode == "" && !(found && cur.of(sub.ID)) {
		packageCode = sub.Metadata["package_code"]
	}
	pkg, err := s.packageForSubscription(tx, sub, packageCode)
	if err != nil {
		return "", tenantID, err
	}
	status, ok := stripeStatus[sub.Status]
	if !ok {
		return "ignored: status " + string(sub.Status), tenantID, nil
	}
	if found && cur.LastEventAt != nil && at.Before(*cur.LastEventAt) {
		return "stale: a newer event was applied", tenantID, nil
	}
	// The Stripe subscription kept beside a plan staff set (it ran when
	// staff acted) no longer runs: canceled or expired, which is final at
	// Stripe, or unpaid or paused, which pay for nothing until resumed. The
	// plan stays as staff set it; the subscription is dropped, so that
	// checkout is open again and its late events are older (one resumed
	// later comes back as a subscription not on file, which takes the plan
	// only when it runs: the tenant paying again). That
	// holds even when it ended before staff acted and its end comes late
	// (Stripe retries a webhook for days): kept, it closed checkout for as
	// long as the manual plan stood.
	if found && !fromCheckout && cur.Source == SourceManual && cur.of(sub.ID) && !slices.Contains(runningStatuses, status) {
		if err := tx.Exec(`UPDATE subscriptions SET stripe_subscription_id = NULL, last_event_at = ?, stripe_package_id = NULL,
			stripe_status = NULL, stripe_period_end = NULL, stripe_cancel_at_period_end = false, stripe_past_due_since = NULL
			WHERE tenant_id = ?`, at, *tenantID).Error; err != nil {
			return "", tenantID, err
		}
		return outcomeManual, tenantID, nil
	}
	// A plan staff set is newer than a Stripe event created before it (a
	// late delivery would silently undo it), except a completed checkout:
	// the tenant paid before staff acted, and the subscription was read
	// from Stripe just now. A manual plan's updated_at is when staff set
	// it: nothing else writes a plan while it is manual (events that apply
	// make it Stripe's, invoices leave it alone, the end of the Stripe
	// subscription kept beside it touches neither updated_at nor the plan).
	if found && !fromCheckout && cur.Source == SourceManual && at.Before(cur.UpdatedAt) {
		return "stale: older than the plan staff set", tenantID, nil
	}
	if found && !fromCheckout && heldByOther(cur, sub.ID) {
		return outcomeNotCurrent, tenantID, nil
	}
	// A subscription not on file takes a plan staff set, while in force,
	// only when it runs: the tenant's newer choice, which it pays for. One
	// whose first payment failed (incomplete), or that ended or is paused,
	// pays for nothing: applied, it put the tenant on Free. A completed
	// checkout is no exception: its job reads the subscription as it is now.
	if found && cur.Source == SourceManual && !cur.of(sub.ID) && !manualOver(cur, at) && !slices.Contains(runningStatuses, status) {
		return outcomeManual, tenantID, nil
	}
	if found && cur.LastEventAt != nil && at.Equal(*cur.LastEventAt) && cur.of(sub.ID) && stageRank[status] < stageRank[cur.Status] {
		return "stale: an event of the same second and a later stage was applied", tenantID, nil
	}
	// Under a plan staff set, the Stripe subscription kept beside it goes
	// on: its renewals, a failed payment, a cancellation at period end, a
	// reactivation leave the plan as staff set it (a renewal used to put
	// the tenant back on the Stripe package, undoing staff's change at the
	// next billing date). Its state is recorded beside the plan (the
	// Stripe side), which applies once the manual plan is no longer in
	// force. A change of plan in the portal after staff acted (a price of
	// another package, in force) is the tenant's own newer choice, which
	// it pays for: it applies (below) and ends the manual plan, as does any
	// event once the manual plan is over. Its end is above.
	if found && !fromCheckout && cur.Source == SourceManual && cur.of(sub.ID) && !manualOver(cur, at) {
		active := status == StatusActive || status == StatusTrialing
		planChange := pkg != nil && cur.StripePackageID != nil && pkg.ID != *cur.StripePackageID && active && !sub.CancelAtPeriodEnd
		if !planChange {
			if err := saveSide(tx, *tenantID, nextSide(cur.StripeSide, pkg, status, sub, at), &at); err != nil {
				return "", tenantID, err
			}
			return outcomeManual, tenantID, nil
		}
	}
	// A price that is no package's (another product sold to the same
	// customer) activates nothing. Only the Stripe subscription that set
	// the package on file, or the one kept beside a plan staff set (with
	// the package recorded on its side), keeps it through such a change of
	// price (staff gave the package a new price, say): its status still
	// moves the plan (a cancellation, a failed payment).
	if pkg == nil && !(found && cur.of(sub.ID) && (cur.Source == SourceStripe || cur.Source == SourceManual && cur.StripePackageID != nil)) {
		return "ignored: unknown price", tenantID, nil
	}
	next := appliedState(cur, found, *tenantID, pkg, status, sub, at)
	if err := s.saveStripeState(ctx, tx, *tenantID, cur, next, ev, customerID); err != nil {
		return "", tenantID, err
	}
	return "applied", tenantID, nil
}

// nextSide is the Stripe side of a plan staff set (side) after an event of
// the subscription kept beside it: its package, status, period end and
// cancellation, and since when it is past due (kept while it stays so).
func nextSide(side StripeSide, pkg *Package, status string, sub *stripe.Subscription, at time.Time) StripeSide {
	if pkg != nil {
		side.StripePackageID = &pkg.ID
	}
	switch {
	case status == StatusPastDue && (side.StripeStatus == nil || *side.StripeStatus != StatusPastDue):
		side.StripePastDueSince = &at
	case status != StatusPastDue:
		side.StripePastDueSince = nil
	}
	side.StripeStatus, side.StripeCancelAtPeriodEnd = &status, sub.CancelAtPeriodEnd
	if sub.CurrentPeriodEnd > 0 {
		t := time.Unix(sub.CurrentPeriodEnd, 0).UTC()
		side.StripePeriodEnd = &t
	}
	return side
}

// appliedState is the tenant's subscription (cur, when found) once the
// Stripe subscription sub, of package pkg (nil: a price that is no
// package's, which keeps the package on file, or the one recorded beside
// a plan staff set for the subscription kept there) and status, applies
// as of the event's time at.
func appliedState(cur Subscription, found bool, tenantID uuid.UUID, pkg *Package, status string, sub *stripe.Subscription, at time.Time) Subscription {
	next := cur
	if !found {
		next = Subscription{TenantID: tenantID}
	}
	switch {
	case pkg != nil:
		next.PackageID = pkg.ID
	case found && cur.Source == SourceManual && cur.of(sub.ID) && cur.StripePackageID != nil:
		next.PackageID = *cur.StripePackageID
	}
	next.Status, next.Source, next.CancelAtPeriodEnd, next.LastEventAt, next.UpdatedAt = status, SourceStripe, sub.CancelAtPeriodEnd, &at, time.Now().UTC()
	next.StripeSide = StripeSide{} // the plan is the Stripe subscription's own state now
	if sub.ID != "" {
		next.StripeSubscriptionID = &sub.ID
	}
	if sub.CurrentPeriodStart > 0 {
		t := time.Unix(sub.CurrentPeriodStart, 0).UTC()
		next.CurrentPeriodStart = &t
	}
	if sub.CurrentPeriodEnd > 0 {
		t := time.Unix(sub.CurrentPeriodEnd, 0).UTC()
		next.CurrentPeriodEnd = &t
	}
	// The subscription was past due since when it fell so: under a plan
	// staff set that is over, when its recorded side did (the manual plan's
	// own status says nothing of it), so its grace goes on rather than
	// starting again.
	wasStatus, wasSince := cur.Status, cur.PastDueSince
	if found && cur.Source == SourceManual && cur.of(sub.ID) && cur.StripeStatus != nil {
		wasStatus, wasSince = *cur.StripeStatus, cur.StripePastDueSince
	}
	switch {
	case status == StatusPastDue && (wasStatus != StatusPastDue || wasSince == nil):
		next.PastDueSince = &at
	case status == StatusPastDue:
		next.PastDueSince = wasSince
	default:
		next.PastDueSince = nil
	}
	return next
}

// applyInvoice moves a subscription to past_due on a failed payment (not
// of a plan change's invoice: outcomePlanChangeUnpaid) and back to active
// when an invoice is paid, only when that subscription is the tenant's
// current one and set the plan (an invoice of an old or a second
// subscription, or under a plan set by staff, moves nothing). It
// leaves last_event_at alone: every status change also comes as
// customer.subscription.updated, which must still apply when it is older
// than the invoice (a plan change delivered late).
func (s *Service) applyInvoice(ctx context.Context, tx *gorm.DB, ev stripe.Event, at time.Time, inv *stripe.Invoice) (string, *uuid.UUID, error) {
	customerID := ""
	if inv.Customer != nil {
		customerID = inv.Customer.ID
	}
	tenantID, err := tenantFor(tx, inv.Subscription.Metadata, inv.Subscription.ID, customerID)
	if err != nil || tenantID == nil {
		return "ignored: unknown tenant", nil, err
	}
	if other, err := customerOfOther(tx, *tenantID, customerID); err != nil || other {
		return outcomeOtherCustomer, nil, err
	}
	var cur Subscription
	if err := tx.Clauses(forUpdate).Where("tenant_id = ?", *tenantID).Take(&cur).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return "ignored: no subscription", tenantID, nil
	} else if err != nil {
		return "", tenantID, err
	}
	if cur.LastEventAt != nil && at.Before(*cur.LastEventAt) {
		return "stale: a newer event was applied", tenantID, nil
	}
	if !cur.of(inv.Subscription.ID) {
		return outcomeNotCurrent, tenantID, nil
	}
	if ev.Type == "invoice.payment_failed" && inv.BillingReason == stripe.InvoiceBillingReasonSubscriptionUpdate {
		return outcomePlanChangeUnpaid, tenantID, nil
	}
	if cur.Source != SourceStripe {
		// The Stripe subscription kept beside a plan staff set: its
		// payments move its recorded state, not the plan.
		side, moved := cur.StripeSide, false
		if side.StripeStatus != nil {
			switch {
			case ev.Type == "invoice.payment_failed" && (*side.StripeStatus == StatusActive || *side.StripeStatus == StatusTrialing):
				side.StripeStatus, side.StripePastDueSince, moved = ptr(StatusPastDue), &at, true
			case ev.Type == "invoice.paid" && (*side.StripeStatus == StatusPastDue || *side.StripeStatus == StatusIncomplete):
				side.StripeStatus, side.StripePastDueSince, moved = ptr(StatusActive), nil, true
			}
		}
		if moved {
			if err := saveSide(tx, *tenantID, side, cur.LastEventAt); err != nil {
				return "", tenantID, err
			}
		}
		return outcomeManual, tenantID, nil
	}
	next := cur
	switch {
	case ev.Type == "invoice.payment_failed" && (cur.Status == StatusActive || cur.Status == StatusTrialing):
		next.Status, next.PastDueSince, next.UpdatedAt = StatusPastDue, &at, time.Now().UTC()
	case ev.Type == "invoice.paid" && (cur.Status == StatusPastDue || cur.Status == StatusIncomplete):
		next.Status, next.PastDueSince, next.UpdatedAt = StatusActive, nil, time.Now().UTC()
	}
	if err := s.saveStripeState(ctx, tx, *tenantID, cur, next, ev, customerID); err != nil {
		return "", tenantID, err
	}
	return "applied", tenantID, nil
}

// outcomePlanChangeUnpaid records a failed payment of a plan change's
// invoice. It says nothing of the subscription's status: a change made with
// pending updates is not applied and the subscription goes on as it was
// (active), and a change applied whatever its payment makes the
// subscription past due, which customer.subscription.updated tells.
// Taken for past due, it ended the paid plan after the grace period while
// Stripe went on billing for it.
const outcomePlanChangeUnpaid = "ignored: a failed payment for a plan change; the subscription's own events tell its status"

func ptr[T any](v T) *T { return &v }

// manualOver reports whether a plan staff set was over at t: its end date
// passed, or staff ended it (canceled, incomplete).
func manualOver(cur Subscription, t time.Time) bool {
	return (cur.CurrentPeriodEnd != nil && !t.Before(*cur.CurrentPeriodEnd)) ||
		cur.Status == StatusCanceled || cur.Status == StatusIncomplete
}

// saveSide writes the Stripe side of a manual plan and the time of the
// newest subscription event applied, leaving the plan and its updated_at
// (when staff set it) alone.
func saveSide(tx *gorm.DB, tenantID uuid.UUID, side StripeSide, lastEventAt *time.Time) error {
	return tx.Exec(`UPDATE subscriptions SET stripe_package_id = ?, stripe_status = ?, stripe_period_end = ?,
		stripe_cancel_at_period_end = ?, stripe_past_due_since = ?, last_event_at = ? WHERE tenant_id = ?`,
		side.StripePackageID, side.StripeStatus, side.StripePeriodEnd, side.StripeCancelAtPeriodEnd, side.StripePastDueSince,
		lastEventAt, tenantID).Error
}

// saveStripeState writes after, the tenant's subscription as a Stripe
// event left it, records the tenant's Stripe customer when it has none
// yet, and audits a change of what the tenant sees (status, package,
// cancellation at period end), not a renewal's new period.
func (s *Service) saveStripeState(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, before, after Subscription, ev stripe.Event, customerID string) error {
	if err := tx.Save(&after).Error; err != nil {
		return fmt.Errorf("save subscription: %w", err)
	}
	if customerID != "" {
		if err := tx.Exec(`UPDATE tenants SET stripe_customer_id = ? WHERE id = ? AND stripe_customer_id IS NULL`, customerID, tenantID).Error; err != nil {
			return err
		}
	}
	if before.Status == after.Status && before.PackageID == after.PackageID && before.CancelAtPeriodEnd == after.CancelAtPeriodEnd {
		return nil
	}
	var code string
	if err := tx.Raw(`SELECT code FROM packages WHERE id = ?`, after.PackageID).Scan(&code).Error; err != nil {
		return err
	}
	return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "subscription.changed", TargetType: "tenant",
		TargetID: tenantID.String(), Data: map[string]any{"package": code, "status": after.Status, "source": SourceStripe,
			"stripe_event": ev.ID, "event_type": string(ev.Type), "previous_status": before.Status,
			"cancel_at_period_end": after.CancelAtPeriodEnd}})
}

// packageForSubscription maps the subscription's price to a package, or
// falls back to the package named code (the checkout's).
func (s *Service) packageForSubscription(tx *gorm.DB, sub *stripe.Subscription, code string) (*Package, error) {
	var p Package
	if sub.Items != nil {
		for _, it := range sub.Items.Data {
			if it.Price == nil || it.Price.ID == "" {
				continue
			}
			err := tx.Where("stripe_price_id = ?", it.Price.ID).Take(&p).Error
			if err == nil {
				return &p, nil
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return nil, err
			}
		}
	}
	if code != "" {
		if err := tx.Where("code = ?", code).Take(&p).Error; err == nil {
			return &p, nil
		}
	}
	return nil, nil
}

// CheckoutCompletedArgs is the job that applies a completed checkout: it
// reads the subscription from Stripe (the event only names it).
type CheckoutCompletedArgs struct {
	EventID string `json:"event_id"`
}

// Kind names the job.
func (CheckoutCompletedArgs) Kind() string { return "billing.checkout_completed" }

// InsertOpts puts the job on the billing queue.
func (CheckoutCompletedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueBilling, MaxAttempts: 10}
}

// ProcessCheckoutCompleted applies a stored checkout.session.completed
// event. It is idempotent: a second run finds the event processed.
func (s *Service) ProcessCheckoutCompleted(ctx context.Context, eventID string) error {
	var row struct {
		Payload     []byte
		ProcessedAt *time.Time
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT payload, processed_at FROM stripe_events WHERE id = ?`, eventID).Scan(&row).Error; err != nil {
		return err
	}
	if row.ProcessedAt != nil || row.Payload == nil {
		return nil
	}
	var ev stripe.Event
	if err := json.Unmarshal(row.Payload, &ev); err != nil {
		return fmt.Errorf("decode event %s: %w", eventID, err)
	}
	var sess stripe.CheckoutSession
	if err := json.Unmarshal(ev.Data.Raw, &sess); err != nil {
		return fmt.Errorf("decode checkout session: %w", err)
	}
	outcome := "ignored: no tenant reference"
	tenantID, err := uuid.Parse(sess.ClientReferenceID)
	known := false
	if err == nil {
		// A reference to no tenant of ours (a Stripe account shared with
		// another deployment) is ignored, as for subscription events.
		if err := s.db.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM tenants WHERE id = ?)`, tenantID).Scan(&known).Error; err != nil {
			return err
		}
		outcome = "ignored: no subscription"
		if !known {
			outcome = "ignored: unknown tenant"
		}
	}
	var sub *stripe.Subscription
	if known && sess.Subscription != nil && sess.Subscription.ID != "" {
		if s.stripe == nil {
			return errors.New("billing: Stripe is not configured")
		}
		params := &stripe.SubscriptionParams{}
		params.Context = ctx
		if sub, err = s.stripe.Subscriptions.Get(sess.Subscription.ID, params); err != nil {
			return fmt.Errorf("fetch subscription: %w", err) // retried by River
		}
		sub.ID = sess.Subscription.ID
		if sess.Customer != nil {
			sub.Customer = sess.Customer
		}
	}
	ctx = audit.WithActor(ctx, audit.Actor{Label: "stripe"})
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var tid *uuid.UUID
		if sub != nil {
			var err error
			outcome, tid, err = s.applySubscription(ctx, tx, ev, time.Unix(ev.Created, 0).UTC(), sub, &tenantID, sess.Metadata["package_code"])
			if err != nil {
				return err
			}
		}
		return tx.Exec(`UPDATE stripe_events SET outcome = ?, tenant_id = ?, processed_at = now() WHERE id = ?`, outcome, tid, eventID).Error
	})
}

// CheckoutCompletedWorker runs CheckoutCompletedArgs jobs.
type CheckoutCompletedWorker struct {
	river.WorkerDefaults[CheckoutCompletedArgs]
	Service *Service
}

// Work applies the checkout. When its last attempt fails (Stripe kept
// failing, or the run timed out), River discards the job: the event's
// outcome then says so ("failed: ..." instead of "queued" for ever), for
// the operator whom river_jobs_discarded and the ERROR line call. The
// event stays unprocessed, so the job retried by hand (river_job) applies
// it. A run the client's stop interrupted is not an attempt and settles
// nothing.
func (w *CheckoutCompletedWorker) Work(ctx context.Context, job *river.Job[CheckoutCompletedArgs]) error {
	return jobs.GiveUp(ctx, job.JobRow, w.Service.ProcessCheckoutCompleted(ctx, job.Args.EventID), func(ctx context.Context, err error) error {
		return w.Service.checkoutFailed(ctx, job.Args.EventID, job.Attempt, err)
	})
}

// checkoutFailed records on the still unprocessed event eventID that its
// job gave up after attempts attempts with cause.
func (s *Service) checkoutFailed(ctx context.Context, eventID string, attempts int, cause error) error {
	return s.db.WithContext(ctx).Exec(`UPDATE stripe_events SET outcome = ? WHERE id = ? AND processed_at IS NULL`,
		fmt.Sprintf("failed after %d attempts: %s", attempts, outcomeText(cause.Error(), 300)), eventID).Error
}

// outcomeText is msg as an event's outcome can hold it: NULs dropped and
// invalid UTF-8 replaced, which PostgreSQL refuses in text, then cut to
// n bytes on a character boundary, with "…" where it was cut. stripe-go
// quotes a body Stripe (or a proxy before it) answered that was not JSON
// in its error; a refused update left the outcome "queued", so the
// tenant's billing page and staff's retry list missed the failed checkout
// until the hourly sweep (FailAbandonedCheckouts) marked it, without its
// cause.
func outcomeText(msg string, n int) string {
	msg = freetext.Storable(msg, 0)
	if len(msg) <= n {
		return msg
	}
	return freetext.Storable(msg, n) + "…"
}

// failedCheckoutsOf selects the tenant's (first argument, twice) paid
// checkouts that were never applied: a checkout.session.completed event
// still unprocessed whose job gave up (its outcome begins "failed", from
// checkoutFailed or FailAbandonedCheckouts), and whose subscription is not
// the tenant's current one. The event names the tenant only in its
// session (client_reference_id): tenant_id is set when it is applied.
const failedCheckoutsOf = `FROM stripe_events e
	WHERE e.type = 'checkout.session.completed' AND e.processed_at IS NULL AND e.outcome LIKE 'failed%'
	  AND e.payload->'data'->'object'->>'client_reference_id' = ?::text
	  AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.tenant_id = ?
	        AND s.stripe_subscription_id = e.payload->'data'->'object'->>'subscription')`

// CheckoutNotApplied reports whether a checkout the tenant paid was never
// applied (failedCheckoutsOf). Operators were alerted
// (river_jobs_discarded, the ERROR line); the tenant's billing page says
// so instead of waiting for Stripe.
func (s *Service) CheckoutNotApplied(ctx context.Context, tenantID uuid.UUID) (bool, error) {
	var found bool
	err := s.db.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 `+failedCheckoutsOf+`)`, tenantID, tenantID).Scan(&found).Error
	return found, err
}

// FailedCheckout is a paid checkout of a tenant's that was never applied:
// its Stripe event, when it arrived and the outcome its job left.
type FailedCheckout struct {
	EventID    string
	ReceivedAt time.Time
	Outcome    string
}

// FailedCheckouts lists the tenant's paid checkouts that were never
// applied (failedCheckoutsOf), oldest first, for platform staff.
func (s *Service) FailedCheckouts(ctx context.Context, tenantID uuid.UUID) ([]FailedCheckout, error) {
	var out []FailedCheckout
	err := s.db.WithContext(ctx).Raw(`SELECT e.id AS event_id, e.received_at, e.outcome `+failedCheckoutsOf+` ORDER BY e.received_at, e.id`,
		tenantID, tenantID).Scan(&out).Error
	return out, err
}

// errNoCheckout: no completed checkout of the tenant's has that event id.
var errNoCheckout = &apperr.Error{Code: apperr.ENOTFOUND, Message: "No completed checkout of this tenant has this Stripe event id."}

// errNotFailed refuses to retry a checkout that did not fail.
var errNotFailed = &apperr.Error{Code: apperr.ECONFLICT,
	Message: "This checkout has not failed: it was applied, or its job is still queued or running."}

// RetryCheckout runs again the job of the tenant's failed checkout
// eventID (platform staff, once what made it fail is fixed): a new
// checkout job with fresh attempts, and the event's outcome back to
// queued, audited on the tenant. Retries of one event take turns: the
// second finds it queued. Returns ENOTFOUND (no such checkout of the
// tenant's), ECONFLICT (it was applied, or is queued).
func (s *Service) RetryCheckout(ctx context.Context, tenantID uuid.UUID, eventID string) error {
	if s.jobs == nil {
		return errors.New("billing: no job inserter configured")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The event's row lock makes retries of it take turns.
		var found []string
		if err := tx.Raw(`SELECT e.outcome FROM stripe_events e WHERE e.id = ? AND e.type = 'checkout.session.completed'
			AND e.payload->'data'->'object'->>'client_reference_id' = ?::text FOR UPDATE`, eventID, tenantID).Scan(&found).Error; err != nil {
			return err
		}
		if len(found) == 0 {
			return errNoCheckout
		}
		var failed bool
		if err := tx.Raw(`SELECT EXISTS (SELECT 1 `+failedCheckoutsOf+` AND e.id = ?)`, tenantID, tenantID, eventID).Scan(&failed).Error; err != nil {
			return err
		}
		if !failed {
			return errNotFailed
		}
		if err := tx.Exec(`UPDATE stripe_events SET outcome = 'queued' WHERE id = ?`, eventID).Error; err != nil {
			return err
		}
		outcome := found[0]
		if err := s.jobs(ctx, tx, CheckoutCompletedArgs{EventID: eventID}); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "billing.checkout_retried", TargetType: "tenant",
			TargetID: tenantID.String(), Data: map[string]any{"stripe_event_id": eventID, "failed_outcome": outcome}})
	})
}

// CheckoutAbandonedAfter is how long a completed checkout's event may stay
// queued without a job that will run it before FailAbandonedCheckouts
// says so: a job runs at most jobs.JobTimeout, and River's rescuer takes
// a dead worker's job after jobs.RescueAfter.
const CheckoutAbandonedAfter = time.Hour

// outcomeAbandoned is the outcome of a completed checkout whose job ended
// without applying it and will not run again.
const outcomeAbandoned = "failed: its job ended before it finished and no worker will run it again"

// FailAbandonedCheckouts records on the completed checkouts' events still
// queued after CheckoutAbandonedAfter, with no job left that will run them,
// that they failed: River discards the job of a worker killed during its
// last attempt (its rescuer gives up on a job out of attempts) without
// the worker recording it (CheckoutCompletedWorker.Work). The events stay
// unprocessed, so a job retried by hand applies them. Returns how many.
func (s *Service) FailAbandonedCheckouts(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE stripe_events e SET outcome = ?
		WHERE e.type = 'checkout.session.completed' AND e.processed_at IS NULL AND e.outcome = 'queued'
		  AND e.received_at < now() - make_interval(secs => ?)
		  AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.kind = ? AND j.args->>'event_id' = e.id
		        AND j.state NOT IN ('completed', 'discarded', 'cancelled'))`,
		outcomeAbandoned, CheckoutAbandonedAfter.Seconds(), CheckoutCompletedArgs{}.Kind())
	return res.RowsAffected, res.Error
}

// SweepArgs is the hourly job that runs FailAbandonedCheckouts.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "billing.sweep_abandoned_checkouts" }

// InsertOpts puts the sweep on the billing queue, once at a time.
func (SweepArgs) InsertOpts() river.InsertOpts { return jobs.OncePer(jobs.QueueBilling, time.Hour) }

// PeriodicJobs are the billing package's scheduled jobs: the sweep of
// abandoned checkouts, hourly.
func PeriodicJobs() []jobs.Schedule {
	return []jobs.Schedule{jobs.Every(time.Hour, SweepArgs{}, false)}
}

// RegisterWorkers adds the billing workers.
func RegisterWorkers(workers *river.Workers, s *Service, log *slog.Logger) {
	river.AddWorker(workers, &CheckoutCompletedWorker{Service: s})
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[SweepArgs]) error {
		n, err := s.FailAbandonedCheckouts(ctx)
		if n > 0 {
			// Tenants paid and their plan did not change: someone retries the jobs.
			log.ErrorContext(ctx, "billing: completed checkouts that no job will apply recorded as failed", "count", n)
		}
		return err
	}))
}
