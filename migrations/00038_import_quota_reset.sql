-- +goose Up
-- An import stopped by the monthly import_rows quota is told to start
-- again once the quota resets, and resumes where it stopped: when it
-- failed so, the reset it waits for. The file sweep keeps its file for the
-- retention period after that reset rather than after the failure (a
-- month used up early resets weeks after a 7-day retention).
ALTER TABLE imports ADD COLUMN quota_reset_at timestamptz;

-- +goose Down
ALTER TABLE imports DROP COLUMN quota_reset_at;
