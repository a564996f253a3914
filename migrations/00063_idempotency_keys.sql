-- +goose Up
-- Idempotency-Key (internal/idempotency): the first answer to a POST sent
-- with a key, kept per tenant for 24 hours so that a client's retry of the
-- same request is answered with it instead of doing the work again.
-- status_code is NULL while the first request runs (a retry meanwhile is a
-- 409); locked_until lets a retry take over a key whose request died (a
-- crash) without an answer. fingerprint is a SHA-256 of the route, the
-- caller and the body: the same key with another request is refused.
CREATE TABLE idempotency_keys (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key          text        NOT NULL,
    fingerprint  bytea       NOT NULL,
    status_code  integer,
    content_type text,
    body         bytea,
    locked_until timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
