package imports

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/safecsv"
)

// ImportRecord is what happened to one input row.
type ImportRecord struct {
	Row         int
	Outcome     string
	ContactID   *uuid.UUID
	DuplicateOf *int
	// Updated says a matched row changed its contact.
	Updated bool
	Errors  []RowError
	// Warnings are the values the row was imported without (empty for
	// invalid rows): they failed normalization in fields the row did not
	// need to be usable.
	Warnings []RowError
	// Values are the row's original fields (invalid rows and rows with
	// warnings only).
	Values []string
	// Contact summarizes the row's contact as it is now, as the tenant sees
	// it (its corrections in place); nil when there is none (invalid rows,
	// a dry run's new contacts).
	Contact *RecordContact
}

// RecordContact is the part of a contact a results list shows.
type RecordContact struct {
	FirstName, LastName, Email, Title, CompanyName string
}

// RecordParams filter and page the records.
type RecordParams struct {
	Outcome string
	// HasWarnings, when set, keeps only the rows with warnings (true) or
	// only those without (false).
	HasWarnings *bool
	Limit       int
	Cursor      string // the row number of the last record seen
	// HideSaved says the caller may not see the tenant's saved state (an
	// API key without saved:read): a dry run's records then withhold every
	// shared contact they matched, saved or not, so that which ones show
	// does not tell which are saved.
	HideSaved bool
}

// RecordPage is a page of records in row order.
type RecordPage struct {
	Items      []ImportRecord
	NextCursor string
}

// Records returns the import's records in row order, optionally of one
// outcome and with or without warnings. A dry run's records withhold the
// shared contacts its rows matched unless the tenant saved them (all of
// them with p.HideSaved). Returns ENOTFOUND, EINVALID for an unknown outcome and
// EMALFORMED for a bad cursor.
func (s *Service) Records(ctx context.Context, tenantID, id uuid.UUID, p RecordParams) (*RecordPage, error) {
	imp, err := loadImport(ctx, s.db.Gorm, tenantID, id, false)
	if err != nil {
		return nil, err
	}
	if p.Outcome != "" && !slices.Contains(Outcomes, p.Outcome) {
		return nil, apperr.Invalid("Invalid outcome.", apperr.FieldError{Field: "outcome",
			Message: "must be one of " + strings.Join(Outcomes, ", ")})
	}
	if p.Limit <= 0 || p.Limit > 1000 {
		p.Limit = 100
	}
	after := 0
	if p.Cursor != "" {
		// A row number: an integer column (a larger number would reach
		// the database and fail there).
		n, err := strconv.ParseInt(p.Cursor, 10, 32)
		if err != nil || n < 0 {
			return nil, apperr.Errorf(apperr.EMALFORMED, "The cursor is not valid.")
		}
		after = int(n)
	}
	rows, err := listRecords(ctx, s.db.Gorm, tenantID, id, imp.DryRun || imp.ResetPending, p.HideSaved, p.Outcome,
		p.HasWarnings, after, p.Limit+1)
	if err != nil {
		return nil, err
	}
	page := &RecordPage{Items: make([]ImportRecord, 0, min(len(rows), p.Limit))}
	for i, r := range rows {
		if i == p.Limit {
			page.NextCursor = strconv.Itoa(rows[i-1].RowNum)
			break
		}
		rec := ImportRecord{Row: r.RowNum, Outcome: r.Outcome, ContactID: r.ContactID, DuplicateOf: r.DuplicateOf,
			Updated: r.Updated, Errors: []RowError{}, Warnings: []RowError{}}
		if len(r.Errors) > 0 {
			if err := json.Unmarshal(r.Errors, &rec.Errors); err != nil {
				return nil, fmt.Errorf("imports: decode record errors: %w", err)
			}
		}
		if len(r.Warnings) > 0 {
			if err := json.Unmarshal(r.Warnings, &rec.Warnings); err != nil {
				return nil, fmt.Errorf("imports: decode record warnings: %w", err)
			}
		}
		if r.Raw != nil {
			rec.Values = ParseRecordLine(*r.Raw)
		}
		if r.Withheld {
			rec.ContactID = nil
		} else if r.HasContact {
			rec.Contact = &RecordContact{FirstName: r.FirstName, LastName: r.LastName, Email: r.Email,
				Title: r.Title, CompanyName: r.CompanyName}
		}
		page.Items = append(page.Items, rec)
	}
	return page, nil
}

