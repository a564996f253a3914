package imports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db"
)

// importRow is the imports table.
type importRow struct {
	ID             uuid.UUID
	TenantID       *uuid.UUID
	CreatedBy      *uuid.UUID
	StartedBy      *uuid.UUID
	Status         string
	DryRun         bool
	FileName       string
	FileBytes      int64
	FileChunks     int
	Format         string
	Encoding       string
	Delimiter      string
	LineEnding     string
	SkipRecords    int
	Sheet          string
	SheetCount     int
	Sheets         []byte `gorm:"type:jsonb"`
	NumericColumns []byte `gorm:"type:jsonb"`
	// FormulasWithoutResult and FirstFormulaWithoutResult: Format's.
	FormulasWithoutResult     int
	FirstFormulaWithoutResult string
	Header                    []byte `gorm:"type:jsonb"`
	Sample                    []byte `gorm:"type:jsonb"`
	Records                   int
	SuggestedMapping          []byte `gorm:"type:jsonb"`
	Mapping                   []byte `gorm:"type:jsonb"`
	Phase                     string
	RowsTotal                 int
	RowsDone                  int
	MergedThrough             int
	CreatedCount              int
	MatchedCount              int
	UpdatedCount              int
	DuplicateCount            int
	InvalidCount              int
	WarningCount              int
	Rate                      float64
	EtaSeconds                *int
	ResetPending              bool
	CancelRequested           bool
	Error                     string
	HeartbeatAt               *time.Time
	QueuedAt                  *time.Time
	StartedAt                 *time.Time
	FinishedAt                *time.Time
	CreatedAt                 time.Time
	UpdatedAt                 time.Time
	FileRemovedAt             *time.Time
	QuotaResetAt              *time.Time // stopped by the monthly quota: when it resets
}

func (importRow) TableName() string { return "imports" }

func (r *importRow) toImport() (*Import, error) {
	imp := &Import{
		ID: r.ID, CreatedBy: r.CreatedBy, StartedBy: r.StartedBy, Status: r.Status, DryRun: r.DryRun,
		FileName: r.FileName, FileBytes: r.FileBytes, FileChunks: r.FileChunks,
		Format: Format{Kind: r.Format, Encoding: r.Encoding, Delimiter: r.Delimiter, LineEnding: r.LineEnding,
			SkipRecords: r.SkipRecords, Sheet: r.Sheet, SheetCount: r.SheetCount,
			FormulasWithoutResult: r.FormulasWithoutResult, FirstFormulaWithoutResult: r.FirstFormulaWithoutResult},
		Records: r.Records, Phase: r.Phase, RowsTotal: r.RowsTotal, RowsDone: r.RowsDone, MergedThrough: r.MergedThrough,
		Counts: Counts{Created: r.CreatedCount, Matched: r.MatchedCount, Updated: r.UpdatedCount,
			Duplicate: r.DuplicateCount, Invalid: r.InvalidCount, WithWarnings: r.WarningCount},
		Rate: r.Rate, ETASeconds: r.EtaSeconds, ResetPending: r.ResetPending, CancelRequested: r.CancelRequested,
		Error: r.Error, HeartbeatAt: r.HeartbeatAt, QueuedAt: r.QueuedAt, StartedAt: r.StartedAt,
		FinishedAt: r.FinishedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, FileRemovedAt: r.FileRemovedAt,
	}
	if r.TenantID != nil {
		imp.TenantID = *r.TenantID
	}
	for _, part := range []struct {
		raw []byte
		dst any
	}{{r.Header, &imp.Header}, {r.Sample, &imp.Sample}, {r.SuggestedMapping, &imp.SuggestedMapping}, {r.Mapping, &imp.Mapping},
		{r.Sheets, &imp.Format.Sheets}, {r.NumericColumns, &imp.Format.NumericColumns}} {
		if len(part.raw) == 0 {
			continue
		}
		if err := json.Unmarshal(part.raw, part.dst); err != nil {
			return nil, fmt.Errorf("imports: decode import %s: %w", r.ID, err)
		}
	}
	return imp, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain types are encoded
	}
	return b
}

