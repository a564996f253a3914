-- +goose Up
-- The 1CloudAI CRM integration: one connection per tenant (tokens
-- encrypted), OAuth states, field ownership, and pushes. internal/crm/doc.go
-- tells the story.

-- A tenant's CRM connection. Tokens are AES-256-GCM ciphertexts (nonce ||
-- sealed), encrypted with the key named by key_id so keys can rotate; they
-- are NULL once disconnected. token_version grows with every refresh, so a
-- worker that saw a 401 can tell whether another one refreshed meanwhile.
CREATE TABLE crm_connections (
    tenant_id          uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    id                 uuid NOT NULL,
    status             text NOT NULL CHECK (status IN ('connected', 'needs_reauth', 'disconnected')),
    account_id         text NOT NULL,
    account_name       text NOT NULL DEFAULT '',
    scopes             text[] NOT NULL DEFAULT '{}',
    key_id             text,
    access_token_enc   bytea,
    refresh_token_enc  bytea,
    access_expires_at  timestamptz,
    refresh_due_at     timestamptz,
    token_version      bigint NOT NULL DEFAULT 0,
    connected_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    connected_by_label text NOT NULL DEFAULT '',
    connected_at       timestamptz NOT NULL,
    status_reason      text NOT NULL DEFAULT '',
    status_changed_at  timestamptz NOT NULL,
    last_push_at       timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'disconnected' OR (access_token_enc IS NULL AND refresh_token_enc IS NULL))
);
-- The uninstall webhook names the CRM account, not the tenant.
CREATE INDEX crm_connections_account ON crm_connections (account_id);

-- OAuth state of a Connect: single use, bound to tenant and user, short
-- lived. Only a SHA-256 of the state is kept; the PKCE verifier is
-- encrypted like the tokens.
CREATE TABLE crm_oauth_states (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    state_hash   bytea NOT NULL,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_id       text NOT NULL,
    verifier_enc bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    PRIMARY KEY (tenant_id, state_hash)
);

-- Who owns each CRM field: fill_if_empty (the default when no row exists),
-- overwrite, or never.
CREATE TABLE crm_field_ownership (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    field      text NOT NULL CHECK (field IN ('email', 'first_name', 'last_name', 'phone', 'job_title', 'company_name')),
    mode       text NOT NULL CHECK (mode IN ('fill_if_empty', 'overwrite', 'never')),
    updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, field)
);

-- What the CRM holds for each of a tenant's contacts: one row per contact,
-- keyed to the CRM by external_id = contact_id, so no retry or replay can
-- create a second record. content_hash is the hash of the content last
-- pushed successfully; pushed_properties is what was sent.
CREATE TABLE crm_pushes (
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    contact_id         uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    status             text NOT NULL CHECK (status IN ('pushed', 'failed', 'deleted_in_crm')),
    crm_record_id      text,
    content_hash       bytea,
    pushed_properties  jsonb NOT NULL DEFAULT '{}',
    attempts           integer NOT NULL DEFAULT 0,
    last_error_code    text NOT NULL DEFAULT '',
    last_error_message text NOT NULL DEFAULT '',
    last_batch_id      uuid,
    first_pushed_at    timestamptz,
    last_pushed_at     timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, contact_id)
);

