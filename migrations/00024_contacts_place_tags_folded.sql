-- +goose Up
-- The industry, region and city tags of search_doc were stored as written
-- ('~t:Berlin'), so the filters matched only the exact spelling: "berlin"
-- or "Munchen" found nothing where "Berlin" and "München" found every
-- contact. They are folded now as free text is (contacts_fold: lower case,
-- accents removed), and the search folds filter values the same way
-- (internal/contacts/search_store.go). The function keeps its signature,
-- so search_doc's generation expression is unchanged; every contact whose
-- tags change is rewritten below so that its stored document is what the
-- expression now computes (about a minute per million contacts with the
-- GIN index in place: docs/OPERATIONS.md).
CREATE OR REPLACE FUNCTION contacts_tags(seniority text, department text, industry text, employee_range text, country text,
                                         region text, city text, company_name text, company_domain text, has_email boolean,
                                         has_phone boolean, title text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN array_to_tsvector(array_remove(ARRAY[
        CASE WHEN seniority <> '' THEN '~s:' || seniority END,
        CASE WHEN department <> '' THEN '~d:' || department END,
        CASE WHEN industry <> '' THEN '~i:' || contacts_fold(industry) END,
        CASE WHEN employee_range <> '' THEN '~e:' || employee_range END,
        CASE WHEN country <> '' THEN '~c:' || country END,
        CASE WHEN region <> '' THEN '~r:' || contacts_fold(region) END,
        CASE WHEN city <> '' THEN '~t:' || contacts_fold(city) END,
        CASE WHEN company_name <> '' THEN '~n:' || lower(company_name) END,
        CASE WHEN company_domain <> '' THEN '~w:' || lower(company_domain) END,
        CASE WHEN has_email THEN '~m' END,
        CASE WHEN has_phone THEN '~p' END], NULL))
        || regexp_replace(strip(to_tsvector('simple'::regconfig, contacts_fold(title)))::text, '(^| )''', '\1''~x:', 'g')::tsvector;

-- An UPDATE computes the row's stored generated columns again. Only tags
-- change, which the vocabulary leaves out: its trigger would read every
-- rewritten document for nothing.
ALTER TABLE contacts DISABLE TRIGGER contacts_vocabulary_update;
UPDATE contacts SET city = city
 WHERE industry <> contacts_fold(industry) OR region <> contacts_fold(region) OR city <> contacts_fold(city);
ALTER TABLE contacts ENABLE TRIGGER contacts_vocabulary_update;

-- +goose Down
CREATE OR REPLACE FUNCTION contacts_tags(seniority text, department text, industry text, employee_range text, country text,
                                         region text, city text, company_name text, company_domain text, has_email boolean,
                                         has_phone boolean, title text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN array_to_tsvector(array_remove(ARRAY[
        CASE WHEN seniority <> '' THEN '~s:' || seniority END,
        CASE WHEN department <> '' THEN '~d:' || department END,
        CASE WHEN industry <> '' THEN '~i:' || industry END,
        CASE WHEN employee_range <> '' THEN '~e:' || employee_range END,
        CASE WHEN country <> '' THEN '~c:' || country END,
        CASE WHEN region <> '' THEN '~r:' || region END,
        CASE WHEN city <> '' THEN '~t:' || city END,
        CASE WHEN company_name <> '' THEN '~n:' || lower(company_name) END,
        CASE WHEN company_domain <> '' THEN '~w:' || lower(company_domain) END,
        CASE WHEN has_email THEN '~m' END,
        CASE WHEN has_phone THEN '~p' END], NULL))
        || regexp_replace(strip(to_tsvector('simple'::regconfig, contacts_fold(title)))::text, '(^| )''', '\1''~x:', 'g')::tsvector;

ALTER TABLE contacts DISABLE TRIGGER contacts_vocabulary_update;
UPDATE contacts SET city = city
 WHERE industry <> contacts_fold(industry) OR region <> contacts_fold(region) OR city <> contacts_fold(city);
ALTER TABLE contacts ENABLE TRIGGER contacts_vocabulary_update;
