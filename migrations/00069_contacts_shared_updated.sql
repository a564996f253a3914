-- +goose NO TRANSACTION
-- +goose Up
-- A search sorted by update time walked contacts_updated from the newest
-- row and skipped every row not visible to the tenant; another tenant's
-- import writes the newest rows, so after one of 230,000 contacts every
-- other tenant's "Recently updated" search took ~420 ms instead of 3 ms
-- (docs/PERFORMANCE.md, "Searches beside a running import"). As 00068 did
-- for the id order, the search reads the shared contacts and the tenant's
-- own in two branches; this index gives the shared branch its order
-- without the private rows, so an import does not maintain it.
SET lock_timeout = 0;
DROP INDEX CONCURRENTLY IF EXISTS contacts_shared_updated;
CREATE INDEX CONCURRENTLY contacts_shared_updated ON contacts (updated_at DESC, id DESC) WHERE owner_tenant_id IS NULL;
RESET lock_timeout;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS contacts_shared_updated;
