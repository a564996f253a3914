-- +goose Up
-- Background work in progress, per tenant, for the package's
-- max_concurrent_jobs ("worker activity" in the terms): an import run or a
-- CRM push job holds a row while it works and renews it; the row of a
-- worker that died expires. limits.Service.ClaimJobSlot is the only writer.
CREATE TABLE job_slots (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    holder     text NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, holder)
);

-- +goose Down
DROP TABLE job_slots;
