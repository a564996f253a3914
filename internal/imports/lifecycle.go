package imports

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Get returns an import of tenantID (Platform: a platform import) with
// its preview. Returns ENOTFOUND, also for another tenant's import.
func (s *Service) Get(ctx context.Context, tenantID, id uuid.UUID) (*Import, error) {
	imp, err := loadImport(ctx, s.db.Gorm, tenantID, id, false)
	if err != nil {
		return nil, err
	}
	return imp, s.withPreview(ctx, imp)
}

// withPreview reads the sample under the current mapping, phone numbers
// in the tenant's default region.
func (s *Service) withPreview(ctx context.Context, imp *Import) error {
	region, err := tenantRegion(ctx, s.db.Gorm, imp.TenantID)
	if err != nil {
		return err
	}
	imp.PreviewRows = imp.Preview(region)
	return nil
}

// TenantRegion is the region that reads tenantID's phone numbers written
// without a country code (for previews).
func (s *Service) TenantRegion(ctx context.Context, tenantID uuid.UUID) (string, error) {
	return tenantRegion(ctx, s.db.Gorm, tenantID)
}

// ListParams filter and page the import history.
type ListParams struct {
	Status string
	Limit  int
	Cursor string // the id of the last import seen
}

// Page is a page of imports, newest first.
type Page struct {
	Items      []*Import
	NextCursor string
}

// List returns tenantID's imports, newest first. Returns EINVALID for an
// unknown status and EMALFORMED for a bad cursor.
func (s *Service) List(ctx context.Context, tenantID uuid.UUID, p ListParams) (*Page, error) {
	statuses := []string{StatusUploaded, StatusQueued, StatusRunning, StatusCompleted, StatusFailed, StatusCancelled}
	if p.Status != "" && !slices.Contains(statuses, p.Status) {
		return nil, apperr.Invalid("Invalid status.", apperr.FieldError{Field: "status",
			Message: "must be one of uploaded, queued, running, completed, failed, cancelled"})
	}
	if p.Limit <= 0 || p.Limit > 100 {
		p.Limit = 25
	}
	var after *uuid.UUID
	if p.Cursor != "" {
		id, err := db.IDCursor(p.Cursor)
		if err != nil {
			return nil, err
		}
		after = &id
	}
	items, err := listImports(ctx, s.db.Gorm, tenantID, p.Status, after, p.Limit+1)
	if err != nil {
		return nil, err
	}
	page := &Page{Items: items}
	if len(items) > p.Limit {
		page.Items = items[:p.Limit]
		page.NextCursor = page.Items[p.Limit-1].ID.String()
	}
	return page, nil
}

// mappingEditable reports whether the mapping may still change: before
// the first start, or after a dry run.
func (i *Import) mappingEditable() bool {
	return i.Status == StatusUploaded ||
		(i.DryRun && (i.Status == StatusCompleted || i.Status == StatusFailed || i.Status == StatusCancelled))
}

// SetMapping replaces the mapping and options of an import that has not
// started (or only dry-ran; a changed mapping discards the dry run, whose
// outcomes were of the old mapping), keeping its encoding. Returns
// ENOTFOUND, ECONFLICT once it started for real, and EINVALID naming each
// bad field (a column mapped twice, an unknown field, a match key whose
// column is not mapped, a list the tenant does not have). Columns sent for
// the file's width under the current header choice are fitted to the new
// choice's (fitColumns).
func (s *Service) SetMapping(ctx context.Context, tenantID, id uuid.UUID, m Mapping) (*Import, error) {
	return s.SetMappingAndEncoding(ctx, tenantID, id, m, "")
}

