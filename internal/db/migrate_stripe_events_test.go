package db_test

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestMigrationStripeEventsMinimalPayload: 00059 reduces the Stripe events
// stored before it to what the service reads, as new events are stored: the
// payer's contact details and a charge's card details go; the ids, the
// tenant reference and the metadata a checkout is applied from stay.
func TestMigrationStripeEventsMinimalPayload(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, m, exec := migratedDownTo(t, 58) // 00059's down restores nothing
	exec(`INSERT INTO stripe_events (id, type, created, payload) VALUES
		('evt_cs', 'checkout.session.completed', now(), '{"id": "evt_cs", "object": "event", "type": "checkout.session.completed", "created": 1764500000,
			"data": {"object": {"id": "cs_1", "object": "checkout.session", "client_reference_id": "00000000-0000-7000-8000-000000000001",
				"customer": "cus_1", "subscription": "sub_1", "metadata": {"package_code": "pro"},
				"customer_email": "pat@payer.example", "customer_details": {"name": "Pat Payer", "phone": "+15550100", "address": {"line1": "1 Hidden Street"}}}},
			"request": {"id": "req_1"}}'),
		('evt_ch', 'charge.succeeded', now(), '{"id": "evt_ch", "object": "event", "type": "charge.succeeded", "created": 1764500000,
			"data": {"object": {"id": "ch_1", "object": "charge", "billing_details": {"email": "pat@payer.example"},
				"payment_method_details": {"card": {"last4": "4242", "fingerprint": "fp_secret"}}}}}'),
		('evt_odd', 'ping', now(), '{"id": "evt_odd", "object": "event", "type": "ping", "data": {"object": "not an object"}}')`)
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	rows, err := d.SQL.QueryContext(ctx, `SELECT id, payload::text FROM stripe_events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var id, payload string
		if err := rows.Scan(&id, &payload); err != nil {
			t.Fatal(err)
		}
		got[id] = payload
		for _, s := range []string{"pat@payer.example", "Pat Payer", "+15550100", "Hidden Street", "4242", "fp_secret", "req_1"} {
			if strings.Contains(payload, s) {
				t.Errorf("%s keeps %q: %s", id, s, payload)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"client_reference_id": "00000000-0000-7000-8000-000000000001"`, `"subscription": "sub_1"`,
		`"customer": "cus_1"`, `"package_code": "pro"`, `"type": "checkout.session.completed"`, `"id": "evt_cs"`} {
		if !strings.Contains(got["evt_cs"], s) {
			t.Errorf("evt_cs lost %s: %s", s, got["evt_cs"])
		}
	}
	if !strings.Contains(got["evt_odd"], `"data": {"object": {}}`) {
		t.Errorf("evt_odd: %s", got["evt_odd"])
	}
}
