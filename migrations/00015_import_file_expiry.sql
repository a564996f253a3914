-- +goose Up
-- An import's uploaded bytes are removed when a run completes or is
-- cancelled, and after IMPORT_FILE_RETENTION when nobody runs it (an
-- upload never started, a dry run never followed by the import, a failed
-- import never resumed). file_removed_at says when; such an import can no
-- longer start, its records and errors.csv stay.
ALTER TABLE imports ADD COLUMN file_removed_at timestamptz;
UPDATE imports i SET file_removed_at = coalesce(i.finished_at, i.updated_at)
 WHERE NOT EXISTS (SELECT 1 FROM import_files f
                    WHERE f.tenant_id = coalesce(i.tenant_id, '00000000-0000-0000-0000-000000000000') AND f.import_id = i.id);
-- The sweeper looks for imports that still hold a file, oldest first.
CREATE INDEX imports_file_kept ON imports (updated_at) WHERE file_removed_at IS NULL;

-- +goose Down
DROP INDEX imports_file_kept;
ALTER TABLE imports DROP COLUMN file_removed_at;