// SetMappingAndEncoding is SetMapping that also chooses the encoding the
// CSV file is read in (one of Encodings; "" or the current one keeps it).
// A new encoding reads the stored file again (reread): delimiter, line
// endings, header, row count, preview and suggested mapping become those
// of the new text, and the mapping starts over from the new suggestion
// with m's options (mode, overwrite, list, default region, source); m's
// header choice, columns and match keys named the columns as read before
// and are not used. The change discards a dry run. Returns EINVALID
// naming encoding for an encoding not in the list, for a workbook (stored
// as UTF-8), and for a file that does not read as text in it; ECONFLICT
// once the import started for real or its file was removed.
func (s *Service) SetMappingAndEncoding(ctx context.Context, tenantID, id uuid.UUID, m Mapping, encoding string) (*Import, error) {
	if encoding != "" && !ValidEncoding(encoding) {
		return nil, apperr.Invalid("The encoding is not one the file can be read in.", apperr.FieldError{Field: "encoding",
			Message: "must be one of: " + strings.Join(Encodings, ", ")})
	}
	var pf *preflight
	if encoding != "" {
		imp, err := loadImport(ctx, s.db.Gorm, tenantID, id, false)
		if err != nil {
			return nil, err
		}
		if encoding != imp.Format.Encoding {
			if err := s.encodingChangeable(imp); err != nil {
				return nil, err
			}
			// Read before the transaction: a large file takes a while, and
			// no connection waits on it.
			if pf, err = s.reread(ctx, imp, encoding); err != nil {
				return nil, err
			}
		}
	}
	var out *Import
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		imp, err := loadImport(ctx, tx, tenantID, id, true)
		if err != nil {
			return err
		}
		if !imp.mappingEditable() {
			return apperr.Errorf(apperr.ECONFLICT, "The mapping cannot change once the import has started (status %s).", imp.Status)
		}
		if pf != nil {
			if err := s.encodingChangeable(imp); err != nil {
				return err
			}
			// The stored file never changes, so what was read before the
			// transaction holds whatever changed meanwhile.
			out, err = s.changeEncoding(ctx, tx, imp, m, pf)
			return err
		}
		m.MatchKeys = slices.Clone(m.MatchKeys)
		if m.HasHeader != imp.Mapping.HasHeader {
			m.fitColumns(imp.columnCount(imp.Mapping.HasHeader), imp.columnCount(m.HasHeader))
		}
		if err := m.validate(imp.columnCount(m.HasHeader), tenantID == Platform); err != nil {
			return err
		}
		if err := s.checkList(ctx, tx, tenantID, m.ListID); err != nil {
			return err
		}
		if imp.Status != StatusUploaded && !bytes.Equal(mustJSON(m), mustJSON(imp.Mapping)) {
			if err := discardDryRun(ctx, tx, imp); err != nil {
				return err
			}
		}
		if err := saveMapping(ctx, tx, id, m); err != nil {
			return err
		}
		imp.Mapping = m
		out = imp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.withPreview(ctx, out)
}

// encodingChangeable refuses a new encoding for an import that cannot be
// read again: one that started for real, a workbook, one whose file was
// removed.
func (s *Service) encodingChangeable(imp *Import) error {
	switch {
	case !imp.mappingEditable():
		return apperr.Errorf(apperr.ECONFLICT, "The encoding cannot change once the import has started (status %s).", imp.Status)
	case imp.Format.Kind != KindCSV:
		return apperr.Invalid("A workbook's text is stored as UTF-8; the encoding can be chosen for CSV files only.",
			apperr.FieldError{Field: "encoding", Message: "applies to CSV files only"})
	case imp.FileRemovedAt != nil:
		return apperr.Errorf(apperr.ECONFLICT, "The uploaded file was removed on %s, %s after it was last used; upload it again.",
			imp.FileRemovedAt.UTC().Format("2 January 2006"), retentionText(s.opts.FileRetention))
	}
	return nil
}

// changeEncoding stores what reading the file in a new encoding gave (pf)
// and the mapping that starts over from its suggestion with m's options,
// discarding a dry run.
func (s *Service) changeEncoding(ctx context.Context, tx *gorm.DB, imp *Import, m Mapping, pf *preflight) (*Import, error) {
	next := pf.suggested
	next.MatchKeys = slices.Clone(next.MatchKeys)
	next.Mode, next.Overwrite, next.ListID, next.DefaultRegion, next.Source = m.Mode, m.Overwrite, m.ListID, m.DefaultRegion, m.Source
	if errs := next.checkOptions(imp.IsPlatform()); len(errs) > 0 {
		return nil, apperr.Invalid("The mapping has invalid fields.", errs...)
	}
	if err := s.checkList(ctx, tx, imp.TenantID, next.ListID); err != nil {
		return nil, err
	}
	if imp.Status != StatusUploaded {
		if err := discardDryRun(ctx, tx, imp); err != nil {
			return nil, err
		}
	}
	from := imp.Format.Encoding
	// FileBytes and FileChunks stay: the stored file does not change.
	imp.Format = pf.format
	imp.Header, imp.Sample, imp.Records = pf.scan.header(), pf.scan.sample, pf.scan.records
	imp.SuggestedMapping, imp.Mapping = pf.suggested, next
	if err := savePreflight(ctx, tx, imp); err != nil {
		return nil, err
	}
	if err := updateImport(ctx, tx, imp.ID, map[string]any{}); err != nil { // sets updated_at
		return nil, err
	}
	err := audit.Write(ctx, tx, audit.Event{TenantID: auditTenant(imp.TenantID), Action: "import.encoding_changed",
		TargetType: "import", TargetID: imp.ID.String(), Data: map[string]any{"from": from, "to": imp.Format.Encoding,
			"rows": imp.RowCount()}})
	return imp, err
}