// scoped limits q to the imports of tenantID (Platform: platform imports).
func scoped(q *gorm.DB, tenantID uuid.UUID) *gorm.DB {
	if tenantID == Platform {
		return q.Where("tenant_id IS NULL")
	}
	return q.Where("tenant_id = ?", tenantID)
}

// loadImport reads an import of tenantID; lock takes a row lock in tx.
// Returns ENOTFOUND.
func loadImport(ctx context.Context, q *gorm.DB, tenantID, id uuid.UUID, lock bool) (*Import, error) {
	return takeImport(scoped(q.WithContext(ctx), tenantID), id, lock)
}

// loadImportByID reads any import (the worker's view).
func loadImportByID(ctx context.Context, q *gorm.DB, id uuid.UUID, lock bool) (*Import, error) {
	return takeImport(q.WithContext(ctx), id, lock)
}

// takeImport reads import id from q, row-locked when lock. Returns
// ENOTFOUND.
func takeImport(q *gorm.DB, id uuid.UUID, lock bool) (*Import, error) {
	var r importRow
	q = q.Where("id = ?", id)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errNotFound()
		}
		return nil, fmt.Errorf("imports: load: %w", err)
	}
	return r.toImport()
}

func insertImport(ctx context.Context, tx *gorm.DB, imp *Import) error {
	r := importRow{
		ID: imp.ID, CreatedBy: imp.CreatedBy, Status: imp.Status, FileName: imp.FileName, FileBytes: imp.FileBytes,
		FileChunks: imp.FileChunks, Format: imp.Format.Kind, Encoding: imp.Format.Encoding, Delimiter: imp.Format.Delimiter,
		LineEnding: imp.Format.LineEnding, SkipRecords: imp.Format.SkipRecords, Sheet: imp.Format.Sheet, SheetCount: imp.Format.SheetCount,
		Sheets: mustJSON(orEmpty(imp.Format.Sheets)), NumericColumns: mustJSON(orEmpty(imp.Format.NumericColumns)),
		Header: mustJSON(imp.Header), Sample: mustJSON(imp.Sample), Records: imp.Records,
		SuggestedMapping: mustJSON(imp.SuggestedMapping), Mapping: mustJSON(imp.Mapping), CreatedAt: imp.CreatedAt,
		UpdatedAt: imp.CreatedAt,
	}
	if imp.TenantID != Platform {
		t := imp.TenantID
		r.TenantID = &t
	}
	if err := tx.WithContext(ctx).Create(&r).Error; err != nil {
		return fmt.Errorf("imports: insert: %w", err)
	}
	return nil
}

// savePreflight stores what the upload learnt about the file.
func savePreflight(ctx context.Context, tx *gorm.DB, imp *Import) error {
	err := tx.WithContext(ctx).Model(&importRow{}).Where("id = ?", imp.ID).Updates(map[string]any{
		"file_bytes": imp.FileBytes, "file_chunks": imp.FileChunks, "format": imp.Format.Kind,
		"encoding": imp.Format.Encoding, "delimiter": imp.Format.Delimiter, "line_ending": imp.Format.LineEnding,
		"skip_records": imp.Format.SkipRecords, "sheet": imp.Format.Sheet, "sheet_count": imp.Format.SheetCount,
		"sheets": mustJSON(orEmpty(imp.Format.Sheets)), "numeric_columns": mustJSON(orEmpty(imp.Format.NumericColumns)),
		"formulas_without_result": imp.Format.FormulasWithoutResult, "first_formula_without_result": imp.Format.FirstFormulaWithoutResult, "header": mustJSON(imp.Header), "sample": mustJSON(imp.Sample), "records": imp.Records,
		"suggested_mapping": mustJSON(imp.SuggestedMapping), "mapping": mustJSON(imp.Mapping),
	}).Error
	if err != nil {
		return fmt.Errorf("imports: save preflight: %w", err)
	}
	return nil
}

func saveMapping(ctx context.Context, tx *gorm.DB, id uuid.UUID, m Mapping) error {
	err := tx.WithContext(ctx).Model(&importRow{}).Where("id = ?", id).
		Updates(map[string]any{"mapping": mustJSON(m), "updated_at": time.Now().UTC()}).Error
	if err != nil {
		return fmt.Errorf("imports: save mapping: %w", err)
	}
	return nil
}

