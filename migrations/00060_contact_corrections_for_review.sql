-- +goose Up
-- A tenant sends at most contacts.CorrectionsForReview corrections of
-- shared contacts to staff review in any 24 hours (internal/contacts
-- requireReviewRoom). for_review marks the corrections that went to review
-- when they were made: not a private contact's (applied at once), not an
-- undo (back to the shared value). The count reads only those, by this
-- index: the tenant's corrections of its own contacts, which are not
-- bounded, never make it dearer.
ALTER TABLE contact_corrections ADD COLUMN for_review boolean NOT NULL DEFAULT false;
-- Only the last day counts; older rows keep false.
UPDATE contact_corrections cc SET for_review = true
  FROM contacts c
 WHERE c.id = cc.contact_id AND c.owner_tenant_id IS NULL AND cc.old_value <> cc.new_value
   AND cc.created_at > now() - interval '24 hours';
CREATE INDEX contact_corrections_for_review ON contact_corrections (tenant_id, created_at) WHERE for_review;

-- +goose Down
DROP INDEX contact_corrections_for_review;
ALTER TABLE contact_corrections DROP COLUMN for_review;
