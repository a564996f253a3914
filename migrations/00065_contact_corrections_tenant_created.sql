-- +goose Up
-- A correction of a shared contact counts the tenant's corrections sent to
-- review in the last 24 hours (internal/contacts requireReviewRoom). The
-- overlay index leads with the tenant but then the contact: without this
-- one that count read every correction the tenant ever made.
CREATE INDEX contact_corrections_tenant_created ON contact_corrections (tenant_id, created_at);

-- +goose Down
DROP INDEX contact_corrections_tenant_created;
