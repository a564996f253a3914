-- +goose Up
-- DESIGN.md §3: every tenant-scoped table has tenant_id leading its primary
-- key or a unique index, so the schema can be distributed by tenant. The
-- tenant's audit log read its events through a plain index on (tenant_id,
-- id DESC); the same index made unique (id is the primary key, so the pair
-- is unique already) keeps serving it and meets the rule. Platform events
-- (tenant_id NULL) are not constrained by it.
CREATE UNIQUE INDEX audit_events_tenant_key ON audit_events (tenant_id, id DESC);
DROP INDEX audit_events_tenant;
ALTER INDEX audit_events_tenant_key RENAME TO audit_events_tenant;

-- +goose Down
CREATE INDEX audit_events_tenant_plain ON audit_events (tenant_id, id DESC);
DROP INDEX audit_events_tenant;
ALTER INDEX audit_events_tenant_plain RENAME TO audit_events_tenant;
