package billing

import (
	"encoding/json"
	"maps"
	"reflect"
	"testing"
)

// TestStoredPayload: what stripe_events keeps of an event, field by field:
// the envelope (id, object, api_version, created, livemode, type) and the
// object's fields the service reads or the billing history shows, nothing
// of the payer (name, email, address, phone, card) and nothing else of the
// event (request, previous attributes, pending deliveries). The list is
// written out here, so a field dropped from it (a checkout applied without
// its status, a history without the event's type) or one added (a payer's
// detail stored against the Privacy Policy) fails.
func TestStoredPayload(t *testing.T) {
	t.Parallel()
	kept := map[string]any{
		"id": "cs_1", "object": "checkout.session", "created": 1.7e9, "livemode": false, "metadata": map[string]any{"tenant_id": "t"},
		"customer": "cus_1", "subscription": "sub_1", "client_reference_id": "t", "mode": "subscription", "status": "complete",
		"payment_status": "paid", "items": map[string]any{"data": []any{}}, "current_period_start": 1.7e9, "current_period_end": 1.8e9,
		"cancel_at_period_end": true, "cancel_at": 1.8e9, "canceled_at": 1.75e9, "ended_at": 1.76e9, "start_date": 1.6e9,
		"trial_start": 1.6e9, "trial_end": 1.65e9, "pause_collection": nil, "parent": map[string]any{"type": "subscription_details"},
		"billing_reason": "subscription_cycle", "period_start": 1.7e9, "period_end": 1.8e9, "amount_due": 4900.0, "amount_paid": 4900.0,
		"amount_total": 4900.0, "currency": "usd", "paid": true,
	}
	payer := map[string]any{
		"customer_details": map[string]any{"email": "pat@example.test"}, "customer_email": "pat@example.test", "customer_name": "Pat",
		"customer_address": map[string]any{"line1": "1 Street"}, "customer_phone": "+15550100", "billing_details": map[string]any{"name": "Pat"},
		"shipping": map[string]any{"name": "Pat"}, "payment_method_details": map[string]any{"card": map[string]any{"last4": "4242"}},
		"card": map[string]any{"last4": "4242"}, "receipt_email": "pat@example.test", "lines": map[string]any{"data": []any{}},
	}
	envelope := map[string]any{"id": "evt_1", "object": "event", "api_version": "2024-06-20", "created": 1.7e9, "livemode": false,
		"type": "checkout.session.completed"}
	event := func(object any) map[string]any {
		ev := maps.Clone(envelope)
		ev["request"] = map[string]any{"id": "req_1", "idempotency_key": "k"}
		ev["pending_webhooks"] = 1.0
		ev["data"] = map[string]any{"object": object, "previous_attributes": map[string]any{"customer_email": "old@example.test"}}
		return ev
	}
	stored := func(object map[string]any) map[string]any {
		want := maps.Clone(envelope)
		want["data"] = map[string]any{"object": object}
		return want
	}
	full := maps.Clone(kept)
	maps.Copy(full, payer)
	for name, tc := range map[string]struct {
		event any
		want  map[string]any
	}{
		"KeepsWhatIsRead":   {event(full), stored(kept)},
		"ObjectNotAnObject": {event("cs_1"), stored(map[string]any{})},
		"ObjectNull":        {event(nil), stored(map[string]any{})},
		"NoData":            {envelope, stored(map[string]any{})},
		"EnvelopeOnlyWhatIsThere": {map[string]any{"id": "evt_2", "type": "invoice.paid", "data": map[string]any{"object": map[string]any{"id": "in_1"}}},
			map[string]any{"id": "evt_2", "type": "invoice.paid", "data": map[string]any{"object": map[string]any{"id": "in_1"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in, err := json.Marshal(tc.event)
			if err != nil {
				t.Fatal(err)
			}
			out, err := storedPayload(in)
			if err != nil {
				t.Fatalf("storedPayload: %v", err)
			}
			var got map[string]any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("stored %s: %v", out, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("stored %s\nwant %v", out, tc.want)
			}
		})
	}
	for _, bad := range []string{`[]`, `"evt"`, `{`} {
		if out, err := storedPayload([]byte(bad)); err == nil {
			t.Errorf("storedPayload(%s) = %s, want an error", bad, out)
		}
	}
}
