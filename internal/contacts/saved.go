package contacts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/freetext"
	"github.com/onecloudai/contacts/internal/platform/safecsv"
)

// MaxBulkIDs is how many contacts one save, unsave, approve or reject call
// takes.
const MaxBulkIDs = 1000

// Saved statuses.
const (
	SavedStatusSaved    = "saved"
	SavedStatusApproved = "approved"
	SavedStatusRejected = "rejected"
)

// SaveParams says which contacts to save and, optionally, the list to put
// them on.
type SaveParams struct {
	ContactIDs []uuid.UUID
	ListID     *uuid.UUID
}

// SaveResult counts what a save did.
type SaveResult struct {
	Saved        int `json:"saved"`         // newly saved
	AlreadySaved int `json:"already_saved"` // were saved before (left as they were)
	AddedToList  int `json:"added_to_list"` // newly on the list
}

// SavedParams filters and pages the saved view: the search filters and
// free text, plus saved status and list.
type SavedParams struct {
	Query    string
	Filters  Filters // ExcludeSaved is ignored here
	Statuses []string
	ListID   *uuid.UUID
	PageSize int
	// MaxPageSize is the caller's limit (the package's max_contacts_per_query).
	MaxPageSize int
	Cursor      string
	// NoCorrections says the tenant has no corrections, as
	// SearchParams.NoCorrections does for search.
	NoCorrections bool
}

// SavedPage is one page of the saved view, newest saved first.
type SavedPage struct {
	Items      []Contact `json:"items"`
	NextCursor string    `json:"next_cursor"`
	// Total counts the matches up to 10,000; TotalIsCapped says there are
	// more. TotalIsEstimate says Total is the planner's estimate, not a
	// count, as for search: see ListSaved for when.
	Total           int  `json:"total"`
	TotalIsCapped   bool `json:"total_is_capped"`
	TotalIsEstimate bool `json:"total_is_estimate"`
}

func checkIDs(field string, ids []uuid.UUID) ([]uuid.UUID, error) {
	if len(ids) == 0 || len(ids) > MaxBulkIDs {
		return nil, apperr.Invalid("Invalid contact ids.", apperr.FieldError{Field: field,
			Message: fmt.Sprintf("must list 1 to %d contact ids", MaxBulkIDs)})
	}
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(out), nil
}

// uuidArray renders ids as a PostgreSQL array literal. GORM expands slice
// arguments into lists, which ANY(?) cannot take, so arrays go as text.
func uuidArray(ids []uuid.UUID) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(id.String())
	}
	b.WriteByte('}')
	return b.String()
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}

// requireVisible fails with ENOTFOUND unless every id is a contact that
// tenantID sees.
func requireVisible(tx *gorm.DB, tenantID uuid.UUID, ids []uuid.UUID) error {
	var n int
	if err := tx.Raw(`SELECT count(*) FROM contacts c WHERE c.id = ANY(?::uuid[])
		AND (c.owner_tenant_id IS NULL OR c.owner_tenant_id = ?)`, uuidArray(ids), tenantID).Scan(&n).Error; err != nil {
		return fmt.Errorf("contacts: check contacts: %w", err)
	}
	if n != len(ids) {
		return apperr.Errorf(apperr.ENOTFOUND, "%d of the %d contacts do not exist; nothing was saved.", len(ids)-n, len(ids))
	}
	return nil
}

// requireList returns ENOTFOUND unless the tenant has the list, and keeps
// it (a key share lock) until tx ends: a list deleted meanwhile would fail
// the members' foreign key instead.
func requireList(tx *gorm.DB, tenantID, listID uuid.UUID) error {
	var found []int
	if err := tx.Raw(`SELECT 1 FROM lists WHERE tenant_id = ? AND id = ? FOR KEY SHARE`, tenantID, listID).Scan(&found).Error; err != nil {
		return fmt.Errorf("contacts: check list: %w", err)
	}
	if len(found) == 0 {
		return errListNotFound()
	}
	return nil
}

