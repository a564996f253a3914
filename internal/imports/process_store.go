package imports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"
)

// keysTable names an import's key table.
func keysTable(id uuid.UUID) string {
	return pgx.Identifier{"import_keys_" + strings.ReplaceAll(id.String(), "-", "")}.Sanitize()
}

// keysMarkerKind is the kind of the key table's marker row (no match key
// has it), whose root_row is the last row whose keys the table holds.
const keysMarkerKind = "*"

// keysThrough reads the key table's marker: -1 when it has none (a new
// table, or one PostgreSQL emptied in a crash).
func keysThrough(ctx context.Context, conn *sql.Conn, keys string) (int, error) {
	var n int
	err := conn.QueryRowContext(ctx, `SELECT root_row FROM `+keys+` WHERE kind = '`+keysMarkerKind+`' AND key = ''`).Scan(&n)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return -1, nil
	case err != nil:
		return 0, fmt.Errorf("imports: check keys: %w", err)
	}
	return n, nil
}

// markKeysSQL writes the marker of an empty key table: row $1.
func markKeysSQL(keys string) string {
	return `INSERT INTO ` + keys + ` (kind, key, root_row, row_num) VALUES ('` + keysMarkerKind + `', '', $1, 0)`
}

// keysThroughSQL moves the key table's marker to row $1.
func keysThroughSQL(keys string) string {
	return `UPDATE ` + keys + ` SET root_row = $1 WHERE kind = '` + keysMarkerKind + `' AND key = ''`
}

// oldKeysSQL says whether the key table $1 has the layout from before
// migration 00023 (one entry per key, no row_num): it is dropped and
// built again.
const oldKeysSQL = `SELECT to_regclass($1) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_attribute
	WHERE attrelid = to_regclass($1) AND attname = 'row_num' AND NOT attisdropped)`

func dropKeys(ctx context.Context, tx *gorm.DB, id uuid.UUID) error {
	if err := tx.WithContext(ctx).Exec(`DROP TABLE IF EXISTS ` + keysTable(id)).Error; err != nil {
		return fmt.Errorf("imports: drop keys: %w", err)
	}
	return nil
}

func deleteRecords(ctx context.Context, tx *gorm.DB, tenant, id uuid.UUID) error {
	if err := tx.WithContext(ctx).Exec(`DELETE FROM import_records WHERE tenant_id = ? AND import_id = ?`, tenant, id).Error; err != nil {
		return fmt.Errorf("imports: delete records: %w", err)
	}
	return nil
}

func deleteFile(ctx context.Context, tx *gorm.DB, tenant, id uuid.UUID) error {
	if err := tx.WithContext(ctx).Exec(`DELETE FROM import_files WHERE tenant_id = ? AND import_id = ?`, tenant, id).Error; err != nil {
		return fmt.Errorf("imports: delete file: %w", err)
	}
	if err := tx.WithContext(ctx).Exec(`UPDATE imports SET file_removed_at = now() WHERE id = ? AND file_removed_at IS NULL`,
		id).Error; err != nil {
		return fmt.Errorf("imports: delete file: %w", err)
	}
	return nil
}

// lockPlatformSlot serializes the claims of platform imports (which run
// one at a time; tenants' imports take job slots from limits) until tx ends.
func lockPlatformSlot(ctx context.Context, tx *gorm.DB) error {
	if err := tx.WithContext(ctx).Exec(`SELECT pg_advisory_xact_lock(hashtextextended('import-slots:platform', 0))`).Error; err != nil {
		return fmt.Errorf("imports: lock slots: %w", err)
	}
	return nil
}

// countRunningPlatform counts the other platform imports that run with a
// live heartbeat.
func countRunningPlatform(ctx context.Context, tx *gorm.DB, except uuid.UUID, stale time.Duration) (int, error) {
	var n int
	if err := tx.WithContext(ctx).Raw(`SELECT count(*) FROM imports WHERE status = 'running' AND id <> ?
		AND heartbeat_at > now() - make_interval(secs => ?) AND tenant_id IS NULL`, except, stale.Seconds()).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("imports: count running: %w", err)
	}
	return n, nil
}

