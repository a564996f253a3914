-- +goose NO TRANSACTION
-- +goose Up
-- A search sorted by update time reads the shared contacts by
-- contacts_shared_updated (00069) and the tenant's own apart. The tenant's
-- own had no index in that order: the search either sorted all of them
-- (slow for a tenant that imported many) or let the planner walk
-- contacts_updated, which skips every other tenant's newest contacts (an
-- import puts tens of thousands there). contacts_owner_updated gives the
-- tenant's branch its order.
--
-- contacts_updated now serves only binaries from before this migration,
-- which sort by update time with it (2.7 s a search at 1 M contacts
-- without it): it is dropped by a migration of a later release, once no
-- such binary runs (CONTRIBUTING.md, "expand, then contract").
SET lock_timeout = 0;
DROP INDEX CONCURRENTLY IF EXISTS contacts_owner_updated;
CREATE INDEX CONCURRENTLY contacts_owner_updated ON contacts (owner_tenant_id, updated_at DESC, id DESC) WHERE owner_tenant_id IS NOT NULL;
RESET lock_timeout;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS contacts_owner_updated;
