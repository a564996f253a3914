-- +goose Up
-- CSV and XLSX imports: the uploaded file (chunked, so any worker instance
-- can read it), the import with its preflight, mapping and progress, one
-- record per input row, and the templates of the per-import scratch tables
-- the merge uses. internal/imports/doc.go tells the story; the figures are
-- in docs/PERFORMANCE.md.

-- An import of a tenant (tenant_id set: private contacts, saved contacts)
-- or of the platform (tenant_id NULL: the shared database). The unique
-- index leads with tenant_id, as every tenant-scoped table's does.
CREATE TABLE imports (
    id                uuid PRIMARY KEY,
    tenant_id         uuid REFERENCES tenants (id) ON DELETE CASCADE,
    created_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    started_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    status            text NOT NULL DEFAULT 'uploaded'
        CHECK (status IN ('uploaded', 'queued', 'running', 'completed', 'failed', 'cancelled')),
    dry_run           boolean NOT NULL DEFAULT false,
    -- The file as uploaded (XLSX: converted to UTF-8 CSV at upload).
    file_name         text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    file_bytes        bigint NOT NULL CHECK (file_bytes >= 0),
    file_chunks       integer NOT NULL CHECK (file_chunks >= 0),
    format            text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    encoding          text NOT NULL,
    delimiter         text NOT NULL,
    line_ending       text NOT NULL,
    -- Preflight: the first record's fields, the first records for the
    -- preview, the number of non-blank records.
    header            jsonb NOT NULL DEFAULT '[]',
    sample            jsonb NOT NULL DEFAULT '[]',
    records           integer NOT NULL DEFAULT 0,
    suggested_mapping jsonb NOT NULL DEFAULT '{}',
    mapping           jsonb NOT NULL DEFAULT '{}',
    -- Progress of the current run: records up to merged_through are merged
    -- (their import_records exist); the counters count them.
    phase             text NOT NULL DEFAULT '',
    rows_total        integer NOT NULL DEFAULT 0,
    rows_done         integer NOT NULL DEFAULT 0,
    merged_through    integer NOT NULL DEFAULT 0,
    created_count     integer NOT NULL DEFAULT 0,
    matched_count     integer NOT NULL DEFAULT 0,
    updated_count     integer NOT NULL DEFAULT 0,
    duplicate_count   integer NOT NULL DEFAULT 0,
    invalid_count     integer NOT NULL DEFAULT 0,
    rate              double precision NOT NULL DEFAULT 0,
    eta_seconds       integer,
    -- A new run after a dry run starts from a clean slate: the worker
    -- removes the dry run's records first.
    reset_pending     boolean NOT NULL DEFAULT false,
    cancel_requested  boolean NOT NULL DEFAULT false,
    error             text NOT NULL DEFAULT '',
    heartbeat_at      timestamptz,
    queued_at         timestamptz,
    started_at        timestamptz,
    finished_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX imports_tenant ON imports (tenant_id, id);
CREATE INDEX imports_recent ON imports (tenant_id, created_at DESC, id DESC);
-- The per-tenant concurrency check counts these.
CREATE INDEX imports_running ON imports (tenant_id) WHERE status = 'running';

-- The uploaded bytes in 1 MiB chunks. tenant_id is the nil UUID for
-- platform imports (it leads the key, so it cannot be NULL). EXTERNAL
-- storage: CSV is stored and read back once, so compressing it would cost
-- more CPU than the disk it saves.
CREATE TABLE import_files (
    tenant_id uuid NOT NULL,
    import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq       integer NOT NULL,
    data      bytea NOT NULL,
    PRIMARY KEY (tenant_id, import_id, seq)
);
ALTER TABLE import_files ALTER COLUMN data SET STORAGE EXTERNAL;

-- One row per input row. row_num is the record's number in the file (the
-- header is record 1, as a spreadsheet numbers it). duplicate_of points at
-- the first row with the same match key; contact_id is the contact the row
-- created, matched or duplicated (for a dry run: would have). raw keeps the
-- original fields (as one CSV line) of rows that errors.csv lists.
-- No foreign keys: a million checked references would cost more than the
-- rest of the record, and the import's own cleanup removes them (trigger).
CREATE TABLE import_records (
    tenant_id    uuid NOT NULL,
    import_id    uuid NOT NULL,
    row_num      integer NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('created', 'matched', 'duplicate', 'invalid')),
    contact_id   uuid,
    duplicate_of integer,
    updated      boolean NOT NULL DEFAULT false,
    errors       jsonb,
    raw          text,
    PRIMARY KEY (tenant_id, import_id, row_num)
);
-- ?outcome= pages; created rows (most of a file) page through the primary key.
CREATE INDEX import_records_outcome ON import_records (tenant_id, import_id, outcome, row_num)
    WHERE outcome <> 'created';

