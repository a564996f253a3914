-- +goose Up
-- A contact whose push was cancelled (a disconnect or uninstall while its
-- batch was on the way) is refunded, and then the CRM's answer records it
-- as pushed: it reached the CRM after all. The refund trigger only ever gave
-- units back, so such a contact stayed free. It is charged again now, to
-- the month metered_period names, in the statement that records it as
-- pushed: an item counts exactly when it ends pushed, whatever states it
-- passed through.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION crm_push_items_refund() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE usage_counters u SET count = greatest(u.count + r.n, 0)
      FROM (SELECT o.tenant_id, o.metered_period,
                   sum(CASE WHEN o.status IN ('queued', 'paused') THEN -1 ELSE 1 END) AS n
              FROM old_rows o
              JOIN new_rows x ON x.tenant_id = o.tenant_id AND x.batch_id = o.batch_id AND x.contact_id = o.contact_id
             WHERE o.metered AND o.metered_period IS NOT NULL
               AND ((o.status IN ('queued', 'paused') AND x.status NOT IN ('queued', 'paused', 'pushed'))
                 OR (o.status NOT IN ('queued', 'paused', 'pushed') AND x.status = 'pushed'))
             GROUP BY o.tenant_id, o.metered_period) r
     WHERE u.tenant_id = r.tenant_id AND u.metric = 'crm_pushes' AND u.period_start = r.metered_period AND r.n <> 0;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION crm_push_items_refund() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE usage_counters u SET count = greatest(u.count - r.n, 0)
      FROM (SELECT o.tenant_id, o.metered_period, count(*) AS n
              FROM old_rows o
              JOIN new_rows x ON x.tenant_id = o.tenant_id AND x.batch_id = o.batch_id AND x.contact_id = o.contact_id
             WHERE o.metered AND o.metered_period IS NOT NULL AND o.status IN ('queued', 'paused')
               AND x.status NOT IN ('queued', 'paused', 'pushed')
             GROUP BY o.tenant_id, o.metered_period) r
     WHERE u.tenant_id = r.tenant_id AND u.metric = 'crm_pushes' AND u.period_start = r.metered_period;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
