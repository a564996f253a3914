package imports

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// ChunkBytes is the size of the pieces a file is stored in.
const ChunkBytes = 1 << 20

// EnvelopeBytes is how much a declared upload size may exceed the file
// cap: the multipart boundaries and headers around the file.
const EnvelopeBytes = 64 << 10

// sampleRecords is how many records the preflight keeps: the header and
// the preview rows.
const sampleRecords = PreviewRows + 1

// maxSampleField caps each kept sample field.
const maxSampleField = 4096

// UploadParams is an uploaded file.
type UploadParams struct {
	FileName string
	Body     io.Reader
	// Size is the declared length of the upload (its Content-Length, which
	// may include up to EnvelopeBytes of multipart envelope), or -1: a
	// declared length over the cap is refused before reading.
	Size int64
	// UserID is who uploads (nil for an API key).
	UserID *uuid.UUID
	// Sheet is the sheet of a workbook to read ("": the one it opens on,
	// or when that one is empty the first visible sheet with data). Only
	// for workbooks.
	Sheet string
}

// FileCap returns the largest file tenantID may upload and the name of the
// package that sets it (Platform: PlatformMaxFileBytes, "platform").
func (s *Service) FileCap(ctx context.Context, tenantID uuid.UUID) (int64, string, error) {
	if tenantID == Platform {
		return PlatformMaxFileBytes, "platform", nil
	}
	plan, err := s.limits.Plan(ctx, tenantID)
	if err != nil {
		return 0, "", err
	}
	return plan.Package.MaxImportFileBytes, plan.Package.Name, nil
}

func tooLarge(limit int64, pkg string) error {
	return fileTooLarge("The file is", limit, pkg)
}

// fileTooLarge is the 413 for what (a file, a workbook's data) over the
// package's file cap.
func fileTooLarge(what string, limit int64, pkg string) error {
	msg := fmt.Sprintf("%s larger than the %s limit of the %s package.", what, sizeText(limit), pkg)
	if pkg == "platform" {
		msg = fmt.Sprintf("%s larger than the %s limit of platform imports.", what, sizeText(limit))
	}
	return &apperr.Error{Code: apperr.ETOOLARGE, Type: "file-too-large", Message: msg,
		Extra: map[string]any{"limit_bytes": limit, "package": pkg}}
}

// capReader counts bytes and fails once more than limit have been read.
type capReader struct {
	r     io.Reader
	n     int64
	limit int64
	err   error
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return 0, c.err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		// The client's side: a dropped connection or a broken envelope.
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return n, c.err
		}
		if _, ok := apperr.As(err); !ok && !errors.Is(err, context.Canceled) {
			err = &apperr.Error{Code: apperr.EMALFORMED, Message: "The upload was interrupted or is not a valid multipart body.", Err: err}
		}
	}
	return n, err
}

