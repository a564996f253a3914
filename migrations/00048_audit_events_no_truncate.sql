-- +goose Up
-- The audit log is append-only (00002 refuses UPDATE and DELETE row by
-- row), but row triggers do not fire on TRUNCATE, which emptied it in one
-- statement. A statement trigger refuses that too, with the same error.
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TRIGGER audit_events_no_truncate ON audit_events;
