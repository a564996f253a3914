-- +goose Up
-- A tenant's search matches a contact it corrected by the values it sees
-- (internal/contacts/search_overlay.go), which search_doc does not hold:
-- for each contact a tenant's shown corrections change, this keeps the
-- search document of those values (search_doc's expression over them),
-- and what filters and facets read of them. Building a document costs
-- tens of microseconds (to_tsvector, unaccent, the tags), too much to
-- pay for a few hundred corrections on every search. A correction and its
-- review write the contact's row again. A row names what it was built
-- from: the contact's updated_at, and for a corrected company name that
-- moved the contact, that name and the company it named; a search builds
-- a row whose contact or company changed since again for itself. A
-- migration that changes what search_doc holds must rebuild this table.
CREATE TABLE search_overlay_docs (
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    contact_id         uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    fields             text[] NOT NULL,
    doc                tsvector NOT NULL,
    has_email          boolean NOT NULL,
    has_phone          boolean NOT NULL,
    country            text NOT NULL,
    employee_range     text NOT NULL,
    contact_updated_at timestamptz NOT NULL,
    company_name       text,
    company_ref        text NOT NULL,
    PRIMARY KEY (tenant_id, contact_id)
);
-- A contact's delete cascades here.
CREATE INDEX search_overlay_docs_contact ON search_overlay_docs (contact_id);

-- The rows of the corrections made so far, tenant by tenant: the query of
-- internal/contacts keepOverlaySQL as of this migration, over every field.
-- +goose StatementBegin
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT DISTINCT tenant_id FROM contact_corrections LOOP
        EXECUTE '
        INSERT INTO search_overlay_docs (tenant_id, contact_id, fields, doc, has_email, has_phone, country,
        employee_range, contact_updated_at, company_name, company_ref) WITH lc AS (
        SELECT DISTINCT ON (cc.contact_id, cc.field) cc.contact_id, cc.field, cc.new_value, cc.status, cc.reviewed_at
          FROM contact_corrections cc
         WHERE cc.tenant_id = $1 AND cc.field <> ''linkedin_url''
         ORDER BY cc.contact_id, cc.field, cc.created_at DESC, cc.id DESC
        ), o AS (
        SELECT c.id, c.first_name, c.last_name, c.seniority, c.department, c.region, c.title, c.city, c.country,
               c.email::text AS email, c.phone, c.company_name, c.company_domain::text AS company_domain, c.industry,
               c.employee_range, c.updated_at, array_agg(lc.field ORDER BY lc.field) AS fields, max(lc.new_value) FILTER (WHERE lc.field = ''title'') AS o_title, max(lc.new_value) FILTER (WHERE lc.field = ''email'') AS o_email, max(lc.new_value) FILTER (WHERE lc.field = ''phone'') AS o_phone, max(lc.new_value) FILTER (WHERE lc.field = ''company_name'') AS o_company_name, max(lc.new_value) FILTER (WHERE lc.field = ''city'') AS o_city, max(lc.new_value) FILTER (WHERE lc.field = ''country'') AS o_country
          FROM lc JOIN contacts c ON c.id = lc.contact_id
         WHERE (c.owner_tenant_id IS NULL OR c.owner_tenant_id = $1) AND NOT (lc.status = ''accepted'' AND lc.reviewed_at < c.updated_at)
         GROUP BY c.id
        HAVING bool_or(lc.field = ANY($2::text[]))
        ), v AS (
        SELECT o.id, o.first_name, o.last_name, o.seniority, o.department, o.region, o.fields, o.updated_at,
               COALESCE(o.o_title, o.title) AS title,
               COALESCE(o.o_city, o.city) AS city,
               COALESCE(o.o_country, o.country) AS country,
               COALESCE(o.o_email, o.email) AS email,
               COALESCE(o.o_phone, o.phone) AS phone,
               CASE WHEN mv.moved THEN o.o_company_name END AS named,
               CASE WHEN mv.moved THEN COALESCE(m.name, o.o_company_name) ELSE o.company_name END AS company_name,
               CASE WHEN mv.moved THEN m.domain::text ELSE o.company_domain END AS company_domain,
               CASE WHEN mv.moved THEN COALESCE(m.industry, '''') ELSE o.industry END AS industry,
               CASE WHEN mv.moved THEN COALESCE(m.employee_range, '''') ELSE o.employee_range END AS employee_range,
               CASE WHEN mv.moved AND m.id IS NOT NULL THEN ROW(m.id, m.name, m.domain, m.industry, m.employee_range)::text ELSE '''' END AS company_ref
          FROM o
          CROSS JOIN LATERAL (SELECT o.o_company_name IS NOT NULL AND o.o_company_name <> o.company_name AS moved,
                                     o.o_company_name AS new_value) mv
          LEFT JOIN LATERAL (SELECT id, name, domain, industry, employee_range FROM companies
        WHERE lower(name) = lower(mv.new_value) ORDER BY domain IS NULL, created_at, id LIMIT 1) m ON mv.moved
        ), e AS (
        SELECT v.id, v.fields, setweight(to_tsvector(''simple''::regconfig, contacts_fold(v.first_name || '' '' || v.last_name)), ''A'') ||
        setweight(to_tsvector(''simple''::regconfig, contacts_fold(v.title)), ''B'') ||
        setweight(to_tsvector(''simple''::regconfig, contacts_fold(v.company_name)), ''C'') ||
        contacts_tags(v.seniority, v.department, v.industry, v.employee_range, v.country, v.region, v.city, v.company_name,
                      v.company_domain, v.email IS NOT NULL, v.phone IS NOT NULL, v.title) AS doc,
               v.email IS NOT NULL AS has_email, v.phone IS NOT NULL AS has_phone, v.country, v.employee_range,
               v.updated_at AS contact_updated_at, v.named AS company_name, v.company_ref
          FROM v
        )
        SELECT $1::uuid, e.id, e.fields, e.doc, e.has_email, e.has_phone, e.country, e.employee_range,
        e.contact_updated_at, e.company_name, e.company_ref FROM e
' USING t, ARRAY['title', 'email', 'phone', 'company_name', 'city', 'country'];
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE search_overlay_docs;
