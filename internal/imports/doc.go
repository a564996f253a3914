// Package imports takes a tenant's CSV or XLSX file of contacts (or a
// platform file for the shared database) and tells the user exactly what
// happened to each row: created, matched, duplicate or invalid, with
// reasons. Files of a million rows are the normal case, not the limit.
//
// # Upload and preflight
//
// Upload streams the file into import_files in 1 MiB chunks inside one
// transaction (any worker instance can read it back; a failed upload
// leaves nothing), counting bytes against the package's
// max_import_file_bytes as they arrive (ETOOLARGE names the cap). The
// first 64 KiB identify the file (Sniff): XLSX by its zip signature;
// otherwise the encoding — UTF-8 with or without a byte order mark,
// UTF-16 with a BOM (or without one, from the pattern of zero bytes),
// and a single-byte code page when the sample has high bytes but no valid
// multi-byte UTF-8: Windows-1252 (a superset of Latin-1) unless its words
// read far more plausibly as Windows-1250 (Polish, Czech, Hungarian...),
// Windows-1251 (Cyrillic) or ISO-8859-2 (legacyEncoding scores the words
// each makes of the high bytes: "Łukasz" is Polish, "£ukasz" no
// language's). A UTF-8 file without a BOM that holds a
// few stray Windows-1252 bytes (files pasted together from two sources)
// is read as UTF-8 with just those bytes read as Windows-1252, so neither
// its accents nor the stray characters come out garbled; with a BOM, a
// record with invalid UTF-8 stays invalid —
// then line endings (LF, CRLF, CR-only; counted outside quotes) and the
// delimiter (comma, semicolon, tab or pipe: the one that splits the first
// records into the same number of fields most consistently). Binary data,
// legacy .xls, PDFs and images are refused with a reason, and so is a zip
// that is not an XLSX workbook with a sheet of cells (an .ods, an .xlsb, a
// Word file, an archive, a workbook of charts only: notAWorkbook). An XLSX
// workbook is spooled to a temporary file (zip needs random access) and
// its active sheet stored as UTF-8 CSV, so everything after the upload
// reads one format.
//
// Detection can be wrong, and a user who sees "£ukasz" in the preview can
// choose the encoding (SetMapping's, one of Encodings) until the import
// starts: the stored file is read again in it (Reread), and the delimiter,
// line endings, header, row count, preview and suggested mapping become
// those of the new text; every later read of the file (the run, a dry
// run, a resumed run) takes the encoding from the import's row.
//
// While the bytes go to the database they also run through the record
// reader, which counts the rows exactly and keeps the first 21 records:
// the header guess (a known column name, or a first row without values
// that look like data), the suggested mapping (header synonyms such as
// "E-mail", "Work Email" → email, "Organization" → company_name, "Full
// Name" split into first and last; a generic "Title" yields to "Job
// Title", as Outlook's Title is Mr. or Dr.; then columns whose values look like
// emails, LinkedIn URLs or phone numbers) and the preview of 20 rows as
// the mapping reads them, which PUT mapping recomputes.
//
// # Reading
//
// Reader is a small CSV state machine instead of encoding/csv, for three
// reasons: memory stays bounded whatever the file holds (a record over
// MaxRecordBytes, a 10 MB field, a quote that never closes, is read to its
// end without being kept and comes back as one invalid row); no content
// is an error (a record with invalid UTF-8, NUL bytes or more than
// MaxColumns fields comes back with a Problem, the next record is read as
// usual); and lone-CR line endings are understood. Row numbers are record
// numbers counting the header as 1, as a spreadsheet shows them.
// FuzzReader checks that no input makes it panic, hang, or return text
// PostgreSQL would refuse.
//
// # Running
//
// Start sets the import queued and inserts its River job in the same
// transaction (jobs.InsertTx); a dry run is the same job with writes to
// contacts turned off (its updates of matched contacts run in a savepoint
// that is rolled back, so that it says which rows would change their
// contact). The worker (Work):
//
//  1. takes a session-level advisory lock on the import on a connection of
//     its own, outside the shared pool (a second worker on the same import
//     waits; a dead worker's lock dies with its connection);
//  2. claims one of the tenant's max_concurrent_jobs slots: imports beyond
//     them stay queued and the job is snoozed (platform imports run one at
//     a time; a running import whose heartbeat stopped holds no slot);
//  3. streams the file back chunk by chunk through the reader and the
//     normalizer (contacts.Normalize*: email lower-cased and checked,
//     phone to E.164 in the tenant's default region, LinkedIn URL to its
//     canonical form, country to ISO 3166-1 alpha-2; a placeholder such as
//     NULL or Excel's #N/A is an empty field) in a goroutine. A row is
//     invalid only when it has no valid email, LinkedIn URL, or first and
//     last name with company, or a problem of its own (a record not read
//     whole, more fields than columns); a value that fails in a field the
//     row does not need is left out (so it never writes a contact) and
//     recorded as the row's warning, counted in warning_count and listed
//     in errors.csv's dropped column. Meanwhile
//  4. the merge takes the rows in batches, each one transaction: COPY into
//     a TEMP batch table, then set-based statements: a row sharing a match
//     key with an earlier row is a duplicate pointing at the first one (the
//     UNLOGGED import_keys_<id> table remembers, for every key of earlier
//     batches, each distinct set of values seen with it and the first row
//     that had them, so a row is compared with every earlier row exactly
//     as within a batch: where batch boundaries fall never changes an
//     outcome; name keys are folded in SQL as matching folds contacts);
//     the rest are matched
//     against contacts the importer sees (not those this import created:
//     the key table stands for them), key by key in the mapping's order
//     (contacts_email_key, contacts_linkedin_key, contacts_name_company_key,
//     whose company part is contacts_company_key: case, accents,
//     punctuation and legal forms aside; docs/API.md "What counts as the
//     same person"); rows that
//     match nothing become new contacts, private to the tenant
//     (owner_tenant_id) or shared for a platform import; matched contacts
//     that the import may change get their empty fields filled, or with
//     overwrite replaced; every usable row's contact is saved for the
//     tenant and joins the target list (a list deleted meanwhile is no
//     longer joined, and the completed import says so); one import_records row per input
//     row; the import's counters and merged_through move; the rows it
//     delivered (created, matched, duplicate) are metered against
//     import_rows_per_month. Invalid rows are free: Start asks for room
//     for every row of the file, as it cannot know which are invalid
//     before reading them, and the run never charges those. A batch the
//     quota no longer covers fails the import after the batches it paid
//     for; a batch of invalid rows only is not metered, nor is a dry run
//     or a platform import.
//
// Matching and creating hold the scope's merge lock (a transaction-level
// advisory lock per tenant, or for the platform) until the batch commits:
// two imports of one tenant with the same new people create each once,
// the second matching the first's contacts.
//
// A batch commits whole or not at all, and a new contact's id is derived
// from the import and the row number (rowContactID; no one who lacks the
// import's id can derive one contact's id from another's), so replaying a
// batch writes exactly what the first attempt would have. That is what makes
// the job resumable: a killed worker's import is picked up by the next run
// after merged_through, with the same result as an uninterrupted run. If
// PostgreSQL itself crashed, the UNLOGGED key table is empty and the run
// first rebuilds it from the file and import_records; a marker row in the
// table says up to which row it holds keys (moved in each batch's and each
// rebuild step's transaction), so a rebuild that stops part-way goes on
// from there. A run hands the import back to the queue before River's job
// timeout and resumes.
//
// Batches adapt their size (1,000 to 50,000 rows) to take about 0.7 s, so
// the counters move several times a second. A watcher writes the
// heartbeat, rate and ETA every second and polls for a cancel every
// 200 ms; a cancel interrupts the running statement (pg_cancel_backend),
// the batch rolls back, and the import ends cancelled with every merged
// batch intact.
//
// Match keys (email, LinkedIn URL, name with company; in the mapping's
// order) decide both duplicates and matches, with one rule: a later key
// joins two records only when no earlier key tells them apart. Two rows of
// "Wei Wang, Acme" with different emails are two people; one without an
// email is the first of them; a row with the same email is the same person
// whatever its name says.
//
// Tenant imports never change shared contacts: a matched shared contact is
// saved, not edited. Platform imports edit shared contacts by source
// precedence (seed < import < vendor < platform_import < verified <
// manual): a non-empty value is replaced only by an import whose source
// ranks at least as high.
//
// Figures and what bounds them are in docs/PERFORMANCE.md.
package imports
