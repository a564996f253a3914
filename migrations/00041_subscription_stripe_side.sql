-- +goose Up
-- The state of the Stripe subscription kept beside a plan set by platform
-- staff (source 'manual' with a stripe_subscription_id): the package its
-- price is, its status, period end, cancellation and when it fell past due,
-- as its latest event told. Its renewals move these columns and leave the
-- plan staff set; when that plan is no longer in force (its end date has
-- passed), the Stripe subscription's package applies again, as Stripe goes
-- on billing for it. NULL while the plan is Stripe's own (the columns
-- above are then its state) or no Stripe subscription runs beside it.
ALTER TABLE subscriptions
    ADD COLUMN stripe_package_id uuid REFERENCES packages (id),
    ADD COLUMN stripe_status text CHECK (stripe_status IN ('trialing', 'active', 'past_due', 'canceled', 'incomplete')),
    ADD COLUMN stripe_period_end timestamptz,
    ADD COLUMN stripe_cancel_at_period_end boolean NOT NULL DEFAULT false,
    ADD COLUMN stripe_past_due_since timestamptz;

-- Manual plans set beside a running Stripe subscription before this
-- migration: the subscription's state when staff acted is what the newest
-- Stripe-sourced change in the tenant's audit log says (its package,
-- status and cancellation; a past_due one fell past due then at the latest).
UPDATE subscriptions s
SET stripe_package_id = p.id,
    stripe_status = CASE WHEN last_stripe.status IN ('trialing', 'active', 'past_due') THEN last_stripe.status ELSE 'active' END,
    stripe_cancel_at_period_end = coalesce(last_stripe.cancel, false),
    stripe_past_due_since = CASE WHEN last_stripe.status = 'past_due' THEN last_stripe.created_at END
FROM (
    SELECT DISTINCT ON (a.tenant_id) a.tenant_id, a.data ->> 'package' AS code, a.data ->> 'status' AS status,
        (a.data ->> 'cancel_at_period_end')::boolean AS cancel, a.created_at
    FROM audit_events a
    WHERE a.action = 'subscription.changed' AND a.data ->> 'source' = 'stripe' AND a.tenant_id IS NOT NULL
    ORDER BY a.tenant_id, a.created_at DESC, a.id DESC
) last_stripe
JOIN packages p ON p.code = last_stripe.code
WHERE s.tenant_id = last_stripe.tenant_id AND s.source = 'manual' AND s.stripe_subscription_id IS NOT NULL;

-- +goose Down
ALTER TABLE subscriptions
    DROP COLUMN stripe_package_id,
    DROP COLUMN stripe_status,
    DROP COLUMN stripe_period_end,
    DROP COLUMN stripe_cancel_at_period_end,
    DROP COLUMN stripe_past_due_since;
