-- +goose Up
-- Stripe's subscription status "paused" (a trial that ended without a
-- payment method, or a subscription paused through Stripe) is stored as it
-- is; it was stored as "incomplete", which the billing page explains as a
-- first payment that has not gone through. Rows stored before keep
-- "incomplete" until the subscription's next event.
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check
    CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'incomplete', 'paused'));
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_stripe_status_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_stripe_status_check
    CHECK (stripe_status IN ('trialing', 'active', 'past_due', 'canceled', 'incomplete', 'paused'));

-- A mail whose delivery job gave up (its last attempt failed): the outbox
-- says "not delivered" instead of "queued" for ever.
ALTER TABLE outbox_emails ADD COLUMN failed_at timestamptz;

-- +goose Down
ALTER TABLE outbox_emails DROP COLUMN failed_at;
UPDATE subscriptions SET status = 'incomplete' WHERE status = 'paused';
UPDATE subscriptions SET stripe_status = 'incomplete' WHERE stripe_status = 'paused';
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check
    CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'incomplete'));
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_stripe_status_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_stripe_status_check
    CHECK (stripe_status IN ('trialing', 'active', 'past_due', 'canceled', 'incomplete'));
