-- +goose Up
-- Stored contact identities in the one form the normalizers now give
-- (internal/contacts/normalize.go), so that an import or a correction of
-- the same person matches the contact stored before instead of making a
-- second one:
--
-- * An email is composed (Unicode NFC): "zoë" with an e and a combining
--   diaeresis was another address than with a precomposed ë.
-- * An IDN label of an email's domain or a company's domain is Unicode,
--   not punycode: "a@xn--mller-kva.de" is "a@müller.de".
-- * A LinkedIn URL stored before the canonical form changed (1f74569): its
--   slug was the escaped path lower-cased, so an escaped capital stayed
--   ("j%c3%96rg" for jÖrg, now "j%c3%b6rg") and a needless escape stayed
--   ("some%2done", now "some-one"). Only slugs with a '%' can differ.
--
-- A value the new rule would refuse, or whose new form SQL cannot compute
-- as Go does (invalid punycode or escapes), is left as it is. A company
-- whose new domain another company has keeps its own (companies.domain is
-- unique); staff merge those. Contacts that now share an address or a URL
-- are not merged here: imports match one of them (as they did before for
-- the same spelling). Spelling is no change of the record: updated_at stays
-- (it would end accepted corrections' overlays and reorder "recently
-- updated"), so the companies trigger that copies a domain onto contacts
-- is off while companies are rewritten, and contacts are written directly.
-- normalize() needs a UTF8 database; any other holds no such forms.

-- +goose StatementBegin
-- RFC 3492 punycode decoding of one label without its "xn--" prefix; NULL
-- when it is not valid punycode.
CREATE FUNCTION pg_temp.punycode_decode(input text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    base CONSTANT int := 36; tmin CONSTANT int := 1; tmax CONSTANT int := 26;
    skew CONSTANT int := 38; damp CONSTANT int := 700;
    n bigint := 128; i bigint := 0; bias bigint := 72;
    output int[] := '{}';
    b int := 0; pos int; oldi bigint; w bigint; k bigint; t bigint; digit int; c text;
    delta bigint; numpoints int; kk bigint;
BEGIN
    pos := length(input) - strpos(reverse(input), '-') + 1;
    IF strpos(input, '-') > 0 THEN
        b := pos - 1;
        FOR j IN 1..b LOOP
            IF ascii(substr(input, j, 1)) >= 128 THEN RETURN NULL; END IF;
            output := output || ascii(substr(input, j, 1));
        END LOOP;
        pos := b + 2;
    ELSE
        pos := 1;
    END IF;
    WHILE pos <= length(input) LOOP
        oldi := i; w := 1; k := base;
        LOOP
            IF pos > length(input) THEN RETURN NULL; END IF;
            c := lower(substr(input, pos, 1)); pos := pos + 1;
            IF c BETWEEN 'a' AND 'z' AND length(c) = 1 AND ascii(c) < 128 THEN digit := ascii(c) - 97;
            ELSIF c BETWEEN '0' AND '9' AND ascii(c) < 128 THEN digit := ascii(c) - 48 + 26;
            ELSE RETURN NULL;
            END IF;
            i := i + digit * w;
            IF i > 2147483647 THEN RETURN NULL; END IF;
            t := CASE WHEN k <= bias THEN tmin WHEN k >= bias + tmax THEN tmax ELSE k - bias END;
            EXIT WHEN digit < t;
            w := w * (base - t);
            IF w > 2147483647 THEN RETURN NULL; END IF;
            k := k + base;
        END LOOP;
        numpoints := coalesce(array_length(output, 1), 0) + 1;
        delta := CASE WHEN oldi = 0 THEN (i - oldi) / damp ELSE (i - oldi) / 2 END;
        delta := delta + delta / numpoints;
        kk := 0;
        WHILE delta > ((base - tmin) * tmax) / 2 LOOP
            delta := delta / (base - tmin);
            kk := kk + base;
        END LOOP;
        bias := kk + ((base - tmin + 1) * delta) / (delta + skew);
        n := n + i / numpoints;
        i := i % numpoints;
        IF n > 1114111 OR n BETWEEN 55296 AND 57343 THEN RETURN NULL; END IF;
        output := output[1:i] || n::int || output[i + 1:];
        i := i + 1;
    END LOOP;
    RETURN (SELECT string_agg(chr(cp), '' ORDER BY ord) FROM unnest(output) WITH ORDINALITY AS u(cp, ord));
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A lower-case domain with its punycode labels in Unicode, as
-- contacts.decodeIDN writes them.
CREATE FUNCTION pg_temp.domain_unicode(domain text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    labels text[] := string_to_array(domain, '.');
    u text;
BEGIN
    IF strpos(domain, 'xn--') = 0 THEN
        RETURN domain;
    END IF;
    FOR j IN 1..coalesce(array_length(labels, 1), 0) LOOP
        CONTINUE WHEN left(labels[j], 4) <> 'xn--';
        u := pg_temp.punycode_decode(substr(labels[j], 5));
        CONTINUE WHEN u IS NULL OR u = '' OR u ~ '^[\x01-\x7f]*$';
        u := normalize(lower(u), NFC);
        -- Letters, digits, marks and hyphens only, as Go's check, as
        -- near as SQL comes (its [:punct:] takes marks in): no ASCII but
        -- those, no space or control, nothing of the blocks of
        -- punctuation, symbols and emoji.
        CONTINUE WHEN left(u, 4) = 'xn--'
            OR u ~ '[\x01-\x2c\x2e-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f[:space:][:cntrl:]]'
            OR u ~ '[\u00a0-\u00bf\u00d7\u00f7\u2000-\u2bff\u3000-\u303f\ufe10-\ufe6f\uff00-\uff20\U0001f000-\U0001faff]';
        labels[j] := u;
    END LOOP;
    RETURN array_to_string(labels, '.');
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The canonical form of a LinkedIn URL stored under the old rule, as
-- contacts.NormalizeLinkedIn gives it: the slug unescaped, lower-cased
-- and escaped again as url.PathEscape does (lower-case hex). NULL when the
-- slug does not unescape to UTF-8 or the new form would be refused.
CREATE FUNCTION pg_temp.linkedin_canonical(url text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
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
        decoded := convert_from(raw, 'UTF8');
    EXCEPTION WHEN OTHERS THEN
        RETURN NULL;
    END;
    decoded := lower(decoded);
    FOR j IN 1..length(decoded) LOOP
        ch := substr(decoded, j, 1);
        IF ch ~ '^[a-z0-9_.-]$' THEN
            out := out || ch;
        ELSIF ascii(ch) < 128 THEN
            RETURN NULL; -- an ASCII character the slug pattern refuses, escaped or not
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
    UPDATE contacts c SET email = v.email::citext
      FROM (SELECT id, left(e, strpos(e, '@')) || pg_temp.domain_unicode(substr(e, strpos(e, '@') + 1)) AS email
              FROM (SELECT id, normalize(email::text, NFC) AS e FROM contacts
                     WHERE email IS NOT NULL AND (email::text IS NOT NFC NORMALIZED OR strpos(email::text, 'xn--') > 0)) s) v
     WHERE c.id = v.id AND c.email::text <> v.email;
    UPDATE contact_corrections SET new_value = left(e, strpos(e, '@')) || pg_temp.domain_unicode(substr(e, strpos(e, '@') + 1))
      FROM (SELECT id AS cid, normalize(new_value, NFC) AS e FROM contact_corrections
             WHERE field = 'email' AND new_value <> '' AND (new_value IS NOT NFC NORMALIZED OR strpos(new_value, 'xn--') > 0)) s
     WHERE id = s.cid;
    UPDATE contact_corrections SET old_value = left(e, strpos(e, '@')) || pg_temp.domain_unicode(substr(e, strpos(e, '@') + 1))
      FROM (SELECT id AS cid, normalize(old_value, NFC) AS e FROM contact_corrections
             WHERE field = 'email' AND old_value <> '' AND (old_value IS NOT NFC NORMALIZED OR strpos(old_value, 'xn--') > 0)) s
     WHERE id = s.cid;

    -- Company domains: a new form another company has (or two companies'
    -- forms that meet) stays as it was.
    ALTER TABLE companies DISABLE TRIGGER companies_propagate;
    CREATE TEMPORARY TABLE company_domains ON COMMIT DROP AS
        SELECT id, pg_temp.domain_unicode(normalize(domain::text, NFC)) AS domain FROM companies
         WHERE domain IS NOT NULL AND (strpos(domain::text, 'xn--') > 0 OR domain::text IS NOT NFC NORMALIZED);
    DELETE FROM company_domains d WHERE d.domain = (SELECT domain::text FROM companies WHERE id = d.id)
        OR EXISTS (SELECT 1 FROM companies o WHERE o.domain = d.domain::citext AND o.id <> d.id)
        OR EXISTS (SELECT 1 FROM company_domains o WHERE o.domain::citext = d.domain::citext AND o.id <> d.id);
    UPDATE companies c SET domain = d.domain::citext FROM company_domains d WHERE c.id = d.id;
    UPDATE contacts c SET company_domain = d.domain::citext FROM company_domains d WHERE c.company_id = d.id;
    ALTER TABLE companies ENABLE TRIGGER companies_propagate;
    -- Contacts of no company (or of none here) keep a copied domain too.
    UPDATE contacts c SET company_domain = v.domain::citext
      FROM (SELECT id, pg_temp.domain_unicode(normalize(company_domain::text, NFC)) AS domain FROM contacts
             WHERE company_domain IS NOT NULL AND company_id IS NULL
               AND (strpos(company_domain::text, 'xn--') > 0 OR company_domain::text IS NOT NFC NORMALIZED)) v
     WHERE c.id = v.id AND c.company_domain::text <> v.domain;

    UPDATE contacts c SET linkedin_url = v.url
      FROM (SELECT id, pg_temp.linkedin_canonical(linkedin_url) AS url FROM contacts WHERE strpos(linkedin_url, '%') > 0) v
     WHERE c.id = v.id AND v.url IS NOT NULL AND c.linkedin_url <> v.url;
    UPDATE contact_corrections c SET new_value = v.url
      FROM (SELECT id, pg_temp.linkedin_canonical(new_value) AS url FROM contact_corrections
             WHERE field = 'linkedin_url' AND strpos(new_value, '%') > 0) v
     WHERE c.id = v.id AND v.url IS NOT NULL;
    UPDATE contact_corrections c SET old_value = v.url
      FROM (SELECT id, pg_temp.linkedin_canonical(old_value) AS url FROM contact_corrections
             WHERE field = 'linkedin_url' AND strpos(old_value, '%') > 0) v
     WHERE c.id = v.id AND v.url IS NOT NULL;
END
$$;
-- +goose StatementEnd

DROP FUNCTION pg_temp.linkedin_canonical(text);
DROP FUNCTION pg_temp.domain_unicode(text);
DROP FUNCTION pg_temp.punycode_decode(text);

-- +goose Down
-- The canonical forms are the same identities: nothing to undo.
SELECT 1;
