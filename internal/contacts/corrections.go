package contacts

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// CorrectionFields are the fields a tenant may correct.
var CorrectionFields = []string{"title", "email", "phone", "company_name", "city", "country", "linkedin_url"}

// Correction statuses.
const (
	CorrectionPending  = "pending"
	CorrectionAccepted = "accepted"
	CorrectionRejected = "rejected"
	// CorrectionWithdrawn: superseded by the same tenant's later correction
	// of the field (or its undo) before staff reviewed it.
	CorrectionWithdrawn = "withdrawn"
)

// Correction is a tenant's proposed change to one field of a contact.
type Correction struct {
	ID          uuid.UUID  `json:"id"`
	TenantID    uuid.UUID  `json:"tenant_id"`
	ContactID   uuid.UUID  `json:"contact_id"`
	Field       string     `json:"field"`
	OldValue    string     `json:"old_value"`
	NewValue    string     `json:"new_value"`
	Status      string     `json:"status"`
	SubmittedBy *uuid.UUID `json:"submitted_by"`
	ReviewedBy  *uuid.UUID `json:"reviewed_by"`
	ReviewedAt  *time.Time `json:"reviewed_at"`
	CreatedAt   time.Time  `json:"created_at"`
	// For the review queue: who the contact is and which tenant asked.
	ContactName string `json:"contact_name,omitempty"`
	TenantName  string `json:"tenant_name,omitempty"`
	// SubmittedByName is the submitter's name, or email when the name is
	// empty; "" for an API key's correction or a user since deleted.
	SubmittedByName string `json:"submitted_by_name,omitempty"`
	// SubmittedByKey is the API key that filed it (nil for a user's), and
	// SubmittedByKeyName that key's name.
	SubmittedByKey     *uuid.UUID `json:"submitted_by_key"`
	SubmittedByKeyName string     `json:"submitted_by_key_name,omitempty"`
	// CurrentValue is the record's value of the field now: OldValue unless
	// it changed since the correction was submitted.
	CurrentValue string `json:"current_value"`
}

// AppliedAtOnce is true for a correction accepted without staff review (a
// correction of the tenant's own private contact, or an undo): its
// submitter is its reviewer, both nil for an API key's. Staff review names
// the staff member.
func (c *Correction) AppliedAtOnce() bool {
	if c.Status != CorrectionAccepted {
		return false
	}
	if c.ReviewedBy == nil || c.SubmittedBy == nil {
		return c.ReviewedBy == nil && c.SubmittedBy == nil
	}
	return *c.ReviewedBy == *c.SubmittedBy
}

// Stale is true for a pending correction whose field changed since it was
// submitted to something other than the correction: accepting it would
// undo that change.
func (c *Correction) Stale() bool {
	same := func(a, b string) bool { return a == b }
	if c.Field == "email" || c.Field == "company_name" {
		// Emails compare without case, and a company name is stored in the
		// spelling of the company it names (CompanyNamedSQL).
		same = strings.EqualFold
	}
	return !same(c.CurrentValue, c.OldValue) && !same(c.CurrentValue, c.NewValue)
}

// CorrectionListParams filters and pages corrections.
type CorrectionListParams struct {
	Status    string     // "" for all
	ContactID *uuid.UUID // only this contact's
	// The review queue's filters (ListPendingCorrections): only this
	// tenant's corrections, only corrections of this field (one of
	// CorrectionFields).
	TenantID    *uuid.UUID
	Field       string
	PageSize    int
	MaxPageSize int
	Cursor      string
}

// CorrectionPage is one page of corrections.
type CorrectionPage struct {
	Items      []Correction `json:"items"`
	NextCursor string       `json:"next_cursor"`
	// The review queue's (ListPendingCorrections): how many pending
	// corrections its filters match, counted up to QueueCountCap (then
	// TotalIsCapped and Total is the cap).
	Total         int  `json:"total"`
	TotalIsCapped bool `json:"total_is_capped"`
}

// QueueCountCap bounds the review queue's count: a count of every pending
// correction of a 50,000-long queue on each page would read them all.
const QueueCountCap = 1000

