-- +goose Up
-- Account and invitation addresses in the canonical form every address now
-- takes (emailaddr.Canonical, the form of contacts' addresses since 00043):
-- sign-up, sign-in, reset requests, invitations and staff lookups read what
-- is typed that way, so that "ANN@ＥＸＡＭＰＬＥ.com" or a punycode domain
-- is the account of "ann@example.com" or "ann@müller.de" instead of a second
-- one (or a failed sign-in). Stored before, an address may hold fullwidth
-- forms (folded to ASCII here, the ideographic full stop to "."), punycode
-- labels (written in Unicode as Go writes them; a label SQL cannot decode
-- as Go does stays) or a decomposed form (composed, NFC).
--
-- Collisions: an account whose canonical form another account has, or
-- would have too (two spellings of one mailbox made before), is left as it
-- is, for staff to resolve (docs/OPERATIONS.md lists the query); the other
-- keeps its address. Sign-in with either spelling finds the canonical one.
-- An open invitation whose canonical form another open invitation of its
-- tenant has stays as it is (the unique open slot); closed ones are history
-- and are rewritten. normalize() needs a UTF8 database; any other holds no
-- such forms.

-- +goose StatementBegin
-- RFC 3492 punycode decoding of one label without its "xn--" prefix; NULL
-- when it is not valid punycode.
CREATE OR REPLACE FUNCTION pg_temp.punycode_decode(input text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
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
-- emailaddr.DecodeIDN writes them.
CREATE OR REPLACE FUNCTION pg_temp.domain_unicode(domain text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
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
-- Fullwidth forms as ASCII, the ideographic full stops as ".", as
-- emailaddr.FoldWidth writes them (for the forms an address can hold).
CREATE OR REPLACE FUNCTION pg_temp.fold_width(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN s ~ '[\u3000-\u303f\uff00-\uffef]' THEN translate(s,
        (SELECT string_agg(chr(c), '' ORDER BY c) FROM generate_series(65281, 65374) c) || chr(12290) || chr(65377),
        (SELECT string_agg(chr(c - 65248), '' ORDER BY c) FROM generate_series(65281, 65374) c) || '..')
    ELSE s END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- An address in the canonical form, as near as SQL comes to Go's (a
-- punycode label of fullwidth letters is folded too); NULL when the result
-- would not be an address Go accepts (one '@', at most 254 bytes).
CREATE OR REPLACE FUNCTION pg_temp.canonical_email(email text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    e text := normalize(lower(pg_temp.fold_width(email)), NFC);
BEGIN
    IF length(e) - length(replace(e, '@', '')) <> 1 THEN
        RETURN NULL;
    END IF;
    e := left(e, strpos(e, '@')) || normalize(lower(pg_temp.fold_width(pg_temp.domain_unicode(substr(e, strpos(e, '@') + 1)))), NFC);
    IF octet_length(e) > 254 THEN
        RETURN NULL;
    END IF;
    RETURN e;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
BEGIN
    IF current_setting('server_encoding') <> 'UTF8' THEN
        RETURN;
    END IF;
    CREATE TEMPORARY TABLE user_emails ON COMMIT DROP AS
        SELECT id, email::text AS old, pg_temp.canonical_email(email::text) AS new FROM users
         WHERE email::text IS NOT NFC NORMALIZED OR strpos(email::text, 'xn--') > 0
            OR email::text ~ '[\u3000-\u303f\uff00-\uffef]';
    UPDATE users u SET email = c.new, updated_at = now()
      FROM user_emails c
     WHERE u.id = c.id AND c.new IS NOT NULL AND c.new <> c.old
       AND NOT EXISTS (SELECT 1 FROM users o WHERE o.id <> u.id AND o.email = c.new::citext)
       AND NOT EXISTS (SELECT 1 FROM user_emails o WHERE o.id <> c.id AND o.new::citext = c.new::citext);

    CREATE TEMPORARY TABLE invitation_emails ON COMMIT DROP AS
        SELECT id, tenant_id, accepted_at IS NULL AND revoked_at IS NULL AS open, email::text AS old,
               pg_temp.canonical_email(email::text) AS new FROM invitations
         WHERE email::text IS NOT NFC NORMALIZED OR strpos(email::text, 'xn--') > 0
            OR email::text ~ '[\u3000-\u303f\uff00-\uffef]';
    UPDATE invitations i SET email = c.new
      FROM invitation_emails c
     WHERE i.id = c.id AND c.new IS NOT NULL AND c.new <> c.old
       AND (NOT c.open OR (
            NOT EXISTS (SELECT 1 FROM invitations o WHERE o.tenant_id = i.tenant_id AND o.id <> i.id
                AND o.email = c.new::citext AND o.accepted_at IS NULL AND o.revoked_at IS NULL)
        AND NOT EXISTS (SELECT 1 FROM invitation_emails o WHERE o.tenant_id = c.tenant_id AND o.id <> c.id
                AND o.open AND o.new::citext = c.new::citext)));
END
$$;
-- +goose StatementEnd

-- The helpers live as long as the connection: a later migration on it (or
-- 00043 again, after a round trip) creates its own.
DROP FUNCTION pg_temp.canonical_email(text);
DROP FUNCTION pg_temp.fold_width(text);
DROP FUNCTION pg_temp.domain_unicode(text);
DROP FUNCTION pg_temp.punycode_decode(text);

-- +goose Down
-- The canonical addresses are the same mailboxes: nothing to undo.
SELECT 1;
