-- +goose Up
-- Every Stripe event is stored once, by its id: a duplicate delivery finds
-- the row and has no second effect.
CREATE TABLE stripe_events (
    id           text PRIMARY KEY,
    type         text NOT NULL,
    created      timestamptz NOT NULL,
    tenant_id    uuid REFERENCES tenants (id) ON DELETE SET NULL,
    payload      jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    outcome      text NOT NULL DEFAULT ''
);
CREATE INDEX stripe_events_tenant ON stripe_events (tenant_id, created DESC);

-- +goose Down
DROP TABLE stripe_events;