// SaveContacts saves up to 1,000 contacts for tenantID, and puts them on
// p.ListID when set. Saving is idempotent: saved contacts keep their status.
// It is all or nothing: any id that does not exist or that the tenant does
// not see fails the call with ENOTFOUND and saves nothing. Returns EINVALID
// for an empty or oversized id list and ENOTFOUND for a missing list.
func (s *Service) SaveContacts(ctx context.Context, tenantID, userID uuid.UUID, p SaveParams) (*SaveResult, error) {
	ids, err := checkIDs("contact_ids", p.ContactIDs)
	if err != nil {
		return nil, err
	}
	res := &SaveResult{}
	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		if p.ListID != nil {
			if err := requireList(tx, tenantID, *p.ListID); err != nil {
				return err
			}
		}
		if err := requireVisible(tx, tenantID, ids); err != nil {
			return err
		}
		// Onto a list, the saved rows the members refer to must stay until
		// the members are in: an unsave in between would fail their foreign
		// key. The conflict clause locks the rows that are there already
		// (ON CONFLICT DO UPDATE locks a conflicting row even when its
		// WHERE updates nothing; a no-key lock: key share locks, the
		// members' foreign key checks and imports, go on). One statement
		// takes every row in id order, so two saves, or a save and an
		// unsave, cannot each hold a row the other waits for (locking
		// after the insert and saving again what an unsave removed
		// meanwhile took rows out of order and deadlocked).
		conflict := `DO NOTHING`
		if p.ListID != nil {
			conflict = `DO UPDATE SET status = saved_contacts.status WHERE false`
		}
		r := tx.Exec(`INSERT INTO saved_contacts (tenant_id, contact_id, created_by)
			SELECT ?, id, ? FROM unnest(?::uuid[]) AS id
			ON CONFLICT (tenant_id, contact_id) `+conflict, tenantID, byUser(userID), uuidArray(ids))
		if r.Error != nil {
			return fmt.Errorf("contacts: save: %w", r.Error)
		}
		res.Saved = int(r.RowsAffected)
		res.AlreadySaved = len(ids) - res.Saved
		if p.ListID != nil {
			n, err := addMembers(tx, tenantID, userID, *p.ListID, ids)
			if err != nil {
				return err
			}
			res.AddedToList = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// byUser is the value of a created_by-like column: the acting user, or NULL
// for an API key, which acts for its tenant with no user (uuid.Nil).
func byUser(userID uuid.UUID) *uuid.UUID {
	if userID == uuid.Nil {
		return nil
	}
	return &userID
}

func addMembers(tx *gorm.DB, tenantID, userID, listID uuid.UUID, ids []uuid.UUID) (int, error) {
	r := tx.Exec(`INSERT INTO list_members (tenant_id, list_id, contact_id, added_by)
		SELECT ?, ?, id, ? FROM unnest(?::uuid[]) AS id
		ON CONFLICT (tenant_id, list_id, contact_id) DO NOTHING`, tenantID, listID, byUser(userID), uuidArray(ids))
	if r.Error != nil {
		return 0, fmt.Errorf("contacts: add to list: %w", r.Error)
	}
	if err := tx.Exec(`UPDATE lists SET updated_at = now() WHERE tenant_id = ? AND id = ?`, tenantID, listID).Error; err != nil {
		return 0, fmt.Errorf("contacts: touch list: %w", err)
	}
	return int(r.RowsAffected), nil
}

// UnsaveContacts removes contacts from the tenant's saved contacts and so
// from its lists. Ids that are not saved are ignored; it returns how many
// were removed. Returns EINVALID for an empty or oversized id list.
func (s *Service) UnsaveContacts(ctx context.Context, tenantID uuid.UUID, contactIDs []uuid.UUID) (int, error) {
	ids, err := checkIDs("contact_ids", contactIDs)
	if err != nil {
		return 0, err
	}
	// The rows are locked in id order, as a save onto a list takes them:
	// a plain DELETE takes them in the order its plan finds them.
	r := s.db.Gorm.WithContext(ctx).Exec(`DELETE FROM saved_contacts s USING (SELECT contact_id FROM saved_contacts
			WHERE tenant_id = ? AND contact_id = ANY(?::uuid[]) ORDER BY contact_id FOR UPDATE) x
		WHERE s.tenant_id = ? AND s.contact_id = x.contact_id`, tenantID, uuidArray(ids), tenantID)
	if r.Error != nil {
		return 0, fmt.Errorf("contacts: unsave: %w", r.Error)
	}
	return int(r.RowsAffected), nil
}

// MaxNotesLength is the most characters a saved contact's note holds.
const MaxNotesLength = 2000

// SetSavedNotes replaces the tenant's note on a saved contact (an empty
// note clears it) and returns the contact as the tenant sees it. The note
// belongs to the saved contact: unsaving drops it. Returns EINVALID for a
// note over MaxNotesLength characters or with control characters other
// than line breaks and tabs, ENOTFOUND when the contact is not saved by
// the tenant (another tenant's contacts included).
func (s *Service) SetSavedNotes(ctx context.Context, tenantID, contactID uuid.UUID, notes string) (*Contact, error) {
	notes = strings.TrimSpace(notes)
	switch {
	case utf8.RuneCountInString(notes) > MaxNotesLength:
		return nil, apperr.Invalid("The note is too long.",
			apperr.FieldError{Field: "notes", Message: fmt.Sprintf("must be at most %d characters", MaxNotesLength)})
	case !utf8.ValidString(notes) || freetext.HasControl(notes):
		return nil, apperr.Invalid("The note has characters that are not text.",
			apperr.FieldError{Field: "notes", Message: "must be text (line breaks and tabs allowed)"})
	}
	r := s.db.Gorm.WithContext(ctx).Exec(`UPDATE saved_contacts SET notes = ?, updated_at = now()
		WHERE tenant_id = ? AND contact_id = ?`, notes, tenantID, contactID)
	if r.Error != nil {
		return nil, fmt.Errorf("contacts: set notes: %w", r.Error)
	}
	if r.RowsAffected == 0 {
		return nil, apperr.Errorf(apperr.ENOTFOUND, "The contact is not saved; save it before adding a note.")
	}
	return s.GetContact(ctx, tenantID, contactID)
}

// ApproveSaved marks saved contacts approved for CRM push, recording who
// and when. The caller checks that the user is an org_admin. All or
// nothing: an id that is not saved fails the call with ENOTFOUND. Returns
// EINVALID for an empty or oversized id list.
func (s *Service) ApproveSaved(ctx context.Context, tenantID, userID uuid.UUID, contactIDs []uuid.UUID) (int, error) {
	return s.review(ctx, tenantID, userID, contactIDs, SavedStatusApproved)
}

// RejectSaved marks saved contacts rejected for CRM push, like ApproveSaved.
func (s *Service) RejectSaved(ctx context.Context, tenantID, userID uuid.UUID, contactIDs []uuid.UUID) (int, error) {
	return s.review(ctx, tenantID, userID, contactIDs, SavedStatusRejected)
}

func (s *Service) review(ctx context.Context, tenantID, userID uuid.UUID, contactIDs []uuid.UUID, status string) (int, error) {
	ids, err := checkIDs("contact_ids", contactIDs)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		r := tx.Exec(`UPDATE saved_contacts SET status = ?, approved_by = ?, approved_at = now(), updated_at = now()
			WHERE tenant_id = ? AND contact_id = ANY(?::uuid[])`, status, userID, tenantID, uuidArray(ids))
		if r.Error != nil {
			return fmt.Errorf("contacts: %s saved: %w", status, r.Error)
		}
		if int(r.RowsAffected) != len(ids) {
			return apperr.Errorf(apperr.ENOTFOUND, "%d of the %d contacts are not saved; nothing was changed.",
				len(ids)-int(r.RowsAffected), len(ids))
		}
		n = len(ids)
		strs := make([]string, len(ids))
		for i, id := range ids {
			strs[i] = id.String()
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "saved_contacts." + status,
			TargetType: "saved_contacts", Data: map[string]any{"count": n, "contact_ids": strs}})
	})
	return n, err
}

