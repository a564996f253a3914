-- +goose NO TRANSACTION
-- +goose Up
-- A search sorted by id (the order of a large match set) walked
-- contacts_pkey from the newest row and skipped every row not visible to
-- the tenant. A tenant's import puts its private contacts at the top of
-- that order (UUIDv7 ids), so after another tenant imported 230,000
-- contacts a broad search ("engineer") skipped 230,000 rows before its
-- first match: 4 ms became 600 ms for every other tenant, from the import
-- on (docs/PERFORMANCE.md, "Searches beside a running import"). The search now reads the shared contacts and
-- the tenant's own in two branches ordered by id; this index gives the
-- shared branch its order without the private rows (the tenant's branch
-- reads contacts_owner). Private contacts are not in it, so an import does
-- not maintain it.
SET lock_timeout = 0;
DROP INDEX CONCURRENTLY IF EXISTS contacts_shared_id;
CREATE INDEX CONCURRENTLY contacts_shared_id ON contacts (id) WHERE owner_tenant_id IS NULL;
RESET lock_timeout;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS contacts_shared_id;
