-- Makes the platform big, for timing the staff console (docs/PERFORMANCE.md,
-- "Staff console at platform scale (twenty-first session)"). Development
-- databases only: it writes rows directly, with no limits, metering or audit
-- of its own.
--
--   contacts seed --demo                                 (a fresh database)
--   psql "$DATABASE_URL" -f scripts/platform-scale.sql
--
-- 20,000 more tenants (one in 50 suspended; 400 paying through Stripe, 200
-- on a manual package, the rest on the free signup subscription), 100,000
-- users with 110,000 memberships (one in ten users in a second tenant),
-- 250,000 corrections from 2,000 tenants of which 50,000 pending (the
-- rest reviewed or withdrawn, older), 2,000 platform imports, 1,000,000
-- audit events (900,000 of tenants, 100,000 of the platform), 200,000
-- Stripe events. support@demo.test (password of sysadmin@demo.test) is
-- a support user.
\set ON_ERROR_STOP on
\timing on
CREATE OR REPLACE FUNCTION pg_temp.v7(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex((extract(epoch FROM ts)*1000)::bigint),12,'0') || '7' || substr(md5(random()::text),1,3)
          || '8' || substr(md5(random()::text),1,15))::uuid $$;
INSERT INTO users (id, email, name, password_hash, system_role)
SELECT pg_temp.v7(now()), 'support@demo.test', 'Sam Support', password_hash, 'support' FROM users WHERE email = 'sysadmin@demo.test';
-- 20,000 tenants over three years
CREATE TEMP TABLE t AS
SELECT g, pg_temp.v7(now() - g * interval '78 minutes') id, now() - g * interval '78 minutes' ts,
  (ARRAY['Acme','Globex','Initech','Umbrella','Hooli','Stark','Wayne','Wonka','Tyrell','Cyberdyne'])[1 + g % 10] || ' '
    || (ARRAY['Industries','Labs','GmbH','Consulting','Partners','Systems','Group','Holdings'])[1 + (g / 10) % 8] || ' ' || g AS name
FROM generate_series(1, 20000) g;
INSERT INTO tenants (id, name, status, stripe_customer_id, suspended_at, suspended_reason, created_at, updated_at)
SELECT id, name, CASE WHEN g % 50 = 0 THEN 'suspended' ELSE 'active' END,
  CASE WHEN g % 50 = 1 THEN 'cus_' || md5(g::text) END,
  CASE WHEN g % 50 = 0 THEN ts + interval '1 day' END, CASE WHEN g % 50 = 0 THEN 'Invoices unpaid' END, ts, ts
FROM t;
INSERT INTO subscriptions (tenant_id, package_id, status, source, current_period_start, current_period_end, stripe_subscription_id, updated_at)
SELECT id,
  CASE WHEN g % 50 = 1 THEN (SELECT id FROM packages WHERE code = (ARRAY['starter','pro','enterprise'])[1 + g % 3])
       WHEN g % 50 IN (2, 3, 4) AND g % 20 = 2 THEN (SELECT id FROM packages WHERE code = 'pro')
       ELSE (SELECT id FROM packages WHERE code = 'free') END,
  CASE WHEN g % 50 = 1 AND g % 7 = 0 THEN 'past_due' WHEN g % 50 = 1 AND g % 11 = 0 THEN 'canceled' ELSE 'active' END,
  CASE WHEN g % 50 = 1 THEN 'stripe' WHEN g % 50 IN (2, 3, 4) AND g % 20 = 2 THEN 'manual' ELSE 'signup' END,
  date_trunc('month', now()), date_trunc('month', now()) + interval '1 month',
  CASE WHEN g % 50 = 1 THEN 'sub_' || md5(g::text) END, ts
FROM t;
-- 100,000 users: five per tenant, one in ten also in the next tenant
CREATE TEMP TABLE u AS
SELECT g, pg_temp.v7(now() - g * interval '15 minutes') id,
  (ARRAY['anna','ben','carla','dieter','emma','farid','grace','hugo','ines','jonas'])[1 + g % 10] || '.'
    || (ARRAY['schmidt','mueller','smith','garcia','rossi','dubois','kowalski','nakamura'])[1 + (g / 10) % 8] || g || '@'
    || lower((ARRAY['acme','globex','initech','umbrella','hooli','stark','wayne','wonka','tyrell','cyberdyne'])[1 + (g / 5) % 10]) || (g / 5) || '.example' AS email,
  initcap((ARRAY['anna','ben','carla','dieter','emma','farid','grace','hugo','ines','jonas'])[1 + g % 10]) || ' '
    || initcap((ARRAY['schmidt','mueller','smith','garcia','rossi','dubois','kowalski','nakamura'])[1 + (g / 10) % 8]) AS name,
  now() - g * interval '15 minutes' ts
