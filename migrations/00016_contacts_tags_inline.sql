-- +goose Up
-- contacts_tags, same result, written so that PostgreSQL can inline it
-- into search_doc's generation expression: the title words are prefixed
-- by rewriting the stripped tsvector's text form instead of by a
-- sub-select over its lexemes. A SQL function with a sub-select runs
-- through the SQL-function executor on every row (executor start-up
-- included); inlined it is a plain expression: 16 µs → 6 µs per contact
-- written (docs/PERFORMANCE.md). Lexemes of the simple parser never hold
-- a space, so "a quote at the start or after a space" is exactly "the
-- start of a lexeme". Stored values do not change.
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
        CASE WHEN has_phone THEN '~p' END], NULL)
        || ARRAY(SELECT '~x:' || w FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, contacts_fold(title)))) w));
