package contacts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// visibleSQL is the visibility rule: the shared database plus the tenant's
// own private contacts. $1 is always the tenant id.
const visibleSQL = `(c.owner_tenant_id IS NULL OR c.owner_tenant_id = $1)`

// CompanyNamedSQL is the company that a corrected company name
// (x.new_value) names: the one of that name in any case, one with a domain
// first, then the oldest. Accepting the correction links the contact to
// it (applyCorrection); until then the tenant's overlay shows it, and a CRM
// push sends its name.
const CompanyNamedSQL = `SELECT id, name, domain, industry, employee_range FROM companies
	WHERE lower(name) = lower(x.new_value) ORDER BY domain IS NULL, created_at, id LIMIT 1`

// contactSelect reads a contact with the tenant's overlay, saved state and
// lists. The FROM clause must name the contact c and LEFT JOIN
// saved_contacts s for tenant $1.
const contactSelect = `c.id, c.first_name, c.last_name, COALESCE(c.email::text, ''), c.email_status, COALESCE(c.phone, ''),
	c.title, c.seniority, c.department, c.company_id, c.company_name, COALESCE(c.company_domain::text, ''), c.industry,
	c.employee_range, c.linkedin_url, c.city, c.region, c.country, c.source, c.owner_tenant_id IS NOT NULL,
	c.created_at, c.updated_at, s.status, s.created_at, s.notes,
	CASE WHEN s.contact_id IS NOT NULL THEN
		(SELECT jsonb_agg(jsonb_build_object('id', l.id, 'name', l.name)) -- in natural order by scanContact
		   FROM list_members lm JOIN lists l ON l.tenant_id = lm.tenant_id AND l.id = lm.list_id
		  WHERE lm.tenant_id = $1 AND lm.contact_id = c.id)
	END,
	(SELECT jsonb_agg(jsonb_build_object('id', x.id, 'field', x.field, 'value', x.new_value, 'status', x.status,
	          -- A corrected company name names another company, or none:
	          -- the one accepting it would link (applyCorrection).
	          'company', CASE WHEN x.field = 'company_name' AND x.new_value <> c.company_name THEN
	              COALESCE((SELECT jsonb_build_object('id', m.id, 'name', m.name, 'domain', COALESCE(m.domain::text, ''),
	                                'industry', m.industry, 'employee_range', m.employee_range)
	                          FROM (` + CompanyNamedSQL + `) m), '{}'::jsonb)
	          END))
	   FROM (SELECT DISTINCT ON (cc.field) cc.id, cc.field, cc.new_value, cc.status, cc.reviewed_at
	           FROM contact_corrections cc
	          WHERE cc.tenant_id = $1 AND cc.contact_id = c.id
	          ORDER BY cc.field, cc.created_at DESC, cc.id DESC) x
	  -- An accepted correction is the canonical value until the record
	  -- changes again; after that the newer canonical value shows.
	  WHERE NOT (x.status = 'accepted' AND x.reviewed_at < c.updated_at))`

