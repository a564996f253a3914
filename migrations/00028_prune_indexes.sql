-- +goose Up
-- The clean-up jobs delete by age in batches (db.DeleteBatched); without an
-- index each batch of a large backlog (refresh tokens: one per refresh)
-- would scan the whole table.
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX outbox_emails_created ON outbox_emails (created_at);
CREATE INDEX crm_webhook_events_received ON crm_webhook_events (received_at);

-- +goose Down
DROP INDEX crm_webhook_events_received;
DROP INDEX outbox_emails_created;
DROP INDEX sessions_revoked;
DROP INDEX sessions_expires;
DROP INDEX refresh_tokens_expires;
