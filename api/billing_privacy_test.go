package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestStripeEventsStoredWithoutPayerDetails: the Privacy Policy says the
// service stores the Stripe customer and subscription ids, the package and
// the subscription's status and period, and that card details never reach
// or are stored by it. Stripe's events carry more: the payer's name, email,
// postal address and phone (a checkout's customer_details, an invoice's
// customer_*), and a charge's card details. stripe_events keeps what the
// service reads and nothing of those, and a checkout is still applied from
// what was kept.
func TestStripeEventsStoredWithoutPayerDetails(t *testing.T) {
	t.Parallel()
	tb := setupStripe(t)
	tb.MustPricePackage(t, "pro", "price_pro_test")
	admin := tb.MustSignup(t, "payer")
	tail := idTail(admin.tenantID)
	payer := map[string]any{"email": "pat.payer-" + tail + "@example.test", "name": "Pat Payer " + tail, "phone": "+1555010" + tail[:4],
		"address": map[string]any{"line1": "1 Hidden Street " + tail, "city": "Privacyville", "postal_code": "PV1 " + tail[:3], "country": "GB"}}
	secrets := []string{"pat.payer-", "Pat Payer", "+1555010", "Hidden Street", "Privacyville", "4242", "fp_secret_" + tail}

	checkout := map[string]any{
		"id": "evt_pcs_" + tail, "object": "event", "type": "checkout.session.completed", "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{"id": "cs_priv_" + tail, "object": "checkout.session", "mode": "subscription",
			"client_reference_id": admin.tenantID, "customer": "cus_p_" + tail, "subscription": "sub_p_" + tail,
			"metadata":         map[string]string{"tenant_id": admin.tenantID, "package_code": "pro"},
			"customer_details": payer, "customer_email": payer["email"]}},
	}
	invoice := map[string]any{
		"id": "evt_pin_" + tail, "object": "event", "type": "invoice.paid", "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{"id": "in_p_" + tail, "object": "invoice", "customer": "cus_p_" + tail,
			"subscription": "sub_p_" + tail, "amount_paid": 4900, "currency": "usd",
			"customer_email": payer["email"], "customer_name": payer["name"], "customer_phone": payer["phone"], "customer_address": payer["address"],
			"lines": map[string]any{"object": "list", "data": []any{map[string]any{"description": "Pat Payer " + tail + " × Pro"}}}}},
	}
	charge := map[string]any{
		"id": "evt_pch_" + tail, "object": "event", "type": "charge.succeeded", "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{"id": "ch_p_" + tail, "object": "charge", "customer": "cus_p_" + tail,
			"billing_details": payer, "receipt_email": payer["email"],
			"payment_method_details": map[string]any{"type": "card", "card": map[string]any{"brand": "visa", "last4": "4242",
				"exp_month": 12, "exp_year": 2030, "fingerprint": "fp_secret_" + tail}}}},
	}
	for _, ev := range []map[string]any{checkout, invoice, charge} {
		wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), 200)
		var stored string
		if err := tb.db.Gorm.Raw(`SELECT payload::text FROM stripe_events WHERE id = ?`, ev["id"]).Scan(&stored).Error; err != nil {
			t.Fatal(err)
		}
		if stored == "" {
			t.Fatalf("%s: not stored", ev["type"])
		}
		for _, s := range secrets {
			if strings.Contains(stored, s) {
				t.Errorf("%s: stored payload keeps %q: %s", ev["type"], s, stored)
			}
		}
		if !strings.Contains(stored, fmt.Sprint(ev["id"])) || !strings.Contains(stored, "cus_p_"+tail) {
			t.Errorf("%s: stored payload lost the event or customer id: %s", ev["type"], stored)
		}
	}

	// The checkout job reads the stored event: what was kept is enough.
	if err := tb.srv.svc.Billing.ProcessCheckoutCompleted(context.Background(), fmt.Sprint(checkout["id"])); err != nil {
		t.Fatal(err)
	}
	if u := tb.usage(t, admin); u.Package.Code != "pro" || u.Subscription.Source != "stripe" {
		t.Fatalf("after checkout completed: %s %+v", u.Package.Code, u.Subscription)
	}
}
