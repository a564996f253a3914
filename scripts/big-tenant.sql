-- Makes one tenant big, for timing a big tenant's pages (docs/PERFORMANCE.md,
-- "Big tenant (twenty-first session)"). Development databases only: it writes
-- rows directly, with no limits, metering or audit of its own.
--
--   contacts seed --contacts 300000 --companies 30000       (a fresh database)
--   (sign up TENANT's user through the API or the SPA)
--   psql "$DATABASE_URL" -v tenant=BigCo -v email=big@acme.test -f scripts/big-tenant.sql
--
-- 200,000 saved contacts (70 % saved, 20 % approved, 10 % rejected, a note on
-- one in ten) over 300 lists (one list holds a third; 240,000 memberships),
-- 2,000 imports in history plus one of 500,000 records (60 % created, 20 %
-- matched, 10 % duplicate, 10 % invalid, one in 50 with a warning), 50,000
-- corrections, 200,000 audit events of the tenant and 100,000 of the
-- platform, 5,000 CRM pushes (40,000 items), 50 more members, and the
-- Enterprise package (page sizes up to 1,000).
\set ON_ERROR_STOP on
\timing on
CREATE OR REPLACE FUNCTION pg_temp.v7(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex((extract(epoch FROM ts)*1000)::bigint),12,'0') || '7' || substr(md5(random()::text),1,3)
          || '8' || substr(md5(random()::text),1,15))::uuid $$;
SELECT id AS tid FROM tenants WHERE name = :'tenant' \gset
SELECT id AS uid FROM users WHERE email = :'email' \gset
UPDATE subscriptions SET package_id = (SELECT id FROM packages WHERE name = 'Enterprise') WHERE tenant_id = :'tid';
-- 200,000 saved contacts over the last year, 70/20/10 saved/approved/rejected, a note on one in ten
INSERT INTO saved_contacts (tenant_id, contact_id, status, notes, created_by, created_at, updated_at)
SELECT :'tid', id,
  CASE WHEN r < 0.7 THEN 'saved' WHEN r < 0.9 THEN 'approved' ELSE 'rejected' END,
  CASE WHEN rn % 10 = 0 THEN 'Met at the fair, call back in spring (' || rn || ')' ELSE '' END,
  :'uid', now() - (rn * interval '157 seconds'), now() - (rn * interval '157 seconds')
FROM (SELECT id, random() r, row_number() OVER (ORDER BY id) rn FROM contacts LIMIT 200000) x;
UPDATE saved_contacts SET approved_by = :'uid', approved_at = created_at WHERE tenant_id = :'tid' AND status <> 'saved';
-- 300 lists
INSERT INTO lists (tenant_id, id, name, created_by, created_at)
SELECT :'tid', pg_temp.v7(now() - g * interval '1 hour'), 'List ' || g, :'uid', now() - g * interval '1 hour' FROM generate_series(1,300) g;
-- memberships: every saved contact on one list (skewed: list 1 gets a third), a fifth on a second
WITH l AS (SELECT id, row_number() OVER (ORDER BY name) n FROM lists WHERE tenant_id = :'tid'),
s AS (SELECT contact_id, row_number() OVER (ORDER BY contact_id) rn FROM saved_contacts WHERE tenant_id = :'tid')
INSERT INTO list_members (tenant_id, list_id, contact_id, added_by, added_at)
SELECT :'tid', l.id, s.contact_id, :'uid', now() - s.rn * interval '1 second'
FROM s JOIN l ON l.n = CASE WHEN s.rn % 3 = 0 THEN 1 ELSE 1 + (s.rn % 300) END;
WITH l AS (SELECT id, row_number() OVER (ORDER BY name) n FROM lists WHERE tenant_id = :'tid'),
s AS (SELECT contact_id, row_number() OVER (ORDER BY contact_id) rn FROM saved_contacts WHERE tenant_id = :'tid')
INSERT INTO list_members (tenant_id, list_id, contact_id, added_by, added_at)
SELECT :'tid', l.id, s.contact_id, :'uid', now() FROM s JOIN l ON l.n = 2 + (s.rn / 5) % 298 WHERE s.rn % 5 = 0
ON CONFLICT DO NOTHING;
-- 2,000 imports in history
INSERT INTO imports (id, tenant_id, created_by, started_by, status, file_name, file_bytes, file_chunks, format, encoding, delimiter, line_ending,
  records, rows_total, rows_done, created_count, matched_count, invalid_count, created_at, updated_at, finished_at, file_removed_at)
SELECT pg_temp.v7(now() - g * interval '3 hours'), :'tid', :'uid', :'uid',
  (ARRAY['completed','completed','completed','failed','cancelled'])[1 + g % 5], 'file-' || g || '.csv', 1000, 1, 'csv', 'utf-8', ',', 'lf',
  100, 100, 100, 80, 15, 5, now() - g * interval '3 hours', now() - g * interval '3 hours', now() - g * interval '3 hours', now()
