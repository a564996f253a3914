-- +goose Up
-- The number of the last record above an uploaded file's table (Excel's
-- "sep=;" line, notes such as LinkedIn's export starts with, a report's
-- title): the reader skips those, and the header is the record after them.
ALTER TABLE imports ADD COLUMN skip_records integer NOT NULL DEFAULT 0 CHECK (skip_records >= 0);

-- +goose Down
ALTER TABLE imports DROP COLUMN skip_records;
