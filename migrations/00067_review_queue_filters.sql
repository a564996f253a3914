-- +goose Up
-- The staff review queue (GET /admin/corrections) filtered to one tenant
-- (tenant_id=) or one field (field=), oldest first by id. Without these the
-- filtered queue walked every pending correction of every tenant in id order
-- and kept the tenant's or the field's: a tenant with few pending
-- corrections, or a rarely corrected field, read the whole queue (50,000
-- pending corrections from 2,000 tenants). Partial like
-- contact_corrections_pending: reviewed corrections are not in them.
CREATE INDEX contact_corrections_pending_tenant ON contact_corrections (tenant_id, id) WHERE status = 'pending';
CREATE INDEX contact_corrections_pending_field ON contact_corrections (field, id) WHERE status = 'pending';

-- +goose Down
DROP INDEX contact_corrections_pending_field;
DROP INDEX contact_corrections_pending_tenant;