-- +goose StatementBegin
CREATE FUNCTION imports_cleanup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM import_records
     WHERE tenant_id = coalesce(OLD.tenant_id, '00000000-0000-0000-0000-000000000000') AND import_id = OLD.id;
    EXECUTE format('DROP TABLE IF EXISTS %I', 'import_keys_' || replace(OLD.id::text, '-', ''));
    RETURN OLD;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER imports_cleanup AFTER DELETE ON imports FOR EACH ROW EXECUTE FUNCTION imports_cleanup();

-- Templates; they hold no rows.
--
-- import_keys: each running import gets an UNLOGGED copy
-- (import_keys_<id>, dropped when it ends) mapping every match key seen so
-- far (kind e = email, l = LinkedIn URL, n = name and company) to the first
-- row that had it, that row's contact, and its values of every key (a row
-- with the same LinkedIn URL but another email is someone else): how a row
-- finds out it repeats an earlier one, in any batch. UNLOGGED: a crash of
-- PostgreSQL empties it and the worker rebuilds it from the file and
-- import_records.
CREATE UNLOGGED TABLE import_keys (
    kind         "char" NOT NULL,
    key          text COLLATE "C" NOT NULL,
    root_row     integer NOT NULL,
    contact_id   uuid,
    email        text COLLATE "C",
    linkedin_url text COLLATE "C",
    name_key     text COLLATE "C",
    PRIMARY KEY (kind, key)
);

-- import_batch: the worker's TEMP copy holds one batch of normalized rows
-- while it is deduplicated, matched and merged.
CREATE UNLOGGED TABLE import_batch (
    row_num        integer PRIMARY KEY,
    usable         boolean NOT NULL,
    errors         text,
    raw            text,
    first_name     text NOT NULL DEFAULT '',
    last_name      text NOT NULL DEFAULT '',
    email          text,
    phone          text,
    title          text NOT NULL DEFAULT '',
    seniority      text NOT NULL DEFAULT '',
    department     text NOT NULL DEFAULT '',
    company_name   text NOT NULL DEFAULT '',
    company_domain text,
    email_domain   text,
    linkedin_url   text NOT NULL DEFAULT '',
    city           text NOT NULL DEFAULT '',
    region         text NOT NULL DEFAULT '',
    country        text NOT NULL DEFAULT '',
    name_key       text COLLATE "C",
    new_id         uuid NOT NULL,
    dup_of         integer,
    root_contact   uuid,
    contact_id     uuid,
    matched        boolean NOT NULL DEFAULT false,
    outcome        text,
    updated        boolean NOT NULL DEFAULT false
);

-- The match keys' indexes: email has contacts_email; LinkedIn URL and name
-- with company need their own. Without contacts_name_company a name lookup
-- walks contacts_sort_name through every namesake (56 on average at 1 M
-- contacts, hundreds for common names) folding each company name: about
-- 2 ms a row instead of 40 µs (docs/PERFORMANCE.md).
CREATE INDEX contacts_linkedin ON contacts (linkedin_url) WHERE linkedin_url <> '';
CREATE INDEX contacts_name_company ON contacts (sort_name, contacts_fold(company_name)) WHERE company_name <> '';

-- +goose Down
-- Scratch tables of imports that never finished.
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'import\_keys\_%' LOOP
        EXECUTE format('DROP TABLE %I', t);
    END LOOP;
END;
$$;
-- +goose StatementEnd
DROP INDEX contacts_name_company;
DROP INDEX contacts_linkedin;
DROP TABLE import_batch;
DROP TABLE import_keys;
DROP TRIGGER imports_cleanup ON imports;
DROP FUNCTION imports_cleanup();
DROP TABLE import_records;
DROP TABLE import_files;
DROP TABLE imports;