// normalizeCorrection validates and normalizes a corrected value.
func normalizeCorrection(field, value, defaultRegion string) (string, error) {
	bad := func(msg string) error {
		return apperr.Invalid("Invalid correction.", apperr.FieldError{Field: "value", Message: msg})
	}
	switch field {
	case "email":
		if v, ok := NormalizeEmail(value); ok {
			return v, nil
		}
		return "", bad("must be an email address")
	case "phone":
		if v, ok := NormalizePhone(value, defaultRegion); ok {
			return v, nil
		}
		return "", bad("must be a valid phone number (international, or national for " + defaultRegion + ")")
	case "country":
		if v, ok := NormalizeCountry(value); ok {
			return v, nil
		}
		return "", bad("must be an ISO 3166 country code or name")
	case "linkedin_url":
		if v, ok := NormalizeLinkedIn(value); ok {
			return v, nil
		}
		return "", bad("must be a LinkedIn profile URL (linkedin.com/in/...)")
	case "title", "company_name", "city":
		// The lengths an import takes: a value a correction writes into the
		// record is one an import could have written.
		n := map[string]int{"title": MaxTitleLen, "company_name": MaxCompanyNameLen, "city": MaxCityLen}[field]
		if v, ok := NormalizeText(value, n); ok {
			return v, nil
		}
		return "", bad(fmt.Sprintf("must be 1 to %d characters of text", n))
	}
	return "", apperr.Invalid("Invalid correction.", apperr.FieldError{Field: "field",
		Message: "must be one of " + strings.Join(CorrectionFields, ", ")})
}

// submittingKey is the API key filing a correction: the request's key
// when no user files it (a request carrying a key is the key's).
func submittingKey(ctx context.Context, userID uuid.UUID) *uuid.UUID {
	if userID != uuid.Nil {
		return nil
	}
	return audit.ActorFrom(ctx).APIKeyID
}

// canonicalColumn reads a correctable field of contacts c.
var canonicalColumn = map[string]string{
	"title": "c.title", "email": "COALESCE(c.email::text, '')", "phone": "COALESCE(c.phone, '')",
	"company_name": "c.company_name", "city": "c.city", "country": "c.country", "linkedin_url": "c.linkedin_url",
}

var correctionSelect = `SELECT cc.id, cc.tenant_id, cc.contact_id, cc.field, cc.old_value, cc.new_value, cc.status,
	cc.submitted_by, cc.reviewed_by, cc.reviewed_at, cc.created_at,
	trim(c.first_name || ' ' || c.last_name) AS contact_name, t.name AS tenant_name, ` + currentValueSQL() + ` AS current_value,
	coalesce(nullif(u.name, ''), u.email::text, '') AS submitted_by_name,
	cc.submitted_by_key, coalesce(k.name, '') AS submitted_by_key_name
	FROM contact_corrections cc JOIN contacts c ON c.id = cc.contact_id JOIN tenants t ON t.id = cc.tenant_id
	LEFT JOIN users u ON u.id = cc.submitted_by
	LEFT JOIN api_keys k ON k.tenant_id = cc.tenant_id AND k.id = cc.submitted_by_key`

// currentValueSQL reads the shared record's value of the corrected field.
func currentValueSQL() string {
	var b strings.Builder
	b.WriteString("CASE cc.field")
	for _, f := range CorrectionFields {
		fmt.Fprintf(&b, " WHEN '%s' THEN %s", f, canonicalColumn[f])
	}
	b.WriteString(" END")
	return b.String()
}

func utcCorrections(cs []Correction) {
	for i := range cs {
		cs[i].CreatedAt = cs[i].CreatedAt.UTC()
		if cs[i].ReviewedAt != nil {
			t := cs[i].ReviewedAt.UTC()
			cs[i].ReviewedAt = &t
		}
	}
}

func getCorrection(tx *gorm.DB, id uuid.UUID, lock bool) (*Correction, error) {
	q := correctionSelect + ` WHERE cc.id = ?`
	if lock {
		q += ` FOR UPDATE OF cc`
	}
	var cs []Correction
	if err := tx.Raw(q, id).Scan(&cs).Error; err != nil {
		return nil, fmt.Errorf("contacts: get correction: %w", err)
	}
	if len(cs) == 0 {
		return nil, apperr.Errorf(apperr.ENOTFOUND, "The correction does not exist.")
	}
	utcCorrections(cs)
	return &cs[0], nil
}

