-- An import's key table (import_keys_<id>, created LIKE this template)
-- kept only the first row with each match key. Within a batch a row is
-- compared with every earlier row sharing a key, so a row could be a
-- duplicate of an earlier row when both were in one batch and not when a
-- batch boundary fell between them (the first row with the key had other
-- values than the one it repeats). The table now keeps one entry per key
-- and distinct set of values (email, LinkedIn URL, name key) with the
-- first row that had them (row_num) and that row's first row and contact
-- (root_row, contact_id); a row repeats the lowest row_num whose values
-- pass the same test as within a batch. The values take part in the
-- unique index as a 64-bit hash: a name key, an email and a URL together
-- can outgrow a B-tree entry, and a narrow entry keeps the index of a
-- million-row import small (an md5 text instead: 4,857 rows/s against
-- 5,166 on the 1 M-row bench, docs/PERFORMANCE.md). Two value sets of one key colliding in 64 bits
-- would count as one; for the value sets of one email, URL or name that is
-- not a practical concern.
--
-- A batch row's name key is folded as matching folds a contact's name and
-- company (sort_name, contacts_fold: unaccent) instead of in Go, whose
-- accent stripping leaves Ł, ß or ø alone: "Łukasz Nowak" and "Lukasz
-- Nowak" of one company were two people within a batch and one across
-- batches (the second matched the first's contact). A generated column
-- computes it during the COPY into the batch table.

-- +goose Up
ALTER TABLE import_keys DROP CONSTRAINT import_keys_pkey;
ALTER TABLE import_keys ADD COLUMN row_num integer NOT NULL;
CREATE UNIQUE INDEX import_keys_values ON import_keys (kind, key,
    hashtextextended(coalesce(email, '') || E'\x1f' || coalesce(linkedin_url, '') || E'\x1f' || coalesce(name_key, ''), 0));

ALTER TABLE import_batch DROP COLUMN name_key;
ALTER TABLE import_batch ADD COLUMN name_key text COLLATE "C" GENERATED ALWAYS AS (
    CASE WHEN first_name <> '' AND last_name <> '' AND company_name <> ''
    THEN contacts_fold(last_name || ' ' || first_name) || E'\x1f' || contacts_fold(company_name) END) STORED;

-- +goose Down
ALTER TABLE import_batch DROP COLUMN name_key;
ALTER TABLE import_batch ADD COLUMN name_key text COLLATE "C";
DROP INDEX import_keys_values;
ALTER TABLE import_keys DROP COLUMN row_num;
ALTER TABLE import_keys ADD PRIMARY KEY (kind, key);