// WriteErrorsCSV writes the import's invalid rows, and the rows imported
// without some of their values, to w as UTF-8 CSV in the upload's dialect
// (errorsDialect): the file's header row as uploaded (none when it had
// none) and its columns, then an error column saying an invalid row's
// number and every reason, and, when some rows were imported without some
// of their values, a dropped column saying such a row's number and each
// value it was imported without, and why. Cells are neutralized against
// formula injection.
// Rows stream from the database, so memory stays flat. Returns ENOTFOUND
// before writing anything.
func (s *Service) WriteErrorsCSV(ctx context.Context, tenantID, id uuid.UUID, w io.Writer) error {
	imp, err := loadImport(ctx, s.db.Gorm, tenantID, id, false)
	if err != nil {
		return err
	}
	// The widest row decides the header's width (ragged rows keep all
	// their fields); reported rows are few, so reading them twice is cheap.
	// A running import may commit a wider one before the second reading:
	// errorsRow makes room for it.
	width := imp.ColumnCount()
	dropped := false
	if err := eachReported(ctx, s.db.Pool, tenantID, id, func(_ int, raw string, _, warns []byte) error {
		width = max(width, len(ParseRecordLine(raw)))
		dropped = dropped || warns != nil
		return nil
	}); err != nil {
		return err
	}
	cw := safecsv.NewWriter(w) // neutralized against formula injection
	comma, bom := imp.Format.errorsDialect()
	cw.Comma = comma
	if bom {
		if err := cw.WriteBOM(); err != nil {
			return err
		}
	}
	rec := make([]string, width+1)
	// The header is the file's own (not the display names the wizard
	// shows, "Email (2)" or "Column 3"), so that the fixed file uploads
	// as the original did; a file without one gets none.
	if imp.Mapping.HasHeader {
		copy(rec, imp.Header)
		rec[width] = "error"
		if dropped {
			rec = append(rec, "dropped")
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	n := 0
	err = eachReported(ctx, s.db.Pool, tenantID, id, func(row int, raw string, errs, warns []byte) error {
		rec = errorsRow(rec, width, dropped, row, raw, errs, warns)
		if err := cw.Write(rec); err != nil {
			return err
		}
		if n++; n%500 == 0 {
			return cw.Flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return cw.Flush()
}

// errorsRow fills rec with one row of errors.csv and returns it: the row's
// fields, padded to width, then the error cell (an invalid row's number
// and every reason) and, with dropped, the dropped cell (a row's number
// and each value it was imported without, with the reason); the cell that
// does not apply is empty. The width and dropped come from a query before
// the rows are read, and an import still running may commit a wider row,
// or the first row with warnings, in between: a wider row keeps all its
// fields with its cells last (past the header's), and rec grows for it
// instead of being indexed past its end; without a dropped column, what a
// row was imported without goes in the error cell.
func errorsRow(rec []string, width int, dropped bool, row int, raw string, errs, warns []byte) []string {
	fields := ParseRecordLine(raw)
	cells := 1
	if dropped {
		cells = 2
	}
	n := max(width, len(fields)) + cells
	rec = slices.Grow(rec[:0], n)[:n]
	clear(rec)
	copy(rec, fields)
	var list []RowError
	_ = json.Unmarshal(errs, &list)
	if len(list) > 0 {
		msgs := make([]string, 0, len(list))
		for _, e := range list {
			msgs = append(msgs, e.Message)
		}
		rec[n-cells] = fmt.Sprintf("Row %d: %s", row, strings.Join(msgs, " "))
	}
	list = nil
	_ = json.Unmarshal(warns, &list)
	if len(list) > 0 {
		// A phone read one of two valid ways was imported: it is to
		// check, not dropped.
		var droppedMsgs, checkMsgs []string
		for _, e := range list {
			if e.Field != "" {
				e.Message = label(e.Field) + ": " + e.Message
			}
			if e.Code == CodeAmbiguousPhone {
				checkMsgs = append(checkMsgs, e.Message)
			} else {
				droppedMsgs = append(droppedMsgs, e.Message)
			}
		}
		if len(droppedMsgs) > 0 {
			rec[n-1] = strings.TrimSpace(rec[n-1] + " " + fmt.Sprintf("Row %d was imported without these values. %s", row,
				strings.Join(droppedMsgs, " ")))
		}
		if len(checkMsgs) > 0 {
			rec[n-1] = strings.TrimSpace(rec[n-1] + " " + fmt.Sprintf("Row %d was imported with these values to check. %s", row,
				strings.Join(checkMsgs, " ")))
		}
	}
	return rec
}