// fileReader reads an uploaded file back, one chunk in memory at a time.
type fileReader struct {
	ctx    context.Context
	pool   *pgxpool.Pool
	tenant uuid.UUID
	id     uuid.UUID
	chunks int
	next   int
	cur    []byte
}

func (f *fileReader) Read(p []byte) (int, error) {
	for len(f.cur) == 0 {
		if f.next >= f.chunks {
			return 0, io.EOF
		}
		if err := f.pool.QueryRow(f.ctx, `SELECT data FROM import_files WHERE tenant_id = $1 AND import_id = $2 AND seq = $3`,
			f.tenant, f.id, f.next).Scan(&f.cur); err != nil {
			return 0, fmt.Errorf("imports: read chunk %d: %w", f.next, err)
		}
		f.next++
	}
	n := copy(p, f.cur)
	f.cur = f.cur[n:]
	return n, nil
}

// eachReported streams the records of an import that errors.csv lists in
// row order: the invalid rows, and the rows imported without some of their
// values (warnings; nil when it has none).
func eachReported(ctx context.Context, pool *pgxpool.Pool, tenantID, id uuid.UUID,
	f func(row int, raw string, errs, warns []byte) error) error {
	rows, err := pool.Query(ctx, `SELECT row_num, coalesce(raw, ''), coalesce(errors, '[]'::jsonb), warnings
		FROM import_records
		WHERE tenant_id = $1 AND import_id = $2 AND (outcome = 'invalid' OR warnings IS NOT NULL) ORDER BY row_num`,
		tenantKey(tenantID), id)
	if err != nil {
		return fmt.Errorf("imports: reported records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		var raw string
		var errs, warns []byte
		if err := rows.Scan(&n, &raw, &errs, &warns); err != nil {
			return fmt.Errorf("imports: reported records: %w", err)
		}
		if err := f(n, raw, errs, warns); err != nil {
			return err
		}
	}
	return rows.Err()
}

// batchSQL holds the statements that merge one batch (the session's
// import_batch_rows) for one import's mapping. Statements are built once
// per run: which keys take part, the mapped fields, tenant or platform.
type batchSQL struct {
	priorDups, batchDups, chain string
	match                       []string
	outcome, dupContact         string
	insert, update              string
	updateRounds                string
	saved, lockList, list       string
	touchList                   string
	records, keys, keysThrough  string
	platform                    bool
	srcRank                     int
}

type keyDef struct {
	kind, col, present string
}

func keyDefs(m Mapping) []keyDef {
	var out []keyDef
	for _, k := range m.MatchKeys {
		switch k {
		case KeyEmail:
			out = append(out, keyDef{"e", "email", "email IS NOT NULL"})
		case KeyLinkedIn:
			out = append(out, keyDef{"l", "linkedin_url", "linkedin_url <> ''"})
		case KeyNameCompany:
			out = append(out, keyDef{"n", "name_key", "name_key IS NOT NULL"})
		}
	}
	return out
}

// nameKeyName and nameKeyCompany are the parts of batch row b's name key
// (the batch table's generated name_key, migration 00062): its folded
// "last first", as contacts.sort_name, and its contacts_company_key of the
// company. Matching reads them from the key computed once a row, as the
// COPY into the batch stored it, instead of folding the row's values
// again for each comparison.
const (
	nameKeyName    = `split_part(b.name_key, E'\x1f', 1) COLLATE "C"`
	nameKeyCompany = `split_part(b.name_key, E'\x1f', 2) COLLATE "C"`
)

// differs says, in SQL, that batch row b and the other side (alias o: an
// earlier batch row f, a key table entry k, or a contact c) both have a
// value for the key and the values differ: two different people, whatever
// later keys say.
func differs(k keyDef, o string) string {
	switch o {
	case "c": // a contact
		switch k.kind {
		case "e":
			return `(b.email IS NOT NULL AND c.email IS NOT NULL AND lower(c.email::text) <> b.email COLLATE "C")`
		case "l":
			return `(b.linkedin_url <> '' AND c.linkedin_url <> '' AND c.linkedin_url <> b.linkedin_url COLLATE "C")`
		default:
			return `(b.name_key IS NOT NULL AND c.company_name <> '' AND (c.sort_name <> ` + nameKeyName + `
				OR contacts_company_key(c.company_name) <> ` + nameKeyCompany + `))`
		}
	case "k": // a key table entry keeps its first row's values, NULL for none
		return fmt.Sprintf(`(b.%[1]s AND k.%[2]s IS NOT NULL AND k.%[2]s <> b.%[2]s COLLATE "C")`, k.present, k.col)
	default: // an earlier row of the batch
		return fmt.Sprintf(`(b.%[1]s AND %[3]s.%[1]s AND %[3]s.%[2]s <> b.%[2]s)`, k.present, k.col, o)
	}
}

// sameAs is the condition under which b and o are the same person by key
// defs[i]: equal on it, and told apart by no key before it.
func sameAs(defs []keyDef, i int, o, equal string) string {
	cond := equal
	for _, j := range defs[:i] {
		cond += " AND NOT " + differs(j, o)
	}
	return cond
}

const usableOutcomes = `('created', 'matched', 'duplicate')`

func newBatchSQL(m Mapping, keys string, platform bool, importID uuid.UUID, created time.Time) batchSQL {
	b := batchSQL{platform: platform, srcRank: sourceRanks[m.Source]}
	defs := keyDefs(m)

	// A row repeats an earlier one when they share a match key and no
	// earlier key in the mapping's order tells them apart (two rows with
	// different emails are two people even at the same name and company).
	// The earlier row is one of an earlier batch (the key table knows, for
	// each key and each distinct set of values seen with it, the first row
	// that had them, its first row and contact) or of this one; of several,
	// the lowest, as within a batch, whichever batch boundaries there were.
	//
	// The key table grows with the import while a batch stays small: each
	// batch row probes it by key (the lateral subquery, kept from being
	// flattened into a join by OFFSET 0). Given a join, the planner reads
	// every entry of the kind into a hash table for every batch, even with
	// fresh statistics, so a batch cost more than the one before
	// (docs/PERFORMANCE.md).
	var prior, firsts []string
	for i, k := range defs {
		prior = append(prior, fmt.Sprintf(`SELECT b.row_num, k.row_num AS first, k.root_row, k.contact_id FROM import_batch_rows b
			CROSS JOIN LATERAL (SELECT k.row_num, k.root_row, k.contact_id FROM %s k
				WHERE k.kind = '%s' AND k.key = b.%s COLLATE "C" AND %s OFFSET 0) k
			WHERE b.usable AND b.%s`,
			keys, k.kind, k.col, sameAs(defs, i, "k", "true"), k.present))
		firsts = append(firsts, fmt.Sprintf(`SELECT b.row_num, f.row_num AS first FROM import_batch_rows b
			JOIN import_batch_rows f ON f.%[1]s = b.%[1]s AND f.row_num < b.row_num
			WHERE b.usable AND f.usable AND b.%[2]s AND f.%[2]s AND %[3]s`, k.col, k.present, sameAs(defs, i, "f", "true")))
	}
	b.priorDups = `UPDATE import_batch_rows b SET dup_of = p.root_row, root_contact = p.contact_id
		FROM (SELECT DISTINCT ON (row_num) row_num, root_row, contact_id FROM (` + strings.Join(prior, " UNION ALL ") + `) u
		ORDER BY row_num, first) p WHERE b.row_num = p.row_num`
	b.batchDups = `UPDATE import_batch_rows b SET dup_of = w.first FROM (SELECT row_num, min(first) AS first FROM (` +
		strings.Join(firsts, " UNION ALL ") + `) u GROUP BY row_num) w WHERE b.row_num = w.row_num AND b.dup_of IS NULL`
	// Point every duplicate at the first row of its chain.
	b.chain = `UPDATE import_batch_rows b SET dup_of = f.dup_of, root_contact = f.root_contact
		FROM import_batch_rows f WHERE b.dup_of = f.row_num AND f.dup_of IS NOT NULL`

	// Matching, key by key in the mapping's order, under the same rule:
	// the first key that finds a contact the importer sees wins; among
	// several, the tenant's own private contact, then the oldest. Contacts
	// this import created are not candidates: the rows that created them
	// are in the key table, which decides whether a later row repeats one
	// exactly as within a batch, where they do not exist yet. (A created
	// contact can hold what its row did not: the name of the company its
	// email's domain links it to. Matched, it would join a later row that
	// the same row in the same batch does not.)
	visible := `(c.owner_tenant_id IS NULL OR c.owner_tenant_id = $1)`
	if platform {
		visible = `c.owner_tenant_id IS NULL`
	}
	visible += ` AND NOT ` + createdBySQL("c.id", importID, created)
	// The joins are written as the indexes are (contacts_email_key,
	// contacts_linkedin_key, contacts_name_company_key): byte comparison
	// of lower-cased or folded values. Normalized emails are lower case. A
	// company is compared by contacts_company_key (migration 00062): case,
	// accents, punctuation and legal forms aside.
	for i, k := range defs {
		var join string
		switch k.kind {
		case "e":
			join = `lower(c.email::text) = b.email COLLATE "C" AND c.email IS NOT NULL`
		case "l":
			join = `c.linkedin_url = b.linkedin_url COLLATE "C" AND c.linkedin_url <> ''`
		case "n":
			join = `c.sort_name = ` + nameKeyName + `
				AND contacts_company_key(c.company_name) = ` + nameKeyCompany + ` AND c.company_name <> ''`
		}
		b.match = append(b.match, `UPDATE import_batch_rows b SET contact_id = m.id, matched = true, matched_own = m.own
			FROM (SELECT DISTINCT ON (b.row_num) b.row_num, c.id, c.owner_tenant_id IS NOT NULL AS own
				FROM import_batch_rows b JOIN contacts c ON `+sameAs(defs, i, "c", join)+`
				WHERE b.usable AND b.dup_of IS NULL AND NOT b.matched AND b.`+k.present+` AND `+visible+`
				ORDER BY b.row_num, (c.owner_tenant_id IS NULL), c.id) m
			WHERE b.row_num = m.row_num`)
	}
	// In update_only mode a row that matches nothing is invalid, and so is
	// a row repeating it (the same person): it is reported, and listed in
	// errors.csv, as the row it repeats. Its first row is of this batch
	// (not matched) or of an earlier one (whose key table entry has no
	// contact: every other usable row has one).
	unmatchedRoot := `(b.dup_of IS NOT NULL AND b.root_contact IS NULL AND NOT EXISTS (SELECT 1 FROM import_batch_rows f
		WHERE f.row_num = b.dup_of AND f.matched))`
	b.outcome = `UPDATE import_batch_rows b SET
		outcome = CASE WHEN NOT usable THEN 'invalid' WHEN $1 = 'update_only' AND ` + unmatchedRoot + ` THEN 'invalid'
			WHEN dup_of IS NOT NULL THEN 'duplicate' WHEN matched THEN 'matched'
			WHEN $1 = 'update_only' THEN 'invalid' ELSE 'created' END,
		contact_id = CASE WHEN usable AND dup_of IS NULL AND NOT matched AND $1 <> 'update_only' THEN new_id ELSE contact_id END,
		errors = CASE WHEN usable AND dup_of IS NULL AND NOT matched AND $1 = 'update_only' THEN $2
			WHEN usable AND $1 = 'update_only' AND ` + unmatchedRoot + ` THEN json_build_array(json_build_object('field', '',
				'code', 'not_matched', 'message', format('The row repeats row %s, which no existing contact matches, and the import only updates (mode update_only).', dup_of)))::text
			ELSE errors END`
	b.dupContact = `UPDATE import_batch_rows b SET contact_id = coalesce(b.root_contact,
		(SELECT f.contact_id FROM import_batch_rows f WHERE f.row_num = b.dup_of)) WHERE b.dup_of IS NOT NULL`

	// New contacts: private to the tenant ($1), or shared (NULL). The
	// company is linked by its domain (given, or the email's when the
	// company names agree), and its canonical name, industry and size are
	// copied as companies_propagate keeps them. Ordered by email so the
	// email index takes the batch in key order. Each row probes
	// companies_domain_lower (migration 00045) for its company: equal as
	// citext is equal lower-cased, and the citext index lower-cased both
	// sides of every comparison. A join left to the planner hashed every
	// company (100,000 in the 1 M database) for batches of a few thousand
	// rows, twice the probes' time; OFFSET 0 keeps the lateral subquery a
	// probe (docs/PERFORMANCE.md). Domains are unique, so a row finds one
	// company at most, as with the join. The company's name compares by
	// its stored key (companies.name_key, migration 00062) with the row's
	// (from its name key, computed once a row).
	b.insert = `INSERT INTO contacts (id, first_name, last_name, email, phone, title, seniority, department, company_id,
			company_name, company_domain, industry, employee_range, linkedin_url, city, region, country, source, owner_tenant_id)
		SELECT b.new_id, b.first_name, b.last_name, b.email::citext, b.phone, b.title, b.seniority, b.department, co.id,
			coalesce(co.name, b.company_name), coalesce(co.domain, b.company_domain::citext), coalesce(co.industry, ''),
			coalesce(co.employee_range, ''), b.linkedin_url, b.city, b.region, b.country, $2, $1::uuid
		FROM import_batch_rows b
		LEFT JOIN LATERAL (SELECT co.id, co.name, co.domain, co.industry, co.employee_range FROM companies co
			WHERE lower(co.domain::text) = lower(coalesce(b.company_domain, b.email_domain)) COLLATE "C"
				AND (b.company_domain IS NOT NULL OR b.company_name = ''
					OR co.name_key = coalesce(` + nameKeyCompany + `, contacts_company_key(b.company_name)))
			OFFSET 0) co ON true
		WHERE b.outcome = 'created'
		ORDER BY b.email
		ON CONFLICT (id) DO NOTHING`
	b.update = updateSQL(m, platform, b.srcRank)
	// How many rows of the batch the update takes for one contact at most:
	// how many times it runs.
	own := ` AND matched_own`
	if platform {
		own = ``
	}
	b.updateRounds = `SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM import_batch_rows
		WHERE outcome = 'matched'` + own + ` GROUP BY contact_id) r`
	// Saved contacts and list members are inserted in contact id order, as
	// contacts.SaveContacts does, so that a user saving some of the same
	// contacts meanwhile waits for the batch instead of deadlocking with it.
	// Onto a list, the conflict clause also locks the rows saved before
	// (as SaveContacts does onto a list), so that an unsave waits for the
	// batch instead of removing a row its list members are about to refer
	// to.
	conflict := `DO NOTHING`
	if m.ListID != nil {
		conflict = `DO UPDATE SET status = saved_contacts.status WHERE false`
	}
	b.saved = `INSERT INTO saved_contacts (tenant_id, contact_id, created_by)
		SELECT DISTINCT $1::uuid, contact_id, $2::uuid FROM import_batch_rows
		WHERE outcome IN ` + usableOutcomes + ` AND contact_id IS NOT NULL
		ORDER BY 2
		ON CONFLICT (tenant_id, contact_id) ` + conflict
	b.lockList = `SELECT 1 FROM lists WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE`
	b.list = `INSERT INTO list_members (tenant_id, list_id, contact_id, added_by)
		SELECT DISTINCT $1::uuid, $2::uuid, b.contact_id, $3::uuid FROM import_batch_rows b
		WHERE b.outcome IN ` + usableOutcomes + ` AND b.contact_id IS NOT NULL
		ORDER BY 3
		ON CONFLICT (tenant_id, list_id, contact_id) DO NOTHING`
	b.touchList = `UPDATE lists SET updated_at = now() WHERE tenant_id = $1 AND id = $2`
	// A row imported without some of its values keeps its warnings and
	// its original fields (errors.csv lists it); an invalid row (update_only
	// and nothing matched) has its errors instead.
	b.records = `INSERT INTO import_records (tenant_id, import_id, row_num, outcome, contact_id, duplicate_of, updated, errors,
			warnings, raw)
		SELECT $1, $2, row_num, outcome, contact_id, dup_of, updated, errors::jsonb,
			CASE WHEN outcome <> 'invalid' THEN warnings::jsonb END,
			CASE WHEN outcome = 'invalid' OR warnings IS NOT NULL THEN raw END
		FROM import_batch_rows ORDER BY row_num
		ON CONFLICT (tenant_id, import_id, row_num) DO NOTHING`
	var reg []string
	for _, k := range defs {
		reg = append(reg, fmt.Sprintf(`SELECT '%s'::"char" AS kind, %s COLLATE "C" AS key, coalesce(dup_of, row_num) AS root_row,
			contact_id, row_num FROM import_batch_rows WHERE usable AND %s`, k.kind, k.col, k.present))
	}
	// One entry per key and distinct values, the first row with them
	// (rows go in in row order, and the unique index of migration 00023
	// drops the rest).
	b.keys = `INSERT INTO ` + keys + ` (kind, key, root_row, contact_id, email, linkedin_url, name_key, row_num)
		SELECT k.kind, k.key, k.root_row, k.contact_id, r.email, nullif(r.linkedin_url, ''), r.name_key, k.row_num
		FROM (` + strings.Join(reg, " UNION ALL ") + `) k JOIN import_batch_rows r ON r.row_num = k.row_num ORDER BY k.row_num
		ON CONFLICT (kind, key, hashtextextended(coalesce(email, '') || E'\x1f' || coalesce(linkedin_url, '') || E'\x1f' || coalesce(name_key, ''), 0))
		DO NOTHING`
	b.keysThrough = keysThroughSQL(keys)
	return b
}

// updateSQL fills (or, with overwrite, replaces) the fields of matched
// contacts that the import may change: the tenant's own private contacts
// ($1), or for a platform import shared contacts, where a non-empty value
// is replaced only when the import's source ranks at least as high as the
// contact's ($3 is the source). Several rows of a batch that match one
// contact write it one after the other in row order, as they would in
// batches of their own (with overwrite the last row's values win, without
// it each fills what is still empty): the statement takes the nth row
// per contact (the last parameter) and runs once for each n
// (updateRounds). A row counts as updated when it changes something. ""
// when no mapped field can change a contact.
func updateSQL(m Mapping, platform bool, srcRank int) string {
	type col struct {
		name, field string
		null        bool
	}
	cols := []col{{"email", FieldEmail, true}, {"phone", FieldPhone, true}, {"first_name", FieldFirstName, false},
		{"last_name", FieldLastName, false}, {"title", FieldTitle, false}, {"seniority", FieldSeniority, false},
		{"department", FieldDepartment, false}, {"company_name", FieldCompanyName, false},
		{"linkedin_url", FieldLinkedIn, false}, {"city", FieldCity, false}, {"region", FieldRegion, false},
		{"country", FieldCountry, false}}
	ow := "$2"
	if platform {
		ow = "($2 AND " + strconv.Itoa(srcRank) + " >= " + sourceRankSQL("c.source") + ")"
	}
	var sets, olds, news, picks []string
	for _, c := range cols {
		mapped := m.has(c.field) || (m.has(FieldFullName) && (c.field == FieldFirstName || c.field == FieldLastName))
		if !mapped {
			continue
		}
		var expr string
		switch {
		case c.name == "email":
			expr = `CASE WHEN u.email IS NOT NULL AND (c.email IS NULL OR ` + ow + `) THEN u.email::citext ELSE c.email END`
		case c.null:
			expr = fmt.Sprintf(`CASE WHEN u.%[1]s IS NOT NULL AND (c.%[1]s IS NULL OR %[2]s) THEN u.%[1]s ELSE c.%[1]s END`, c.name, ow)
		case c.name == "company_name":
			// A linked company names the contact (companies_propagate).
			expr = `CASE WHEN c.company_id IS NULL AND u.company_name <> '' AND (c.company_name = '' OR ` + ow + `)
				THEN u.company_name ELSE c.company_name END`
		default:
			expr = fmt.Sprintf(`CASE WHEN u.%[1]s <> '' AND (c.%[1]s = '' OR %[2]s) THEN u.%[1]s ELSE c.%[1]s END`, c.name, ow)
		}
		sets = append(sets, c.name+" = "+expr)
		olds = append(olds, "c."+c.name)
		news = append(news, expr)
		picks = append(picks, c.name)
	}
	if len(sets) == 0 {
		return ""
	}
	// A tenant edits only its own private contacts (matched_own); the
	// owner test stays as a guard, written as IS NOT DISTINCT FROM so that
	// it cannot lead the plan into the tenant's owner index (a scan of all
	// its private contacts, more with every batch): the rows come by
	// primary key.
	owner, own, nth := `c.owner_tenant_id IS NOT DISTINCT FROM $1::uuid AND c.owner_tenant_id IS NOT NULL`, ` AND matched_own`, "$3"
	if platform {
		owner, own, nth = `c.owner_tenant_id IS NULL AND $1::uuid IS NULL`, ``, "$4"
		sets = append(sets, `source = CASE WHEN `+ow+` THEN $3 ELSE c.source END`)
	}
	slices.Sort(picks)
	// updated_at is the time of the write, after any wait for the row
	// (clock_timestamp, evaluated again when the row is re-read after the
	// wait), not the batch transaction's start: a tenant's correction
	// accepted meanwhile would otherwise look newer than this value and
	// go on hiding it (contacts' overlay compares the two).
	return `WITH u AS (SELECT row_num, contact_id, ` + strings.Join(picks, ", ") + ` FROM (SELECT *,
				row_number() OVER (PARTITION BY contact_id ORDER BY row_num) AS nth
				FROM import_batch_rows WHERE outcome = 'matched'` + own + `) r WHERE nth = ` + nth + `),
		ch AS (UPDATE contacts c SET ` + strings.Join(sets, ", ") + `, updated_at = clock_timestamp()
			FROM u WHERE c.id = u.contact_id AND ` + owner + `
				AND (` + strings.Join(olds, ", ") + `) IS DISTINCT FROM (` + strings.Join(news, ", ") + `)
			RETURNING u.row_num)
		UPDATE import_batch_rows b SET updated = true FROM ch WHERE b.row_num = ch.row_num`
}

var notMatchedErrors = mustJSON([]RowError{{Field: "", Code: "not_matched",
	Message: "No existing contact matches the row, and the import only updates (mode update_only)."}})

// classify decides every row's outcome and contact in the batch table.
func (b batchSQL) classify(x *exec, tenantID uuid.UUID, mode string) error {
	if err := x.run(b.priorDups); err != nil {
		return err
	}
	if err := x.run(b.batchDups); err != nil {
		return err
	}
	for range 10 {
		n, err := x.exec(b.chain)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	for _, q := range b.match {
		args := []any{tenantID}
		if b.platform {
			args = nil
		}
		if err := x.run(q, args...); err != nil {
			return err
		}
	}
	if err := x.run(b.outcome, mode, string(notMatchedErrors)); err != nil {
		return err
	}
	return x.run(b.dupContact)
}

// updates fills or overwrites the matched contacts the import may change
// and flags the rows that changed one (updated).
func (b batchSQL) updates(x *exec, imp *Import, owner any, source string) error {
	m := imp.Mapping
	if m.Mode == ModeCreateOnly || b.update == "" {
		return nil
	}
	var rounds int
	if err := x.tx.QueryRowContext(x.ctx, b.updateRounds).Scan(&rounds); err != nil {
		return fmt.Errorf("imports: batch: %w", err)
	}
	for n := 1; n <= rounds; n++ {
		args := []any{owner, m.Overwrite}
		if b.platform {
			args = append(args, source)
		}
		if err := x.run(b.update, append(args, n)...); err != nil {
			return err
		}
	}
	return nil
}

// wouldUpdate flags the rows of a dry run that would change their contact:
// the updates run as they would in a real run, inside a savepoint that is
// rolled back, and the rows they flagged are flagged again after it. The
// dry run's "updated" is then what the real run's will be, row by row
// (several rows of one contact included), without a contact changing.
// The updates take row locks until the savepoint rolls back: they hold the
// scope's merge lock (tkey) as a real run's batch does, so that they wait
// for a real run's batch instead of deadlocking with it.
func (b batchSQL) wouldUpdate(x *exec, imp *Import, tkey uuid.UUID) error {
	if imp.Mapping.Mode == ModeCreateOnly || b.update == "" {
		return nil
	}
	if err := x.run(mergeLockSQL, mergeLockKey(tkey)); err != nil {
		return err
	}
	var owner any
	source := "import"
	if b.platform {
		source = imp.Mapping.Source
	} else {
		owner = imp.TenantID
	}
	if err := x.run(`SAVEPOINT dry_run_updates`); err != nil {
		return err
	}
	if err := b.updates(x, imp, owner, source); err != nil {
		return err
	}
	var rows string
	if err := x.tx.QueryRowContext(x.ctx, `SELECT coalesce(string_agg(row_num::text, ','), '') FROM import_batch_rows
		WHERE updated`).Scan(&rows); err != nil {
		return fmt.Errorf("imports: batch: %w", err)
	}
	if err := x.run(`ROLLBACK TO SAVEPOINT dry_run_updates`); err != nil {
		return err
	}
	if err := x.run(`RELEASE SAVEPOINT dry_run_updates`); err != nil {
		return err
	}
	if rows == "" {
		return nil
	}
	return x.run(`UPDATE import_batch_rows SET updated = true WHERE row_num = ANY(string_to_array($1, ',')::int[])`, rows)
}

// write creates and updates contacts and saves them for the tenant.
func (b batchSQL) write(x *exec, imp *Import) error {
	m := imp.Mapping
	var owner any
	source := "import"
	if b.platform {
		source = m.Source
	} else {
		owner = imp.TenantID
	}
	if m.Mode != ModeUpdateOnly {
		if err := x.run(b.insert, owner, source); err != nil {
			return err
		}
	}
	if err := b.updates(x, imp, owner, source); err != nil {
		return err
	}
	if b.platform {
		return nil
	}
	if err := x.run(b.saved, imp.TenantID, imp.StartedBy); err != nil {
		return err
	}
	if m.ListID == nil {
		return nil
	}
	// The list is locked against deletion until the batch commits; one
	// deleted meanwhile is not there to lock, and the rest of the import
	// goes on without it (runner.note says so when it completes).
	n, err := x.exec(b.lockList, imp.TenantID, *m.ListID)
	if err != nil {
		return err
	}
	if n == 0 {
		x.r.listGone.Store(true)
		return nil
	}
	if err := x.run(b.list, imp.TenantID, *m.ListID, imp.StartedBy); err != nil {
		return err
	}
	return x.run(b.touchList, imp.TenantID, *m.ListID)
}
