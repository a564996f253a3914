package billing

import (
	"encoding/json"
	"fmt"
)

// storedEnvelopeKeys are the fields of a Stripe event that stripe_events
// keeps beside its object.
var storedEnvelopeKeys = []string{"id", "object", "api_version", "created", "livemode", "type"}

// storedObjectKeys are the fields of an event's object (data.object) that
// stripe_events keeps: what this service reads from subscriptions,
// invoices and checkout sessions (ids, the tenant reference and metadata,
// status, periods and cancellation, the subscription of an invoice or a
// checkout), and a little for the operator reading the billing history
// (amounts, currency, billing reason). Anything else is dropped before the
// event is stored: Stripe objects carry the payer's name, email address,
// postal address and phone (customer_details, customer_email,
// customer_name, customer_address, billing_details, shipping) and, in
// charge and payment method events, card details (payment_method_details,
// card), none of which the Privacy Policy lets this service keep ("card
// details ... never reach or are stored by this service"; it stores the
// Stripe customer and subscription ids, the package, and the
// subscription's status and period). Migration 00059 applied the same list
// to the events stored before.
var storedObjectKeys = []string{
	"id", "object", "created", "livemode", "metadata", "customer", "subscription", "client_reference_id",
	"mode", "status", "payment_status", "items", "current_period_start", "current_period_end",
	"cancel_at_period_end", "cancel_at", "canceled_at", "ended_at", "start_date", "trial_start", "trial_end",
	"pause_collection", "parent", "billing_reason", "period_start", "period_end", "amount_due", "amount_paid",
	"amount_total", "currency", "paid",
}

// storedPayload returns the event as stripe_events keeps it: the envelope
// fields of storedEnvelopeKeys and, under data.object, the fields of
// storedObjectKeys. An event whose object is not a JSON object keeps the
// envelope only.
func storedPayload(payload []byte) ([]byte, error) {
	var ev map[string]json.RawMessage
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, fmt.Errorf("billing: decode event: %w", err)
	}
	out := make(map[string]any, len(storedEnvelopeKeys)+1)
	for _, k := range storedEnvelopeKeys {
		if v, ok := ev[k]; ok {
			out[k] = v
		}
	}
	var data struct {
		Object map[string]json.RawMessage `json:"object"`
	}
	object := map[string]json.RawMessage{}
	if json.Unmarshal(ev["data"], &data) == nil && data.Object != nil {
		for _, k := range storedObjectKeys {
			if v, ok := data.Object[k]; ok {
				object[k] = v
			}
		}
	}
	out["data"] = map[string]any{"object": object}
	return json.Marshal(out)
}