// savedQuery compiles the saved view's filters into SQL over saved
// contacts s joined to contacts c.
func (s *Service) savedQuery(ctx context.Context, tenantID uuid.UUID, p SavedParams) (*matchSet, []byte, error) {
	query, err := validateQuery(p.Query)
	if err != nil {
		return nil, nil, err
	}
	filters, err := p.Filters.normalize()
	if err != nil {
		return nil, nil, err
	}
	filters.ExcludeSaved = false
	statuses := slices.Clone(p.Statuses)
	for i, st := range statuses {
		if st != SavedStatusSaved && st != SavedStatusApproved && st != SavedStatusRejected {
			return nil, nil, apperr.Invalid("Invalid status.", apperr.FieldError{Field: fmt.Sprintf("statuses[%d]", i),
				Message: "must be one of saved, approved, rejected"})
		}
	}
	slices.Sort(statuses)
	statuses = slices.Compact(statuses)
	m, err := s.compile(ctx, tenantID, query, filters, false, p.NoCorrections)
	if err != nil {
		return nil, nil, err
	}
	saved := "s.tenant_id = $1"
	if len(statuses) > 0 {
		saved += " AND s.status = ANY(" + m.arg(statuses) + "::text[])"
	}
	if p.ListID != nil {
		if err := s.requireListExists(ctx, tenantID, *p.ListID); err != nil {
			return nil, nil, err
		}
		saved += " AND EXISTS (SELECT 1 FROM list_members lm WHERE lm.tenant_id = $1 AND lm.list_id = " +
			m.arg(*p.ListID) + "::uuid AND lm.contact_id = s.contact_id)"
	}
	m.where = saved + " AND " + m.where
	if m.contactFree {
		m.savedWhere = saved
	}
	key := struct {
		Q string     `json:"q"`
		F Filters    `json:"f"`
		S []string   `json:"s"`
		L *uuid.UUID `json:"l"`
	}{strings.Join(strings.Fields(strings.ToLower(query)), " "), filters, statuses, p.ListID}
	return m, hashQuery(key), nil
}

