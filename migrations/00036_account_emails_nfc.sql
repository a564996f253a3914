-- +goose Up
-- Account and invitation addresses are kept composed (Unicode NFC): "zoë"
-- with a precomposed ë and with an e and a combining diaeresis is one
-- address, and citext compared them as two, so each form could hold its own
-- account. Sign-in, sign-up, reset requests and invitations now compose what
-- is typed; the addresses stored before are composed here so that they are
-- still found. An address whose composed form another account has, or
-- would have once composed (two forms of one address, neither composed:
-- the duplicate this prevents from now on), is left as it is, for staff to
-- resolve. normalize() needs a UTF8 database; any other holds no such forms.
-- +goose StatementBegin
DO $$
BEGIN
    IF current_setting('server_encoding') <> 'UTF8' THEN
        RETURN;
    END IF;
    UPDATE users u SET email = normalize(u.email::text, NFC), updated_at = now()
    WHERE u.email::text IS NOT NFC NORMALIZED
        AND NOT EXISTS (SELECT 1 FROM users o WHERE o.id <> u.id
            AND normalize(o.email::text, NFC)::citext = normalize(u.email::text, NFC)::citext);
    UPDATE invitations i SET email = normalize(i.email::text, NFC)
    WHERE i.email::text IS NOT NFC NORMALIZED
        AND (i.accepted_at IS NOT NULL OR i.revoked_at IS NOT NULL
            OR NOT EXISTS (SELECT 1 FROM invitations o WHERE o.tenant_id = i.tenant_id AND o.id <> i.id
                AND normalize(o.email::text, NFC)::citext = normalize(i.email::text, NFC)::citext
                AND o.accepted_at IS NULL AND o.revoked_at IS NULL));
END
$$;
-- +goose StatementEnd

-- +goose Down
-- The composed addresses are the same addresses: nothing to undo.
SELECT 1;
