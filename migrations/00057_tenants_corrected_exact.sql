-- +goose Up
-- tenants.corrected_at (migration 00046) says the tenant has corrections,
-- so its searches look for them; it stayed set after the tenant's last
-- correction went (a deleted contact takes its corrections with it), and
-- such a tenant's searches kept looking. Now it is exact: set by a
-- correction, cleared when the tenant's last one is deleted, each in the
-- transaction of the change.
--
-- A correction added while the last one is deleted must keep the mark.
-- The delete's check "none left" cannot see the other transaction's
-- uncommitted insert, so the two take a per-tenant advisory lock (the
-- repository's "<what>:<tenant id>" keys): an insert a shared one, so
-- corrections never wait for each other, a delete an exclusive one, and
-- each reads after taking it (a new snapshot per statement, READ
-- COMMITTED). A delete that got the lock first has committed its clearing
-- when the insert reads, which sets the mark again; an insert that got it
-- first has committed its row when the delete looks for one.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tenants_mark_corrected() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtextextended('corrections:' || NEW.tenant_id::text, 0));
    UPDATE tenants SET corrected_at = now() WHERE id = NEW.tenant_id AND corrected_at IS NULL;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION tenants_unmark_corrected() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE t uuid;
BEGIN
    -- Tenants in one order, so that two deletes spanning the same tenants
    -- cannot wait for each other's locks in a circle.
    FOR t IN SELECT DISTINCT tenant_id FROM gone ORDER BY tenant_id LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended('corrections:' || t::text, 0));
        IF NOT EXISTS (SELECT 1 FROM contact_corrections WHERE tenant_id = t) THEN
            UPDATE tenants SET corrected_at = NULL WHERE id = t AND corrected_at IS NOT NULL;
        END IF;
    END LOOP;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER contact_corrections_unmark_tenant AFTER DELETE ON contact_corrections
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION tenants_unmark_corrected();

-- Tenants whose corrections all went before this migration.
UPDATE tenants t SET corrected_at = NULL
 WHERE corrected_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contact_corrections cc WHERE cc.tenant_id = t.id);

-- +goose Down
DROP TRIGGER contact_corrections_unmark_tenant ON contact_corrections;
DROP FUNCTION tenants_unmark_corrected();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tenants_mark_corrected() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tenants SET corrected_at = now() WHERE id = NEW.tenant_id AND corrected_at IS NULL;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
