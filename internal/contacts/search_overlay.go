package contacts

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/db"
)

// overlay is what a tenant's corrections change in one search: of the
// contacts whose corrected values the search reads, those that match by
// their corrected values (in), with their ranks, countries and employee
// ranges as the tenant sees them, in the order of in; and those that
// would match by the shared values but do not by the corrected ones
// (out).
//
// search_doc holds the shared values, so a search cannot match the
// overlay through the index. Corrections are few (a tenant's few hundred
// against millions of contacts), so the search evaluates them apart, in
// one query before the search's own, and then leaves the contacts of out
// out of its index match and adds those of in by id (both usually a few,
// so the search's own statements plan as before). The query reads
// search_overlay_docs (migration 00042): for each contact the tenant's
// corrections change, the search document of the values the tenant sees
// (effectiveDocSQL, the expression of search_doc, over the values
// effectiveSQL reads), kept with each correction and its review, since
// building one costs tens of microseconds. A kept row names what it was
// built from (the contact's updated_at, and the company a corrected
// company name named); a row whose contact or company changed since (an
// import, another tenant's accepted correction) is built again for the
// search. A tenant without corrections reads an index and finds nothing.
type overlay struct {
	in, out       []uuid.UUID
	rank          []float32
	country       []string
	employeeRange []string
}

// overlayFields are the correctable fields search reads: linkedin_url is
// in no filter and no document.
var overlayFields = []string{"title", "email", "phone", "company_name", "city", "country"}

// effectiveSQL is a query of the contacts whose corrections by tenant $1
// show (as contactSelect shows them: the latest of each field, unless
// accepted and the record changed since) and include one of the fields
// $2, as e: the contact's values as the tenant sees them, corrections
// applied as scanContact applies them (a corrected company name moves the
// contact to the company of that name, overlayCompany), with the columns
// of search_overlay_docs: doc, the search document of those values;
// has_email and has_phone; country and employee_range; fields, the fields
// corrected; and what the row was built from (contact_updated_at,
// company_name and company_ref: see companyRefSQL). only narrows the
// corrections read (a condition on cc, "" for all); sel is the select
// list over e.
func effectiveSQL(sel, only string) string {
	var cols strings.Builder
	for _, f := range overlayFields {
		fmt.Fprintf(&cols, ", max(lc.new_value) FILTER (WHERE lc.field = '%s') AS o_%s", f, f)
	}
	if only != "" {
		only = " AND " + only
	}
	return `WITH lc AS (
		SELECT DISTINCT ON (cc.contact_id, cc.field) cc.contact_id, cc.field, cc.new_value, cc.status, cc.reviewed_at
		  FROM contact_corrections cc
		 WHERE cc.tenant_id = $1 AND cc.field <> 'linkedin_url'` + only + `
		 ORDER BY cc.contact_id, cc.field, cc.created_at DESC, cc.id DESC
	), o AS (
		SELECT c.id, c.first_name, c.last_name, c.seniority, c.department, c.region, c.title, c.city, c.country,
		       c.email::text AS email, c.phone, c.company_name, c.company_domain::text AS company_domain, c.industry,
		       c.employee_range, c.updated_at, array_agg(lc.field ORDER BY lc.field) AS fields` + cols.String() + `
		  FROM lc JOIN contacts c ON c.id = lc.contact_id
		 WHERE ` + visibleSQL + ` AND NOT (lc.status = 'accepted' AND lc.reviewed_at < c.updated_at)
		 GROUP BY c.id
		HAVING bool_or(lc.field = ANY($2::text[]))
	), v AS (
		SELECT o.id, o.first_name, o.last_name, o.seniority, o.department, o.region, o.fields, o.updated_at,
		       COALESCE(o.o_title, o.title) AS title,
		       COALESCE(o.o_city, o.city) AS city,
		       COALESCE(o.o_country, o.country) AS country,
		       COALESCE(o.o_email, o.email) AS email,
		       COALESCE(o.o_phone, o.phone) AS phone,
		       CASE WHEN mv.moved THEN o.o_company_name END AS named,
		       CASE WHEN mv.moved THEN COALESCE(m.name, o.o_company_name) ELSE o.company_name END AS company_name,
		       CASE WHEN mv.moved THEN m.domain::text ELSE o.company_domain END AS company_domain,
		       CASE WHEN mv.moved THEN COALESCE(m.industry, '') ELSE o.industry END AS industry,
		       CASE WHEN mv.moved THEN COALESCE(m.employee_range, '') ELSE o.employee_range END AS employee_range,
		       CASE WHEN mv.moved AND m.id IS NOT NULL THEN ROW(m.id, m.name, m.domain, m.industry, m.employee_range)::text ELSE '' END AS company_ref
		  FROM o
		  CROSS JOIN LATERAL (SELECT o.o_company_name IS NOT NULL AND o.o_company_name <> o.company_name AS moved,
		                             o.o_company_name AS new_value) mv
		  LEFT JOIN LATERAL (` + strings.ReplaceAll(CompanyNamedSQL, "x.new_value", "mv.new_value") + `) m ON mv.moved
	), e AS (
		SELECT v.id, v.fields, ` + effectiveDocSQL + ` AS doc,
		       v.email IS NOT NULL AS has_email, v.phone IS NOT NULL AS has_phone, v.country, v.employee_range,
		       v.updated_at AS contact_updated_at, v.named AS company_name, v.company_ref
		  FROM v
	)
	SELECT ` + sel + ` FROM e`
}

