// Package contacts is the product's main job: the canonical contact
// database and each tenant's view of it — search, contact and company
// details, saved contacts and lists, corrections, CSV export — plus the
// synthetic data generator that fills it.
//
// # Visibility
//
// Companies and contacts are canonical. A contact with owner_tenant_id NULL
// belongs to the shared database that every tenant searches; a contact with
// owner_tenant_id set was imported by that tenant, matched nothing shared,
// and is visible to that tenant only. Every query that reads contacts for a
// tenant carries visibleSQL; anything else answers ENOTFOUND, exactly as a
// missing id does, so ids of other tenants' contacts reveal nothing.
// Saved contacts, lists, list members and corrections are tenant data: their
// primary keys lead with tenant_id and every statement filters on it. A
// saved contact is always visible to its tenant, and a contact's owner never
// changes: the database refuses anything else (migration 00066), so the saved
// view with no condition on the contact reads saved contacts alone. With a
// condition on the contact its first page counts only what the planner
// expects to be small, and otherwise reports the estimate, as search does
// (ListSaved).
//
// # The overlay
//
// A tenant's correction shows at once in its own search results and
// details: for each field the tenant's latest correction replaces the
// canonical value (Contact.Corrections lists them with the value they hide
// and their status). Platform staff accept a correction, which writes it
// into the canonical record for every tenant, or reject it, which leaves the
// canonical record alone while the submitting tenant keeps seeing its value,
// marked rejected (issue [3/7]: "only the tenant's overlay remains"). An
// accepted correction stops overlaying once the canonical record changes
// again, so a later fix by someone else is not hidden behind it. Search
// and the saved view match what the tenant is shown: a contact the overlay
// changes matches by its corrected values (overlay, in search_overlay.go).
// A correction of a tenant's own private contact is applied at once. A
// tenant's later correction of the same field (or its undo, back to the
// shared value, accepted at once) withdraws its earlier pending one, so
// staff review only the tenant's latest word.
//
// # Search
//
// Free text and filters run against one stored tsvector per contact,
// search_doc, with one GIN index. It holds the words of the name (weight A),
// title (B) and company name (C), accents and case folded by contacts_fold
// (an IMMUTABLE wrapper of unaccent), and every filterable value as a tag:
// '~s:vp', '~c:DE', '~x:engineer' for a title word, '~m' for has-email (the
// parser never makes a lexeme with '~', so free text cannot match a tag).
// A search is one tsquery: the words AND'ed, each filter an OR of its tags,
// the filters AND'ed; GIN intersects all of their posting lists in one scan,
// skipping through the long ones. Only "has no email/phone" reads columns.
// Free text that holds no word at all (punctuation, symbols, emoji) matches
// nothing, as a titles filter of punctuation does.
//
// Before the query runs, its words are looked up in search_terms, the
// vocabulary of every indexed word: the shared database's words, and each
// tenant's own for its private contacts, so that one tenant's data never
// shapes another's query. Statement triggers keep it current without ever
// waiting on another writer; an hourly job drops the duplicates a race
// leaves (CompactSearchTerms).
//
//   - a word becomes the vocabulary words it starts ("smi" → smith |
//     smithers | smithson), so "jon smi" finds Jonathan Smith. GIN
//     intersects exact words much faster than it evaluates a prefix match,
//     which materializes every posting list of the prefix first;
//   - a broad word (one or two letters, or more than 64 expansions) stays a
//     prefix match, which a row checks cheaply; a query of broad words only
//     ("jo sm") is planned like a large match set (below), because only the
//     combination is narrow and merging their lists would cost more than
//     walking the index;
//   - a word of four letters or more also gains its trigram neighbours
//     (pg_trgm, similarity ≥ 0.4, at most four), so "enginer" finds
//     engineers. The trigram index covers the small vocabulary, not the
//     million contacts;
//   - a word of two to eight Chinese, Japanese or Korean characters may be
//     a name written without a space ("王伟"), which the index holds as
//     family and given name apart: it also matches as any split in two
//     (王 & 伟:*);
//   - a word of two or more Chinese, Japanese or Korean characters also
//     matches inside a word: those scripts run words together ("软件工程师",
//     software engineer), so search_doc holds every two-character sequence
//     of such words of the name, title and company as a tag ('~g:工程',
//     contacts_grams, migration 00049), and the query word matches a
//     document holding all of its own ("工程师" → ~g:工程 & ~g:程师). A
//     single character matches only as a prefix. In a titles filter value
//     the bigram tags find the candidates and titleCheck keeps those with
//     the word inside a title word (weight B) of the document;
//   - a quoted phrase ("vice president", splitPhrases) is its words as
//     whole words, each right after the one before within one field: the
//     fields' words follow each other in search_doc, so the phrase is an
//     alternative per field weight (('vice':A <-> 'president':A) |
//     ('vice':B <-> …) | …, phraseQuery). GIN finds the rows holding every
//     word, and the recheck of each reads the positions. A phrase of
//     Chinese, Japanese or Korean stays words: the bigram tags hold no
//     positions, and those scripts have no spaces to quote between.
//
// Each new search first asks the planner for its row estimate (EXPLAIN, no
// execution) and picks its strategy from it:
//
//   - total: when the estimate is at most 3,000 the page query counts the
//     matches exactly (it materializes them anyway); above it the estimate
//     itself is the total (TotalIsEstimate), capped at 10,000
//     (TotalIsCapped), unless the page learnt the exact number on the way
//     or the facets, asked for beside it, counted every match (300 or
//     fewer).
//     Counting a large match set costs a visit per match, which is exactly
//     what a search page must not do.
//   - relevance: a match set the estimate puts within 2,000 rows is ranked
//     whole — matching every word as typed, then how many words are whole
//     words of the name, then ts_rank with name > title > company — and paged
//     by (rank, id). The rank reads each word as a prefix, never its
//     vocabulary expansion, so a word added to the vocabulary between two
//     pages leaves the ranks, and so the cursor's place, as they were. A larger set is paged newest first by id, which the
//     primary key serves without reading the set. Ranking 100,000 matches on
//     every page would cost more than any page may, and among that many
//     matches of a broad word the rank barely differs.
//   - sort by name or by last update: keyset over (sort_name, id) and
//     (updated_at, id), each with its B-tree index. sort_name is the folded
//     "last first", or for a contact with no last name its first name
//     followed by chr(1), so that it sorts among the others by the name it
//     has (just before the contacts of that last name), not before them all.
//
// Ordered pages (by id, name or update) do not leave the choice between
// walking the sort index (right for dense matches) and collecting matches
// through GIN (right for sparse ones) to the planner alone, since filters it
// takes for independent may exclude each other ("sales" titles in the
// engineering department), and walking a million-row index for a page that
// does not exist takes seconds. A small estimate materializes the match set
// (at most 10,001 rows), counts and sorts it; a large one walks the sort
// index for at most 20,000 rows and, if that does not fill the page, collects
// the matches through the indexes (sequential and plain index scans off,
// work_mem raised so the bitmaps stay exact). A first page that learns the
// whole match set on the way reports an exact total.
//
// Statements run with pgx's QueryExecModeExec so that each is planned for
// its actual values; a cached generic plan would not know whether a word is
// rare (use the GIN index) or common (walk the primary key and filter).
//
// Facets (seniority, department, country, employee range) are counted beside
// the page query, on a second connection. A small estimate counts the
// first 301 matches collected through the indexes (exact when there are no
// more). A large one (over 3,000) counts the matches in a block sample of
// the table (TABLESAMPLE SYSTEM with a fixed REPEATABLE seed, a power-of-two
// fraction sized for 300 to 600 matches and at most 20,000 rows read): it
// is spread over the whole table and the same on every run over the same
// data, never a slice that depends on where the last sequential scan
// stopped (synchronize_seqscans). Sampled counts are scaled to the total
// (the counted one when the search counted, else the estimate) and flagged
// IsCapped. They cost about what a page costs.
//
// # Cursors
//
// A cursor is base64url(JSON payload ‖ tag): the payload holds the sort
// mode, the sort key of the last row (rank, name or time) and its id, and
// the first page's total; the tag is the first 16 bytes of HMAC-SHA256 over
// a scope ("search", "saved", "company", ...), the tenant id, a hash of the
// normalized query (text, filters, sort; not the page size) and the
// payload, keyed by the key given to NewService. A cursor from another
// tenant or query, or with any byte changed, fails verification and is
// EMALFORMED. Pages continue strictly after the last row's key, never by
// OFFSET, so rows inserted meanwhile neither repeat nor shift rows, and any
// page is as cheap as the first.
//
// # Seeding
//
// Seed generates companies and contacts deterministically (each record from
// its own PCG stream seeded with the seed and its index) and loads them with
// COPY in one transaction, after dropping the contacts indexes when the
// table is empty and rebuilding them afterwards. It refuses to load into a
// shared database that already holds data; SeedDemo is the idempotent
// variant for development. Figures are in docs/PERFORMANCE.md.
package contacts
