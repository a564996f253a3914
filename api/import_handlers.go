package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/freetext"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// ImportColumn is a column of the uploaded file.
type ImportColumn struct {
	Index          int    `json:"index"`
	Name           string `json:"name" example:"E-mail"`
	Field          string `json:"field" example:"email"`
	SuggestedField string `json:"suggested_field" example:"email"`
} //	@name	ImportColumn

// ImportMapping says how columns become contact fields and what the import
// does with them.
type ImportMapping struct {
	HasHeader     bool     `json:"has_header"`
	Columns       []string `json:"columns" enums:",email,first_name,last_name,full_name,title,seniority,department,company_name,company_domain,phone,linkedin_url,city,region,country" example:"email,first_name,last_name,,company_name"`
	MatchKeys     []string `json:"match_keys" enums:"email,linkedin_url,name_company" example:"email,linkedin_url,name_company"`
	Mode          string   `json:"mode" enums:"create_and_update,create_only,update_only"`
	Overwrite     bool     `json:"overwrite"`
	ListID        *string  `json:"list_id" extensions:"x-nullable"`
	DefaultRegion string   `json:"default_region" example:"DE"`
	Source        string   `json:"source,omitempty" enums:"vendor,platform_import,verified"`
} //	@name	ImportMapping

// ImportMappingRequest replaces an import's mapping and options.
type ImportMappingRequest struct {
	// HasHeader says whether the first row is a header (preflight guessed).
	HasHeader *bool `json:"has_header" validate:"required"`
	// Columns holds one field per column of the file, "" to ignore it:
	// email, first_name, last_name, full_name (split into first and last),
	// title, seniority, department, company_name, company_domain, phone,
	// linkedin_url, city, region, country.
	Columns []string `json:"columns" validate:"required,max=1000" enums:",email,first_name,last_name,full_name,title,seniority,department,company_name,company_domain,phone,linkedin_url,city,region,country" example:"email,first_name,last_name,,company_name"`
	// MatchKeys are tried in order; empty means every mapped key in the
	// default order (email, linkedin_url, name_company).
	MatchKeys []string `json:"match_keys,omitempty" validate:"max=3" enums:"email,linkedin_url,name_company" example:"email,name_company"`
	Mode      string   `json:"mode,omitempty" validate:"omitempty,oneof=create_and_update create_only update_only" enums:"create_and_update,create_only,update_only"`
	// Overwrite replaces non-empty fields of matched contacts the import
	// may change (the tenant's own private contacts); otherwise only
	// empty fields are filled.
	Overwrite bool `json:"overwrite,omitempty"`
	// ListID is a list of the tenant that every usable row joins.
	ListID *string `json:"list_id,omitempty" validate:"omitempty,uuid" format:"uuid"`
	// DefaultRegion reads phone numbers without a country code (ISO 3166-1
	// alpha-2); empty uses the tenant's default region.
	DefaultRegion string `json:"default_region,omitempty" validate:"omitempty,max=60" example:"DE"`
	// Source (platform imports only) is written on contacts the import
	// creates or overwrites and ranks it against existing values.
	Source string `json:"source,omitempty" enums:"vendor,platform_import,verified"`
	// Encoding reads a CSV file in another encoding than the one detected
	// (absent or the current one keeps it). A new encoding reads the file
	// again: delimiter, line endings, header columns, row count, preview
	// and suggested mapping are those of the new text, and the mapping
	// starts over from the new suggestion with this request's mode,
	// overwrite, list_id, default_region and source (its has_header,
	// columns and match_keys named the columns as read before and are not
	// used). utf-8 reads stray bytes outside UTF-8 as Windows-1252;
	// utf-8-bom leaves them invalid; macintosh is Mac OS Roman.
	Encoding string `json:"encoding,omitempty" validate:"omitempty,oneof=utf-8 utf-8-bom utf-16le utf-16be windows-1252 windows-1250 windows-1251 iso-8859-1 iso-8859-2 iso-8859-15 macintosh" enums:"utf-8,utf-8-bom,utf-16le,utf-16be,windows-1252,windows-1250,windows-1251,iso-8859-1,iso-8859-2,iso-8859-15,macintosh" example:"windows-1250"`
} //	@name	ImportMappingRequest

// ImportRowError is one reason a row is invalid, or (in warnings) one
// value a row was imported without and why, or (code ambiguous_phone) a
// phone imported as read that is to check.
type ImportRowError struct {
	Field   string `json:"field" example:"email"`
	Code    string `json:"code" example:"invalid_email"`
	Message string `json:"message" example:"\"bob@\" is not a valid email address."`
} //	@name	ImportRowError

// ImportPreviewRow is a row of the file as the mapping reads it.
type ImportPreviewRow struct {
	Row    int               `json:"row"`
	Values map[string]string `json:"values" example:"email:ann@acme.example,first_name:Zoë"`
	// Errors say why the row is invalid (usable false).
	Errors []ImportRowError `json:"errors"`
	// Warnings are the values a usable row would be imported without (not
	// in values): they fail normalization in fields the row does not need.
	// One warning keeps its value: ambiguous_phone, a workbook's number
	// cell (Excel drops a leading + or 0) that is a valid phone both read
	// in the region (the value) and with a + in front (named in the
	// message). Two keep part of it, the message naming the rest:
	// extra_emails (the first of several addresses in the cell) and
	// phone_extension (the number without its extension).
	Warnings []ImportRowError `json:"warnings"`
	Usable   bool             `json:"usable"`
} //	@name	ImportPreviewRow