func scanContact(row pgx.Row) (Contact, error) {
	var (
		c                   Contact
		savedStatus         *string
		savedAt             *time.Time
		savedNotes          *string
		listsJSON, corrJSON []byte
	)
	err := row.Scan(&c.ID, &c.FirstName, &c.LastName, &c.Email, &c.EmailStatus, &c.Phone, &c.Title, &c.Seniority,
		&c.Department, &c.CompanyID, &c.CompanyName, &c.CompanyDomain, &c.Industry, &c.EmployeeRange, &c.LinkedInURL,
		&c.City, &c.Region, &c.Country, &c.Source, &c.Private, &c.CreatedAt, &c.UpdatedAt, &savedStatus, &savedAt,
		&savedNotes, &listsJSON, &corrJSON)
	if err != nil {
		return c, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if savedStatus != nil {
		c.Saved, c.SavedStatus = true, *savedStatus
		t := savedAt.UTC()
		c.SavedAt = &t
		c.SavedNotes = *savedNotes
	}
	c.Lists = []ListRef{}
	if len(listsJSON) > 0 {
		if err := json.Unmarshal(listsJSON, &c.Lists); err != nil {
			return c, fmt.Errorf("decode lists: %w", err)
		}
		sortListRefs(c.Lists)
	}
	c.Corrections = []AppliedCorrection{}
	if len(corrJSON) > 0 {
		var overlay []struct {
			AppliedCorrection
			Company *overlayCompany `json:"company"`
		}
		if err := json.Unmarshal(corrJSON, &overlay); err != nil {
			return c, fmt.Errorf("decode overlay: %w", err)
		}
		c.Corrections = make([]AppliedCorrection, len(overlay))
		for i, o := range overlay {
			c.Corrections[i] = o.AppliedCorrection
			a := &c.Corrections[i]
			if f := c.field(a.Field); f != nil {
				a.Canonical, *f = *f, a.Value
			}
			if o.Company != nil {
				o.Company.apply(&c)
			}
			// The email status is the canonical address's: an address the
			// tenant put in its place is unverified, as accepting it into
			// the shared record would mark it (applyCorrection).
			if a.Field == "email" && a.Value != a.Canonical {
				c.EmailStatus = "unknown"
			}
		}
	}
	return c, nil
}

// overlayCompany is the company a tenant's corrected company name names:
// all zero when no company has that name.
type overlayCompany struct {
	ID            *uuid.UUID `json:"id"`
	Name          string     `json:"name"`
	Domain        string     `json:"domain"`
	Industry      string     `json:"industry"`
	EmployeeRange string     `json:"employee_range"`
}

// apply links c to the company as accepting the correction would: to the
// named company with its spelling, domain, industry and size, or to none
// under the corrected name.
func (o *overlayCompany) apply(c *Contact) {
	c.CompanyID, c.CompanyDomain, c.Industry, c.EmployeeRange = o.ID, o.Domain, o.Industry, o.EmployeeRange
	if o.ID != nil {
		c.CompanyName = o.Name
	}
}

// hydrate loads the contacts ids as tenantID sees them, in the order of
// ids; invisible or missing ids are left out.
func (s *Service) hydrate(ctx context.Context, tenantID uuid.UUID, ids []uuid.UUID) ([]Contact, error) {
	out := make([]Contact, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.db.Pool.Query(ctx, `SELECT `+contactSelect+`
		FROM unnest($2::uuid[]) WITH ORDINALITY AS p(id, ord)
		JOIN contacts c ON c.id = p.id
		LEFT JOIN saved_contacts s ON s.tenant_id = $1 AND s.contact_id = c.id
		WHERE `+visibleSQL+`
		ORDER BY p.ord`, tenantID, ids)
	if err != nil {
		return nil, fmt.Errorf("contacts: hydrate: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, fmt.Errorf("contacts: hydrate: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("contacts: hydrate: %w", err)
	}
	return out, nil
}

func errContactNotFound() error {
	return apperr.Errorf(apperr.ENOTFOUND, "The contact does not exist.")
}

// GetContact returns a contact as tenantID sees it (overlay, saved state,
// lists). Returns ENOTFOUND for a missing contact or another tenant's
// private one.
func (s *Service) GetContact(ctx context.Context, tenantID, id uuid.UUID) (*Contact, error) {
	cs, err := s.hydrate(ctx, tenantID, []uuid.UUID{id})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, errContactNotFound()
	}
	return &cs[0], nil
}

const companySelect = `id, name, COALESCE(domain::text, ''), industry, employee_range, revenue_range, country, region, city,
	linkedin_url, founded_year, created_at, updated_at`

func scanCompany(row pgx.Row) (Company, error) {
	var c Company
	err := row.Scan(&c.ID, &c.Name, &c.Domain, &c.Industry, &c.EmployeeRange, &c.RevenueRange, &c.Country, &c.Region,
		&c.City, &c.LinkedInURL, &c.FoundedYear, &c.CreatedAt, &c.UpdatedAt)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// movedSQL is the contacts tenant $1 moved to another company, or to none,
// by a corrected company name it sees (as contactSelect shows it: the
// latest, unless accepted and the record changed since, and other than
// the shared name): their shared company_id and named_id, the company the
// name names (CompanyNamedSQL; NULL for none). A tenant's corrections are
// few; this reads them by the overlay index.
const movedSQL = `SELECT c.id, c.company_id, m.id AS named_id
	FROM (SELECT DISTINCT ON (cc.contact_id) cc.contact_id, cc.new_value, cc.status, cc.reviewed_at
	        FROM contact_corrections cc
	       WHERE cc.tenant_id = $1 AND cc.field = 'company_name'
	       ORDER BY cc.contact_id, cc.created_at DESC, cc.id DESC) x
	JOIN contacts c ON c.id = x.contact_id
	LEFT JOIN LATERAL (` + CompanyNamedSQL + `) m ON true
	WHERE ` + visibleSQL + ` AND NOT (x.status = 'accepted' AND x.reviewed_at < c.updated_at)
	  AND x.new_value <> c.company_name`

// GetCompany returns a company and a page of the contacts there that
// tenantID sees, in id order, continued by cursor. The contacts are those
// the tenant sees at the company, as each contact shows it: one the
// tenant moved away by correcting its company name is left out, one it
// moved here is in. Returns ENOTFOUND for a missing company, EINVALID for
// a bad page size and EMALFORMED for a bad cursor.
func (s *Service) GetCompany(ctx context.Context, tenantID, id uuid.UUID, p PageParams) (*CompanyDetail, error) {
	if err := validatePageSize(p.PageSize, p.MaxPageSize); err != nil {
		return nil, err
	}
	comp, err := scanCompany(s.db.Pool.QueryRow(ctx, `SELECT `+companySelect+` FROM companies WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.Errorf(apperr.ENOTFOUND, "The company does not exist.")
	}
	if err != nil {
		return nil, fmt.Errorf("contacts: get company: %w", err)
	}
	codec := cursorCodec{s.cursorKey}
	scope, qh := "company", id[:]
	var after *uuid.UUID
	served := 0
	detail := &CompanyDetail{Company: comp, Contacts: []Contact{}}
	if p.Cursor != "" {
		cur, err := codec.decode(scope, tenantID, qh, p.Cursor, modeSeq)
		if err != nil {
			return nil, err
		}
		after, served = &cur.ID, cur.Served
		detail.ContactCount, detail.ContactCountCapped = cur.Total, cur.Capped
	} else {
		if err := s.db.Pool.QueryRow(ctx, `WITH moved AS (`+movedSQL+`)
			SELECT (SELECT count(*) FROM (SELECT 1 FROM contacts c
			         WHERE c.company_id = $2 AND `+visibleSQL+`
			           AND c.id NOT IN (SELECT mv.id FROM moved mv WHERE mv.named_id IS DISTINCT FROM $2) LIMIT $3) x)
			     + (SELECT count(*) FROM moved mv WHERE mv.named_id = $2 AND mv.company_id IS DISTINCT FROM $2)`,
			tenantID, id, totalCap+1).Scan(&detail.ContactCount); err != nil {
			return nil, fmt.Errorf("contacts: count company contacts: %w", err)
		}
		if detail.ContactCount > totalCap {
			detail.ContactCount, detail.ContactCountCapped = totalCap, true
		}
	}
	// A company's people page as a search does, up to maxPaged of them
	// (as many as contact_count counts). Size is 0 only for a cursor issued
	// under a larger maxPaged: the page below cannot be cut to nothing.
	size := pagedSize(p.PageSize, served)
	if size == 0 {
		return detail, nil
	}
	rows, err := s.db.Pool.Query(ctx, `WITH moved AS (`+movedSQL+`)
		SELECT id FROM (
			(SELECT c.id FROM contacts c
			  WHERE c.company_id = $2 AND `+visibleSQL+` AND ($3::uuid IS NULL OR c.id > $3)
			    AND c.id NOT IN (SELECT mv.id FROM moved mv WHERE mv.named_id IS DISTINCT FROM $2)
			  ORDER BY c.id LIMIT $4)
			UNION ALL
			SELECT mv.id FROM moved mv
			 WHERE mv.named_id = $2 AND mv.company_id IS DISTINCT FROM $2 AND ($3::uuid IS NULL OR mv.id > $3)
		) p ORDER BY id LIMIT $4`, tenantID, id, after, size+1)
	if err != nil {
		return nil, fmt.Errorf("contacts: company contacts: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("contacts: company contacts: %w", err)
	}
	if len(ids) > size {
		ids = ids[:size]
		if served += size; served < maxPaged {
			detail.NextContactsCursor = codec.encode(scope, tenantID, qh, cursor{Mode: modeSeq, ID: ids[len(ids)-1],
				Total: detail.ContactCount, Capped: detail.ContactCountCapped, Served: served})
		}
	}
	if detail.Contacts, err = s.hydrate(ctx, tenantID, ids); err != nil {
		return nil, err
	}
	return detail, nil
}