// updateImport sets columns of an import.
func updateImport(ctx context.Context, tx *gorm.DB, id uuid.UUID, set map[string]any) error {
	set["updated_at"] = time.Now().UTC()
	if err := tx.WithContext(ctx).Model(&importRow{}).Where("id = ?", id).Updates(set).Error; err != nil {
		return fmt.Errorf("imports: update: %w", err)
	}
	return nil
}

// listExists reports whether the tenant has the list.
func listExists(ctx context.Context, q *gorm.DB, tenantID, listID uuid.UUID) (bool, error) {
	var n int64
	if err := q.WithContext(ctx).Raw(`SELECT count(*) FROM lists WHERE tenant_id = ? AND id = ?`, tenantID, listID).
		Scan(&n).Error; err != nil {
		return false, fmt.Errorf("imports: check list: %w", err)
	}
	return n > 0, nil
}

// tenantRegion is the tenant's default region for phone numbers.
func tenantRegion(ctx context.Context, q *gorm.DB, tenantID uuid.UUID) (string, error) {
	if tenantID == Platform {
		return "US", nil
	}
	var region []string
	if err := q.WithContext(ctx).Raw(`SELECT default_region FROM tenants WHERE id = ?`, tenantID).Scan(&region).Error; err != nil {
		return "", fmt.Errorf("imports: tenant region: %w", err)
	}
	if len(region) == 0 || region[0] == "" {
		return "US", nil
	}
	return region[0], nil
}

// listImports returns a page of imports, newest first, after the cursor id.
func listImports(ctx context.Context, q *gorm.DB, tenantID uuid.UUID, status string, after *uuid.UUID, limit int) ([]*Import, error) {
	var rows []importRow
	q = scoped(q.WithContext(ctx), tenantID).Omit("sample").Order("id DESC").Limit(limit)
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if after != nil {
		q = q.Where("id < ?", *after)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("imports: list: %w", err)
	}
	out := make([]*Import, 0, len(rows))
	for i := range rows {
		imp, err := rows[i].toImport()
		if err != nil {
			return nil, err
		}
		out = append(out, imp)
	}
	return out, nil
}

// recordRow is import_records.
type recordRow struct {
	RowNum      int
	Outcome     string
	ContactID   *uuid.UUID
	DuplicateOf *int
	Updated     bool
	Errors      []byte
	Warnings    []byte
	Raw         *string
	// The contact as the importer sees it now (HasContact false when it
	// does not exist: a dry run's would-be contact, or one deleted since).
	HasContact                                     bool
	FirstName, LastName, Email, Title, CompanyName string
	// Withheld says the record points at a shared contact that the tenant
	// has not paid for (see listRecords): neither its id nor its summary
	// may be shown.
	Withheld bool
}