// ImportCounts counts rows by outcome; updated counts matched rows that
// changed their contact.
type ImportCounts struct {
	Created   int `json:"created"`
	Matched   int `json:"matched"`
	Updated   int `json:"updated"`
	Duplicate int `json:"duplicate"`
	Invalid   int `json:"invalid"`
	// WithWarnings counts the rows (created, matched or duplicate) imported
	// without some of their values: records?has_warnings=true lists them.
	WithWarnings int `json:"with_warnings"`
} //	@name	ImportCounts

// ImportProgress is how far a run is.
type ImportProgress struct {
	// Phase is what the run does: waiting_for_slot (queued behind the
	// package's max_concurrent_jobs), rebuilding (after a database crash),
	// merging.
	Phase     string  `json:"phase" enums:",queued,waiting_for_slot,starting,rebuilding,merging,completed,failed,cancelled"`
	RowsTotal int     `json:"rows_total"`
	RowsDone  int     `json:"rows_done"`
	Percent   float64 `json:"percent" example:"42.5"`
	// Rate is rows per second over the last seconds.
	Rate       float64 `json:"rate" example:"12500"`
	ETASeconds *int    `json:"eta_seconds" extensions:"x-nullable"`
} //	@name	ImportProgress

// ImportSummary is an import in the history.
type ImportSummary struct {
	ID              string         `json:"id"`
	Scope           string         `json:"scope" enums:"tenant,platform"`
	Status          string         `json:"status" enums:"uploaded,queued,running,completed,failed,cancelled"`
	DryRun          bool           `json:"dry_run"`
	FileName        string         `json:"file_name" example:"contacts.csv"`
	FileBytes       int64          `json:"file_bytes"`
	Format          string         `json:"format" enums:"csv,xlsx"`
	RowCount        int            `json:"row_count"`
	Progress        ImportProgress `json:"progress"`
	Counts          ImportCounts   `json:"counts"`
	CancelRequested bool           `json:"cancel_requested"`
	// Error says why a failed or cancelled import ended, or what a completed one
	// notes besides its counts (its target list was deleted meanwhile).
	Error      string     `json:"error"`
	CreatedBy  *string    `json:"created_by" extensions:"x-nullable"`
	StartedBy  *string    `json:"started_by" extensions:"x-nullable"`
	CreatedAt  time.Time  `json:"created_at" format:"date-time"`
	QueuedAt   *time.Time `json:"queued_at" format:"date-time" extensions:"x-nullable"`
	StartedAt  *time.Time `json:"started_at" format:"date-time" extensions:"x-nullable"`
	FinishedAt *time.Time `json:"finished_at" format:"date-time" extensions:"x-nullable"`
	UpdatedAt  time.Time  `json:"updated_at" format:"date-time"`
	// FileRemovedAt is when the uploaded file was removed: after a run, or
	// after IMPORT_FILE_RETENTION (default 7 days) without one (for a run
	// the monthly quota stopped, counted from the quota's reset). An import
	// without its file cannot start; upload the file again.
	FileRemovedAt *time.Time `json:"file_removed_at" format:"date-time" extensions:"x-nullable"`
} //	@name	ImportSummary

// ImportResponse is an import with its preflight: what the file is, how
// its columns map, and the first rows as the mapping reads them.
type ImportResponse struct {
	ImportSummary
	// Encoding is the one the file is read in: detected at upload (UTF-8
	// with or without BOM, UTF-16, or for other files the code page their
	// words read best in: Windows-1252, Windows-1250, Windows-1251,
	// ISO-8859-2), or chosen with PUT mapping. Workbooks are utf-8.
	Encoding      string `json:"encoding" enums:"utf-8,utf-8-bom,utf-16le,utf-16be,windows-1252,windows-1250,windows-1251,iso-8859-1,iso-8859-2,iso-8859-15,macintosh"`
	Delimiter     string `json:"delimiter" example:";"`
	DelimiterName string `json:"delimiter_name" enums:"comma,semicolon,tab,pipe"`
	LineEnding    string `json:"line_ending" enums:"lf,crlf,cr,mixed,none"`
	// SkippedRows is the number of the last row above the table (Excel's
	// "sep=;" line, notes such as LinkedIn's export starts with, a title
	// of one value or several),
	// which are not read; 0 when the table starts in the first row.
	SkippedRows int `json:"skipped_rows"`
	// Sheet is the sheet of a workbook that was read: the one named by
	// the upload's sheet field, otherwise the one the workbook opens on
	// (or, when that one is empty or hidden, the first visible sheet with
	// data);
	// SheetCount is how many sheets the workbook has, Sheets lists them
	// (upload the file again with a sheet field to read another). "", 0
	// and [] for a CSV file.
	Sheet      string        `json:"sheet" example:"Contacts"`
	SheetCount int           `json:"sheet_count" example:"1"`
	Sheets     []ImportSheet `json:"sheets"`
	// FormulasWithoutResult counts the formula cells of the sheet read
	// whose result the file does not hold: they read as empty, or as 0
	// when the program that wrote the workbook put one there (openpyxl,
	// XlsxWriter and other libraries write formulas without computing
	// them). Opening the workbook in Excel or LibreOffice and saving it
	// computes them. FirstFormulaWithoutResult is the first such cell
	// ("D2"). 0 and "" for a CSV file.
	FormulasWithoutResult     int                `json:"formulas_without_result" example:"0"`
	FirstFormulaWithoutResult string             `json:"first_formula_without_result" example:""`
	HasHeader                 bool               `json:"has_header"`
	Columns                   []ImportColumn     `json:"columns"`
	SuggestedMapping          ImportMapping      `json:"suggested_mapping"`
	Mapping                   ImportMapping      `json:"mapping"`
	Preview                   []ImportPreviewRow `json:"preview"`
} //	@name	Import