// progressColumns are what a run counts: a dry run discarded or a new run
// starts them at zero.
var progressColumns = []string{"rows_done", "merged_through", "created_count", "matched_count", "updated_count",
	"duplicate_count", "invalid_count", "warning_count"}

// discardDryRun takes an import that dry-ran back to uploaded, as its
// mapping changes: the dry run's counts and records are outcomes of the old
// mapping, and kept they would claim what the import no longer does (the
// wizard shows a finished dry run's counts as what starting will give).
func discardDryRun(ctx context.Context, tx *gorm.DB, imp *Import) error {
	if err := deleteRecords(ctx, tx, tenantKey(imp.TenantID), imp.ID); err != nil {
		return err
	}
	if err := dropKeys(ctx, tx, imp.ID); err != nil {
		return err
	}
	set := map[string]any{"status": StatusUploaded, "dry_run": false, "phase": "", "error": "", "rate": 0,
		"eta_seconds": nil, "reset_pending": false, "cancel_requested": false, "heartbeat_at": nil, "queued_at": nil,
		"started_at": nil, "finished_at": nil, "rows_total": 0}
	for _, c := range progressColumns {
		set[c] = 0
	}
	if err := updateImport(ctx, tx, imp.ID, set); err != nil {
		return err
	}
	fresh, err := loadImport(ctx, tx, imp.TenantID, imp.ID, false)
	if err != nil {
		return err
	}
	*imp = *fresh
	return nil
}

func (s *Service) checkList(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, listID *uuid.UUID) error {
	if listID == nil {
		return nil
	}
	ok, err := listExists(ctx, tx, tenantID, *listID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Invalid("The target list does not exist.", apperr.FieldError{Field: "list_id", Message: "is not one of your lists"})
	}
	return nil
}

// Args is the import job.
type Args struct {
	ImportID uuid.UUID `json:"import_id"`
}

// Kind names the job.
func (Args) Kind() string { return "import" }

// MaxAttempts is how often River runs an import job that keeps failing
// (a database outage) before the import is marked failed.
const MaxAttempts = 10

// InsertOpts puts import jobs on the imports queue.
func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueImports, MaxAttempts: MaxAttempts}
}

// StartParams say how to start.
type StartParams struct {
	DryRun bool
	UserID *uuid.UUID
}

