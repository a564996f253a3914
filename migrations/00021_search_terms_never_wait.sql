-- The search vocabulary must never make a writer wait. With a unique key on
-- search_terms, two transactions that brought the same new words (in
-- different orders, or over several statements) waited on each other's
-- uncommitted words until PostgreSQL aborted one as a deadlock: a contact
-- insert or an import batch failed for the sake of a typo-candidate list.
-- Now a word is inserted when no committed row has it; writers racing on
-- the same new word may each add it (the search reads the list distinct,
-- and contacts.RefreshSearchTerms rebuilds it without duplicates).

-- +goose Up
ALTER TABLE search_terms DROP CONSTRAINT search_terms_pkey;
CREATE INDEX search_terms_term ON search_terms (term);

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

-- +goose Down
DELETE FROM search_terms a USING search_terms b WHERE a.term = b.term AND a.ctid > b.ctid;
DROP INDEX search_terms_term;
ALTER TABLE search_terms ADD PRIMARY KEY (term);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION contacts_vocabulary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_terms (term, ndoc)
    SELECT w, count(*) FROM new_rows n, unnest(tsvector_to_array(n.search_doc)) w
     WHERE length(w) BETWEEN 2 AND 60 AND w NOT LIKE '~%'
     GROUP BY w
    ON CONFLICT (term) DO NOTHING;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