// chunkWriter stores what is written in ChunkBytes pieces.
type chunkWriter struct {
	ctx      context.Context
	tx       *gorm.DB
	tenant   uuid.UUID
	importID uuid.UUID
	buf      []byte
	seq      int
	total    int64
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		room := ChunkBytes - len(w.buf)
		take := min(room, len(p))
		w.buf = append(w.buf, p[:take]...)
		p = p[take:]
		if len(w.buf) == ChunkBytes {
			if err := w.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (w *chunkWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	if err := insertChunk(w.ctx, w.tx, w.tenant, w.importID, w.seq, w.buf); err != nil {
		return err
	}
	w.total += int64(len(w.buf))
	w.seq++
	w.buf = w.buf[:0]
	return nil
}

// Upload stores a file for tenantID (Platform: a platform import) and
// answers its preflight: kind, encoding, delimiter, line endings, header,
// exact row count, a suggested mapping (also the starting mapping) and the
// preview. The file streams into import_files in 1 MiB chunks inside one
// transaction, so memory stays flat and a failed upload leaves nothing.
// Returns ETOOLARGE (naming the package's cap) for a file over the cap,
// EINVALID for an empty, binary or otherwise unreadable file or one with
// more than MaxColumns columns.
func (s *Service) Upload(ctx context.Context, tenantID uuid.UUID, p UploadParams) (*Import, error) {
	name := uploadName(p.FileName)
	limit, pkg, err := s.FileCap(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if p.Size > limit+EnvelopeBytes {
		return nil, tooLarge(limit, pkg)
	}
	// The body is spooled to a temporary file before any transaction: a
	// client that sends slowly (or stops) holds a goroutine and a file,
	// never a database connection, however many of them there are.
	spool, err := os.CreateTemp("", "import-upload-*")
	if err != nil {
		return nil, fmt.Errorf("imports: spool upload: %w", err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	size, err := io.Copy(spool, &capReader{r: p.Body, limit: limit, err: tooLarge(limit, pkg)})
	if err != nil {
		return nil, uploadReadError(err)
	}
	head := make([]byte, min(size, SniffBytes))
	if _, err := spool.ReadAt(head, 0); err != nil {
		return nil, fmt.Errorf("imports: read spooled upload: %w", err)
	}
	format, err := Sniff(head, size <= SniffBytes)
	if err != nil {
		if bytes.HasPrefix(head, cfbMagic) {
			encrypted, rerr := encryptedWorkbook(spool, size)
			if rerr != nil {
				return nil, fmt.Errorf("imports: read spooled upload: %w", rerr)
			}
			if encrypted {
				return nil, passwordProtected()
			}
		}
		return nil, err
	}
	if p.Sheet != "" && format.Kind != KindXLSX {
		return nil, apperr.Invalid("Only an XLSX workbook has sheets to choose from.",
			apperr.FieldError{Field: "sheet", Message: "applies only to an XLSX workbook"})
	}
	csvTooBig := fileTooLarge("The workbook's data as CSV is", limit, pkg)
	var facts *workbookFacts
	if format.Kind == KindXLSX { // measured before the transaction holds a connection
		if facts, err = checkXLSX(spool.Name(), limit, csvTooBig); err != nil {
			return nil, err
		}
		select { // a turn to convert, waited for without a connection
		case s.converting <- struct{}{}:
			defer func() { <-s.converting }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	now := time.Now().UTC()
	imp := &Import{ID: uuid.Must(uuid.NewV7()), TenantID: tenantID, CreatedBy: p.UserID, Status: StatusUploaded,
		FileName: name, Format: format, FileBytes: size, CreatedAt: now, UpdatedAt: now}

	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		if err := insertImport(ctx, tx, imp); err != nil {
			return err
		}
		cw := &chunkWriter{ctx: ctx, tx: tx, tenant: tenantKey(tenantID), importID: imp.ID, buf: make([]byte, 0, ChunkBytes)}
		var sc *scan
		if format.Kind == KindXLSX {
			sc, err = convertXLSX(spool.Name(), cw, limit, csvTooBig, p.Sheet, facts)
			if sc != nil {
				imp.Format.Sheet, imp.Format.SheetCount = sc.sheet, len(sc.sheets)
				imp.Format.Sheets, imp.Format.NumericColumns = sc.sheets, sc.numeric
				imp.Format.FormulasWithoutResult, imp.Format.FirstFormulaWithoutResult = sc.formulas, sc.firstFormula
			}
		} else {
			sc, err = scanCSV(format.NewReader(io.TeeReader(io.NewSectionReader(spool, 0, size), cw)))
		}
		if err != nil {
			return err
		}
		if err := cw.flush(); err != nil {
			return err
		}
		imp.FileChunks = cw.seq
		if format.Kind == KindXLSX {
			// A sheet's title rows above the table; a CSV file's were
			// skipped by the reader (Sniff).
			imp.Format.SkipRecords = sc.dropPreamble()
		}
		if err := sc.check(); err != nil {
			return err
		}
		imp.Header, imp.Sample, imp.Records = sc.header(), sc.sample, sc.records
		imp.SuggestedMapping = sc.suggest()
		imp.Mapping = imp.SuggestedMapping
		if err := savePreflight(ctx, tx, imp); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: auditTenant(tenantID), Action: "import.uploaded",
			TargetType: "import", TargetID: imp.ID.String(), Data: map[string]any{"file_name": name,
				"bytes": imp.FileBytes, "rows": imp.RowCount(), "format": format.Kind, "encoding": format.Encoding}})
	})
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return nil, err
		}
		return nil, uploadReadError(err)
	}
	return imp, s.withPreview(ctx, imp)
}

func auditTenant(tenantID uuid.UUID) *uuid.UUID {
	if tenantID == Platform {
		return nil
	}
	return &tenantID
}

// uploadReadError passes our own errors on and calls the rest what they
// most likely are: the client went away mid-upload.
func uploadReadError(err error) error {
	if e, ok := apperr.As(err); ok {
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("imports: upload: %w", err)
}

// scan is what reading a whole file once learnt.
type scan struct {
	sample  []SampleRecord
	records int
	// sheet is the sheet of a workbook that was read, sheets all it has,
	// numeric the columns of sheet that hold a number cell, formulas how
	// many of its formula cells have no result (firstFormula the first).
	sheet        string
	sheets       []SheetInfo
	numeric      []int
	formulas     int
	firstFormula string
}

func (sc *scan) add(rec Record) {
	sc.records++
	if len(sc.sample) < sampleRecords {
		f := make([]string, len(rec.Fields))
		for i, v := range rec.Fields {
			f[i] = shorten(v, maxSampleField)
		}
		sc.sample = append(sc.sample, SampleRecord{Num: rec.Num, Fields: f, Problem: rec.Problem})
	}
}

// dropPreamble drops the records above the table (findPreamble) from a
// scan that read them and returns the number of the last, or 0.
func (sc *scan) dropPreamble() int {
	skip := findPreamble(sc.sample)
	for len(sc.sample) > 0 && sc.sample[0].Num <= skip {
		sc.sample = sc.sample[1:]
		sc.records--
	}
	return skip
}

func (sc *scan) header() []string {
	if len(sc.sample) == 0 {
		return []string{}
	}
	return sc.sample[0].Fields
}

// suggest guesses whether the first sample record is a header and
// suggests the mapping of the columns.
func (sc *scan) suggest() Mapping {
	fields := make([][]string, len(sc.sample))
	for i, r := range sc.sample {
		fields[i] = r.Fields
	}
	hasHeader := guessHeader(fields)
	imp := Import{Header: sc.header(), Sample: sc.sample, Mapping: Mapping{HasHeader: hasHeader}}
	dataRows := fields
	if hasHeader && len(dataRows) > 0 {
		dataRows = dataRows[1:]
	}
	return suggest(imp.Columns(), hasHeader, dataRows)
}

// MaxRows is the most rows one file may hold (row numbers are 32-bit).
const MaxRows = 50_000_000

// check refuses files whose first record cannot be a header or a row.
func (sc *scan) check() error {
	if sc.records == 0 {
		return unsupported("The file has no rows: it holds only blank lines.")
	}
	if sc.records > MaxRows+1 {
		return unsupported(fmt.Sprintf("The file has more than %s rows; split it into smaller files.", thousands(MaxRows)))
	}
	switch first := sc.sample[0]; first.Problem {
	case ProblemTooManyFields:
		return unsupported(fmt.Sprintf("The file has more than %s columns; at most %s are supported.",
			thousands(MaxColumns), thousands(MaxColumns)))
	case ProblemTooLong:
		return unsupported(fmt.Sprintf("The first row is longer than %s; this does not look like a file with a header.",
			sizeText(MaxRecordBytes)))
	case ProblemBinary:
		return unsupported("The file is not a CSV or XLSX file: it holds binary data.")
	}
	return nil
}

func scanCSV(rd *Reader) (*scan, error) {
	sc := &scan{}
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return sc, nil
		}
		if err != nil {
			return nil, err
		}
		sc.add(rec)
	}
}