// SubmitCorrection records tenantID's correction of one field of a contact
// and returns it; the tenant sees the new value at once in search and
// detail (the overlay). The value is normalized first: emails lower-cased,
// phones to E.164 (national numbers read in the tenant's default region),
// countries to ISO 3166 alpha-2, LinkedIn URLs to
// https://www.linkedin.com/in/<slug>, a company name that names a company
// to that company's spelling.
//
// A correction of a shared contact waits for platform review. A correction
// of the tenant's own private contact is the tenant's data to change: it
// updates the record at once and is stored as accepted. A correction back
// to the shared value (undoing the tenant's own) is accepted at once too:
// there is nothing to review.
//
// Returns EINVALID for an unknown field, an invalid value or a value equal
// to the one the tenant sees, ENOTFOUND for a contact the tenant does not
// see, and ERATELIMIT when the tenant sent CorrectionsForReview corrections
// to review in the last day (requireReviewRoom).
// The change is audited as contact.correction_submitted.
func (s *Service) SubmitCorrection(ctx context.Context, tenantID, userID, contactID uuid.UUID, field, value string) (*Correction, error) {
	col, ok := canonicalColumn[field]
	if !ok {
		return nil, apperr.Invalid("Invalid correction.", apperr.FieldError{Field: "field",
			Message: "must be one of " + strings.Join(CorrectionFields, ", ")})
	}
	var region string
	if err := s.db.Gorm.WithContext(ctx).Raw(`SELECT default_region FROM tenants WHERE id = ?`, tenantID).Scan(&region).Error; err != nil {
		return nil, fmt.Errorf("contacts: tenant region: %w", err)
	}
	newValue, err := normalizeCorrection(field, value, region)
	if err != nil {
		return nil, err
	}
	var out *Correction
	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		// The row lock serializes corrections of one contact: a shared lock
		// here and an update in applyCorrection deadlocked two at once.
		// Shown is the tenant's overlay value for the field, if any (as
		// contactSelect shows it).
		var cur []struct {
			Value   string
			Private bool
			Shown   *string
		}
		if err := tx.Raw(`SELECT `+col+` AS value, c.owner_tenant_id IS NOT NULL AS private,
				(SELECT x.new_value FROM (SELECT cc.new_value, cc.status, cc.reviewed_at FROM contact_corrections cc
				  WHERE cc.tenant_id = ? AND cc.contact_id = c.id AND cc.field = ?
				  ORDER BY cc.created_at DESC, cc.id DESC LIMIT 1) x
				  WHERE NOT (x.status = 'accepted' AND x.reviewed_at < c.updated_at)) AS shown
			FROM contacts c
			WHERE c.id = ? AND (c.owner_tenant_id IS NULL OR c.owner_tenant_id = ?) FOR NO KEY UPDATE OF c`,
			tenantID, field, contactID, tenantID).Scan(&cur).Error; err != nil {
			return fmt.Errorf("contacts: read contact: %w", err)
		}
		if len(cur) == 0 {
			return errContactNotFound()
		}
		at, err := lockedNow(tx, contactID)
		if err != nil {
			return err
		}
		// The tenant's latest correction of a field is the one made last
		// under the lock (created_at, then id): its id and time are taken
		// now, not when the transaction began. A correction that waited
		// for the lock would otherwise sort before the one it withdraws,
		// and the tenant would see the withdrawn value.
		if field == "company_name" {
			// A company name that names a company shows, and is accepted,
			// in that company's spelling (CompanyNamedSQL): so it is
			// compared and stored. "acme corp" of a contact at Acme Corp
			// is then nothing to correct, and back to the shared company
			// in another case an undo, not a no-op for staff to review.
			var named []string
			if err := tx.Raw(`SELECT m.name FROM (SELECT ?::text AS new_value) x CROSS JOIN LATERAL (`+CompanyNamedSQL+`) m`,
				newValue).Scan(&named).Error; err != nil {
				return fmt.Errorf("contacts: company named: %w", err)
			}
			if len(named) > 0 {
				newValue = named[0]
			}
		}
		id := uuid.Must(uuid.NewV7())
		shown := cur[0].Value
		if cur[0].Shown != nil {
			shown = *cur[0].Shown
		}
		if shown == newValue {
			return apperr.Invalid("Nothing to correct.", apperr.FieldError{Field: "value", Message: "is the current value"})
		}
		// A private contact is the tenant's to change; going back to the
		// shared value (undoing the tenant's own correction) leaves nothing
		// for staff to review. Both are accepted at once.
		accepted := cur[0].Private || newValue == cur[0].Value
		status := CorrectionPending
		if accepted {
			status = CorrectionAccepted
		}
		if !accepted {
			if err := requireReviewRoom(ctx, tx, tenantID); err != nil {
				return err
			}
		}
		if cur[0].Private {
			if err := applyCorrection(tx, contactID, field, newValue, at); err != nil {
				return err
			}
		} else if err := tx.Exec(`UPDATE contact_corrections SET status = ?, reviewed_by = ?, reviewed_at = ?
			WHERE tenant_id = ? AND contact_id = ? AND field = ? AND status = ?`,
			CorrectionWithdrawn, byUser(userID), at, tenantID, contactID, field, CorrectionPending).Error; err != nil {
			// The tenant's latest word on the field is the one staff review.
			return fmt.Errorf("contacts: withdraw earlier corrections: %w", err)
		}
		// Accepted at once: a private contact's correction, applied above,
		// is reviewed when it was written (at, as the record's updated_at,
		// so it shows). An undo leaves the record as it is: it keeps the
		// time its transaction began, which is before it held the row. It
		// shows the record's value anyway, and stops showing at the next
		// write of the record; stamped after the lock, it could look newer
		// than an import that reached the row meanwhile and waited for it
		// (the import's stamp is taken before such a wait when the row is
		// only locked, not changed) and show over the import's value.
		reviewed := any(nil)
		if cur[0].Private {
			reviewed = at
		}
		if err := tx.Exec(`INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value, status,
				submitted_by, reviewed_by, reviewed_at, created_at, for_review, submitted_by_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN ?::uuid END, CASE WHEN ? THEN coalesce(?::timestamptz, now()) END,
				clock_timestamp(), ?, ?)`,
			tenantID, id, contactID, field, cur[0].Value, newValue, status, byUser(userID),
			accepted, byUser(userID), accepted, reviewed, !accepted, submittingKey(ctx, userID)).Error; err != nil {
			return fmt.Errorf("contacts: insert correction: %w", err)
		}
		if err := keepOverlayDoc(ctx, tx, tenantID, contactID); err != nil {
			return err
		}
		c, err := getCorrection(tx, id, false)
		if err != nil {
			return err
		}
		out = c
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "contact.correction_submitted",
			TargetType: "contact", TargetID: contactID.String(),
			Data: map[string]any{"correction_id": id.String(), "field": field, "old_value": c.OldValue,
				"new_value": c.NewValue, "status": status}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Corrections of shared contacts wait for platform staff, who read every
// tenant's in one queue. So that one organization (any one, made by anyone
// signing up) cannot bury that queue, the corrections it sent to review in
// the last CorrectionReviewWindow are bounded by CorrectionsForReview. Those
// that review nothing do not count: a private contact's (applied at once)
// and an undo (back to the shared value). Withdrawn and reviewed ones do:
// each was a row in the queue. A tenant's later correction of a field
// withdraws its earlier pending one, so the queue holds at most one of a
// tenant's corrections per contact and field, and at most
// CorrectionsForReview of them arrive in a day.
const (
	CorrectionReviewWindow = 24 * time.Hour
	CorrectionsForReview   = 500
)

// requireReviewRoom returns ERATELIMIT (type rate-limited, with the wait
// until the oldest counted correction leaves the window) when tenantID sent
// CorrectionsForReview corrections to review in the last
// CorrectionReviewWindow. It takes a per-tenant advisory lock for the rest
// of the transaction, so that two corrections cannot both pass the last
// place; call it under the contact's lock (the order SubmitCorrection keeps:
// the contact, then this lock, and nothing of another contact after it).
func requireReviewRoom(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID) error {
	if err := tx.WithContext(ctx).Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`,
		"corrections-review:"+tenantID.String()).Error; err != nil {
		return fmt.Errorf("contacts: lock review room: %w", err)
	}
	var sent []struct {
		Count int
		Wait  *float64 // seconds until the oldest counted one leaves the window
	}
	if err := tx.WithContext(ctx).Raw(`SELECT count(*) AS count,
			extract(epoch FROM min(created_at) + make_interval(secs => ?) - clock_timestamp()) AS wait
		FROM contact_corrections
		WHERE tenant_id = ? AND for_review AND created_at > clock_timestamp() - make_interval(secs => ?)`,
		CorrectionReviewWindow.Seconds(), tenantID, CorrectionReviewWindow.Seconds()).Scan(&sent).Error; err != nil {
		return fmt.Errorf("contacts: count corrections for review: %w", err)
	}
	if len(sent) == 0 || sent[0].Count < CorrectionsForReview {
		return nil
	}
	wait := time.Minute
	if sent[0].Wait != nil {
		wait = max(time.Duration(*sent[0].Wait*float64(time.Second)), time.Second)
	}
	return &apperr.Error{Code: apperr.ERATELIMIT, Type: "rate-limited", RetryAfter: wait, Limit: CorrectionsForReview,
		Message: fmt.Sprintf("This organization sent %d corrections of shared contacts to review in the last 24 hours, "+
			"as many as it may; correct more later. Corrections of its own private contacts are not limited.", sent[0].Count)}
}

// lockedNow is the time of a change to a contact whose row the transaction
// has just locked: taken after the lock is held (clock_timestamp, in a
// statement of its own, so not from before a wait for the row), and never
// before the contact's updated_at. A correction that writes the record
// stamps the record's updated_at and its reviewed_at with it (an undo,
// which does not, keeps its transaction's start: SubmitCorrection). now(), the time the transaction
// began, is earlier than the write of an import (or another correction)
// that held the row meanwhile: updated_at went backwards, and an accepted
// correction reviewed in that gap showed again over the newer value (the
// overlay shows an accepted correction while reviewed_at >= updated_at).
// One value for both keeps a correction applied and accepted at once (a
// private contact's) showing at once.
func lockedNow(tx *gorm.DB, contactID uuid.UUID) (time.Time, error) {
	var at []time.Time
	if err := tx.Raw(`SELECT greatest(clock_timestamp(), updated_at) FROM contacts WHERE id = ?`, contactID).Scan(&at).Error; err != nil {
		return time.Time{}, fmt.Errorf("contacts: time of change: %w", err)
	}
	if len(at) == 0 {
		return time.Time{}, errContactNotFound()
	}
	return at[0], nil
}

// applyCorrection writes a corrected value into the canonical record,
// stamped at (lockedNow). A corrected company name moves the contact to the
// company of that name when one exists (and takes its domain, industry and
// size), otherwise it leaves the contact without a linked company under the
// new name.
func applyCorrection(tx *gorm.DB, contactID uuid.UUID, field, value string, at time.Time) error {
	var err error
	switch field {
	case "company_name":
		err = tx.Exec(`UPDATE contacts c SET company_id = m.id, company_name = COALESCE(m.name, x.new_value),
				company_domain = m.domain, industry = COALESCE(m.industry, ''), employee_range = COALESCE(m.employee_range, ''),
				updated_at = ?
			FROM (SELECT ?::text AS new_value) x
			LEFT JOIN LATERAL (`+CompanyNamedSQL+`) m ON true
			WHERE c.id = ?`, at, value, contactID).Error
	case "email":
		err = tx.Exec(`UPDATE contacts SET email = ?, email_status = 'unknown', updated_at = ? WHERE id = ?`, value, at, contactID).Error
	case "title", "phone", "city", "country", "linkedin_url":
		err = tx.Exec(`UPDATE contacts SET `+field+` = ?, updated_at = ? WHERE id = ?`, value, at, contactID).Error
	default:
		return fmt.Errorf("contacts: cannot apply field %q", field)
	}
	if err != nil {
		return fmt.Errorf("contacts: apply correction: %w", err)
	}
	return nil
}

// ListCorrections returns tenantID's corrections, newest first. Returns
// EINVALID for a bad status or page size and EMALFORMED for a bad cursor.
func (s *Service) ListCorrections(ctx context.Context, tenantID uuid.UUID, p CorrectionListParams) (*CorrectionPage, error) {
	return s.listCorrections(ctx, &tenantID, p)
}

// ListPendingCorrections is the platform review queue: pending corrections
// of every tenant (or of p.TenantID), oldest first, of every field (or of
// p.Field). The caller checks the system role. Returns EINVALID for an
// unknown field.
func (s *Service) ListPendingCorrections(ctx context.Context, p CorrectionListParams) (*CorrectionPage, error) {
	p.Status = CorrectionPending
	if p.Field != "" && !slices.Contains(CorrectionFields, p.Field) {
		return nil, apperr.Invalid("Invalid field.", apperr.FieldError{Field: "field", Message: "must be one of " + strings.Join(CorrectionFields, ", ")})
	}
	page, err := s.listCorrections(ctx, nil, p)
	if err != nil {
		return nil, err
	}
	// Counted from the filter's index (as the page reads it), at most the
	// cap and one more.
	stmt, args := correctionsSQL(nil, CorrectionListParams{Status: p.Status, ContactID: p.ContactID, TenantID: p.TenantID, Field: p.Field, PageSize: QueueCountCap}, nil)
	stmt = `SELECT count(*) FROM (` + strings.Replace(stmt, correctionSelect, correctionCountSelect, 1) + `) q`
	if err := s.db.Gorm.WithContext(ctx).Raw(stmt, args...).Row().Scan(&page.Total); err != nil {
		return nil, fmt.Errorf("contacts: count the review queue: %w", err)
	}
	if page.Total > QueueCountCap {
		page.Total, page.TotalIsCapped = QueueCountCap, true
	}
	return page, nil
}

// correctionCountSelect is correctionSelect for a count: the corrections
// alone (every correction has its contact and tenant: foreign keys).
const correctionCountSelect = `SELECT cc.id FROM contact_corrections cc`

func (s *Service) listCorrections(ctx context.Context, tenantID *uuid.UUID, p CorrectionListParams) (*CorrectionPage, error) {
	if err := checkPageSize(p.PageSize, cmp.Or(p.MaxPageSize, 100), ""); err != nil {
		return nil, err
	}
	if p.Status != "" && !slices.Contains([]string{CorrectionPending, CorrectionAccepted, CorrectionRejected, CorrectionWithdrawn}, p.Status) {
		return nil, apperr.Invalid("Invalid status.", apperr.FieldError{Field: "status", Message: "must be one of pending, accepted, rejected, withdrawn"})
	}
	scope, scopeTenant := "corrections", uuid.Nil
	if tenantID == nil {
		scope = "corrections-review"
	} else {
		scopeTenant = *tenantID
		// The queue's filters; a tenant's own list has none.
		p.TenantID, p.Field = nil, ""
	}
	key := struct {
		S string     `json:"s"`
		C *uuid.UUID `json:"c"`
		T *uuid.UUID `json:"t,omitempty"`
		F string     `json:"f,omitempty"`
	}{p.Status, p.ContactID, p.TenantID, p.Field}
	qh := hashQuery(key)
	codec := cursorCodec{s.cursorKey}
	var after *uuid.UUID
	if p.Cursor != "" {
		cur, err := codec.decode(scope, scopeTenant, qh, p.Cursor, modeSeq)
		if err != nil {
			return nil, err
		}
		after = &cur.ID
	}
	stmt, args := correctionsSQL(tenantID, p, after)
	items := []Correction{}
	if err := s.db.Gorm.WithContext(ctx).Raw(stmt, args...).Scan(&items).Error; err != nil {
		return nil, fmt.Errorf("contacts: list corrections: %w", err)
	}
	utcCorrections(items)
	page := &CorrectionPage{Items: items}
	if len(items) > p.PageSize {
		page.Items = items[:p.PageSize]
		page.NextCursor = codec.encode(scope, scopeTenant, qh, cursor{Mode: modeSeq, ID: items[p.PageSize-1].ID})
	}
	return page, nil
}

// correctionsSQL is listCorrections' statement: the tenant's corrections
// newest first, or (tenantID nil) every tenant's oldest first, after the
// cursor's id. The review queue (pending, oldest first) reads the partial
// index contact_corrections_pending in its order, not every correction
// ever reviewed, and filtered to a tenant or a field reads only that
// tenant's or field's pending corrections, in its order
// (contact_corrections_pending_tenant, _field:
// TestReviewQueueReadsOnlyPendingCorrections).
func correctionsSQL(tenantID *uuid.UUID, p CorrectionListParams, after *uuid.UUID) (string, []any) {
	order := "DESC"
	if tenantID == nil {
		order = "ASC"
	}
	var conds []string
	var args []any
	if tenantID != nil {
		conds, args = append(conds, "cc.tenant_id = ?"), append(args, *tenantID)
	}
	if p.Status != "" {
		conds, args = append(conds, "cc.status = ?"), append(args, p.Status)
	}
	if p.ContactID != nil {
		conds, args = append(conds, "cc.contact_id = ?"), append(args, *p.ContactID)
	}
	if tenantID == nil && p.TenantID != nil {
		conds, args = append(conds, "cc.tenant_id = ?"), append(args, *p.TenantID)
	}
	if tenantID == nil && p.Field != "" {
		conds, args = append(conds, "cc.field = ?"), append(args, p.Field)
	}
	if after != nil {
		op := "<"
		if order == "ASC" {
			op = ">"
		}
		conds, args = append(conds, "cc.id "+op+" ?"), append(args, *after)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	return correctionSelect + where + " ORDER BY cc.id " + order + " LIMIT ?", append(args, p.PageSize+1)
}

// AcceptCorrection applies a pending correction to the canonical record,
// so every tenant sees it, and marks it accepted by reviewerID. Returns
// ENOTFOUND for a missing correction and ECONFLICT for one already
// reviewed. Audited as contact.correction_accepted.
func (s *Service) AcceptCorrection(ctx context.Context, reviewerID, correctionID uuid.UUID) (*Correction, error) {
	return s.reviewCorrection(ctx, reviewerID, correctionID, CorrectionAccepted)
}

// RejectCorrection marks a pending correction rejected. The canonical
// record stays as it was; the submitting tenant keeps seeing its value (its
// overlay remains, marked rejected), as issue [3/7] asks. Returns
// ENOTFOUND and ECONFLICT like AcceptCorrection. Audited as
// contact.correction_rejected.
func (s *Service) RejectCorrection(ctx context.Context, reviewerID, correctionID uuid.UUID) (*Correction, error) {
	return s.reviewCorrection(ctx, reviewerID, correctionID, CorrectionRejected)
}

func (s *Service) reviewCorrection(ctx context.Context, reviewerID, correctionID uuid.UUID, status string) (*Correction, error) {
	var out *Correction
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		// The contact before the correction, the order SubmitCorrection
		// takes them in (it withdraws the tenant's earlier pending ones):
		// the other order deadlocked an accept against a resubmission.
		c, err := getCorrection(tx, correctionID, false)
		if err != nil {
			return err
		}
		if err := tx.Exec(`SELECT 1 FROM contacts WHERE id = ? FOR NO KEY UPDATE`, c.ContactID).Error; err != nil {
			return fmt.Errorf("contacts: lock contact: %w", err)
		}
		at, err := lockedNow(tx, c.ContactID)
		if err != nil {
			return err
		}
		if c, err = getCorrection(tx, correctionID, true); err != nil {
			return err
		}
		if c.Status != CorrectionPending {
			return apperr.Errorf(apperr.ECONFLICT, "The correction was already %s.", c.Status)
		}
		if status == CorrectionAccepted {
			if c.Stale() { // read under the contact's lock
				return apperr.Errorf(apperr.ECONFLICT,
					"The contact's %s changed since this correction was submitted: it was %q and is now %q. Reject the correction; the organization can submit a new one.",
					strings.ReplaceAll(c.Field, "_", " "), c.OldValue, c.CurrentValue)
			}
			if err := applyCorrection(tx, c.ContactID, c.Field, c.NewValue, at); err != nil {
				return err
			}
		}
		if err := tx.Exec(`UPDATE contact_corrections SET status = ?, reviewed_by = ?, reviewed_at = ?
			WHERE tenant_id = ? AND id = ?`, status, reviewerID, at, c.TenantID, c.ID).Error; err != nil {
			return fmt.Errorf("contacts: review correction: %w", err)
		}
		if err := keepOverlayDoc(ctx, tx, c.TenantID, c.ContactID); err != nil {
			return err
		}
		if out, err = getCorrection(tx, correctionID, false); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &c.TenantID, Action: "contact.correction_" + status,
			TargetType: "contact", TargetID: c.ContactID.String(), ActorStaff: true,
			Data: map[string]any{"correction_id": c.ID.String(), "field": c.Field, "old_value": c.OldValue, "new_value": c.NewValue}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
