-- +goose Up
-- Canonical contact data (companies, contacts), the search vocabulary used
-- for typo tolerance, and each tenant's workspace (saved contacts, lists,
-- corrections). internal/contacts/doc.go tells the story; the index choices
-- are measured in docs/PERFORMANCE.md.

-- Accent and case folding for search. unaccent() is only STABLE (it reads
-- its dictionary through search_path); naming the dictionary makes the
-- result depend on the input alone, so this wrapper may be IMMUTABLE and be
-- used in generated columns and index expressions.
CREATE FUNCTION contacts_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1));

-- The filterable values of a contact as lexemes for search_doc: '~s:vp',
-- '~c:DE', '~x:engineer' (a title word), '~m' (has an email). The '~' keeps
-- them apart from words: the parser never makes a lexeme with it, so free
-- text cannot match a tag, and the vocabulary leaves them out.
CREATE FUNCTION contacts_tags(seniority text, department text, industry text, employee_range text, country text,
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

CREATE TABLE companies (
    id             uuid PRIMARY KEY,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    domain         citext UNIQUE CHECK (domain IS NULL OR length(domain) BETWEEN 3 AND 253),
    industry       text NOT NULL DEFAULT '',
    employee_range text NOT NULL DEFAULT '' CHECK (employee_range IN
        ('', '1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+')),
    revenue_range  text NOT NULL DEFAULT '' CHECK (revenue_range IN
        ('', '<1M', '1M-10M', '10M-50M', '50M-100M', '100M-500M', '500M-1B', '1B+')),
    country        text NOT NULL DEFAULT '' CHECK (country = '' OR country ~ '^[A-Z]{2}$'),
    region         text NOT NULL DEFAULT '',
    city           text NOT NULL DEFAULT '',
    linkedin_url   text NOT NULL DEFAULT '',
    founded_year   integer CHECK (founded_year BETWEEN 1600 AND 2100),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX companies_name_lower ON companies (lower(name));

-- Canonical contacts. owner_tenant_id NULL: the shared database every tenant
-- searches; set: a contact one tenant imported that matched nothing shared,
-- visible to that tenant only.
--
-- The company's name, domain, industry and employee range are copied onto
-- the contact (kept in step by the trigger below) so that search filters and
-- the text index read one row instead of joining 100k companies per query.
CREATE TABLE contacts (
    id              uuid PRIMARY KEY,
    first_name      text NOT NULL DEFAULT '',
    last_name       text NOT NULL DEFAULT '',
    email           citext CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    email_status    text NOT NULL DEFAULT 'unknown' CHECK (email_status IN ('valid', 'risky', 'invalid', 'unknown')),
    phone           text CHECK (phone IS NULL OR phone ~ '^\+[1-9][0-9]{6,14}$'),
    title           text NOT NULL DEFAULT '',
    seniority       text NOT NULL DEFAULT '' CHECK (seniority IN
        ('', 'owner', 'c_suite', 'vp', 'head', 'director', 'manager', 'senior', 'entry')),
    department      text NOT NULL DEFAULT '',
    company_id      uuid REFERENCES companies (id) ON DELETE SET NULL,
    company_name    text NOT NULL DEFAULT '',
    company_domain  citext,
    industry        text NOT NULL DEFAULT '',
    employee_range  text NOT NULL DEFAULT '',
    linkedin_url    text NOT NULL DEFAULT '',
    city            text NOT NULL DEFAULT '',
    region          text NOT NULL DEFAULT '',
    country         text NOT NULL DEFAULT '' CHECK (country = '' OR country ~ '^[A-Z]{2}$'),
    source          text NOT NULL DEFAULT '',
    owner_tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- Free text: name (weight A), title (B), company name (C), folded; and
    -- every filterable value as a tag (contacts_tags). Text and filters
    -- being one tsvector, any query is one GIN scan, and GIN intersects the
    -- posting lists of its words and tags itself, skipping through long
    -- lists, which is several times cheaper than AND-ing the bitmaps of two
    -- indexes (docs/PERFORMANCE.md).
    search_doc      tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, contacts_fold(first_name || ' ' || last_name)), 'A') ||
        setweight(to_tsvector('simple'::regconfig, contacts_fold(title)), 'B') ||
        setweight(to_tsvector('simple'::regconfig, contacts_fold(company_name)), 'C') ||
        contacts_tags(seniority, department, industry, employee_range, country, region, city, company_name,
                      company_domain::text, email IS NOT NULL, phone IS NOT NULL, title)) STORED,
    -- Sort key for sort=name (last name, then first name; accents folded).
    sort_name       text COLLATE "C" GENERATED ALWAYS AS (contacts_fold(last_name || ' ' || first_name)) STORED
);
CREATE INDEX contacts_search_doc ON contacts USING gin (search_doc);
CREATE INDEX contacts_sort_name ON contacts (sort_name, id);
CREATE INDEX contacts_updated ON contacts (updated_at DESC, id DESC);
CREATE INDEX contacts_company ON contacts (company_id, id);
CREATE INDEX contacts_owner ON contacts (owner_tenant_id, id) WHERE owner_tenant_id IS NOT NULL;
CREATE INDEX contacts_email ON contacts (email) WHERE email IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION companies_propagate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name OR NEW.domain IS DISTINCT FROM OLD.domain
       OR NEW.industry IS DISTINCT FROM OLD.industry OR NEW.employee_range IS DISTINCT FROM OLD.employee_range THEN
        UPDATE contacts
           SET company_name = NEW.name, company_domain = NEW.domain, industry = NEW.industry,
               employee_range = NEW.employee_range, updated_at = now()
         WHERE company_id = NEW.id;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER companies_propagate AFTER UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION companies_propagate();

