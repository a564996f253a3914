-- +goose Up
-- Packages: what a tenant may do. Limits are enforced by internal/limits.
CREATE TABLE packages (
    id                      uuid PRIMARY KEY,
    code                    text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,39}$'),
    name                    text NOT NULL,
    description             text NOT NULL DEFAULT '',
    price_cents             integer NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
    currency                text NOT NULL DEFAULT 'usd',
    stripe_price_id         text UNIQUE,
    max_users               integer NOT NULL CHECK (max_users >= 1),
    searches_per_month      integer NOT NULL CHECK (searches_per_month >= 0),
    max_contacts_per_query  integer NOT NULL CHECK (max_contacts_per_query >= 1),
    api_access              boolean NOT NULL DEFAULT false,
    api_requests_per_minute integer NOT NULL CHECK (api_requests_per_minute >= 0),
    import_rows_per_month   integer NOT NULL CHECK (import_rows_per_month >= 0),
    max_concurrent_jobs     integer NOT NULL CHECK (max_concurrent_jobs >= 1),
    crm_pushes_per_month    integer NOT NULL CHECK (crm_pushes_per_month >= 0),
    max_import_file_bytes   bigint NOT NULL DEFAULT 10485760 CHECK (max_import_file_bytes > 0),
    sort_order              integer NOT NULL DEFAULT 0,
    active                  boolean NOT NULL DEFAULT true,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);

INSERT INTO packages (id, code, name, description, price_cents, max_users, searches_per_month,
    max_contacts_per_query, api_access, api_requests_per_minute, import_rows_per_month,
    max_concurrent_jobs, crm_pushes_per_month, max_import_file_bytes, sort_order) VALUES
 ('01900000-0000-7000-8000-000000000001', 'free', 'Free', 'Try the search workspace with a small team.',
    0, 3, 100, 25, false, 0, 1000, 1, 100, 5242880, 10),
 ('01900000-0000-7000-8000-000000000002', 'starter', 'Starter', 'For small sales teams: API access and imports.',
    4900, 10, 2000, 100, true, 120, 50000, 2, 5000, 52428800, 20),
 ('01900000-0000-7000-8000-000000000003', 'pro', 'Pro', 'For growing teams that live in the CRM.',
    14900, 50, 20000, 500, true, 600, 1000000, 4, 100000, 536870912, 30),
 ('01900000-0000-7000-8000-000000000004', 'enterprise', 'Enterprise', 'Large teams, high limits, priority support.',
    99900, 1000, 1000000, 1000, true, 6000, 10000000, 8, 5000000, 2147483648, 40);

CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    email               citext NOT NULL UNIQUE,
    name                text NOT NULL DEFAULT '',
    password_hash       text NOT NULL,
    system_role         text NOT NULL DEFAULT 'user' CHECK (system_role IN ('system_admin', 'support', 'user')),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    last_login_at       timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenants (
    id                 uuid PRIMARY KEY,
    name               text NOT NULL,
    status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    stripe_customer_id text UNIQUE,
    default_region     text NOT NULL DEFAULT 'US',
    suspended_at       timestamptz,
    suspended_reason   text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenants_name_trgm ON tenants USING gin (name gin_trgm_ops);

-- One current subscription per tenant. Its package is the tenant's package
-- while the status allows (see internal/limits for grace rules).
CREATE TABLE subscriptions (
    tenant_id              uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    package_id             uuid NOT NULL REFERENCES packages (id),
    status                 text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'incomplete')),
    source                 text NOT NULL CHECK (source IN ('stripe', 'manual', 'signup')),
    current_period_start   timestamptz,
    current_period_end     timestamptz,
    cancel_at_period_end   boolean NOT NULL DEFAULT false,
    past_due_since         timestamptz,
    stripe_subscription_id text UNIQUE,
    last_event_at          timestamptz,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('org_admin', 'member', 'viewer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE invitations (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL,
    email       citext NOT NULL,
    role        text NOT NULL CHECK (role IN ('org_admin', 'member', 'viewer')),
    token_hash  bytea NOT NULL UNIQUE,
    invited_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
-- At most one open invitation per address and tenant.
CREATE UNIQUE INDEX invitations_open_email ON invitations (tenant_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- A session is one login: the rotation family of its refresh tokens.
CREATE TABLE sessions (
    id             uuid PRIMARY KEY,
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id      uuid REFERENCES tenants (id) ON DELETE SET NULL,
    ip             inet,
    user_agent     text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_reason text
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Failed-login throttling shared by every instance: keys are
-- 'email:<address>' and 'ip:<address>'.
CREATE TABLE auth_throttle (
    key          text PRIMARY KEY,
    failures     integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Metered quotas: one row per tenant, metric and calendar month (UTC).
CREATE TABLE usage_counters (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    metric       text NOT NULL,
    period_start date NOT NULL,
    count        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, metric, period_start)
);

-- Append-only record of every administrative change and security event.
CREATE TABLE audit_events (
    id               uuid PRIMARY KEY,
    tenant_id        uuid,
    actor_user_id    uuid,
    actor_api_key_id uuid,
    actor_label      text NOT NULL DEFAULT '',
    action           text NOT NULL,
    target_type      text NOT NULL DEFAULT '',
    target_id        text NOT NULL DEFAULT '',
    data             jsonb NOT NULL DEFAULT '{}',
    ip               inet,
    request_id       text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_tenant ON audit_events (tenant_id, id DESC);
CREATE INDEX audit_events_platform ON audit_events (id DESC);
CREATE INDEX audit_events_action ON audit_events (action, id DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Mail waiting to be sent, or kept as the development outbox when SMTP_URL is unset.
CREATE TABLE outbox_emails (
    id         uuid PRIMARY KEY,
    to_address citext NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    error      text
);

-- +goose Down
DROP TABLE outbox_emails;
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE usage_counters;
DROP TABLE auth_throttle;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE invitations;
DROP TABLE memberships;
DROP TABLE subscriptions;
DROP TABLE tenants;
DROP TABLE users;
DROP TABLE packages;