// convertXLSX writes a sheet of the workbook at name (an XLSX is a zip,
// which needs random access: the spooled upload), which checkXLSX passed
// and learnt facts about, as UTF-8 CSV to w; excelize streams the sheet.
// The sheet is want when it names one (EINVALID naming it when the
// workbook has no such sheet), otherwise the one the workbook opens on,
// or when that one is empty the first visible sheet with data. The CSV
// must fit limit bytes, as an uploaded CSV must (tooBig otherwise).
func convertXLSX(name string, w io.Writer, limit int64, tooBig error, want string, facts *workbookFacts) (*scan, error) {
	w = &cappedWriter{w: w, left: limit, err: tooBig}
	bad := unsupported("The file is not a readable XLSX workbook (it may be damaged or password-protected).")
	opened, unpacked, err := forExcelize(name, "", xlsxLimitsFor(limit).unpacked)
	var refused *apperr.Error
	var file *os.PathError // the temporary files: the server's trouble
	switch {
	case errors.As(err, &refused):
		return nil, err
	case errors.As(err, &file):
		return nil, fmt.Errorf("imports: inline shared strings: %w", err)
	case err != nil: // the workbook's XML or zip
		return nil, bad
	case opened != name:
		defer os.Remove(opened)
	}
	// Excel shows its default date format (built-in 14) in the reader's
	// locale; an ISO date reads the same in every one.
	f, err := excelize.OpenFile(opened, excelize.Options{UnzipSizeLimit: unpacked, UnzipXMLSizeLimit: xlsxInMemory,
		ShortDatePattern: "yyyy-mm-dd"})
	if err != nil {
		return nil, bad
	}
	defer f.Close()
	numbersAsStored(f)
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, unsupported("The workbook has no sheets.")
	}
	infos := make([]SheetInfo, len(sheets))
	for i, name := range sheets {
		visible, _ := f.GetSheetVisible(name)
		infos[i] = SheetInfo{Name: name, Hidden: !visible}
		if sf := facts.facts(name); sf != nil {
			infos[i].HasData = sf.hasData
		}
	}
	sheet, err := chooseSheet(f, infos, want, facts != nil)
	if err != nil {
		return nil, err
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, bad
	}
	defer rows.Close()
	sc := &scan{sheet: sheet, sheets: infos, numeric: facts.facts(sheet).numericColumns(MaxColumns)}
	if facts != nil {
		sc.formulas, sc.firstFormula = facts.facts(sheet).notComputed(facts.recalc)
	}
	fill := newMergeFill(facts.facts(sheet))
	num := 0
	var line bytes.Buffer
	for rows.Next() {
		num++
		cols, err := rows.Columns()
		if err != nil {
			return nil, bad
		}
		cols = withoutNUL(fill.row(int64(num), cols))
		rec := Record{Num: num, Fields: cols}
		if len(cols) > MaxColumns {
			rec.Fields, rec.Problem = cols[:MaxColumns], ProblemTooManyFields
		}
		if size := textBytes(rec.Fields); size > MaxRecordBytes {
			rec.Problem = ProblemTooLong // as the reader of the CSV written here will find it
		}
		line.Reset()
		line.WriteString(RecordLine(cols)) // all of it: the reader flags a row that is too wide
		line.WriteByte('\n')
		if _, err := w.Write(line.Bytes()); err != nil {
			return nil, err
		}
		blank := true
		for _, c := range rec.Fields {
			if c != "" {
				blank = false
				break
			}
		}
		if !blank || rec.Problem != "" {
			sc.add(rec)
		}
	}
	if err := rows.Error(); err != nil {
		return nil, bad
	}
	if sc.records == 0 && want != "" {
		return nil, apperr.Invalid(fmt.Sprintf("The sheet %q is empty; choose a sheet with data.", sheet),
			apperr.FieldError{Field: "sheet", Message: "is empty"})
	}
	if sc.records == 0 && len(sheets) > 1 {
		// Not "the file has no rows": the data is most likely on another
		// sheet.
		return nil, unsupported(fmt.Sprintf("The sheet %q the workbook opens on is empty; open the sheet to import, save the workbook and upload it again, or save that sheet as CSV.", sheet))
	}
	return sc, nil
}