-- The search vocabulary: every distinct word of the contacts' search
-- documents with its document count. Query words are looked up here before
-- the tsquery runs: a prefix ("smi") becomes the words it starts (smith |
-- smithers), which GIN intersects far faster than a prefix match, and a
-- misspelt word ("enginer") gains its trigram neighbours ("engineer"). So
-- typo tolerance costs a lookup in a small table, not a trigram scan of
-- every contact. New words arrive through the statement triggers below;
-- contacts.RefreshSearchTerms recounts and prunes.
CREATE TABLE search_terms (
    term text COLLATE "C" PRIMARY KEY,
    ndoc integer NOT NULL
);
CREATE INDEX search_terms_trgm ON search_terms USING gin (term gin_trgm_ops);

-- +goose StatementBegin
CREATE FUNCTION contacts_vocabulary() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER contacts_vocabulary_insert AFTER INSERT ON contacts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contacts_vocabulary();
CREATE TRIGGER contacts_vocabulary_update AFTER UPDATE ON contacts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contacts_vocabulary();

CREATE TABLE saved_contacts (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    contact_id  uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    status      text NOT NULL DEFAULT 'saved' CHECK (status IN ('saved', 'approved', 'rejected')),
    approved_by uuid REFERENCES users (id) ON DELETE SET NULL,
    approved_at timestamptz,
    notes       text NOT NULL DEFAULT '',
    created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, contact_id)
);
CREATE INDEX saved_contacts_recent ON saved_contacts (tenant_id, created_at DESC, contact_id DESC);

CREATE TABLE lists (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid NOT NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX lists_name ON lists (tenant_id, lower(name));

-- A list holds saved contacts: unsaving a contact takes it off every list.
CREATE TABLE list_members (
    tenant_id  uuid NOT NULL,
    list_id    uuid NOT NULL,
    contact_id uuid NOT NULL,
    added_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, list_id, contact_id),
    FOREIGN KEY (tenant_id, list_id) REFERENCES lists (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, contact_id) REFERENCES saved_contacts (tenant_id, contact_id) ON DELETE CASCADE
);
CREATE INDEX list_members_contact ON list_members (tenant_id, contact_id);

CREATE TABLE contact_corrections (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           uuid NOT NULL,
    contact_id   uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    field        text NOT NULL CHECK (field IN ('title', 'email', 'phone', 'company_name', 'city', 'country', 'linkedin_url')),
    old_value    text NOT NULL DEFAULT '',
    new_value    text NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    submitted_by uuid REFERENCES users (id) ON DELETE SET NULL,
    reviewed_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
-- The overlay: a tenant's latest correction per contact and field.
CREATE INDEX contact_corrections_overlay ON contact_corrections (tenant_id, contact_id, field, created_at DESC, id DESC);
-- The platform review queue and the by-id lookup of admin/corrections/{id}.
CREATE INDEX contact_corrections_pending ON contact_corrections (created_at, id) WHERE status = 'pending';
-- Not unique: a unique index must lead with tenant_id to stay distributable;
-- UUIDv7 ids are unique anyway.
CREATE INDEX contact_corrections_id ON contact_corrections (id);

-- +goose Down
DROP TABLE contact_corrections;
DROP TABLE list_members;
DROP TABLE lists;
DROP TABLE saved_contacts;
DROP TRIGGER contacts_vocabulary_update ON contacts;
DROP TRIGGER contacts_vocabulary_insert ON contacts;
DROP FUNCTION contacts_vocabulary();
DROP TABLE search_terms;
DROP TRIGGER companies_propagate ON companies;
DROP FUNCTION companies_propagate();
DROP TABLE contacts;
DROP TABLE companies;
DROP FUNCTION contacts_tags(text, text, text, text, text, text, text, text, text, boolean, boolean, text);
DROP FUNCTION contacts_fold(text);