// Start queues the import's job in the same transaction as its status
// change. A dry run computes every row's outcome (records, counts,
// errors.csv) without writing contacts; a real start after a dry run
// starts over; a start of a failed run resumes it. Tenant imports check
// import_rows_per_month first: ERATELIMIT (429) names what remains. Also
// returns ENOTFOUND, ECONFLICT (already running, finished), and EINVALID
// (no data rows, a mapping that cannot work).
func (s *Service) Start(ctx context.Context, tenantID, id uuid.UUID, p StartParams) (*Import, error) {
	var out *Import
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		imp, err := loadImport(ctx, tx, tenantID, id, true)
		if err != nil {
			return err
		}
		resume := false
		switch {
		case imp.Status == StatusQueued || imp.Status == StatusRunning:
			return apperr.Errorf(apperr.ECONFLICT, "The import is already %s.", imp.Status)
		case imp.FileRemovedAt != nil && (imp.Status == StatusUploaded || imp.mappingEditable() || imp.Status == StatusFailed):
			return apperr.Errorf(apperr.ECONFLICT, "The uploaded file was removed on %s, %s after it was last used; upload it again.",
				imp.FileRemovedAt.UTC().Format("2 January 2006"), retentionText(s.opts.FileRetention))
		case imp.Status == StatusUploaded, imp.mappingEditable():
		case imp.Status == StatusFailed && !imp.DryRun && !p.DryRun:
			resume = true
		case imp.Status == StatusFailed && !imp.DryRun:
			return apperr.Errorf(apperr.ECONFLICT, "The import failed part-way; start it again (without dry_run) to resume it.")
		default:
			return apperr.Errorf(apperr.ECONFLICT, "The import is %s; upload the file again to import it again.", imp.Status)
		}
		if err := imp.Mapping.validate(imp.ColumnCount(), tenantID == Platform); err != nil {
			return err
		}
		// A new run needs its list; a resumed one goes on without a list
		// deleted meanwhile (its mapping cannot change any more), and says
		// so when it completes.
		if !resume {
			if err := s.checkList(ctx, tx, tenantID, imp.Mapping.ListID); err != nil {
				return err
			}
		}
		rows := imp.RowCount()
		if rows == 0 {
			return apperr.Invalid("The file has no data rows to import.", apperr.FieldError{Field: "file",
				Message: "holds a header only"})
		}
		if tenantID != Platform && !p.DryRun {
			need, what := int64(rows), fmt.Sprintf("The file has %s rows", thousands(int64(rows)))
			if resume {
				need -= int64(imp.RowsDone)
				what = fmt.Sprintf("Resuming needs %s more of the file's %s rows", thousands(need), thousands(int64(rows)))
			}
			if err := s.checkQuota(ctx, tenantID, need, what); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		set := map[string]any{"status": StatusQueued, "queued_at": now, "cancel_requested": false, "error": "", "quota_reset_at": nil,
			"finished_at": nil, "phase": "queued", "eta_seconds": nil, "rate": 0, "rows_total": rows}
		if p.UserID != nil {
			set["started_by"] = *p.UserID
		}
		if !resume {
			set["dry_run"] = p.DryRun
			set["started_at"] = nil
			for _, c := range progressColumns {
				set[c] = 0
			}
			// Records of an earlier (dry) run are cleared by the worker.
			set["reset_pending"] = imp.Status != StatusUploaded
		}
		if err := updateImport(ctx, tx, id, set); err != nil {
			return err
		}
		if err := jobs.InsertTx(ctx, s.jobs, tx, Args{ImportID: id}, nil); err != nil {
			return err
		}
		// The options that decide what the run changes: whether it replaces
		// existing values and, for a platform import (the shared database
		// of every tenant), the source it ranks with; a tenant's list.
		data := map[string]any{"dry_run": p.DryRun, "rows": rows, "resume": resume, "mode": imp.Mapping.Mode,
			"overwrite": imp.Mapping.Overwrite}
		if imp.Mapping.Source != "" {
			data["source"] = imp.Mapping.Source
		}
		if imp.Mapping.ListID != nil {
			data["list_id"] = imp.Mapping.ListID.String()
		}
		if err := audit.Write(ctx, tx, audit.Event{TenantID: auditTenant(tenantID), Action: "import.started",
			TargetType: "import", TargetID: id.String(), Data: data}); err != nil {
			return err
		}
		out, err = loadImport(ctx, tx, tenantID, id, false)
		return err
	})
	return out, err
}

// checkQuota fails with ERATELIMIT unless need rows fit in what remains of
// the tenant's import_rows_per_month; what says what needs them ("The file
// has 1,200 rows").
func (s *Service) checkQuota(ctx context.Context, tenantID uuid.UUID, need int64, what string) error {
	q, err := s.limits.Peek(ctx, tenantID, limits.ImportRows)
	if err != nil {
		return err
	}
	if need <= q.Remaining {
		return nil
	}
	return &apperr.Error{
		Code: apperr.ERATELIMIT, Type: "quota-exceeded",
		Message: fmt.Sprintf("%s, but only %s of this month's %s import rows remain; the quota resets at %s.",
			what, thousands(q.Remaining), thousands(q.Limit), q.ResetAt.Format(time.RFC3339)),
		Extra: map[string]any{"metric": string(limits.ImportRows), "limit": q.Limit, "used": q.Used,
			"remaining": q.Remaining, "requested": need, "reset": q.ResetAt.Format(time.RFC3339)},
		RetryAfter: q.UntilReset(),
		Err:        &limits.Exhausted{Quota: q},
	}
}

