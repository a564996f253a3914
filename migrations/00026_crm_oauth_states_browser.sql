-- +goose Up
-- The browser a connection was started in. crm/connect sets a cookie with
-- a random nonce (path /api/v1/crm/oauth/callback) and keeps its SHA-256
-- here; the callback needs that cookie. Without it an org admin could send
-- their own authorize link to someone signed in to another CRM account,
-- and that person's consent would connect *their* CRM to the admin's
-- tenant (a login-CSRF of OAuth, RFC 6749 §10.12). States made before this
-- migration (at most 10 minutes old) have none and are not checked.
ALTER TABLE crm_oauth_states ADD COLUMN browser_hash bytea;

-- +goose Down
ALTER TABLE crm_oauth_states DROP COLUMN browser_hash;
