-- +goose Up
-- When the tenant first pushed contacts to its CRM. Until then no contact
-- of the tenant has a CRM status, so pages of contacts skip looking one
-- up; the authenticated principal carries the flag (docs/PERFORMANCE.md).
-- Kept by a trigger so that the CRM code need not write tenants.
ALTER TABLE tenants ADD COLUMN crm_pushed_at timestamptz;
UPDATE tenants t SET crm_pushed_at = (SELECT min(b.created_at) FROM crm_push_batches b WHERE b.tenant_id = t.id)
 WHERE EXISTS (SELECT 1 FROM crm_push_batches b WHERE b.tenant_id = t.id);

-- +goose StatementBegin
CREATE FUNCTION tenants_mark_crm_pushed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tenants SET crm_pushed_at = now() WHERE id = NEW.tenant_id AND crm_pushed_at IS NULL;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER crm_push_batches_mark_tenant AFTER INSERT ON crm_push_batches
    FOR EACH ROW EXECUTE FUNCTION tenants_mark_crm_pushed();

-- +goose Down
DROP TRIGGER crm_push_batches_mark_tenant ON crm_push_batches;
DROP FUNCTION tenants_mark_crm_pushed();
ALTER TABLE tenants DROP COLUMN crm_pushed_at;
