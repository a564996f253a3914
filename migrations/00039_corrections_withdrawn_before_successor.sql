-- +goose Up
-- A tenant's latest correction of a field is the one its overlay shows.
-- Corrections took their created_at from the start of their transaction,
-- so one that waited for the contact's lock while a teammate's correction
-- of the same field went in withdrew that one yet sorted before it: the
-- tenant saw the withdrawn value, not the one left for review. New
-- corrections take their time under the lock. A withdrawn correction
-- that sorts at or after its withdrawal (its reviewed_at, the successor's
-- created_at) is moved to just before it, so the successor shows again.
UPDATE contact_corrections SET created_at = reviewed_at - interval '1 microsecond'
WHERE status = 'withdrawn' AND created_at >= reviewed_at;

-- +goose Down
-- The order moved back would show withdrawn values again: nothing to undo.
SELECT 1;
