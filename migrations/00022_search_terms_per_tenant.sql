-- A tenant's private contacts add their words to that tenant's vocabulary
-- only. Until now every word went to one shared vocabulary, so a tenant's
-- import could become another tenant's prefix expansions and typo
-- candidates (nothing was shown, as results are filtered by visibility,
-- but one tenant's data shaped another's queries, and a million private
-- names made common prefixes "broad" for everybody). A row with tenant_id
-- NULL is a word of the shared database; a private word is kept for its
-- tenant when the shared vocabulary does not have it.

-- +goose Up
ALTER TABLE search_terms ADD COLUMN tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE;
DROP INDEX search_terms_term;
CREATE INDEX search_terms_term ON search_terms (term) WHERE tenant_id IS NULL;
CREATE INDEX search_terms_tenant_term ON search_terms (tenant_id, term) WHERE tenant_id IS NOT NULL;

-- The words of private contacts move to their tenants.
DELETE FROM search_terms;
INSERT INTO search_terms (term, ndoc)
SELECT word, ndoc FROM ts_stat('SELECT search_doc FROM contacts WHERE owner_tenant_id IS NULL')
 WHERE length(word) BETWEEN 2 AND 60 AND word NOT LIKE '~%';
INSERT INTO search_terms (term, ndoc, tenant_id)
SELECT w, count(*), c.owner_tenant_id FROM contacts c, unnest(tsvector_to_array(c.search_doc)) w
 WHERE c.owner_tenant_id IS NOT NULL AND length(w) BETWEEN 2 AND 60 AND w NOT LIKE '~%'
   AND NOT EXISTS (SELECT 1 FROM search_terms st WHERE st.tenant_id IS NULL AND st.term = w COLLATE "C")
 GROUP BY c.owner_tenant_id, w;
ANALYZE search_terms;

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

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION contacts_vocabulary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_terms (term, ndoc)
    SELECT w, count(*) FROM new_rows n, unnest(tsvector_to_array(n.search_doc)) w
     WHERE length(w) BETWEEN 2 AND 60 AND w NOT LIKE '~%'
       AND NOT EXISTS (SELECT 1 FROM search_terms st WHERE st.term = w COLLATE "C")
     GROUP BY w;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
DELETE FROM search_terms WHERE tenant_id IS NOT NULL
   AND EXISTS (SELECT 1 FROM search_terms s WHERE s.tenant_id IS NULL AND s.term = search_terms.term);
DROP INDEX search_terms_tenant_term;
DROP INDEX search_terms_term;
ALTER TABLE search_terms DROP COLUMN tenant_id;
CREATE INDEX search_terms_term ON search_terms (term);