// ListSaved returns the tenant's saved contacts that match p, newest saved
// first, with overlay and lists. The first page counts the matches up to
// 10,001 when that is cheap: with no condition on the contact (saved
// contacts alone), or when the planner estimates at most exactCountBelow
// matches. A condition on the contact (free text, a filter on its fields)
// that the planner expects more of reports the estimate instead
// (TotalIsEstimate), as search does: counting them reads the saved
// contacts' contacts until 10,001 match, all of them for a match rare
// among the tenant's saved contacts. A first page that is also the last
// counts exactly. Later pages carry the first page's figures. Returns
// EINVALID for bad filters or page size, ENOTFOUND for a missing list and
// EMALFORMED for a bad cursor.
func (s *Service) ListSaved(ctx context.Context, tenantID uuid.UUID, p SavedParams) (*SavedPage, error) {
	if err := validatePageSize(p.PageSize, p.MaxPageSize); err != nil {
		return nil, err
	}
	m, qh, err := s.savedQuery(ctx, tenantID, p)
	if err != nil {
		return nil, err
	}
	codec := cursorCodec{s.cursorKey}
	page := &SavedPage{}
	from, where := m.savedRead()
	args := slices.Clone(m.args)
	if p.Cursor != "" {
		cur, err := codec.decode("saved", tenantID, qh, p.Cursor, modeSaved)
		if err != nil {
			return nil, err
		}
		page.Total, page.TotalIsCapped, page.TotalIsEstimate = cur.Total, cur.Capped, cur.Estimate
		args = append(args, time.UnixMicro(cur.Time).UTC(), cur.ID)
		where += savedBelow(len(args) - 1)
	} else {
		est := -1.0
		if m.savedWhere == "" {
			if est, err = s.explainRows(ctx, `SELECT 1 FROM `+from+` WHERE `+where, m.args); err != nil {
				return nil, fmt.Errorf("contacts: saved estimate: %w", err)
			}
		}
		if est <= exactCountBelow {
			var n int
			if err := s.db.Pool.QueryRow(ctx, savedCountSQL(from, where), execArgs(m.args)...).Scan(&n); err != nil {
				return nil, fmt.Errorf("contacts: count saved: %w", err)
			}
			page.Total, page.TotalIsCapped = min(n, totalCap), n > totalCap
		} else {
			page.Total, page.TotalIsCapped, page.TotalIsEstimate = min(int(est+0.5), totalCap), est >= totalCap, true
		}
	}
	args = append(args, p.PageSize+1)
	rows, err := s.db.Pool.Query(ctx, savedPageSQL(from, where, len(args)), execArgs(args)...)
	if err != nil {
		return nil, fmt.Errorf("contacts: list saved: %w", err)
	}
	var (
		ids   []uuid.UUID
		times []time.Time
	)
	for rows.Next() {
		var (
			id uuid.UUID
			t  time.Time
		)
		if err := rows.Scan(&id, &t); err != nil {
			rows.Close()
			return nil, fmt.Errorf("contacts: list saved: %w", err)
		}
		ids, times = append(ids, id), append(times, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("contacts: list saved: %w", err)
	}
	if p.Cursor == "" && page.TotalIsEstimate && len(ids) <= p.PageSize {
		// A first page that is also the last has counted its matches.
		page.Total, page.TotalIsCapped, page.TotalIsEstimate = len(ids), false, false
	}
	if len(ids) > p.PageSize {
		ids = ids[:p.PageSize]
		page.NextCursor = codec.encode("saved", tenantID, qh, cursor{Mode: modeSaved, ID: ids[len(ids)-1],
			Time: times[p.PageSize-1].UnixMicro(), Total: page.Total, Capped: page.TotalIsCapped, Estimate: page.TotalIsEstimate})
	}
	if page.Items, err = s.hydrate(ctx, tenantID, ids); err != nil {
		return nil, err
	}
	return page, nil
}

// savedFrom is what the saved view reads when a condition reads the
// contact: saved contacts s joined to their contacts c.
const savedFrom = `saved_contacts s JOIN contacts c ON c.id = s.contact_id`

// savedRead is what the saved view's page and count read for m and their
// condition: saved contacts alone when no condition reads the contact.
func (m *matchSet) savedRead() (from, where string) {
	if m.savedWhere != "" {
		return "saved_contacts s", m.savedWhere
	}
	return savedFrom, m.where
}

// savedCountSQL counts the saved view's matches up to totalCap+1.
func savedCountSQL(from, where string) string {
	return `SELECT count(*) FROM (SELECT 1 FROM ` + from + ` WHERE ` + where + ` LIMIT ` + strconv.Itoa(totalCap+1) + `) x`
}

// savedPageSQL is a page of the saved view, its size+1 at placeholder $at.
func savedPageSQL(from, where string, at int) string {
	return `SELECT s.contact_id, s.created_at FROM ` + from + ` WHERE ` + where + savedOrder + ` LIMIT $` + strconv.Itoa(at)
}

// savedOrder is the saved view's order, newest saved first, and savedBelow
// the rows after one in that order: its saved time and contact id at
// placeholders $at and $at+1 (a page's cursor, an export's last row).
const savedOrder = ` ORDER BY s.created_at DESC, s.contact_id DESC`

func savedBelow(at int) string {
	return fmt.Sprintf(" AND (s.created_at, s.contact_id) < ($%d::timestamptz, $%d::uuid)", at, at+1)
}

// exportColumns is the header of the saved-contacts CSV.
var exportColumns = []string{"id", "first_name", "last_name", "email", "email_status", "phone", "title", "seniority",
	"department", "company_name", "company_domain", "industry", "employee_range", "city", "region", "country",
	"linkedin_url", "saved_status", "saved_at", "lists", "updated_at", "notes"}

// ExportOptions shape the export file.
type ExportOptions struct {
	// BOM starts the file with a UTF-8 byte order mark: Excel reads UTF-8
	// without one in the local code page, while CSV libraries usually take
	// the mark for part of the first column's name.
	BOM bool
	// PlainPhones writes phones (strict E.164, as stored) without the
	// apostrophe the formula guard puts before their "+": for programs
	// that read the file. A "+" and digits cannot make a harmful formula;
	// a spreadsheet reads such a cell as a number, dropping the "+"
	// (safecsv.Writer.PlainE164).
	PlainPhones bool
}

// exportBatchSize is how many rows the export reads per query. It writes
// them with no connection taken, so a slow download holds none.
const exportBatchSize = 1000

// ExportSaved writes the tenant's saved contacts that match p (paging
// fields ignored) to w as UTF-8 CSV with a header row, newest saved first,
// overlay applied. It reads the rows in batches of exportBatchSize by
// saved time, as the saved view pages, and writes each batch with no
// database connection taken: memory stays flat whatever the size, and a
// client that reads slowly keeps no connection of the pool. A contact
// saved, unsaved or changed meanwhile neither repeats nor moves another
// row (one saved meanwhile is left out). Returns EINVALID for bad filters
// and ENOTFOUND for a missing list, also for a list deleted before the
// last batch; an error after the first byte leaves w truncated.
//
// Once the query is valid, the tenant's audit log records the export
// (saved_contacts.exported: rows written, whether the file is whole,
// whether filters narrowed it, the list), also one cut short.
func (s *Service) ExportSaved(ctx context.Context, tenantID uuid.UUID, p SavedParams, opts ExportOptions, w io.Writer) error {
	m, _, err := s.savedQuery(ctx, tenantID, p)
	if err != nil {
		return err
	}
	rows, err := s.exportRows(ctx, tenantID, p, m, opts, w)
	data := map[string]any{"rows": rows, "complete": err == nil,
		"filtered": p.Query != "" || len(p.Statuses) > 0 || p.ListID != nil || p.Filters.narrows()}
	if p.ListID != nil {
		data["list_id"] = p.ListID.String()
	}
	// Recorded also when the client went away (its context with it).
	actx := context.WithoutCancel(ctx)
	if aerr := audit.Write(actx, s.db.Gorm.WithContext(actx), audit.Event{TenantID: &tenantID,
		Action: "saved_contacts.exported", TargetType: "saved_contacts", Data: data}); aerr != nil && err == nil {
		err = aerr
	}
	return err
}

// narrows says whether f filters at all (ExcludeSaved aside).
func (f Filters) narrows() bool {
	return len(f.Titles)+len(f.Seniorities)+len(f.Departments)+len(f.CompanyNames)+len(f.CompanyDomains)+
		len(f.Industries)+len(f.EmployeeRanges)+len(f.Countries)+len(f.Regions)+len(f.Cities) > 0 ||
		f.HasEmail != nil || f.HasPhone != nil
}

// exportRows writes the export and returns how many contacts it wrote.
func (s *Service) exportRows(ctx context.Context, tenantID uuid.UUID, p SavedParams, m *matchSet, opts ExportOptions, w io.Writer) (int, error) {
	var (
		n   int
		err error
	)
	cw := safecsv.NewWriter(w) // neutralized against formula injection
	if opts.PlainPhones {
		cw.PlainE164 = []int{slices.Index(exportColumns, "phone")}
	}
	if opts.BOM {
		if err := cw.WriteBOM(); err != nil {
			return n, err
		}
	}
	if err := cw.Write(exportColumns); err != nil {
		return n, err
	}
	// The first batch reads from the newest; the next ones from below the
	// last row's saved time and id, which follow the filters' arguments.
	query := func(where string) string {
		return `SELECT ` + contactSelect + ` FROM saved_contacts s JOIN contacts c ON c.id = s.contact_id
			WHERE ` + where + savedOrder + ` LIMIT ` + strconv.Itoa(exportBatchSize)
	}
	sql := query(m.where)
	args := append(slices.Clone(m.args), nil, nil)
	at, id := len(args)-1, len(args)
	nextSQL := query(m.where + savedBelow(at))
	use := args[:len(m.args)]
	batch := make([]Contact, 0, exportBatchSize)
	vals := make([]string, 0, len(exportColumns))
	var lists strings.Builder
	for first := true; ; first = false {
		if batch, err = s.readExportBatch(ctx, sql, use, batch[:0]); err != nil {
			return n, err
		}
		if len(batch) == 0 && p.ListID != nil && !first {
			// The list went with its members: say so rather than end
			// with a short file that looks whole.
			if err := s.requireListExists(ctx, tenantID, *p.ListID); err != nil {
				return n, err
			}
		}
		for i := range batch {
			c := &batch[i]
			savedAt := ""
			if c.SavedAt != nil {
				savedAt = c.SavedAt.Format(time.RFC3339)
			}
			lists.Reset()
			for j, l := range c.Lists {
				if j > 0 {
					lists.WriteString("; ")
				}
				lists.WriteString(l.Name)
			}
			vals = append(vals[:0], c.ID.String(), c.FirstName, c.LastName, c.Email, c.EmailStatus, c.Phone, c.Title, c.Seniority,
				c.Department, c.CompanyName, c.CompanyDomain, c.Industry, c.EmployeeRange, c.City, c.Region, c.Country,
				c.LinkedInURL, c.SavedStatus, savedAt, lists.String(), c.UpdatedAt.Format(time.RFC3339), c.SavedNotes)
			if err := cw.Write(vals); err != nil {
				return n, err
			}
			n++
		}
		if err := cw.Flush(); err != nil {
			return n, err
		}
		if len(batch) < exportBatchSize {
			return n, nil
		}
		last := batch[len(batch)-1]
		args[at-1], args[id-1] = *last.SavedAt, last.ID
		sql, use = nextSQL, args
	}
}

// readExportBatch appends the rows of one export batch to into; the
// connection goes back to the pool before it returns.
func (s *Service) readExportBatch(ctx context.Context, sql string, args []any, into []Contact) ([]Contact, error) {
	rows, err := s.db.Pool.Query(ctx, sql, execArgs(args)...)
	if err != nil {
		return into, fmt.Errorf("contacts: export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return into, fmt.Errorf("contacts: export: %w", err)
		}
		into = append(into, c)
	}
	if err := rows.Err(); err != nil {
		return into, fmt.Errorf("contacts: export: %w", err)
	}
	return into, nil
}

// requireListExists returns ENOTFOUND unless the tenant has the list.
func (s *Service) requireListExists(ctx context.Context, tenantID, listID uuid.UUID) error {
	var exists bool
	if err := s.db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM lists WHERE tenant_id = $1 AND id = $2)`,
		tenantID, listID).Scan(&exists); err != nil {
		return fmt.Errorf("contacts: check list: %w", err)
	}
	if !exists {
		return errListNotFound()
	}
	return nil
}