// ImportSheet is one sheet of an uploaded workbook.
type ImportSheet struct {
	Name string `json:"name" example:"Contacts"`
	// HasData says whether any of the sheet's cells holds a value.
	HasData bool `json:"has_data"`
	// Hidden sheets can be chosen as well; Excel does not show them.
	Hidden bool `json:"hidden"`
} //	@name	ImportSheet

// ImportList is a page of the import history, newest first.
type ImportList struct {
	Items      []ImportSummary `json:"items"`
	NextCursor string          `json:"next_cursor"`
} //	@name	ImportList

// ImportRecordResponse is what happened to one row.
type ImportRecordResponse struct {
	Row         int              `json:"row"`
	Outcome     string           `json:"outcome" enums:"created,matched,duplicate,invalid"`
	ContactID   *string          `json:"contact_id" extensions:"x-nullable"`
	DuplicateOf *int             `json:"duplicate_of" extensions:"x-nullable"`
	Updated     bool             `json:"updated"`
	Errors      []ImportRowError `json:"errors"`
	// Warnings are the values the row was imported without, each with its
	// field and why (empty for invalid rows): they failed normalization in
	// fields the row does not need to be usable, so they were left out of
	// the contact (never replacing a value it had). The exception is
	// ambiguous_phone: a phone from a workbook's number cell, valid both as
	// read in the region (imported) and with a + in front (named in the
	// message), to check; and extra_emails and phone_extension, whose
	// value was imported in part (the first of several addresses, the
	// number without its extension), the message naming the rest.
	Warnings []ImportRowError `json:"warnings"`
	// Values are the original fields of an invalid row or a row with
	// warnings.
	Values []string `json:"values,omitempty"`
	// Contact is the row's contact as it is now, as the tenant sees it
	// (its corrections in place); absent for invalid rows
	// and for a dry run's would-be new contacts. A dry run (free of import
	// rows) names no shared contact the tenant has not saved, and none at
	// all to an API key without saved:read: contact_id is null and contact
	// absent for such a match until the real run.
	Contact *ImportRecordContact `json:"contact,omitempty"`
} //	@name	ImportRecord

// ImportRecordContact summarizes a record's contact.
type ImportRecordContact struct {
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Email       string `json:"email"`
	Title       string `json:"title"`
	CompanyName string `json:"company_name"`
} //	@name	ImportRecordContact

// ImportRecordList is a page of records in row order.
type ImportRecordList struct {
	Items      []ImportRecordResponse `json:"items"`
	NextCursor string                 `json:"next_cursor"`
} //	@name	ImportRecordList

func toImportMapping(m imports.Mapping) ImportMapping {
	out := ImportMapping{HasHeader: m.HasHeader, Columns: m.Columns, MatchKeys: m.MatchKeys, Mode: m.Mode,
		Overwrite: m.Overwrite, DefaultRegion: m.DefaultRegion, Source: m.Source}
	if out.Columns == nil {
		out.Columns = []string{}
	}
	if out.MatchKeys == nil {
		out.MatchKeys = []string{}
	}
	out.ListID = idString(m.ListID)
	return out
}

func toRowErrors(errs []imports.RowError) []ImportRowError {
	out := make([]ImportRowError, len(errs))
	for i, e := range errs {
		out[i] = ImportRowError{Field: e.Field, Code: e.Code, Message: e.Message}
	}
	return out
}

func toImportSummary(imp *imports.Import) ImportSummary {
	scope := "tenant"
	if imp.IsPlatform() {
		scope = "platform"
	}
	c := imp.Counts
	return ImportSummary{ID: imp.ID.String(), Scope: scope, Status: imp.Status, DryRun: imp.DryRun, FileName: imp.FileName,
		FileBytes: imp.FileBytes, Format: imp.Format.Kind, RowCount: imp.RowCount(),
		Progress: ImportProgress{Phase: imp.Phase, RowsTotal: imp.RowsTotal, RowsDone: imp.RowsDone, Percent: imp.Percent(),
			Rate: imp.Rate, ETASeconds: imp.ETASeconds},
		Counts: ImportCounts{Created: c.Created, Matched: c.Matched, Updated: c.Updated, Duplicate: c.Duplicate, Invalid: c.Invalid,
			WithWarnings: c.WithWarnings},
		CancelRequested: imp.CancelRequested, Error: imp.Error, CreatedBy: idString(imp.CreatedBy),
		StartedBy: idString(imp.StartedBy), CreatedAt: imp.CreatedAt.UTC(), QueuedAt: utcPtr(imp.QueuedAt),
		StartedAt: utcPtr(imp.StartedAt), FinishedAt: utcPtr(imp.FinishedAt), UpdatedAt: imp.UpdatedAt.UTC(),
		FileRemovedAt: utcPtr(imp.FileRemovedAt)}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toImport(imp *imports.Import) ImportResponse {
	out := ImportResponse{ImportSummary: toImportSummary(imp), Encoding: imp.Format.Encoding, Delimiter: imp.Format.Delimiter,
		DelimiterName: imports.DelimiterName(imp.Format.Delimiter), LineEnding: imp.Format.LineEnding,
		SkippedRows: imp.Format.SkipRecords, Sheet: imp.Format.Sheet, SheetCount: imp.Format.SheetCount,
		FormulasWithoutResult: imp.Format.FormulasWithoutResult, FirstFormulaWithoutResult: imp.Format.FirstFormulaWithoutResult, HasHeader: imp.Mapping.HasHeader, SuggestedMapping: toImportMapping(imp.SuggestedMapping),
		Mapping: toImportMapping(imp.Mapping), Preview: make([]ImportPreviewRow, len(imp.PreviewRows)),
		Sheets: make([]ImportSheet, len(imp.Format.Sheets))}
	for i, sh := range imp.Format.Sheets {
		out.Sheets[i] = ImportSheet{Name: sh.Name, HasData: sh.HasData, Hidden: sh.Hidden}
	}
	for i, name := range imp.Columns() {
		col := ImportColumn{Index: i, Name: name}
		if i < len(imp.Mapping.Columns) {
			col.Field = imp.Mapping.Columns[i]
		}
		if i < len(imp.SuggestedMapping.Columns) {
			col.SuggestedField = imp.SuggestedMapping.Columns[i]
		}
		out.Columns = append(out.Columns, col)
	}
	if out.Columns == nil {
		out.Columns = []ImportColumn{}
	}
	for i, r := range imp.PreviewRows {
		out.Preview[i] = ImportPreviewRow{Row: r.Row, Values: r.Values, Errors: toRowErrors(r.Errors),
			Warnings: toRowErrors(r.Warnings), Usable: r.Usable}
	}
	return out
}

// userOf is the person behind the request, nil for an API key.
func userOf(c echo.Context) *uuid.UUID {
	p := principal(c)
	if p.IsAPIKey() || p.UserID == uuid.Nil {
		return nil
	}
	id := p.UserID
	return &id
}

// maxSheetField bounds the sheet part: Excel's sheet names have at most 31
// characters.
const maxSheetField = 1024

// uploadImport streams the multipart part named "file" into the service,
// reading the workbook's sheet to import from a part named "sheet" before
// it.
func (s *Server) uploadImport(c echo.Context, tenantID uuid.UUID) error {
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEMultipartForm {
		return apperr.Errorf(apperr.EUNSUPPORTED, "Content-Type must be multipart/form-data with the file in a part named \"file\".")
	}
	mr, err := req.MultipartReader()
	if err != nil {
		return apperr.Errorf(apperr.EMALFORMED, "The multipart body could not be read.")
	}
	sheet := ""
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return apperr.Invalid("No file was uploaded.", apperr.FieldError{Field: "file", Message: "is required"})
		}
		if err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				return tooLarge(maxErr.Limit)
			}
			return apperr.Errorf(apperr.EMALFORMED, "The multipart body could not be read.")
		}
		switch part.FormName() {
		case "file":
			return s.uploadPart(c, tenantID, part, sheet, mr)
		case "sheet":
			if sheet, err = sheetField(part); err != nil {
				return err
			}
		default:
			_, _ = io.Copy(io.Discard, part)
		}
	}
}