FROM generate_series(0, 99999) g;
INSERT INTO users (id, email, name, password_hash, created_at, updated_at, last_login_at)
SELECT id, email, name, 'x', ts, ts, CASE WHEN g % 3 = 0 THEN now() - (g % 90) * interval '1 day' END FROM u;
INSERT INTO memberships (tenant_id, user_id, role, created_at)
SELECT t.id, u.id, CASE WHEN u.g % 5 = 0 THEN 'org_admin' WHEN u.g % 5 = 4 THEN 'viewer' ELSE 'member' END, u.ts
FROM u JOIN t ON t.g = 1 + u.g / 5;
INSERT INTO memberships (tenant_id, user_id, role, created_at)
SELECT t.id, u.id, 'member', u.ts FROM u JOIN t ON t.g = 1 + (u.g / 5 + 1) % 20000 WHERE u.g % 10 = 3
ON CONFLICT DO NOTHING;
-- 250,000 corrections from 2,000 tenants: 200,000 reviewed or withdrawn (older), 50,000 pending (newer)
INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value, status, submitted_by, reviewed_at, created_at, for_review)
SELECT t.id, pg_temp.v7(now() - (250000 - x.n) * interval '2 minutes'), x.cid,
  (ARRAY['title','email','phone','company_name','city','country','linkedin_url'])[1 + x.n % 7], 'old', 'new ' || x.n,
  CASE WHEN x.n <= 200000 THEN (ARRAY['accepted','accepted','rejected','withdrawn'])[1 + x.n % 4] ELSE 'pending' END,
  NULL, CASE WHEN x.n <= 200000 THEN now() - (250000 - x.n) * interval '2 minutes' + interval '1 day' END,
  now() - (250000 - x.n) * interval '2 minutes', x.n % 7 = 0
FROM (SELECT n, c.id cid FROM generate_series(1, 250000) n
      JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 rn FROM contacts) c ON c.rn = (n * 7919) % 100000) x
JOIN t ON t.g = 1 + (x.n * 13) % 2000;
-- 2,000 platform imports
INSERT INTO imports (id, tenant_id, created_by, started_by, status, file_name, file_bytes, file_chunks, format, encoding, delimiter, line_ending,
  records, rows_total, rows_done, created_count, matched_count, invalid_count, created_at, updated_at, finished_at, file_removed_at)
SELECT pg_temp.v7(now() - g * interval '5 hours'), NULL, NULL, NULL,
  (ARRAY['completed','completed','completed','failed','cancelled'])[1 + g % 5], 'vendor-' || g || '.csv', 1000, 1, 'csv', 'utf-8', ',', 'lf',
  100, 100, 100, 80, 15, 5, now() - g * interval '5 hours', now() - g * interval '5 hours', now() - g * interval '5 hours', now()
FROM generate_series(1, 2000) g;
-- 1,000,000 audit events: 900,000 of the tenants (skewed: the newest thousand tenants are busiest), 100,000 of the platform
INSERT INTO audit_events (id, tenant_id, actor_user_id, actor_label, action, target_type, target_id, data, created_at, actor_staff)
SELECT pg_temp.v7(now() - e.n * interval '30 seconds'), t.id, u.id, u.email,
  (ARRAY['saved_contacts.saved','list.created','import.started','crm.push_requested','auth.login','saved_contacts.exported','member.role_changed',
         'contact.correction_submitted','billing.subscription_updated'])[1 + e.n % 9],
  'contact', e.n::text, '{"count":1}', now() - e.n * interval '30 seconds', false
FROM generate_series(1, 900000) e(n)
JOIN t ON t.g = 1 + CASE WHEN e.n % 2 = 0 THEN e.n % 1000 ELSE e.n % 20000 END
JOIN u ON u.g = 5 * (t.g - 1);
INSERT INTO audit_events (id, tenant_id, actor_label, action, target_type, data, created_at, actor_staff)
SELECT pg_temp.v7(now() - g * interval '4 minutes'), NULL, 'sysadmin@demo.test',
  (ARRAY['auth.login','tenant.suspended','package.updated','contact.correction_accepted'])[1 + g % 4], 'x', '{}', now() - g * interval '4 minutes', true
FROM generate_series(1, 100000) g;
-- 200,000 Stripe events of the paying tenants
INSERT INTO stripe_events (id, type, created, tenant_id, payload, received_at, processed_at, outcome)
SELECT 'evt_' || md5(e.n::text), (ARRAY['invoice.paid','customer.subscription.updated','checkout.session.completed','invoice.payment_failed'])[1 + e.n % 4],
  now() - e.n * interval '3 minutes', t.id, '{"data":{"object":{}}}', now() - e.n * interval '3 minutes', now() - e.n * interval '3 minutes', 'applied'
FROM generate_series(1, 200000) e(n) JOIN t ON t.g = 1 + 50 * (e.n % 400);
DROP TABLE t, u;
VACUUM ANALYZE;
