-- +goose Up
-- Indexes for the audit log's filters on a big log (docs/PERFORMANCE.md,
-- "Big tenant (twenty-first session)").
--
-- The audit log's action filter takes a prefix ("member.*", action LIKE
-- 'member.%'), which a btree in the database's collation cannot serve: the
-- tenant's and the platform's views read the whole audit table (every
-- tenant's events) for a prefix that matches few events. text_pattern_ops
-- serves the prefix and still the exact action (=), so it replaces the
-- platform index on action; the tenant gets one of its own.
CREATE INDEX audit_events_action_prefix ON audit_events (action text_pattern_ops, id DESC);
DROP INDEX audit_events_action;
ALTER INDEX audit_events_action_prefix RENAME TO audit_events_action;
CREATE INDEX audit_events_tenant_action ON audit_events (tenant_id, action text_pattern_ops, id DESC);

-- The actor filter (a user or an API key) read the whole audit table too
-- for an actor with few events.
CREATE INDEX audit_events_actor_user ON audit_events (actor_user_id, id DESC) WHERE actor_user_id IS NOT NULL;
CREATE INDEX audit_events_actor_key ON audit_events (actor_api_key_id, id DESC) WHERE actor_api_key_id IS NOT NULL;

-- +goose Down
DROP INDEX audit_events_actor_key;
DROP INDEX audit_events_actor_user;
DROP INDEX audit_events_tenant_action;
CREATE INDEX audit_events_action_plain ON audit_events (action, id DESC);
DROP INDEX audit_events_action;
ALTER INDEX audit_events_action_plain RENAME TO audit_events_action;