// sheetField reads the sheet part: a sheet name, text as freetext has it
// (UTF-8 without control characters), kept as typed otherwise, since it
// must match the workbook's own spelling.
func sheetField(part *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxSheetField+1))
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return "", tooLarge(maxErr.Limit)
		}
		return "", apperr.Errorf(apperr.EMALFORMED, "The multipart body could not be read.")
	}
	v := strings.TrimSpace(string(b))
	switch {
	case len(b) > maxSheetField:
		return "", apperr.Invalid("The sheet name is too long.", apperr.FieldError{Field: "sheet", Message: "is longer than a sheet name can be"})
	case !utf8.ValidString(v) || freetext.HasControl(v):
		return "", apperr.Invalid("The sheet name is not valid UTF-8 text.", apperr.FieldError{Field: "sheet", Message: "must be UTF-8 text without control characters"})
	}
	return v, nil
}

// afterFile is the file part's body that, at its end, reads the parts
// after it: a sheet part there comes too late to choose what the upload
// reads, and is refused rather than ignored.
type afterFile struct {
	part *multipart.Part
	mr   *multipart.Reader
	done bool
}

func (a *afterFile) Read(p []byte) (int, error) {
	if a.done {
		return 0, io.EOF
	}
	n, err := a.part.Read(p)
	if !errors.Is(err, io.EOF) {
		return n, err
	}
	a.done = true
	for {
		next, nerr := a.mr.NextPart()
		if nerr != nil { // the end, or a damaged envelope after the file, which was never read
			return n, io.EOF
		}
		if next.FormName() == "sheet" {
			return n, apperr.Invalid("The sheet field must come before the file in the multipart body.",
				apperr.FieldError{Field: "sheet", Message: "must come before file"})
		}
		_, _ = io.Copy(io.Discard, next)
	}
}

func (s *Server) uploadPart(c echo.Context, tenantID uuid.UUID, part *multipart.Part, sheet string, mr *multipart.Reader) error {
	imp, err := s.svc.Imports.Upload(c.Request().Context(), tenantID, imports.UploadParams{FileName: part.FileName(),
		Body: &afterFile{part: part, mr: mr}, Size: c.Request().ContentLength, UserID: userOf(c), Sheet: sheet})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toImport(imp))
}

func (s *Server) setMapping(c echo.Context, tenantID uuid.UUID) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req ImportMappingRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	m := imports.Mapping{HasHeader: *req.HasHeader, Columns: req.Columns, MatchKeys: req.MatchKeys, Mode: req.Mode,
		Overwrite: req.Overwrite, DefaultRegion: req.DefaultRegion, Source: req.Source}
	if req.ListID != nil {
		l := uuid.MustParse(*req.ListID)
		m.ListID = &l
	}
	imp, err := s.svc.Imports.SetMappingAndEncoding(c.Request().Context(), tenantID, id, m, req.Encoding)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toImport(imp))
}

func (s *Server) startRun(c echo.Context, tenantID uuid.UUID) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	dry, err := queryBool(c, "dry_run")
	if err != nil {
		return err
	}
	imp, err := s.svc.Imports.Start(c.Request().Context(), tenantID, id, imports.StartParams{DryRun: dry != nil && *dry, UserID: userOf(c)})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, toImport(imp))
}

