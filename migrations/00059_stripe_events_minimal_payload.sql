-- +goose Up
-- stripe_events kept each verified Stripe event whole, so the payer's
-- name, email, postal address and phone (a checkout's customer_details, an
-- invoice's customer_*) and, for charge and payment method events, card
-- details stayed in the database for good, which the Privacy Policy says
-- the service does not keep. New events are stored reduced to what the
-- service reads (internal/billing, storedPayload); this reduces the events
-- stored before in the same way: the envelope, and under data.object the
-- same list of fields as storedObjectKeys.
UPDATE stripe_events SET payload = jsonb_strip_nulls(jsonb_build_object(
        'id', payload->'id', 'object', payload->'object', 'api_version', payload->'api_version',
        'created', payload->'created', 'livemode', payload->'livemode', 'type', payload->'type'))
    || jsonb_build_object('data', jsonb_build_object('object', (
        SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb)
        FROM jsonb_each(CASE WHEN jsonb_typeof(payload->'data'->'object') = 'object' THEN payload->'data'->'object' ELSE '{}'::jsonb END) AS o(k, v)
        WHERE k IN ('id', 'object', 'created', 'livemode', 'metadata', 'customer', 'subscription', 'client_reference_id',
            'mode', 'status', 'payment_status', 'items', 'current_period_start', 'current_period_end',
            'cancel_at_period_end', 'cancel_at', 'canceled_at', 'ended_at', 'start_date', 'trial_start', 'trial_end',
            'pause_collection', 'parent', 'billing_reason', 'period_start', 'period_end', 'amount_due', 'amount_paid',
            'amount_total', 'currency', 'paid'))));

-- +goose Down
-- What was removed is gone; the reduced payloads stay (the service reads
-- nothing else from them).
SELECT 1;
