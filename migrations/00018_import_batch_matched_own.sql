-- +goose Up
-- Whether a matched row's contact is the importing tenant's own (private)
-- contact: the only matched contacts a tenant import may edit. The update
-- step takes just those rows, through the primary key, instead of joining
-- the tenant's private contacts, which grow with every batch of a large
-- import (docs/PERFORMANCE.md).
ALTER TABLE import_batch ADD COLUMN matched_own boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE import_batch DROP COLUMN matched_own;
