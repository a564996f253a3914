-- +goose Up
-- A CRM token refresh no longer keeps the connection row locked (and a
-- pooled connection in an open transaction) while the CRM's token endpoint
-- answers (internal/crm, refreshOnce). It claims the refresh with a lease
-- in a short transaction, calls the endpoint with no transaction open, and
-- stores the new tokens in a second short transaction only while the lease
-- is still its own. Other workers meanwhile wait for the holder's result.
-- A lease whose holder died (a crash, a lost database) expires at
-- refresh_lease_until (the database's clock) and is taken over.
ALTER TABLE crm_connections
    ADD COLUMN refresh_lease_id uuid,
    ADD COLUMN refresh_lease_until timestamptz;

-- +goose Down
ALTER TABLE crm_connections
    DROP COLUMN refresh_lease_until,
    DROP COLUMN refresh_lease_id;
