-- +goose Up
-- How many formula cells of a workbook's sheet have no result saved in
-- the file (they read as empty: openpyxl and excelize write formulas
-- without computing them), and the first of them, for the preflight to
-- warn about.
ALTER TABLE imports
    ADD COLUMN formulas_without_result integer NOT NULL DEFAULT 0,
    ADD COLUMN first_formula_without_result text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE imports DROP COLUMN first_formula_without_result, DROP COLUMN formulas_without_result;