-- A push: what one POST crm/pushes asked for. total, to_create and
-- to_update are its plan; the other counts are kept by a trigger on its
-- items (below), so they are right whatever changes an item, and the
-- status follows from them.
CREATE TABLE crm_push_batches (
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                 uuid NOT NULL,
    selection          text NOT NULL CHECK (selection IN ('contact_ids', 'all_approved_not_pushed')),
    requested_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    requested_by_label text NOT NULL DEFAULT '',
    total              integer NOT NULL DEFAULT 0,
    to_create          integer NOT NULL DEFAULT 0,
    to_update          integer NOT NULL DEFAULT 0,
    skipped            integer NOT NULL DEFAULT 0,
    rejected           integer NOT NULL DEFAULT 0,
    queued             integer NOT NULL DEFAULT 0,
    paused             integer NOT NULL DEFAULT 0,
    created            integer NOT NULL DEFAULT 0,
    updated            integer NOT NULL DEFAULT 0,
    failed             integer NOT NULL DEFAULT 0,
    deleted_in_crm     integer NOT NULL DEFAULT 0,
    cancelled          integer NOT NULL DEFAULT 0,
    -- Contacts to send that were attempted or settled: queued vs running.
    started            integer NOT NULL DEFAULT 0,
    status             text GENERATED ALWAYS AS (CASE
        WHEN paused > 0 THEN 'paused'
        WHEN queued > 0 AND started = 0 THEN 'queued'
        WHEN queued > 0 THEN 'running'
        WHEN cancelled > 0 THEN 'cancelled'
        WHEN failed + deleted_in_crm > 0 THEN 'completed_with_errors'
        ELSE 'completed' END) STORED,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX crm_push_batches_recent ON crm_push_batches (tenant_id, created_at DESC, id DESC);

-- One contact of a push: its plan (action, reason) and where it stands.
-- No foreign key to contacts: history outlives the contact.
CREATE TABLE crm_push_items (
    tenant_id     uuid NOT NULL,
    batch_id      uuid NOT NULL,
    contact_id    uuid NOT NULL,
    seq           integer NOT NULL,
    action        text NOT NULL CHECK (action IN ('create', 'update', 'skip', 'reject')),
    reason        text NOT NULL DEFAULT '',
    status        text NOT NULL CHECK (status IN
        ('queued', 'paused', 'pushed', 'failed', 'deleted_in_crm', 'cancelled', 'skipped', 'rejected')),
    crm_result    text NOT NULL DEFAULT '',
    crm_record_id text,
    error_code    text NOT NULL DEFAULT '',
    error_message text NOT NULL DEFAULT '',
    attempts      integer NOT NULL DEFAULT 0,
    metered       boolean NOT NULL DEFAULT false,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, batch_id, contact_id),
    FOREIGN KEY (tenant_id, batch_id) REFERENCES crm_push_batches (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX crm_push_items_seq ON crm_push_items (tenant_id, batch_id, seq);
CREATE INDEX crm_push_items_contact ON crm_push_items (tenant_id, contact_id);
-- A contact waits in at most one push at a time.
CREATE UNIQUE INDEX crm_push_items_open ON crm_push_items (tenant_id, contact_id) WHERE status IN ('queued', 'paused');

-- Keeps the counts of crm_push_batches: one UPDATE per statement and push,
-- from the statement's old and new rows, instead of a recount of every item.
-- +goose StatementBegin
CREATE FUNCTION crm_push_items_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE crm_push_batches b SET
        queued         = b.queued + d.queued,
        paused         = b.paused + d.paused,
        created        = b.created + d.created,
        updated        = b.updated + d.updated,
        failed         = b.failed + d.failed,
        deleted_in_crm = b.deleted_in_crm + d.deleted,
        cancelled      = b.cancelled + d.cancelled,
        skipped        = b.skipped + d.skipped,
        rejected       = b.rejected + d.rejected,
        started        = b.started + d.started,
        finished_at    = CASE WHEN b.queued + d.queued + b.paused + d.paused = 0
                              THEN COALESCE(b.finished_at, clock_timestamp()) END,
        updated_at     = clock_timestamp()
    FROM (SELECT x.tenant_id, x.batch_id,
                 sum(x.n) FILTER (WHERE x.status = 'queued') AS queued,
                 sum(x.n) FILTER (WHERE x.status = 'paused') AS paused,
                 sum(x.n) FILTER (WHERE x.status = 'pushed' AND x.crm_result = 'created') AS created,
                 sum(x.n) FILTER (WHERE x.status = 'pushed' AND x.crm_result <> 'created') AS updated,
                 sum(x.n) FILTER (WHERE x.status = 'failed') AS failed,
                 sum(x.n) FILTER (WHERE x.status = 'deleted_in_crm') AS deleted,
                 sum(x.n) FILTER (WHERE x.status = 'cancelled') AS cancelled,
                 sum(x.n) FILTER (WHERE x.status = 'skipped') AS skipped,
                 sum(x.n) FILTER (WHERE x.status = 'rejected') AS rejected,
                 sum(x.n) FILTER (WHERE x.action IN ('create', 'update')
                                    AND (x.attempts > 0 OR x.status NOT IN ('queued', 'paused'))) AS started
            FROM (SELECT tenant_id, batch_id, status, crm_result, action, attempts, 1 AS n FROM new_rows) x
           GROUP BY x.tenant_id, x.batch_id) d0
    CROSS JOIN LATERAL (SELECT COALESCE(d0.queued, 0) AS queued, COALESCE(d0.paused, 0) AS paused,
                 COALESCE(d0.created, 0) AS created, COALESCE(d0.updated, 0) AS updated,
                 COALESCE(d0.failed, 0) AS failed, COALESCE(d0.deleted, 0) AS deleted,
                 COALESCE(d0.cancelled, 0) AS cancelled, COALESCE(d0.skipped, 0) AS skipped,
                 COALESCE(d0.rejected, 0) AS rejected, COALESCE(d0.started, 0) AS started) d
    WHERE b.tenant_id = d0.tenant_id AND b.id = d0.batch_id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION crm_push_items_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE crm_push_batches b SET
        queued         = b.queued + d.queued,
        paused         = b.paused + d.paused,
        created        = b.created + d.created,
        updated        = b.updated + d.updated,
        failed         = b.failed + d.failed,
        deleted_in_crm = b.deleted_in_crm + d.deleted,
        cancelled      = b.cancelled + d.cancelled,
        skipped        = b.skipped + d.skipped,
        rejected       = b.rejected + d.rejected,
        started        = b.started + d.started,
        finished_at    = CASE WHEN b.queued + d.queued + b.paused + d.paused = 0
                              THEN COALESCE(b.finished_at, clock_timestamp()) END,
        updated_at     = clock_timestamp()
    FROM (SELECT x.tenant_id, x.batch_id,
                 sum(x.n) FILTER (WHERE x.status = 'queued') AS queued,
                 sum(x.n) FILTER (WHERE x.status = 'paused') AS paused,
                 sum(x.n) FILTER (WHERE x.status = 'pushed' AND x.crm_result = 'created') AS created,
                 sum(x.n) FILTER (WHERE x.status = 'pushed' AND x.crm_result <> 'created') AS updated,
                 sum(x.n) FILTER (WHERE x.status = 'failed') AS failed,
                 sum(x.n) FILTER (WHERE x.status = 'deleted_in_crm') AS deleted,
                 sum(x.n) FILTER (WHERE x.status = 'cancelled') AS cancelled,
                 sum(x.n) FILTER (WHERE x.status = 'skipped') AS skipped,
                 sum(x.n) FILTER (WHERE x.status = 'rejected') AS rejected,
                 sum(x.n) FILTER (WHERE x.action IN ('create', 'update')
                                    AND (x.attempts > 0 OR x.status NOT IN ('queued', 'paused'))) AS started
            FROM (SELECT tenant_id, batch_id, status, crm_result, action, attempts, 1 AS n FROM new_rows
                  UNION ALL
                  SELECT tenant_id, batch_id, status, crm_result, action, attempts, -1 AS n FROM old_rows) x
           GROUP BY x.tenant_id, x.batch_id) d0
    CROSS JOIN LATERAL (SELECT COALESCE(d0.queued, 0) AS queued, COALESCE(d0.paused, 0) AS paused,
                 COALESCE(d0.created, 0) AS created, COALESCE(d0.updated, 0) AS updated,
                 COALESCE(d0.failed, 0) AS failed, COALESCE(d0.deleted, 0) AS deleted,
                 COALESCE(d0.cancelled, 0) AS cancelled, COALESCE(d0.skipped, 0) AS skipped,
                 COALESCE(d0.rejected, 0) AS rejected, COALESCE(d0.started, 0) AS started) d
    WHERE b.tenant_id = d0.tenant_id AND b.id = d0.batch_id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER crm_push_items_inserted AFTER INSERT ON crm_push_items
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION crm_push_items_inserted();
CREATE TRIGGER crm_push_items_updated AFTER UPDATE ON crm_push_items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION crm_push_items_updated();

-- Every attempt to send a contact, with the CRM's answer. Append-only.
CREATE TABLE crm_push_events (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    batch_id      uuid NOT NULL,
    contact_id    uuid NOT NULL,
    attempt       integer NOT NULL,
    request_id    uuid NOT NULL,
    occurred_at   timestamptz NOT NULL,
    http_status   integer NOT NULL DEFAULT 0,
    outcome       text NOT NULL,
    error_code    text NOT NULL DEFAULT '',
    error_message text NOT NULL DEFAULT '',
    crm_record_id text,
    answer        jsonb,
    duration_ms   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX crm_push_events_item ON crm_push_events (tenant_id, batch_id, contact_id, id);

-- +goose StatementBegin
CREATE FUNCTION crm_push_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'crm_push_events is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER crm_push_events_no_change BEFORE UPDATE OR DELETE ON crm_push_events
    FOR EACH ROW EXECUTE FUNCTION crm_push_events_append_only();

-- Webhook deliveries seen, for at-least-once dedupe. The CRM's event ids
-- are global, not per tenant.
CREATE TABLE crm_webhook_events (
    event_id    text PRIMARY KEY,
    type        text NOT NULL,
    account_id  text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    payload     jsonb NOT NULL
);

-- +goose Down
DROP TABLE crm_webhook_events;
DROP TABLE crm_push_events;
DROP FUNCTION crm_push_events_append_only();
DROP TABLE crm_push_items;
DROP FUNCTION crm_push_items_updated();
DROP FUNCTION crm_push_items_inserted();
DROP TABLE crm_push_batches;
DROP TABLE crm_pushes;
DROP TABLE crm_field_ownership;
DROP TABLE crm_oauth_states;
DROP TABLE crm_connections;