// mergeFill gives each row of a merged range that spans rows the range's
// value, as the sheet shows it beside every one of them ("Acme" merged
// down beside its three people is each one's company). A range that
// spans columns only (a title across the table) keeps its value in its
// first cell.
type mergeFill struct {
	merges []downMerge // by first row
	next   int         // the first of merges not yet started
	active map[int]activeMerge
}

// textBytes is the size of the text of fields, as the reader counts a
// record against MaxRecordBytes.
func textBytes(fields []string) int {
	n := 0
	for _, f := range fields {
		n += len(f)
	}
	return n
}

// withoutNUL drops the NUL characters of a row's cells. A workbook holds
// one only as the escape _x0000_ (XML has no such character), which
// excelize decodes: a character no one typed, which PostgreSQL holds in
// neither text nor the preview's jsonb (the upload failed with a 500).
func withoutNUL(cols []string) []string {
	for i, c := range cols {
		if strings.IndexByte(c, 0) >= 0 {
			cols[i] = strings.ReplaceAll(c, "\x00", "")
		}
	}
	return cols
}

type activeMerge struct {
	value string
	last  int64
}

func newMergeFill(f *sheetFacts) *mergeFill {
	m := &mergeFill{active: map[int]activeMerge{}}
	if f != nil {
		m.merges = slices.Clone(f.downMerges)
		slices.SortStableFunc(m.merges, func(a, b downMerge) int { return cmp.Compare(a.first, b.first) })
	}
	return m
}

