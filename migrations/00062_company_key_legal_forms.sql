-- An imported row with first name, last name and company matched a
-- contact only when the company was written the same, case and accents
-- aside: "Ann Lee" at "ACME Inc." was a second contact beside Ann Lee at
-- "Acme", as at "Acme, Inc", "Acme Incorporated" or "Acme GmbH". A file
-- names a company as people say it, and its legal form and punctuation are
-- what its spellings differ in most; the person is the same.
--
-- contacts_company_key is the company part of the name and company key:
-- folded as contacts_fold does (case, accents), periods and apostrophes
-- left out ("A.C.M.E." is "acme", "McDonald's" "mcdonalds"), other ASCII
-- punctuation, typographic quotes and dashes and runs of spaces one space,
-- and legal forms at the end left out, several of them too ("GmbH & Co.
-- KG", "Co., Ltd.", "Pvt. Ltd."), whichever form: "Acme GmbH" and "Acme
-- Corp" are one company for this key (a key cannot make "Acme" equal to
-- both without making them equal to each other). The first word always
-- stays: a company named "Limited" keeps its name. The regular
-- expressions run in the C collation, so what they take for punctuation
-- and space does not depend on the database's locale (the folding is
-- contacts_fold's, as before).
--
-- The index replaces contacts_name_company_key of migration 00049 (the
-- same columns, the new key), so matching still probes it; the batch
-- table's name_key (migration 00023) is computed the same way, and
-- companies keep theirs (companies.name_key) for the link of a new contact
-- to the company of its email's domain. The key
-- tables of imports that stopped part-way hold name keys of the old form:
-- they are dropped, and such an import rebuilds its key table from its
-- file when it resumes (as after a crash, which empties them).
--
-- A LinkedIn URL's slug is composed (Unicode NFC) before it is escaped,
-- as an email is: "jörg" with an o and a combining diaeresis was another
-- profile than with a precomposed ö. Stored slugs with an escaped
-- combining mark are rewritten (contacts and corrections), as migration
-- 00043 rewrote other forms; contacts that now share a URL are not merged.

-- +goose Up
-- +goose StatementBegin
-- The words of a company key without the legal forms at its end (a loop
-- over the last word: a third of what one regular expression of them all
-- cost a call).
CREATE FUNCTION contacts_strip_legal_forms(k text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    w text;
BEGIN
    LOOP
        w := split_part(k, ' ', -1);
        IF w = k THEN
            RETURN k;
        ELSIF w = ANY ('{inc,incorporated,corp,corporation,co,cos,company,llc,pllc,llp,lp,ltd,limited,plc,pty,pvt,pte,'
                       'gmbh,mbh,ag,kg,kgaa,ohg,ug,ev,se,sa,sas,sarl,srl,spa,sl,slu,bv,nv,vof,ab,oy,oyj,as,asa,aps,'
                       'kk,ltda,sro,zrt,kft,doo,jsc,ojsc,pjsc,dac,bhd,sdn,tbk,sti}'::text[]) THEN
            k := left(k, -length(w) - 1);
        ELSIF right(k, 8) = ' sp z oo' AND length(k) > 8 THEN
            k := left(k, -8);
        ELSIF right(k, 6) = ' de cv' AND length(k) > 6 THEN
            k := left(k, -6);
        ELSE
            RETURN k;
        END IF;
    END LOOP;
END
$$;
-- +goose StatementEnd

CREATE FUNCTION contacts_company_key(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN contacts_strip_legal_forms(btrim(regexp_replace(
        regexp_replace(contacts_fold($1) COLLATE "C", '[.''’‘`´]+', '', 'g'),
        '[[:punct:][:space:]  “”„«»‹›–—−]+', ' ', 'g')));

CREATE INDEX contacts_name_company_key_new ON contacts (sort_name, (contacts_company_key(company_name)) COLLATE "C")
    WHERE company_name <> '';
DROP INDEX contacts_name_company_key;
ALTER INDEX contacts_name_company_key_new RENAME TO contacts_name_company_key;

ALTER TABLE import_batch DROP COLUMN name_key;
ALTER TABLE import_batch ADD COLUMN name_key text COLLATE "C" GENERATED ALWAYS AS (
    CASE WHEN first_name <> '' AND last_name <> '' AND company_name <> ''
    THEN contacts_fold(last_name || ' ' || first_name) || E'\x1f' || contacts_company_key(company_name) END) STORED;

-- A company's key, stored: a new contact is linked to the company of its
-- email's domain when the row's company name has the company's key, and
-- an import compares it for most of the rows it creates.
ALTER TABLE companies ADD COLUMN name_key text COLLATE "C" GENERATED ALWAYS AS (contacts_company_key(name)) STORED;

-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname ~ '^import_keys_[0-9a-f]{32}$' LOOP
        EXECUTE format('DROP TABLE %I', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The canonical form of a stored LinkedIn URL whose slug holds an escaped
-- combining mark, as contacts.NormalizeLinkedIn gives it: the slug
-- unescaped, composed, lower-cased and escaped again as url.PathEscape
-- does (lower-case hex). NULL when it does not unescape to UTF-8 or the
-- form would be refused.
CREATE FUNCTION pg_temp.linkedin_nfc(url text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    prefix CONSTANT text := 'https://www.linkedin.com/in/';
    slug text;
    raw bytea := ''::bytea;
    decoded text;
    out text := '';
    pos int := 1;
    ch text;
    bytes bytea;
BEGIN
    IF left(url, length(prefix)) <> prefix THEN
        RETURN NULL;
    END IF;
    slug := substr(url, length(prefix) + 1);
    WHILE pos <= length(slug) LOOP
        ch := substr(slug, pos, 1);
        IF ch = '%' THEN
            IF substr(slug, pos + 1, 2) !~ '^[0-9a-fA-F]{2}$' THEN
                RETURN NULL;
            END IF;
            raw := raw || decode(substr(slug, pos + 1, 2), 'hex');
            pos := pos + 3;
        ELSE
            raw := raw || convert_to(ch, 'UTF8');
            pos := pos + 1;
        END IF;
    END LOOP;
    BEGIN
        decoded := lower(normalize(convert_from(raw, 'UTF8'), NFC));
    EXCEPTION WHEN OTHERS THEN
        RETURN NULL;
    END;
    FOR j IN 1..length(decoded) LOOP
        ch := substr(decoded, j, 1);
        IF ch ~ '^[a-z0-9_.-]$' THEN
            out := out || ch;
        ELSIF ascii(ch) < 128 THEN
            RETURN NULL;
        ELSE
            bytes := convert_to(ch, 'UTF8');
            FOR b IN 0..length(bytes) - 1 LOOP
                out := out || '%' || lpad(to_hex(get_byte(bytes, b)), 2, '0');
            END LOOP;
        END IF;
    END LOOP;
    IF length(out) NOT BETWEEN 2 AND 100 THEN
        RETURN NULL;
    END IF;
    RETURN prefix || out;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
BEGIN
    IF current_setting('server_encoding') <> 'UTF8' THEN
        RETURN;
    END IF;
    -- Combining marks (U+0300 to U+036F) are %cc%80 to %cd%af escaped.
    UPDATE contacts c SET linkedin_url = v.url
      FROM (SELECT id, pg_temp.linkedin_nfc(linkedin_url) AS url FROM contacts WHERE linkedin_url ~ '%c[cd]%') v
     WHERE c.id = v.id AND v.url IS NOT NULL AND c.linkedin_url <> v.url;
    UPDATE contact_corrections c SET new_value = v.url
      FROM (SELECT id, pg_temp.linkedin_nfc(new_value) AS url FROM contact_corrections
             WHERE field = 'linkedin_url' AND new_value ~ '%c[cd]%') v
     WHERE c.id = v.id AND v.url IS NOT NULL;
    UPDATE contact_corrections c SET old_value = v.url
      FROM (SELECT id, pg_temp.linkedin_nfc(old_value) AS url FROM contact_corrections
             WHERE field = 'linkedin_url' AND old_value ~ '%c[cd]%') v
     WHERE c.id = v.id AND v.url IS NOT NULL;
END
$$;
-- +goose StatementEnd

DROP FUNCTION pg_temp.linkedin_nfc(text);

-- +goose Down
-- Composed slugs are the same profiles: nothing to undo there. Key tables
-- of stopped imports are dropped again (they hold the new name keys).
-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname ~ '^import_keys_[0-9a-f]{32}$' LOOP
        EXECUTE format('DROP TABLE %I', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
ALTER TABLE import_batch DROP COLUMN name_key;
ALTER TABLE import_batch ADD COLUMN name_key text COLLATE "C" GENERATED ALWAYS AS (
    CASE WHEN first_name <> '' AND last_name <> '' AND company_name <> ''
    THEN contacts_fold(last_name || ' ' || first_name) || E'\x1f' || contacts_fold(company_name) END) STORED;
CREATE INDEX contacts_name_company_key_old ON contacts (sort_name, (contacts_fold(company_name)) COLLATE "C")
    WHERE company_name <> '';
DROP INDEX contacts_name_company_key;
ALTER INDEX contacts_name_company_key_old RENAME TO contacts_name_company_key;
ALTER TABLE companies DROP COLUMN name_key;
DROP FUNCTION contacts_company_key(text);
DROP FUNCTION contacts_strip_legal_forms(text);
