-- +goose Up
-- The indexes that imports match on (email, LinkedIn URL, name with
-- company) compare bytes instead of going through the collation: email
-- lower-cased once when a contact is written (citext lower-cased both
-- sides of every comparison of the B-tree descent), and every key under
-- COLLATE "C" (the database's C.UTF-8 is a libc collation: strcoll with a
-- conversion to wide characters per comparison). Equality is all these
-- indexes serve, and byte equality of lower-cased (or folded) text is the
-- equality the import means. The collation belongs to the index column,
-- not to its expression, so that a query comparing the plain expression
-- under COLLATE "C" matches both the index and its statistics.
-- docs/PERFORMANCE.md has the figures.
-- Not partial: the planner takes an expression's statistics only from an
-- index over the whole table, and without them it estimates a batch's
-- email join at every contact and hashes the table.
CREATE INDEX contacts_email_key ON contacts ((lower(email::text)) COLLATE "C");
DROP INDEX contacts_email;
CREATE INDEX contacts_linkedin_key ON contacts (linkedin_url COLLATE "C") WHERE linkedin_url <> '';
DROP INDEX contacts_linkedin;
CREATE INDEX contacts_name_company_key ON contacts (sort_name, (contacts_fold(company_name)) COLLATE "C") WHERE company_name <> '';
-- The planner's statistics of the new index expressions.
ANALYZE contacts;
DROP INDEX contacts_name_company;

-- +goose Down
CREATE INDEX contacts_name_company ON contacts (sort_name, contacts_fold(company_name)) WHERE company_name <> '';
DROP INDEX contacts_name_company_key;
CREATE INDEX contacts_linkedin ON contacts (linkedin_url) WHERE linkedin_url <> '';
DROP INDEX contacts_linkedin_key;
CREATE INDEX contacts_email ON contacts (email) WHERE email IS NOT NULL;
DROP INDEX contacts_email_key;
