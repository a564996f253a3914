-- +goose NO TRANSACTION
-- +goose Up
-- The contract step of 00070 (CONTRIBUTING.md, "expand, then contract"):
-- since the binary of 00070 a search in update order reads the shared
-- contacts by contacts_shared_updated (00069) and the tenant's own by
-- contacts_owner_updated (00070), and nothing else sorts contacts by
-- update time, so contacts_updated serves no statement. That binary was
-- released; this one drops the index, so every contact written stops
-- paying for its entry.
SET lock_timeout = 0;
DROP INDEX CONCURRENTLY IF EXISTS contacts_updated;
RESET lock_timeout;

-- +goose Down
-- The binary before 00070 sorts searches by update time with it.
SET lock_timeout = 0;
DROP INDEX CONCURRENTLY IF EXISTS contacts_updated;
CREATE INDEX CONCURRENTLY contacts_updated ON contacts (updated_at DESC, id DESC);
RESET lock_timeout;