FROM generate_series(1,2000) g;
-- one import with 500,000 records
INSERT INTO imports (id, tenant_id, created_by, started_by, status, file_name, file_bytes, file_chunks, format, encoding, delimiter, line_ending,
  records, rows_total, rows_done, created_count, matched_count, duplicate_count, invalid_count, created_at, updated_at, finished_at)
VALUES (pg_temp.v7(now()), :'tid', :'uid', :'uid', 'completed', 'huge.csv', 90000000, 22, 'csv', 'utf-8', ',', 'lf',
  500000, 500000, 500000, 300000, 100000, 50000, 50000, now(), now(), now());
SELECT id AS bigimp FROM imports WHERE tenant_id = :'tid' AND file_name = 'huge.csv' \gset
INSERT INTO import_records (tenant_id, import_id, row_num, outcome, contact_id, duplicate_of, errors, raw, warnings)
SELECT :'tid', :'bigimp', g, o,
  CASE WHEN o IN ('created','matched') THEN (SELECT id FROM contacts LIMIT 1) END,
  CASE WHEN o = 'duplicate' THEN g - 1 END,
  CASE WHEN o = 'invalid' THEN '[{"field":"email","message":"is not an email address"}]'::jsonb END,
  CASE WHEN o = 'invalid' THEN 'Jane,Doe,not-an-email,Acme ' || g END,
  CASE WHEN g % 50 = 0 THEN '[{"field":"phone","message":"dropped"}]'::jsonb END
FROM (SELECT g, CASE WHEN g % 10 < 6 THEN 'created' WHEN g % 10 < 8 THEN 'matched' WHEN g % 10 = 8 THEN 'duplicate' ELSE 'invalid' END o
      FROM generate_series(1,500000) g) x;
-- 50,000 corrections
INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value, status, submitted_by, created_at, for_review)
SELECT :'tid', pg_temp.v7(now() - rn * interval '10 minutes'), contact_id, (ARRAY['title','email','phone','company_name','city','country','linkedin_url'])[1 + rn % 7],
  'old', 'new ' || rn, (ARRAY['pending','accepted','accepted','rejected','withdrawn'])[1 + rn % 5], :'uid', now() - rn * interval '10 minutes', rn % 7 = 0
FROM (SELECT contact_id, row_number() OVER () rn FROM saved_contacts WHERE tenant_id = :'tid' LIMIT 50000) x;
-- 200,000 audit events of the tenant, 100,000 of other tenants / the platform
INSERT INTO audit_events (id, tenant_id, actor_user_id, actor_label, action, target_type, target_id, data, created_at)
SELECT pg_temp.v7(now() - g * interval '2 minutes'), :'tid', :'uid', 'big@acme.test',
  (ARRAY['saved_contacts.saved','list.created','import.started','crm.push_requested','auth.login','saved_contacts.exported','member.role_changed'])[1 + g % 7],
  'contact', g::text, '{"count":1}', now() - g * interval '2 minutes'
FROM generate_series(1,200000) g;
INSERT INTO audit_events (id, tenant_id, actor_label, action, target_type, data, created_at)
SELECT pg_temp.v7(now() - g * interval '1 minute'), NULL, 'system', (ARRAY['auth.login','tenant.created','package.updated'])[1 + g % 3], 'x', '{}', now() - g * interval '1 minute'
FROM generate_series(1,100000) g;
-- 5,000 CRM pushes with 10 items each
INSERT INTO crm_push_batches (tenant_id, id, selection, requested_by, requested_by_label, created_at, updated_at, finished_at)
SELECT :'tid', pg_temp.v7(now() - g * interval '90 minutes'), 'contact_ids', :'uid', 'big@acme.test', now() - g * interval '90 minutes', now(), now()
FROM generate_series(1,5000) g;
WITH b AS (SELECT id, row_number() OVER (ORDER BY id) bn FROM crm_push_batches WHERE tenant_id = :'tid'),
s AS (SELECT contact_id, row_number() OVER (ORDER BY contact_id) rn FROM saved_contacts WHERE tenant_id = :'tid' AND status='approved' LIMIT 50000)
INSERT INTO crm_push_items (tenant_id, batch_id, contact_id, seq, action, status, crm_result, crm_record_id, attempts)
SELECT :'tid', b.id, s.contact_id, s.rn % 10, 'create', 'pushed', 'created', 'crm-' || s.rn, 1 FROM s JOIN b ON b.bn = 1 + (s.rn - 1) / 10;
INSERT INTO users (id, email, name, password_hash)
SELECT gen_random_uuid(), 'member' || g || '@acme.test', 'Member ' || g, 'x' FROM generate_series(1,50) g;
INSERT INTO memberships (tenant_id, user_id, role) SELECT :'tid', id, 'member' FROM users WHERE email LIKE 'member%@acme.test' ON CONFLICT DO NOTHING;
VACUUM ANALYZE;
