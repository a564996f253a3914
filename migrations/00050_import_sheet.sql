-- +goose Up
-- Which sheet of a workbook an import read (the one the workbook opens
-- on) and how many sheets the workbook has, so that the preflight can
-- say so: a workbook of several sheets imported one of them without
-- naming it. Empty and 0 for CSV files.
ALTER TABLE imports
    ADD COLUMN sheet text NOT NULL DEFAULT '',
    ADD COLUMN sheet_count integer NOT NULL DEFAULT 0 CHECK (sheet_count >= 0);

-- +goose Down
ALTER TABLE imports DROP COLUMN sheet_count, DROP COLUMN sheet;
