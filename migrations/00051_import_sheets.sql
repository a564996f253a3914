-- +goose Up
-- A workbook's sheets (name, whether any cell holds a value, hidden), so
-- that the preflight can offer another sheet to read, and the columns of
-- the sheet read that hold cells Excel stores as numbers, where a phone
-- number lost its "+" or leading 0. Empty for CSV files.
ALTER TABLE imports
    ADD COLUMN sheets jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN numeric_columns jsonb NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE imports DROP COLUMN numeric_columns, DROP COLUMN sheets;
