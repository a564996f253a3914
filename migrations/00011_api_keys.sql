-- +goose Up
-- API keys: only a SHA-256 of the secret is stored, with a short visible
-- prefix so people can tell keys apart.
CREATE TABLE api_keys (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix          text NOT NULL,
    secret_hash     bytea NOT NULL UNIQUE,
    scopes          text[] NOT NULL,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz,
    revoked_at      timestamptz,
    last_used_at    timestamptz,
    rotated_from_id uuid,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_id ON api_keys (id);

-- Requests per key and day, added to in batches (never a write per request).
CREATE TABLE api_key_usage_daily (
    tenant_id uuid NOT NULL,
    key_id    uuid NOT NULL,
    day       date NOT NULL,
    requests  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, key_id, day),
    FOREIGN KEY (tenant_id, key_id) REFERENCES api_keys (tenant_id, id) ON DELETE CASCADE
);

-- Fixed one-minute rate-limit windows shared by every API instance.
-- UNLOGGED: losing the counters in a crash only forgives a minute of use.
CREATE UNLOGGED TABLE rate_limit_windows (
    bucket       text NOT NULL,
    window_start timestamptz NOT NULL,
    count        integer NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

-- +goose Down
DROP TABLE rate_limit_windows;
DROP TABLE api_key_usage_daily;
DROP TABLE api_keys;