func (s *Server) cancelRun(c echo.Context, tenantID uuid.UUID) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	imp, err := s.svc.Imports.Cancel(c.Request().Context(), tenantID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, toImport(imp))
}

func (s *Server) deleteRun(c echo.Context, tenantID uuid.UUID) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Imports.Delete(c.Request().Context(), tenantID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) listRuns(c echo.Context, tenantID uuid.UUID) error {
	limit, err := queryLimit(c, 25, 100)
	if err != nil {
		return err
	}
	page, err := s.svc.Imports.List(c.Request().Context(), tenantID, imports.ListParams{Status: c.QueryParam("status"),
		Limit: limit, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return err
	}
	out := ImportList{Items: make([]ImportSummary, len(page.Items)), NextCursor: page.NextCursor}
	for i, imp := range page.Items {
		out.Items[i] = toImportSummary(imp)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) getRun(c echo.Context, tenantID uuid.UUID) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	imp, err := s.svc.Imports.Get(c.Request().Context(), tenantID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toImport(imp))
}

func (s *Server) listRecords(c echo.Context, tenantID uuid.UUID) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, 100, 1000)
	if err != nil {
		return err
	}
	warned, err := queryBool(c, "has_warnings")
	if err != nil {
		return err
	}
	// Which matched shared contacts a dry run shows depends on the saved
	// state, data of saved:read (see shapeContacts).
	page, err := s.svc.Imports.Records(c.Request().Context(), tenantID, id, imports.RecordParams{
		Outcome: c.QueryParam("outcome"), HasWarnings: warned, Limit: limit, Cursor: c.QueryParam("cursor"),
		HideSaved: tenantID != imports.Platform && principal(c).Can(tenancy.PermSavedRead) != nil})
	if err != nil {
		return err
	}
	out := ImportRecordList{Items: make([]ImportRecordResponse, len(page.Items)), NextCursor: page.NextCursor}
	for i, r := range page.Items {
		out.Items[i] = ImportRecordResponse{Row: r.Row, Outcome: r.Outcome, ContactID: idString(r.ContactID),
			DuplicateOf: r.DuplicateOf, Updated: r.Updated, Errors: toRowErrors(r.Errors), Warnings: toRowErrors(r.Warnings),
			Values: r.Values}
		if ct := r.Contact; ct != nil {
			out.Items[i].Contact = &ImportRecordContact{FirstName: ct.FirstName, LastName: ct.LastName, Email: ct.Email,
				Title: ct.Title, CompanyName: ct.CompanyName}
		}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) errorsCSV(c echo.Context, tenantID uuid.UUID) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="import-%s-errors.csv"`, id))
	// The service finds the import before the first byte: a miss is still
	// a problem document.
	return s.svc.Imports.WriteErrorsCSV(c.Request().Context(), tenantID, id, &lazyWriter{c: c})
}

// createImport godoc
//
//	@Summary			Upload a file to import
//	@Description		Multipart upload (part "file") of a CSV or XLSX file, stored in the database in 1 MiB chunks so any worker can process it. The file may be as large as the package allows (max_import_file_bytes; 413 names the cap). Answers the preflight: format, encoding (UTF-8 with or without BOM, UTF-16 with or without BOM, otherwise the code page the file's words read best in: Windows-1252, Windows-1250, Windows-1251 or ISO-8859-2; PUT mapping can choose another), delimiter (comma, semicolon, tab, pipe), line endings, header columns, the exact row count, a suggested mapping (also the starting mapping) and the first 20 rows as the mapping reads them. For an XLSX workbook the preflight names the sheet read and lists the workbook's sheets (name, has_data, hidden); upload the file again with a sheet field to read another. Empty, binary or unreadable files and files with more than 1,000 columns are 422. API key scope: imports:write.
//	@ID					createImport
//	@Tags				imports
//	@Accept				multipart/form-data
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["imports:write"]
//	@Param				sheet					formData	string	false	"XLSX only: the sheet to read, by name (exact, or else ignoring case), as the preflight's sheets list them; sent before the file part. Without it the sheet the workbook opens on is read, or when that one is empty the first visible sheet with data. A name the workbook does not have, an empty sheet, or a sheet for a CSV file is 422."
//	@Param				file					formData	file	true	"CSV or XLSX file"
//	@Success			201						{object}	ImportResponse
//	@Failure			400						{object}	Problem
//	@Failure			401						{object}	Problem
//	@Failure			403						{object}	Problem
//	@Failure			413						{object}	Problem	"file-too-large: names the package's cap"
//	@Failure			415						{object}	Problem
//	@Failure			422						{object}	Problem
//	@Failure			429						{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				201,400,403,413,415,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				201,400,403,413,415,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				201,400,403,413,415,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429						{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429						{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429						{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429						{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/imports [post]
func (s *Server) createImport(c echo.Context) error {
	return s.uploadImport(c, principal(c).TenantID)
}

// listImports godoc
//
//	@Summary			Import history
//	@Description		The tenant's imports, newest first. API key scope: imports:read.
//	@ID					listImports
//	@Tags				imports
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["imports:read"]
//	@Param				status			query		string	false	"Only imports in this status"	Enums(uploaded, queued, running, completed, failed, cancelled)
//	@Param				limit			query		int		false	"1 to 100 (default 25)"			minimum(1)	maximum(100)	default(25)
//	@Param				cursor			query		string	false	"next_cursor of the previous page"
//	@Success			200				{object}	ImportList
//	@Failure			400				{object}	Problem
//	@Failure			401				{object}	Problem
//	@Failure			403				{object}	Problem
//	@Failure			422				{object}	Problem
//	@Failure			429				{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,400,403,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,400,403,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429				{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429				{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429				{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429				{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/imports [get]
func (s *Server) listImports(c echo.Context) error { return s.listRuns(c, principal(c).TenantID) }

// getImport godoc
//
//	@Summary			An import
//	@Description		Preflight, mapping, preview, status and progress (rows done, counts by outcome, rate, ETA; written at least once a second while it runs). API key scope: imports:read.
//	@ID					getImport
//	@Tags				imports
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["imports:read"]
//	@Param				id			path		string	true	"Import id"
//	@Success			200			{object}	ImportResponse
//	@Failure			401			{object}	Problem
//	@Failure			403			{object}	Problem
//	@Failure			404			{object}	Problem
//	@Failure			429			{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,403,404	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,403,404	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,403,404	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429			{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429			{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429			{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429			{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/imports/{id} [get]
func (s *Server) getImport(c echo.Context) error { return s.getRun(c, principal(c).TenantID) }

// setImportMapping godoc
//
//	@Summary			Set the mapping
//	@Description		Replaces the mapping and options of an import that has not started (or only dry-ran) and answers the new preview. A change after a dry run discards it (its counts and records were of the old mapping): the import is uploaded again, ready for another dry run or the start. A row is usable with an email, a LinkedIn URL, or first and last name with company. encoding reads a CSV file in another encoding (the detected one can be wrong: "£ukasz" is "Łukasz" in windows-1250): the file is read again, the answer's header columns, row count, preview and suggested mapping are of the new text, and the mapping starts over from that suggestion with the request's options (its has_header, columns and match_keys are not used). 409 once it started for real, or for a new encoding when the file was removed; 422 names each bad field (a column mapped twice, a match key whose column is not mapped, a list that does not exist, an encoding not in the list, or one for a workbook or one the file does not read as text in). API key scope: imports:write.
//	@ID					setImportMapping
//	@Tags				imports
//	@Accept				json
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["imports:write"]
//	@Param				id								path		string					true	"Import id"
//	@Param				body							body		ImportMappingRequest	true	"Mapping"
//	@Success			200								{object}	ImportResponse
//	@Failure			400								{object}	Problem
//	@Failure			401								{object}	Problem
//	@Failure			403								{object}	Problem
//	@Failure			404								{object}	Problem
//	@Failure			409								{object}	Problem
//	@Failure			413								{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure			415								{object}	Problem	"Content-Type is not application/json"
//	@Failure			422								{object}	Problem
//	@Failure			429								{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,400,403,404,409,413,415,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,404,409,413,415,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,400,403,404,409,413,415,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429								{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429								{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429								{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429								{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/imports/{id}/mapping [put]
func (s *Server) setImportMapping(c echo.Context) error {
	return s.setMapping(c, principal(c).TenantID)
}

// startImport godoc
//
//	@Summary			Start an import
//	@Description		Queues the import's background job. dry_run=true computes every row's outcome (records, counts, errors.csv) without writing contacts; a real start after a dry run starts over; a start of a failed import resumes it. The tenant's import_rows_per_month is checked first for every row of the file, as the invalid ones are known only once read (429 says how many rows remain), and metered as rows merge: created, matched and duplicate rows count, invalid ones never do. Imports beyond the package's max_concurrent_jobs wait with status queued. API key scope: imports:write.
//	@ID					startImport
//	@Tags				imports
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["imports:write"]
//	@Param				id					path		string	true	"Import id"
//	@Param				dry_run				query		bool	false	"Compute outcomes without writing contacts"
//	@Param				Idempotency-Key		header		string	false	"A key of yours (1 to 255 visible ASCII characters, a UUID say) that makes a retry safe: the same key and request within 24 hours answers the first answer again instead of running twice"
//	@Success			202					{object}	ImportResponse
//	@Failure			401					{object}	Problem
//	@Failure			403					{object}	Problem
//	@Failure			404					{object}	Problem
//	@Failure			409					{object}	Problem
//	@Failure			422					{object}	Problem
//	@Failure			429					{object}	Problem							"quota-exceeded (import_rows: names the rows that remain), or rate-limited"
//	@Header				202,403,404,409,422	{integer}	RateLimit-Limit					"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				202,403,404,409,422	{integer}	RateLimit-Remaining				"API-key requests: requests left in the current minute"
//	@Header				202,403,404,409,422	{integer}	RateLimit-Reset					"API-key requests: seconds until the minute ends"
//	@Header				429					{integer}	RateLimit-Limit					"rate-limited: requests allowed per minute; quota-exceeded: the monthly quota"
//	@Header				429					{integer}	RateLimit-Remaining				"rate-limited: requests left this minute (0); quota-exceeded: what remains of the monthly quota"
//	@Header				429					{integer}	RateLimit-Reset					"rate-limited: seconds until the minute ends; quota-exceeded: seconds until the quota resets"
//	@Header				429					{integer}	Retry-After						"Seconds to wait before retrying"
//	@Header				429					{integer}	X-Quota-Import-Rows-Limit		"The monthly quota (quota-exceeded only)"
//	@Header				429					{integer}	X-Quota-Import-Rows-Used		"Used this month (quota-exceeded only)"
//	@Header				429					{integer}	X-Quota-Import-Rows-Remaining	"Left this month (quota-exceeded only)"
//	@Header				429					{string}	X-Quota-Import-Rows-Reset		"When the quota resets, RFC 3339 (quota-exceeded only)"
//	@Header				202					{string}	Idempotent-Replayed				"true when this is the stored answer to an earlier request with the same Idempotency-Key"
//	@Header				409					{integer}	Retry-After						"idempotency-key-in-use: seconds to wait before retrying (1); absent on the other 409s"
//	@Router				/imports/{id}/start [post]
func (s *Server) startImport(c echo.Context) error { return s.startRun(c, principal(c).TenantID) }

// cancelImport godoc
//
//	@Summary			Cancel an import
//	@Description		A queued import is cancelled at once; a running one stops within two seconds (cancel_requested until then), keeping the rows merged so far, each with its record. 409 when it already finished. API key scope: imports:write.
//	@ID					cancelImport
//	@Tags				imports
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["imports:write"]
//	@Param				id				path		string	true	"Import id"
//	@Success			202				{object}	ImportResponse
//	@Failure			401				{object}	Problem
//	@Failure			403				{object}	Problem
//	@Failure			404				{object}	Problem
//	@Failure			409				{object}	Problem
//	@Failure			429				{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				202,403,404,409	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				202,403,404,409	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				202,403,404,409	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429				{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429				{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429				{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429				{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/imports/{id}/cancel [post]
func (s *Server) cancelImport(c echo.Context) error { return s.cancelRun(c, principal(c).TenantID) }

// deleteImport godoc
//
//	@Summary			Delete an import that never started
//	@Description		Removes an import that has not started (status uploaded, a dry run that ended, or cancelled before it ran: started_at null; none wrote a contact) with its stored file and any dry-run records: the upload of a wrong file, or of a workbook's sheet replaced by another. Audited (import.deleted). 409 for an import queued, running or run (also one cancelled after it started): it stays in the history as the record of what it did to contacts. API key scope: imports:write.
//	@ID					deleteImport
//	@Tags				imports
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["imports:write"]
//	@Param				id	path	string	true	"Import id"
//	@Success			204
//	@Failure			401				{object}	Problem
//	@Failure			403				{object}	Problem
//	@Failure			404				{object}	Problem
//	@Failure			409				{object}	Problem
//	@Failure			429				{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				204,403,404,409	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				204,403,404,409	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				204,403,404,409	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429				{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429				{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429				{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429				{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/imports/{id} [delete]
func (s *Server) deleteImport(c echo.Context) error { return s.deleteRun(c, principal(c).TenantID) }

// listImportRecords godoc
//
//	@Summary			Import records
//	@Description		What happened to each row, in row order (row numbers count the header as row 1, as a spreadsheet does): created, matched, duplicate (duplicate_of is the first row), invalid (errors, and the original values). A row is invalid only when it is not usable (no valid email, LinkedIn URL, or first and last name with company) or could not be read whole; a value that fails in a field the row does not need (a phone that is not a number, a malformed email beside a good LinkedIn URL) is left out of the contact and listed in the row's warnings (with the original values); has_warnings=true lists those rows. A dry run costs no import rows, so its records withhold the shared contacts that rows matched (contact_id null, no contact) unless the tenant has saved them, and withhold them all, saved or not, from an API key without saved:read (which the records would otherwise tell which are saved); the real run shows them. API key scope: imports:read.
//	@ID					listImportRecords
//	@Tags				imports
//	@Produce			json
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["imports:read"]
//	@Param				id					path		string	true	"Import id"
//	@Param				outcome				query		string	false	"Only rows with this outcome"	Enums(created, matched, duplicate, invalid)
//	@Param				has_warnings		query		bool	false	"Only rows with warnings (true) or only rows without (false)"
//	@Param				limit				query		int		false	"1 to 1000 (default 100)"	minimum(1)	maximum(1000)	default(100)
//	@Param				cursor				query		string	false	"next_cursor of the previous page"
//	@Success			200					{object}	ImportRecordList
//	@Failure			400					{object}	Problem
//	@Failure			401					{object}	Problem
//	@Failure			403					{object}	Problem
//	@Failure			404					{object}	Problem
//	@Failure			422					{object}	Problem
//	@Failure			429					{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,400,403,404,422	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,400,403,404,422	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,400,403,404,422	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429					{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429					{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429					{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429					{integer}	Retry-After			"Seconds to wait before retrying"
//	@Router				/imports/{id}/records [get]
func (s *Server) listImportRecords(c echo.Context) error {
	return s.listRecords(c, principal(c).TenantID)
}

// importErrorsCSV godoc
//
//	@Summary			Invalid rows and dropped values as CSV
//	@Description		The invalid rows, and the rows imported without some of their values (warnings), with the file's original header row (none if the upload had none) and columns, then an error column (an invalid row's "Row 7: ...") and, when some rows have warnings, a dropped column (such a row's "Row 9 was imported without these values. Phone: ..."), UTF-8 in the upload's dialect: its delimiter (a workbook's: comma), and a byte order mark unless the upload was plain UTF-8 (so that Excel, which wrote it, reads the accents). Cells that start with = + - @ (or their fullwidth and small forms), TAB or CR get a leading apostrophe so spreadsheets do not run them as formulas. API key scope: imports:read.
//	@ID					importErrorsCSV
//	@Tags				imports
//	@Produce			text/csv
//	@Security			BearerAuth
//	@Security			ApiKeyAuth
//	@x-required-scopes	["imports:read"]
//	@Param				id			path		string	true	"Import id"
//	@Success			200			{file}		file
//	@Failure			401			{object}	Problem
//	@Failure			403			{object}	Problem
//	@Failure			404			{object}	Problem
//	@Failure			429			{object}	Problem				"rate-limited: the API key's requests per minute are used up, or too many refused keys came from this address"
//	@Header				200,403,404	{integer}	RateLimit-Limit		"API-key requests: requests allowed per minute (the package's api_requests_per_minute)"
//	@Header				200,403,404	{integer}	RateLimit-Remaining	"API-key requests: requests left in the current minute"
//	@Header				200,403,404	{integer}	RateLimit-Reset		"API-key requests: seconds until the minute ends"
//	@Header				429			{integer}	RateLimit-Limit		"rate-limited: requests allowed per minute"
//	@Header				429			{integer}	RateLimit-Remaining	"rate-limited: requests left this minute (0)"
//	@Header				429			{integer}	RateLimit-Reset		"rate-limited: seconds until the minute ends"
//	@Header				429			{integer}	Retry-After			"Seconds to wait before retrying"
//	@Header				200			{string}	Content-Disposition	"attachment, file name import-<id>-errors.csv"
//	@Router				/imports/{id}/errors.csv [get]
func (s *Server) importErrorsCSV(c echo.Context) error { return s.errorsCSV(c, principal(c).TenantID) }

// createPlatformImport godoc
//
//	@Summary		Upload a file into the shared database
//	@Description	System admins. Like POST /imports, for the shared contact database: contacts it creates belong to no tenant, and existing canonical records are updated by source precedence (mapping.source). Files up to 4 GiB.
//	@ID				createPlatformImport
//	@Tags			admin
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			sheet	formData	string	false	"XLSX only: the sheet to read, as for POST /imports; sent before the file part."
//	@Param			file	formData	file	true	"CSV or XLSX file"
//	@Success		201		{object}	ImportResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/admin/imports [post]
func (s *Server) createPlatformImport(c echo.Context) error {
	return s.uploadImport(c, imports.Platform)
}

// listPlatformImports godoc
//
//	@Summary		Platform import history
//	@Description	Imports into the shared database, newest first (system admins and support).
//	@ID				listPlatformImports
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			status	query		string	false	"Only imports in this status"	Enums(uploaded, queued, running, completed, failed, cancelled)
//	@Param			limit	query		int		false	"1 to 100 (default 25)"			minimum(1)	maximum(100)	default(25)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	ImportList
//	@Failure		400		{object}	Problem	"A cursor that is not valid"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/admin/imports [get]
func (s *Server) listPlatformImports(c echo.Context) error { return s.listRuns(c, imports.Platform) }

// getPlatformImport godoc
//
//	@Summary		A platform import
//	@Description	System admins and support.
//	@ID				getPlatformImport
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Import id"
//	@Success		200	{object}	ImportResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/admin/imports/{id} [get]
func (s *Server) getPlatformImport(c echo.Context) error { return s.getRun(c, imports.Platform) }

// setPlatformImportMapping godoc
//
//	@Summary		Set a platform import's mapping
//	@Description	System admins. As PUT /imports/{id}/mapping; source (vendor, platform_import, verified) decides precedence over existing values, and there is no target list.
//	@ID				setPlatformImportMapping
//	@Tags			admin
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string					true	"Import id"
//	@Param			body	body		ImportMappingRequest	true	"Mapping"
//	@Success		200		{object}	ImportResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/admin/imports/{id}/mapping [put]
func (s *Server) setPlatformImportMapping(c echo.Context) error {
	return s.setMapping(c, imports.Platform)
}

// startPlatformImport godoc
//
//	@Summary		Start a platform import
//	@Description	System admins. As POST /imports/{id}/start; platform imports run one at a time and are not metered.
//	@ID				startPlatformImport
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string	true	"Import id"
//	@Param			dry_run	query		bool	false	"Compute outcomes without writing contacts"
//	@Success		202		{object}	ImportResponse
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/admin/imports/{id}/start [post]
func (s *Server) startPlatformImport(c echo.Context) error { return s.startRun(c, imports.Platform) }

// cancelPlatformImport godoc
//
//	@Summary		Cancel a platform import
//	@Description	System admins. As POST /imports/{id}/cancel.
//	@ID				cancelPlatformImport
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Import id"
//	@Success		202	{object}	ImportResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem
//	@Router			/admin/imports/{id}/cancel [post]
func (s *Server) cancelPlatformImport(c echo.Context) error { return s.cancelRun(c, imports.Platform) }

// deletePlatformImport godoc
//
//	@Summary		Delete a platform import that never started
//	@Description	System admins. As DELETE /imports/{id}.
//	@ID				deletePlatformImport
//	@Tags			admin
//	@Security		BearerAuth
//	@Param			id	path	string	true	"Import id"
//	@Success		204
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem
//	@Router			/admin/imports/{id} [delete]
func (s *Server) deletePlatformImport(c echo.Context) error { return s.deleteRun(c, imports.Platform) }

// listPlatformImportRecords godoc
//
//	@Summary		Platform import records
//	@Description	System admins and support. As GET /imports/{id}/records.
//	@ID				listPlatformImportRecords
//	@Tags			admin
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id				path		string	true	"Import id"
//	@Param			outcome			query		string	false	"Only rows with this outcome"	Enums(created, matched, duplicate, invalid)
//	@Param			has_warnings	query		bool	false	"Only rows with warnings (true) or only rows without (false)"
//	@Param			limit			query		int		false	"1 to 1000 (default 100)"	minimum(1)	maximum(1000)	default(100)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Success		200				{object}	ImportRecordList
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Router			/admin/imports/{id}/records [get]
func (s *Server) listPlatformImportRecords(c echo.Context) error {
	return s.listRecords(c, imports.Platform)
}

// platformImportErrorsCSV godoc
//
//	@Summary		Invalid rows of a platform import as CSV
//	@Description	System admins and support. As GET /imports/{id}/errors.csv.
//	@ID				platformImportErrorsCSV
//	@Tags			admin
//	@Produce		text/csv
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Import id"
//	@Success		200	{file}		file
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Header			200	{string}	Content-Disposition	"attachment, file name import-<id>-errors.csv"
//	@Router			/admin/imports/{id}/errors.csv [get]
func (s *Server) platformImportErrorsCSV(c echo.Context) error {
	return s.errorsCSV(c, imports.Platform)
}