// companyRefSQL is, for a kept row e whose corrected company name moved
// the contact (e.company_name), the company that name names now as
// effectiveSQL's company_ref reads it; a kept row whose company_ref
// differs was built from another company (renamed, changed, or another
// of that name since) and is built again.
var companyRefSQL = `COALESCE((SELECT ROW(m.id, m.name, m.domain, m.industry, m.employee_range)::text FROM (` +
	strings.ReplaceAll(CompanyNamedSQL, "x.new_value", "e.company_name") + `) m), '')`

// freshSQL says a kept row e of search_overlay_docs was built from what
// its contact c and named company are now.
var freshSQL = `(e.contact_updated_at = c.updated_at AND (e.company_name IS NULL OR e.company_ref = ` + companyRefSQL + `))`

// effectiveDocSQL is search_doc's generation expression (migration 00049)
// over the row v. TestEffectiveDocIsSearchDoc keeps the two the same; a
// migration that changes what search_doc holds must rebuild
// search_overlay_docs too.
const effectiveDocSQL = `setweight(to_tsvector('simple'::regconfig, contacts_fold(v.first_name || ' ' || v.last_name)), 'A') ||
	setweight(to_tsvector('simple'::regconfig, contacts_fold(v.title)), 'B') ||
	setweight(to_tsvector('simple'::regconfig, contacts_fold(v.company_name)), 'C') ||
	contacts_tags(v.seniority, v.department, v.industry, v.employee_range, v.country, v.region, v.city, v.company_name,
	              v.company_domain, v.email IS NOT NULL, v.phone IS NOT NULL, v.title) ||
	contacts_grams(v.first_name || ' ' || v.last_name || ' ' || v.title || ' ' || v.company_name)`

// keepOverlaySQL writes the rows effectiveSQL reads for tenant $1 (all
// fields, $2) into search_overlay_docs, only narrowing as effectiveSQL's.
func keepOverlaySQL(only string) string {
	return `INSERT INTO search_overlay_docs (tenant_id, contact_id, fields, doc, has_email, has_phone, country,
			employee_range, contact_updated_at, company_name, company_ref) ` +
		effectiveSQL(`$1::uuid, e.id, e.fields, e.doc, e.has_email, e.has_phone, e.country, e.employee_range,
			e.contact_updated_at, e.company_name, e.company_ref`, only)
}

// keepOverlayDoc writes the search document of contactID as tenantID sees
// it into search_overlay_docs, inside the transaction of a correction or
// its review (after the change), so that the tenant's searches find it
// built.
func keepOverlayDoc(ctx context.Context, tx *gorm.DB, tenantID, contactID uuid.UUID) error {
	sqlTx, err := db.SQLTx(tx)
	if err != nil {
		return err
	}
	if _, err := sqlTx.ExecContext(ctx, `DELETE FROM search_overlay_docs WHERE tenant_id = $1 AND contact_id = $2`,
		tenantID, contactID); err != nil {
		return fmt.Errorf("contacts: keep search document: %w", err)
	}
	if _, err := sqlTx.ExecContext(ctx, keepOverlaySQL("cc.contact_id = $3"), tenantID, overlayFields, contactID); err != nil {
		return fmt.Errorf("contacts: keep search document: %w", err)
	}
	return nil
}