// listRecords reads a page of the import's records with their contacts.
// unpaid says the records are a tenant's dry run's (or still its, until a
// real run's worker clears them), which cost no import rows and saved
// nothing: a shared contact one of them matched is withheld unless the
// tenant has saved it, or a file of names and companies dry-run over and
// over would look up the shared database for free. With hideSaved (a
// caller that may not see the saved state) every shared contact they
// matched is withheld, saved or not.
func listRecords(ctx context.Context, q *gorm.DB, tenantID, importID uuid.UUID, unpaid, hideSaved bool, outcome string,
	hasWarnings *bool, after, limit int) ([]recordRow, error) {
	var rows []recordRow
	// A platform import's contacts are shared; a tenant's are shared or
	// its own (another tenant's private contact never shows, even if a
	// record pointed at one).
	withheld, visible, args := `false`, `c.owner_tenant_id IS NULL`, []any{}
	switch {
	case unpaid && tenantID != Platform && hideSaved:
		withheld = `(c.id IS NOT NULL AND c.owner_tenant_id IS NULL)`
	case unpaid && tenantID != Platform:
		withheld = `(c.id IS NOT NULL AND c.owner_tenant_id IS NULL AND NOT EXISTS (
			SELECT 1 FROM saved_contacts s WHERE s.tenant_id = ? AND s.contact_id = c.id))`
		args = append(args, tenantID)
	}
	if tenantID != Platform {
		visible = `(c.owner_tenant_id IS NULL OR c.owner_tenant_id = ?)`
		args = append(args, tenantID)
	}
	// The contact as the tenant sees it: its own corrections in place
	// (contacts.contactSelect's rule); a platform import has none.
	overlay := `SELECT NULL::text AS email, NULL::text AS title, NULL::text AS company_name`
	if tenantID != Platform {
		overlay = `SELECT max(x.new_value) FILTER (WHERE x.field = 'email') AS email,
				max(x.new_value) FILTER (WHERE x.field = 'title') AS title,
				max(CASE WHEN x.new_value <> c.company_name
				         THEN COALESCE((SELECT m.name FROM (` + contacts.CompanyNamedSQL + `) m), x.new_value)
				         ELSE x.new_value END) FILTER (WHERE x.field = 'company_name') AS company_name
			FROM (SELECT DISTINCT ON (cc.field) cc.field, cc.new_value, cc.status, cc.reviewed_at
			        FROM contact_corrections cc
			       WHERE cc.tenant_id = ? AND cc.contact_id = c.id AND cc.field IN ('email', 'title', 'company_name')
			       ORDER BY cc.field, cc.created_at DESC, cc.id DESC) x
			WHERE NOT (x.status = 'accepted' AND x.reviewed_at < c.updated_at)`
		args = append(args, tenantID)
	}
	sql := `SELECT r.row_num, r.outcome, r.contact_id, r.duplicate_of, r.updated, r.errors, r.warnings, r.raw,
			c.id IS NOT NULL AS has_contact, coalesce(c.first_name, '') AS first_name, coalesce(c.last_name, '') AS last_name,
			coalesce(o.email, c.email::text, '') AS email, coalesce(o.title, c.title, '') AS title,
			coalesce(o.company_name, c.company_name, '') AS company_name,
			` + withheld + ` AS withheld
		FROM import_records r
		LEFT JOIN contacts c ON c.id = r.contact_id AND ` + visible + `
		LEFT JOIN LATERAL (` + overlay + `) o ON c.id IS NOT NULL
		WHERE r.tenant_id = ? AND r.import_id = ? AND r.row_num > ?`
	args = append(args, tenantKey(tenantID), importID, after)
	if outcome != "" {
		sql += ` AND r.outcome = ?`
		args = append(args, outcome)
	}
	if hasWarnings != nil && *hasWarnings {
		sql += ` AND r.warnings IS NOT NULL`
	} else if hasWarnings != nil {
		sql += ` AND r.warnings IS NULL`
	}
	sql += ` ORDER BY r.row_num LIMIT ?`
	args = append(args, limit)
	if err := q.WithContext(ctx).Raw(sql, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("imports: list records: %w", err)
	}
	return rows, nil
}

// insertChunk stores one piece of an uploaded file. It goes through the
// transaction's *sql.Tx rather than GORM, which would format a megabyte of
// bytes into a slow-query log line.
func insertChunk(ctx context.Context, tx *gorm.DB, tenant, importID uuid.UUID, seq int, data []byte) error {
	sqlTx, err := db.SQLTx(tx)
	if err != nil {
		return err
	}
	if _, err := sqlTx.ExecContext(ctx, `INSERT INTO import_files (tenant_id, import_id, seq, data) VALUES ($1, $2, $3, $4)`,
		tenant, importID, seq, data); err != nil {
		return fmt.Errorf("imports: store chunk %d: %w", seq, err)
	}
	return nil
}

// deleteImport removes an import row of tenantID; the foreign key's cascade
// removes its file chunks and the imports_cleanup trigger its records and
// key table.
func deleteImport(ctx context.Context, tx *gorm.DB, tenantID, id uuid.UUID) error {
	if err := scoped(tx.WithContext(ctx), tenantID).Where("id = ?", id).Delete(&importRow{}).Error; err != nil {
		return fmt.Errorf("imports: delete: %w", err)
	}
	return nil
}
