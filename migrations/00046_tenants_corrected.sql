-- +goose Up
-- When the tenant first corrected a contact. Until then its searches have
-- no corrections to match (internal/contacts/search_overlay.go) and skip
-- looking for them; the authenticated principal carries the flag
-- (docs/PERFORMANCE.md). Kept by a trigger, in the transaction of the
-- correction, as crm_pushed_at is (migration 00020). A tenant whose
-- corrections were all deleted since keeps it: its searches only look.
ALTER TABLE tenants ADD COLUMN corrected_at timestamptz;
UPDATE tenants t SET corrected_at = (SELECT min(cc.created_at) FROM contact_corrections cc WHERE cc.tenant_id = t.id)
 WHERE EXISTS (SELECT 1 FROM contact_corrections cc WHERE cc.tenant_id = t.id);

-- +goose StatementBegin
CREATE FUNCTION tenants_mark_corrected() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tenants SET corrected_at = now() WHERE id = NEW.tenant_id AND corrected_at IS NULL;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER contact_corrections_mark_tenant AFTER INSERT ON contact_corrections
    FOR EACH ROW EXECUTE FUNCTION tenants_mark_corrected();

-- +goose Down
DROP TRIGGER contact_corrections_mark_tenant ON contact_corrections;
DROP FUNCTION tenants_mark_corrected();
ALTER TABLE tenants DROP COLUMN corrected_at;