// Cancel stops an import. A queued (or just uploaded) import is cancelled
// at once; a running one is asked to stop, which its worker does within
// two seconds: batches merged so far stay (each whole, with its records),
// nothing after them is written. A running import whose worker is gone
// (no heartbeat) is cancelled at once. Returns ENOTFOUND, and ECONFLICT
// for an import that already finished.
func (s *Service) Cancel(ctx context.Context, tenantID, id uuid.UUID) (*Import, error) {
	var out *Import
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		imp, err := loadImport(ctx, tx, tenantID, id, true)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		workerGone := imp.Status == StatusRunning && (imp.HeartbeatAt == nil || now.Sub(*imp.HeartbeatAt) > s.opts.StaleAfter)
		switch {
		case imp.Status == StatusUploaded || imp.Status == StatusQueued || workerGone:
			// Nothing runs it: cancelled now, for good (the file goes too),
			// but a dry run only stops: as one its worker cancels, it keeps
			// the file, so the import can still start.
			err = updateImport(ctx, tx, id, map[string]any{"status": StatusCancelled, "cancel_requested": true,
				"finished_at": now, "phase": "cancelled", "eta_seconds": nil})
			if err == nil {
				err = dropKeys(ctx, tx, id)
			}
			if err == nil && !imp.DryRun {
				err = deleteFile(ctx, tx, tenantKey(tenantID), id)
			}
			if err == nil && imp.ResetPending {
				// A start after a dry run left the dry run's records for the
				// worker to clear, and no worker will run this import now.
				err = deleteRecords(ctx, tx, tenantKey(tenantID), id)
				if err == nil {
					err = updateImport(ctx, tx, id, map[string]any{"reset_pending": false})
				}
			}
		case imp.Status == StatusRunning:
			err = updateImport(ctx, tx, id, map[string]any{"cancel_requested": true})
		default:
			return apperr.Errorf(apperr.ECONFLICT, "The import already %s.", imp.Status)
		}
		if err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Event{TenantID: auditTenant(tenantID), Action: "import.cancelled",
			TargetType: "import", TargetID: id.String(), Data: map[string]any{"status": imp.Status, "rows_done": imp.RowsDone}}); err != nil {
			return err
		}
		out, err = loadImport(ctx, tx, tenantID, id, false)
		return err
	})
	return out, err
}

// Delete removes an import that never started for real (uploaded, one
// that only dry-ran and finished: a dry run writes no contact, or one
// cancelled before a worker took it up) with its stored file, its dry
// run's records and its key table: an upload of the wrong file, or of a
// workbook's other sheet, that nobody means to run. The event
// import.deleted keeps its name, size and status in the audit log.
// Returns ENOTFOUND, and ECONFLICT for an import queued, running or run for
// real (also one cancelled once it ran), whose records are the history of
// what it did to contacts.
func (s *Service) Delete(ctx context.Context, tenantID, id uuid.UUID) error {
	return s.db.WithTx(ctx, func(tx *gorm.DB) error {
		imp, err := loadImport(ctx, tx, tenantID, id, true)
		if err != nil {
			return err
		}
		if !imp.deletable() {
			return apperr.Errorf(apperr.ECONFLICT, "The import %s: it stays in the history as the record of what it did to contacts. Only an import that never ran (uploaded, dry-ran, or cancelled before it ran) can be deleted.", startedText(imp))
		}
		// The rows of import_files go by the foreign key's cascade, those
		// of import_records and the key table by the imports_cleanup trigger.
		if err := deleteImport(ctx, tx, tenantID, id); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: auditTenant(tenantID), Action: "import.deleted",
			TargetType: "import", TargetID: id.String(), Data: map[string]any{"file_name": imp.FileName,
				"bytes": imp.FileBytes, "status": imp.Status, "dry_run": imp.DryRun}})
	})
}

// deletable reports whether the import never wrote a contact and nothing
// works on it: uploaded, a dry run that ended, or cancelled before a worker
// took it up. A worker sets started_at when it first claims a run (a new
// start clears it, a resumed one keeps it), so a cancelled import without
// it never ran: cancelled while uploaded or queued, its file already gone.
// Its River job, if still waiting, finds no import and ends.
func (i *Import) deletable() bool {
	return i.mappingEditable() || (i.Status == StatusCancelled && i.StartedAt == nil && i.RowsDone == 0)
}

// startedText says how far an import that cannot be deleted went.
func startedText(i *Import) string {
	switch i.Status {
	case StatusQueued:
		return "is queued"
	case StatusRunning:
		return "is running"
	case StatusCancelled:
		return "was cancelled"
	default:
		return i.Status
	}
}
