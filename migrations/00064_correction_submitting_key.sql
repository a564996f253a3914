-- +goose Up
-- The API key that filed a correction, so that its organization can tell
-- an integration's corrections from a removed user's (both had a null
-- submitted_by). A key is revoked, not deleted; if one is ever deleted
-- the correction keeps its tenant and forgets the key.
ALTER TABLE contact_corrections ADD COLUMN submitted_by_key uuid;
ALTER TABLE contact_corrections ADD CONSTRAINT contact_corrections_submitted_by_key_fkey
    FOREIGN KEY (tenant_id, submitted_by_key) REFERENCES api_keys (tenant_id, id) ON DELETE SET NULL (submitted_by_key);

-- Corrections filed before: the audit log names the key of each.
UPDATE contact_corrections cc SET submitted_by_key = a.actor_api_key_id
FROM audit_events a
JOIN api_keys k ON k.id = a.actor_api_key_id
WHERE a.action = 'contact.correction_submitted'
  AND a.actor_api_key_id IS NOT NULL
  AND a.tenant_id = cc.tenant_id AND k.tenant_id = cc.tenant_id
  AND a.data->>'correction_id' = cc.id::text
  AND cc.submitted_by IS NULL;

-- +goose Down
ALTER TABLE contact_corrections DROP COLUMN submitted_by_key;
