-- +goose Up
-- One checkout of a tenant's at a time without holding a connection while
-- Stripe answers (internal/billing, CheckoutSession): a request claims the
-- tenant's row in a statement of its own, calls Stripe, and deletes its
-- claim in another. A second request meanwhile finds the claim and is
-- refused (409 checkout-in-progress). A claim whose request died (a crash,
-- a lost connection) expires at expires_at and is taken over; the request
-- that held it had given up on Stripe well before.
CREATE TABLE checkout_claims (
    tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    claim_id   uuid NOT NULL,
    expires_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE checkout_claims;
