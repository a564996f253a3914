-- +goose Up
-- Indexes for the staff console at platform scale (docs/PERFORMANCE.md,
-- "Staff console at platform scale (twenty-first session)").
--
-- The users search (GET /admin/users?q=) and the tenants search by a
-- member's email (GET /admin/tenants?q=) match a fragment anywhere in the
-- email or name (ILIKE '%…%'), which no btree serves: a term found in few
-- users read every user (450 ms at 100,000 users). The email is citext,
-- which pg_trgm does not index, so its index is on the text; the queries
-- compare email::text.
CREATE INDEX users_email_trgm ON users USING gin ((email::text) gin_trgm_ops);
CREATE INDEX users_name_trgm ON users USING gin (name gin_trgm_ops);

-- The review queue (GET /admin/corrections) lists pending corrections by id,
-- oldest first. The partial index on pending ones was on (created_at, id),
-- which no query orders by, so the queue walked every correction by id and
-- skipped the reviewed ones: the queue's first page read the whole review
-- history (900 ms behind 200,000 reviewed corrections).
CREATE INDEX contact_corrections_review ON contact_corrections (id) WHERE status = 'pending';
DROP INDEX contact_corrections_pending;
ALTER INDEX contact_corrections_review RENAME TO contact_corrections_pending;
-- The queue filtered to one contact (contact_id=) read every pending
-- correction of every tenant and kept the contact's.
CREATE INDEX contact_corrections_pending_contact ON contact_corrections (contact_id, id) WHERE status = 'pending';

-- +goose Down
DROP INDEX contact_corrections_pending_contact;
CREATE INDEX contact_corrections_pending_by_time ON contact_corrections (created_at, id) WHERE status = 'pending';
DROP INDEX contact_corrections_pending;
ALTER INDEX contact_corrections_pending_by_time RENAME TO contact_corrections_pending;
DROP INDEX users_name_trgm;
DROP INDEX users_email_trgm;
