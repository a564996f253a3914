-- +goose Up
-- Two changes to what search reads of a contact, in one rewrite of the
-- table (docs/API.md "Searching contacts"):
--
-- * Chinese, Japanese and Korean words are written without spaces, so the
--   text parser makes one word of a whole run ("软件工程师", software
--   engineer; "トヨタ自動車株式会社") and a search for a part of it other
--   than its start ("工程师", "自動車") found nothing. search_doc now also
--   holds every two-character sequence (bigram) of each such word of the
--   name, title and company as a tag ('~g:工程'), and a query word of those
--   scripts matches a document holding all of its bigrams
--   (internal/contacts cjkGrams). Tags stay out of the vocabulary ('~').
--   Only a text with a character of those scripts pays for more than a
--   regular expression test.
-- * sort=name ordered by "last first", so a contact with no last name
--   (" ann") came before every "a…": it now sorts by its first name, just
--   before the contacts of that last name ("ann" + chr(1) < "ann smith").
--   chr(1) is in no name (freetext refuses control characters), so the
--   key of a contact with a last name is unchanged and imports, which
--   match by it only when both names are given, match as before.
--
-- search_overlay_docs holds search_doc's expression over the values a
-- tenant corrected (migration 00042); its documents gain the same tags,
-- computed from their own words (the parser keeps a run of these scripts
-- within one word, so the words give the same bigrams as the text).

-- +goose StatementBegin
-- The bigram tags of the words of Chinese, Japanese or Korean script in t
-- (folded as search_doc folds); empty for a text without such a character.
-- PL/pgSQL, not SQL: an SQL function with a subquery is not inlined, and
-- running it as a function costs ~10 µs a row; this one tests the raw text
-- first (~2 µs a row, docs/PERFORMANCE.md). The raw text is tested, not the
-- folded one: folding (lower, unaccent) makes no character of these scripts
-- from another. contacts_fold is qualified: a restore runs this with an
-- empty search_path. The character class is internal/contacts isCJK.
CREATE FUNCTION contacts_grams(t text) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF t IS NULL OR t !~ '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff]' THEN
        RETURN ''::tsvector;
    END IF;
    RETURN array_to_tsvector(ARRAY(
        SELECT DISTINCT '~g:' || substr(m.r[1], i, 2)
          FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, public.contacts_fold(t)))) w,
               LATERAL regexp_matches(w, '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff]{2,}', 'g') m(r),
               LATERAL generate_series(1, length(m.r[1]) - 1) i));
END;
$$;
-- +goose StatementEnd

ALTER TABLE contacts DROP COLUMN search_doc, DROP COLUMN sort_name,
    ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, contacts_fold(first_name || ' ' || last_name)), 'A') ||
        setweight(to_tsvector('simple'::regconfig, contacts_fold(title)), 'B') ||
        setweight(to_tsvector('simple'::regconfig, contacts_fold(company_name)), 'C') ||
        contacts_tags(seniority, department, industry, employee_range, country, region, city, company_name,
                      company_domain::text, email IS NOT NULL, phone IS NOT NULL, title) ||
        contacts_grams(first_name || ' ' || last_name || ' ' || title || ' ' || company_name)) STORED,
    ADD COLUMN sort_name text COLLATE "C" GENERATED ALWAYS AS (
        CASE WHEN last_name = '' THEN contacts_fold(first_name) || chr(1)
        ELSE contacts_fold(last_name || ' ' || first_name) END) STORED;
CREATE INDEX contacts_search_doc ON contacts USING gin (search_doc);
CREATE INDEX contacts_sort_name ON contacts (sort_name, id);
CREATE INDEX contacts_name_company_key ON contacts (sort_name, (contacts_fold(company_name)) COLLATE "C") WHERE company_name <> '';

UPDATE search_overlay_docs SET doc = doc || contacts_grams(array_to_string(ARRAY(
    SELECT w FROM unnest(tsvector_to_array(doc)) w WHERE w NOT LIKE '~%'), ' '));
ANALYZE contacts;

-- +goose Down
UPDATE search_overlay_docs SET doc = ts_delete(doc, ARRAY(
    SELECT w FROM unnest(tsvector_to_array(doc)) w WHERE w LIKE '~g:%'));
ALTER TABLE contacts DROP COLUMN search_doc, DROP COLUMN sort_name,
    ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, contacts_fold(first_name || ' ' || last_name)), 'A') ||
        setweight(to_tsvector('simple'::regconfig, contacts_fold(title)), 'B') ||
        setweight(to_tsvector('simple'::regconfig, contacts_fold(company_name)), 'C') ||
        contacts_tags(seniority, department, industry, employee_range, country, region, city, company_name,
                      company_domain::text, email IS NOT NULL, phone IS NOT NULL, title)) STORED,
    ADD COLUMN sort_name text COLLATE "C" GENERATED ALWAYS AS (contacts_fold(last_name || ' ' || first_name)) STORED;
CREATE INDEX contacts_search_doc ON contacts USING gin (search_doc);
CREATE INDEX contacts_sort_name ON contacts (sort_name, id);
CREATE INDEX contacts_name_company_key ON contacts (sort_name, (contacts_fold(company_name)) COLLATE "C") WHERE company_name <> '';
DROP FUNCTION contacts_grams(text);
