-- +goose Up
-- When platform staff last set the plan by hand, apart from the time of the
-- newest Stripe event applied (last_event_at): a Stripe event created before
-- the manual change is stale, except a completed checkout (the tenant paid
-- before staff acted, and the job reads the subscription's state afresh).
ALTER TABLE subscriptions ADD COLUMN manual_at timestamptz;
UPDATE subscriptions SET manual_at = updated_at WHERE source = 'manual';

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN manual_at;
