-- +goose Up
-- One row for each search that was charged to a tenant's monthly quota:
-- who ran it (a user or an API key) and the identity of the search (its
-- query, filters and sort, as a search cursor is bound to them). The same
-- search by the same principal again within a short window is not charged
-- again (a reload, the browser's Back button, a retry after a lost answer).
-- UNLOGGED: losing the receipts in a crash only charges such a repeat once
-- more. Rows older than the window are pruned.
CREATE UNLOGGED TABLE search_receipts (
    tenant_id    uuid        NOT NULL,
    principal_id uuid        NOT NULL,
    query_hash   bytea       NOT NULL,
    charged_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, principal_id, query_hash)
);
CREATE INDEX search_receipts_charged_at ON search_receipts (charged_at);

-- +goose Down
DROP TABLE search_receipts;
