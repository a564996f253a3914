-- +goose Up
-- A value that fails normalization in a field the row does not need to be
-- usable (a phone that is not a number, a country that is not one, a
-- malformed email beside a good LinkedIn URL) no longer makes the row
-- invalid: the contact is imported without it, and the row's record says
-- which values were dropped and why (warnings, a JSON array like errors;
-- NULL when nothing was dropped, and on invalid rows). imports counts the
-- rows with warnings as the batches merge, like the outcomes.
ALTER TABLE import_batch ADD COLUMN warnings text;
ALTER TABLE import_records ADD COLUMN warnings jsonb;
ALTER TABLE imports ADD COLUMN warning_count integer NOT NULL DEFAULT 0;
-- ?has_warnings=true pages and errors.csv read the few rows with warnings
-- without reading every created row of the import.
CREATE INDEX import_records_warnings ON import_records (tenant_id, import_id, row_num)
    WHERE warnings IS NOT NULL;

-- +goose Down
DROP INDEX import_records_warnings;
ALTER TABLE imports DROP COLUMN warning_count;
ALTER TABLE import_records DROP COLUMN warnings;
ALTER TABLE import_batch DROP COLUMN warnings;
