-- +goose Up
-- The audit log and the history of CRM push attempts are append-only
-- (00002 and 00012 refuse UPDATE and DELETE row by row), but row triggers
-- do not fire on TRUNCATE, which emptied either in one statement.
-- Statement triggers refuse that too, with the same errors.
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER crm_push_events_no_truncate BEFORE TRUNCATE ON crm_push_events
    FOR EACH STATEMENT EXECUTE FUNCTION crm_push_events_append_only();

-- +goose Down
DROP TRIGGER crm_push_events_no_truncate ON crm_push_events;
DROP TRIGGER audit_events_no_truncate ON audit_events;
