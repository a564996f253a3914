-- +goose Up
-- The billing page asks on every load whether one of the tenant's paid
-- checkouts was never applied (failedCheckoutsOf, internal/billing): an
-- unprocessed checkout.session.completed event naming the tenant in its
-- session. Without an index that read every stored event (126 ms at
-- 300,000 events, docs/PERFORMANCE.md); the unprocessed checkouts are few,
-- so the index is small.
CREATE INDEX stripe_events_checkout_pending
    ON stripe_events ((payload->'data'->'object'->>'client_reference_id'))
    WHERE type = 'checkout.session.completed' AND processed_at IS NULL;

-- +goose Down
DROP INDEX stripe_events_checkout_pending;