// KeepOverlayDocs builds the search documents of every contact tenantID
// corrected into search_overlay_docs again, as each correction does for
// its contact, and returns how many it wrote. Searches build the ones
// whose contact changed since; this builds them ahead. Used by the search
// benchmark, whose corrections are written directly.
func (s *Service) KeepOverlayDocs(ctx context.Context, tenantID uuid.UUID) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, s.db.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM search_overlay_docs WHERE tenant_id = $1`, tenantID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, keepOverlaySQL(""), tenantID, overlayFields)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("contacts: keep search documents: %w", err)
	}
	return n, nil
}

// overlay evaluates a search over tenantID's corrected contacts. fields
// are the correctable fields the search reads; cond its conditions over
// the row e (search_overlay_docs or effectiveSQL) and shared the same
// over contacts c, with args from $3; strict and exact its text queries
// for ranking ("" without free text).
func (s *Service) overlay(ctx context.Context, tenantID uuid.UUID, fields []string, cond, shared []string, args []any,
	strict, exact string) (*overlay, error) {
	args = append([]any{tenantID, fields}, args...)
	ok, sok := "true", "true"
	if len(cond) > 0 {
		ok = strings.Join(cond, " AND ")
	}
	if len(shared) > 0 {
		sok = strings.Join(shared, " AND ")
	}
	rank := "0::real"
	if strict != "" {
		args = append(args, strict, exact)
		// Only a match needs its rank.
		rank = `CASE WHEN ` + ok + ` THEN ` + rankSQL("e.doc", fmt.Sprintf("$%d", len(args)-1), fmt.Sprintf("$%d", len(args))) +
			` ELSE 0 END`
	}
	// What both statements read of e (search_overlay_docs names the
	// contact contact_id, effectiveSQL id).
	sel := `COALESCE(` + ok + `, false), COALESCE(` + sok + `, false), ` + rank + `, e.country, e.employee_range`
	// Prepared statements, unlike the search's own (execArgs): their
	// plans do not depend on the values (a tenant's few rows, read by
	// index), and planning them anew would cost more than running them.
	kept := `SELECT e.contact_id, ` + sel + `, ` + freshSQL + `
		FROM search_overlay_docs e JOIN contacts c ON c.id = e.contact_id
		WHERE e.tenant_id = $1 AND e.fields && $2::text[]`
	capture(ctx, kept, args)
	out := &overlay{}
	var stale []uuid.UUID
	read := func(sql string, args []any, fresh bool) error {
		rows, err := s.db.Pool.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id                     uuid.UUID
				match, sharedMatch, ok bool
				r                      float32
				country, size          string
			)
			dest := []any{&id, &match, &sharedMatch, &r, &country, &size}
			if fresh {
				dest = append(dest, &ok)
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if fresh && !ok {
				stale = append(stale, id)
				continue
			}
			if sharedMatch && !match {
				out.out = append(out.out, id)
			}
			if match {
				out.in, out.rank = append(out.in, id), append(out.rank, r)
				out.country, out.employeeRange = append(out.country, country), append(out.employeeRange, size)
			}
		}
		return rows.Err()
	}
	if err := read(kept, args, true); err != nil {
		return nil, fmt.Errorf("contacts: search corrections: %w", err)
	}
	if len(stale) > 0 {
		sql := effectiveSQL(`e.id, `+sel, fmt.Sprintf("cc.contact_id = ANY($%d::uuid[])", len(args)+1)) +
			` JOIN contacts c ON c.id = e.id`
		capture(ctx, sql, args)
		if err := read(sql, append(slices.Clone(args), stale), false); err != nil {
			return nil, fmt.Errorf("contacts: search corrections: %w", err)
		}
	}
	return out, nil
}
