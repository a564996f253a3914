-- Two things that made every contact an import creates dearer than it
-- had to be (docs/PERFORMANCE.md, Imports, sixteenth session).
--
-- 1. The import finds a new contact's company by its domain. The unique
-- index on companies.domain is citext: every comparison of the descent
-- lower-cases both sides (wide characters under C.UTF-8). Equal as citext
-- is lower(a) = lower(b) compared as bytes, which this index holds
-- (as contacts_email_key does for emails, migration 00017).
--
-- 2. The vocabulary trigger probes search_terms once per distinct word of
-- the statement's new rows (and owner), not once per word of every row:
-- the words are counted first and the groups filtered after. The filters
-- depend only on the word and the owner, the grouping keys, so the rows
-- inserted are the same. 2,000 contacts of the 1 M benchmark database hold
-- 13,711 such words, 1,366 distinct: a tenth of the index probes.

-- +goose Up
CREATE INDEX companies_domain_lower ON companies ((lower(domain::text)) COLLATE "C");
ANALYZE companies;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION contacts_vocabulary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_terms (term, ndoc, tenant_id)
    SELECT g.w, g.n, g.owner_tenant_id
      FROM (SELECT w, count(*) AS n, n.owner_tenant_id
              FROM new_rows n, unnest(tsvector_to_array(n.search_doc)) w
             WHERE length(w) BETWEEN 2 AND 60 AND w NOT LIKE '~%'
             GROUP BY n.owner_tenant_id, w) g
     WHERE NOT EXISTS (SELECT 1 FROM search_terms st WHERE st.tenant_id IS NULL AND st.term = g.w COLLATE "C")
       AND (g.owner_tenant_id IS NULL OR NOT EXISTS (SELECT 1 FROM search_terms st
             WHERE st.tenant_id = g.owner_tenant_id AND st.term = g.w COLLATE "C"));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX companies_domain_lower;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION contacts_vocabulary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_terms (term, ndoc, tenant_id)
    SELECT w, count(*), n.owner_tenant_id FROM new_rows n, unnest(tsvector_to_array(n.search_doc)) w
     WHERE length(w) BETWEEN 2 AND 60 AND w NOT LIKE '~%'
       AND NOT EXISTS (SELECT 1 FROM search_terms st WHERE st.tenant_id IS NULL AND st.term = w COLLATE "C")
       AND (n.owner_tenant_id IS NULL OR NOT EXISTS (SELECT 1 FROM search_terms st
             WHERE st.tenant_id = n.owner_tenant_id AND st.term = w COLLATE "C"))
     GROUP BY n.owner_tenant_id, w;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
