-- +goose Up
-- Three changes to what search reads of a contact, in one rewrite of the
-- table (docs/API.md "How search matches and sorts"):
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
-- * The company_names filter matched a whole name in any case but with
--   its accents, where industries, regions and cities ignore them (00024):
--   "Societe Generale" found nothing of Société Générale. The company tag
--   is folded now ('~n:' || contacts_fold(company_name)), and so are the
--   filter's values (internal/contacts compile).
--
-- search_overlay_docs holds search_doc's expression over the values a
-- tenant corrected (migration 00042); its documents gain the same tags,
-- computed from their own words (and their company tags folded): the
-- bigrams of every word, which are all
-- a query word can ask for (the text's may hold one or two more across a
-- "・", which no query word holds; a correction builds its row anew).

-- The bigram tags of the runs of Chinese, Japanese or Korean characters
-- in t, folded as search_doc folds (the character class is internal/contacts
-- isCJK). A run is taken from the text, not from the parser's words: the
-- parser ends a word at the few characters of the class that are no
-- letters (the katakana middle dot "・"), so a run may give a bigram or two
-- across them that no query word holds, and every bigram of every word.
CREATE FUNCTION contacts_cjk_bigrams(t text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN array_to_tsvector(ARRAY(
        SELECT '~g:' || substr(m.r[1], i, 2)
          FROM regexp_matches(contacts_fold(t), '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff]{2,}', 'g') m(r),
               LATERAL generate_series(1, length(m.r[1]) - 1) i));

-- +goose StatementBegin
-- contacts_cjk_bigrams of a text that holds a character of those scripts,
-- else nothing. An SQL function with a subquery is never inlined, and
-- running one costs ~10 µs a row, so this PL/pgSQL test of the raw text
-- (~2 µs) spares the rows without such characters, nearly all of them
-- (docs/PERFORMANCE.md). Folding (lower, unaccent) makes no character of
-- those scripts from another, so the raw text is the one to test.
-- contacts_cjk_bigrams is qualified: a restore runs this with an empty
-- search_path.
CREATE FUNCTION contacts_grams(t text) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF t IS NULL OR t !~ '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff]' THEN
        RETURN ''::tsvector;
    END IF;
    RETURN public.contacts_cjk_bigrams(t);
END;
$$;
-- +goose StatementEnd

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
        CASE WHEN company_name <> '' THEN '~n:' || contacts_fold(company_name) END,
        CASE WHEN company_domain <> '' THEN '~w:' || lower(company_domain) END,
        CASE WHEN has_email THEN '~m' END,
        CASE WHEN has_phone THEN '~p' END], NULL))
        || regexp_replace(strip(to_tsvector('simple'::regconfig, contacts_fold(title)))::text, '(^| )''', '\1''~x:', 'g')::tsvector;

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

UPDATE search_overlay_docs SET doc = ts_delete(doc, ARRAY(SELECT w FROM unnest(tsvector_to_array(doc)) w WHERE w LIKE '~n:%'))
    || array_to_tsvector(ARRAY(SELECT '~n:' || contacts_fold(substr(w, 4)) FROM unnest(tsvector_to_array(doc)) w WHERE w LIKE '~n:%'))
    || contacts_grams(array_to_string(ARRAY(SELECT w FROM unnest(tsvector_to_array(doc)) w WHERE w NOT LIKE '~%'), ' '));
ANALYZE contacts;

-- +goose Down
-- A kept document's company tag cannot be unfolded: every kept row is
-- marked as built from an older contact, which each search builds again
-- for itself until the next correction of the contact keeps it anew.
UPDATE search_overlay_docs SET doc = ts_delete(doc, ARRAY(
    SELECT w FROM unnest(tsvector_to_array(doc)) w WHERE w LIKE '~g:%')), contact_updated_at = '-infinity';
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
DROP FUNCTION contacts_cjk_bigrams(text);
