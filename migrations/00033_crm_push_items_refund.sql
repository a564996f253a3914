-- +goose Up
-- A contact of a push counts against crm_pushes_per_month once it reached
-- the CRM. It is charged when it is first sent, so the quota holds while it
-- is on the way and a retry or resumed job does not charge it again, in the
-- month metered_period names; when its push ends without delivering it
-- (failed, cancelled, rejected, skipped, deleted in the CRM), that month is
-- refunded, in the statement that settles it. An open item (queued, paused)
-- keeps its charge; a settled one never opens again, so it is refunded at
-- most once.
ALTER TABLE crm_push_items ADD COLUMN metered_period date;
-- Open items charged before this migration: the month they were last
-- touched is the month they were sent in, or close to it.
UPDATE crm_push_items SET metered_period = date_trunc('month', updated_at AT TIME ZONE 'UTC')::date
 WHERE metered AND status IN ('queued', 'paused');

-- Fires before crm_push_items_updated (triggers fire in name order), so a
-- settle takes the counter row before the push's row, the order metering
-- takes them in (ConsumeUpTo, then the items): the two cannot deadlock. A
-- statement that refunds nothing touches no counter.
-- +goose StatementBegin
CREATE FUNCTION crm_push_items_refund() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER crm_push_items_refund AFTER UPDATE ON crm_push_items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION crm_push_items_refund();

-- +goose Down
DROP TRIGGER crm_push_items_refund ON crm_push_items;
DROP FUNCTION crm_push_items_refund();
ALTER TABLE crm_push_items DROP COLUMN metered_period;
