-- +goose Up
-- The saved view (GET /saved-contacts) with no free text and no filter on a
-- contact's fields reads saved contacts alone (docs/PERFORMANCE.md, "Big
-- tenant (twenty-first session)"): its first page counted the matches by
-- joining every saved contact to its contact only to check that the tenant
-- may see it, which cost all of the tenant's saved contacts for a rare
-- status (160-190 ms at 200,000 saved). That rests on every saved contact
-- being visible to its tenant: shared (owner_tenant_id NULL) or the
-- tenant's own. Saving and imports check it; these triggers keep it true
-- whatever writes: a saved contact must be visible when saved, and a
-- contact's owner never changes.
--
-- Rows that broke it could not be seen anyway (every read joined the
-- contact and checked); they go.
DELETE FROM saved_contacts s USING contacts c
 WHERE c.id = s.contact_id AND c.owner_tenant_id IS NOT NULL AND c.owner_tenant_id <> s.tenant_id;

-- +goose StatementBegin
CREATE FUNCTION saved_contacts_visible() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n JOIN contacts c ON c.id = n.contact_id
                WHERE c.owner_tenant_id IS NOT NULL AND c.owner_tenant_id <> n.tenant_id) THEN
        RAISE EXCEPTION 'a saved contact must be visible to its tenant' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER saved_contacts_visible_insert AFTER INSERT ON saved_contacts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION saved_contacts_visible();
CREATE TRIGGER saved_contacts_visible_update AFTER UPDATE ON saved_contacts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION saved_contacts_visible();

-- +goose StatementBegin
CREATE FUNCTION contacts_owner_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.owner_tenant_id IS DISTINCT FROM OLD.owner_tenant_id THEN
        RAISE EXCEPTION 'a contact''s owner does not change' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER contacts_owner_fixed BEFORE UPDATE OF owner_tenant_id ON contacts
    FOR EACH ROW EXECUTE FUNCTION contacts_owner_fixed();

-- A status filter with no filter on the contact reads its saved contacts
-- in the view's order, newest saved first, and counts them from the index.
CREATE INDEX saved_contacts_status ON saved_contacts (tenant_id, status, created_at DESC, contact_id DESC);

-- +goose Down
DROP INDEX saved_contacts_status;
DROP TRIGGER contacts_owner_fixed ON contacts;
DROP FUNCTION contacts_owner_fixed();
DROP TRIGGER saved_contacts_visible_update ON saved_contacts;
DROP TRIGGER saved_contacts_visible_insert ON saved_contacts;
DROP FUNCTION saved_contacts_visible();
