-- +goose Up
-- Each rotation records the token it issued, so a spent token presented
-- again shortly after its rotation can be told apart from reuse: while its
-- successor is unused it is a retry of a refresh whose answer was lost
-- (identity.RefreshReuseGrace), and rotates again instead of ending the
-- session. Only the hash is stored, as for the token itself; no foreign key:
-- the prune deletes expired tokens in any order, and a successor that is
-- gone is simply not unused.
ALTER TABLE refresh_tokens ADD COLUMN replaced_by bytea;

-- +goose Down
ALTER TABLE refresh_tokens DROP COLUMN replaced_by;