// row returns the cells of row num with the values of the merged ranges
// it lies under (below their first row).
func (m *mergeFill) row(num int64, cols []string) []string {
	for c, a := range m.active {
		if a.last < num {
			delete(m.active, c)
		}
	}
	for c, a := range m.active {
		if c >= MaxColumns {
			continue
		}
		for len(cols) <= c {
			cols = append(cols, "")
		}
		if cols[c] == "" {
			cols[c] = a.value
		}
	}
	for ; m.next < len(m.merges) && m.merges[m.next].first <= num; m.next++ {
		d := m.merges[m.next]
		if d.first == num && d.col < len(cols) && cols[d.col] != "" {
			m.active[d.col] = activeMerge{value: cols[d.col], last: d.last}
		}
	}
	return cols
}

// chooseSheet returns the sheet of f to read: want when it names one of
// infos (exactly, or else ignoring case as Excel does), and EINVALID
// naming want and the sheets there are when none; without want the sheet
// the workbook opens on, or when checkXLSX saw that it holds no value
// (known) or it is hidden (a program that wrote the workbook left a
// hidden sheet of lookups active; Excel shows a visible one) the first
// visible sheet that holds one.
func chooseSheet(f *excelize.File, infos []SheetInfo, want string, known bool) (string, error) {
	if want != "" {
		for _, s := range infos {
			if s.Name == want {
				return s.Name, nil
			}
		}
		for _, s := range infos {
			if strings.EqualFold(s.Name, want) {
				return s.Name, nil
			}
		}
		names := make([]string, len(infos))
		for i, s := range infos {
			names[i] = strconv.Quote(s.Name)
		}
		return "", apperr.Invalid(fmt.Sprintf("The workbook has no sheet named %q; its sheets are %s.", shorten(want, 100),
			shorten(strings.Join(names, ", "), 500)), apperr.FieldError{Field: "sheet", Message: "is not a sheet of the workbook"})
	}
	sheet := f.GetSheetName(f.GetActiveSheetIndex())
	if sheet == "" {
		sheet = infos[0].Name
	}
	if !known {
		return sheet, nil
	}
	for _, s := range infos {
		if s.Name == sheet && s.HasData && !s.Hidden {
			return sheet, nil
		}
	}
	for _, s := range infos {
		if s.HasData && !s.Hidden {
			return s.Name, nil
		}
	}
	return sheet, nil
}

// cappedWriter passes at most left bytes on, then fails with err.
type cappedWriter struct {
	w    io.Writer
	left int64
	err  error
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		return 0, c.err
	}
	c.left -= int64(len(p))
	return c.w.Write(p)
}

// uploadName is the name an upload is listed under: the last part of the
// path the browser sent, as text others read (the import list, the audit
// log): valid UTF-8 without control characters, direction overrides or
// invisible edges, at most 255 characters, and "upload.csv" when that
// leaves nothing (a name of a NUL, of bytes of no character or of spaces
// was stored empty, and the table's check made the upload a 500).
func uploadName(fileName string) string {
	name := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || bidiControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(fileName, ""))
	name = strings.TrimFunc(filepath.Base(strings.ReplaceAll(name, `\`, "/")), invisibleEdge)
	if utf8.RuneCountInString(name) > 255 {
		name = strings.TrimFunc(string([]rune(name)[:255]), invisibleEdge)
	}
	if name == "" || name == "." || name == ".." || name == "/" {
		return "upload.csv"
	}
	return name
}

// bidiControl is a character that overrides or isolates the direction of
// the text after it (U+202A–U+202E, U+2066–U+2069). A file name needs
// none (right-to-left names read right without them), and one can show
// "invoice\u202Ecsv.exe" as "invoiceexe.csv" in the import list.
func bidiControl(r rune) bool { return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 }

// invisibleEdge is a rune that shows nothing at the edge of a name: white
// space or a format character (a zero-width space, a direction mark).
func invisibleEdge(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }
