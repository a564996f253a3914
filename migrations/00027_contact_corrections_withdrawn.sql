-- +goose Up
-- A tenant's pending correction is withdrawn when the same tenant corrects
-- the same field of the contact again (its latest word is the one staff
-- review) or undoes it: staff accepting the older one would otherwise
-- write into the shared record a value the tenant took back.
ALTER TABLE contact_corrections DROP CONSTRAINT contact_corrections_status_check;
ALTER TABLE contact_corrections ADD CONSTRAINT contact_corrections_status_check
    CHECK (status IN ('pending', 'accepted', 'rejected', 'withdrawn'));

-- +goose Down
UPDATE contact_corrections SET status = 'rejected' WHERE status = 'withdrawn';
ALTER TABLE contact_corrections DROP CONSTRAINT contact_corrections_status_check;
ALTER TABLE contact_corrections ADD CONSTRAINT contact_corrections_status_check
    CHECK (status IN ('pending', 'accepted', 'rejected'));
