package imports

import (
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Platform is the tenant id of platform imports: they write the shared
// database. (In imports.tenant_id it is NULL; in import_records and
// import_files, whose keys lead with tenant_id, it is the nil UUID.)
var Platform = uuid.Nil

// Statuses of an import.
const (
	StatusUploaded  = "uploaded"
	StatusQueued    = "queued"
	StatusRunning   = "running"
	StatusCompleted = "completed"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// Outcomes of a row.
const (
	OutcomeCreated   = "created"
	OutcomeMatched   = "matched"
	OutcomeDuplicate = "duplicate"
	OutcomeInvalid   = "invalid"
)

// Outcomes lists the outcomes in display order.
var Outcomes = []string{OutcomeCreated, OutcomeMatched, OutcomeDuplicate, OutcomeInvalid}

// PlatformMaxFileBytes caps platform imports, which no package limits.
const PlatformMaxFileBytes int64 = 4 << 30

// MaxUploadBytes is the most any upload may be (the largest package cap or
// the platform's, plus room for the multipart envelope): the HTTP body
// limit of the upload routes.
const MaxUploadBytes = max(PlatformMaxFileBytes, billing.MaxImportFileBytes) + 1<<20

// PreviewRows is how many rows a preflight shows.
const PreviewRows = 20

// Counts are the rows of a run by outcome; Updated counts matched rows
// that changed their contact, WithWarnings the rows (of any outcome but
// invalid) imported without some of their values.
type Counts struct {
	Created      int `json:"created"`
	Matched      int `json:"matched"`
	Updated      int `json:"updated"`
	Duplicate    int `json:"duplicate"`
	Invalid      int `json:"invalid"`
	WithWarnings int `json:"with_warnings"`
}

// SampleRecord is a record kept for the preview.
type SampleRecord struct {
	Num     int      `json:"n"`
	Fields  []string `json:"f"`
	Problem string   `json:"p,omitempty"`
}

// Import is an upload and what became of it.
type Import struct {
	ID        uuid.UUID
	TenantID  uuid.UUID // Platform for platform imports
	CreatedBy *uuid.UUID
	StartedBy *uuid.UUID
	Status    string
	DryRun    bool

	FileName   string
	FileBytes  int64
	FileChunks int
	Format     Format
	// Header is the first record's fields; Sample the first records.
	Header  []string
	Sample  []SampleRecord
	Records int // non-blank records, the header included

	SuggestedMapping Mapping
	Mapping          Mapping

	Phase           string
	RowsTotal       int
	RowsDone        int
	MergedThrough   int
	Counts          Counts
	Rate            float64 // rows per second, recent
	ETASeconds      *int
	ResetPending    bool
	CancelRequested bool
	Error           string

	// PreviewRows is the preview under the current mapping, set by the
	// methods that return one import (Upload, Get, SetMapping).
	PreviewRows []PreviewRow

	HeartbeatAt *time.Time
	QueuedAt    *time.Time
	StartedAt   *time.Time
	FinishedAt  *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// FileRemovedAt is when the uploaded bytes were removed (the run
	// ended, or nobody ran the import for FileRetention); nil while kept.
	FileRemovedAt *time.Time
}

// IsPlatform reports whether the import writes the shared database.
func (i *Import) IsPlatform() bool { return i.TenantID == Platform }

// ColumnCount is the number of columns under the current mapping's header
// choice: the header's width, or the widest sample record without one.
func (i *Import) ColumnCount() int { return i.columnCount(i.Mapping.HasHeader) }

func (i *Import) columnCount(hasHeader bool) int {
	if hasHeader {
		return len(i.Header)
	}
	n := 0
	for _, r := range i.Sample {
		n = max(n, len(r.Fields))
	}
	return max(n, len(i.Header))
}

// Columns names the columns (unique, "Column N" where there is no name).
func (i *Import) Columns() []string {
	return columnNames(i.Header, i.ColumnCount(), i.Mapping.HasHeader)
}

// RowCount is the number of data rows.
func (i *Import) RowCount() int {
	if i.Mapping.HasHeader && i.Records > 0 {
		return i.Records - 1
	}
	return i.Records
}

// PreviewRow is a sample row as the mapping reads it: Values without
// the ones it would be imported without (Warnings).
type PreviewRow struct {
	Row      int               `json:"row"`
	Values   map[string]string `json:"values"`
	Errors   []RowError        `json:"errors"`
	Warnings []RowError        `json:"warnings"`
	Usable   bool              `json:"usable"`
}

// Preview reads the first rows of the sample under the current mapping;
// tenantRegion reads phone numbers without a country code.
func (i *Import) Preview(tenantRegion string) []PreviewRow {
	n := newNormalizer(i.Mapping, i.ColumnCount(), tenantRegion).withNumeric(i.Format.NumericColumns)
	n.keepRaw = false
	out := []PreviewRow{}
	for j, s := range i.Sample {
		if j == 0 && i.Mapping.HasHeader {
			continue
		}
		if len(out) == PreviewRows {
			break
		}
		r := n.row(Record(s))
		out = append(out, PreviewRow{Row: s.Num, Values: r.values(), Errors: orEmpty(r.Errors), Warnings: orEmpty(r.Warnings),
			Usable: r.Usable})
	}
	return out
}

// orEmpty is s, or an empty slice (JSON []) for nil.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Percent is how far the run is, 0 to 100.
func (i *Import) Percent() float64 {
	switch {
	case i.Status == StatusCompleted:
		return 100
	case i.RowsTotal <= 0:
		return 0
	}
	return min(100, float64(i.RowsDone)*100/float64(i.RowsTotal))
}

// Options tune a Service; zero values are production defaults.
type Options struct {
	// Jobs inserts import jobs; nil makes an insert-only River client.
	Jobs   *jobs.Client
	Logger *slog.Logger
	// MaxRunning is how many imports one process works at once; more wait
	// (their jobs are snoozed). Default 2: each holds a connection of its
	// own and keeps a core busy. The places are shared fairly between
	// tenants (places).
	MaxRunning int
	// MaxConverting is how many XLSX uploads one process converts to CSV
	// at once (default 2); more wait for a turn before their transaction
	// opens. A conversion takes a core and up to ~160 MB of memory
	// (inlineSharedStrings); CSV uploads stream and need no turn.
	MaxConverting int
	// BatchRows is the size of the first batch; later ones adapt so that
	// each transaction takes about BatchTarget (progress moves, a cancel is
	// quick) within [MinBatchRows, MaxBatchRows].
	BatchRows, MinBatchRows, MaxBatchRows int
	BatchTarget                           time.Duration
	// ProgressEvery is how often a running import writes its heartbeat,
	// rate and ETA; CancelPollEvery how often it looks for a cancel.
	ProgressEvery, CancelPollEvery time.Duration
	// YieldAfter is how long one job run works before it hands the import
	// back to the queue (to stay within River's job timeout); it resumes
	// where it stopped.
	YieldAfter time.Duration
	// StaleAfter is how old a running import's heartbeat may be before its
	// worker is taken for dead (its slot is free, a cancel ends it at once).
	StaleAfter time.Duration

	// FileRetention is how long an import nobody runs keeps its uploaded
	// file (ExpireFiles); default 7 days.
	FileRetention time.Duration

	// afterBatch, when set (tests), runs inside each batch transaction
	// before it commits; an error aborts the batch as a crash would.
	afterBatch func(importID uuid.UUID, mergedThrough int) error
}

// Service runs imports: upload and preflight, mapping, start, progress,
// cancel, results, and the background job that merges the rows.
type Service struct {
	db     *db.DB
	limits *limits.Service
	jobs   *jobs.Client
	log    *slog.Logger
	opts   Options
	places *places
	// converting holds a place per XLSX conversion (Options.MaxConverting).
	converting chan struct{}
	metrics    *Metrics // nil unless WithMetrics set it
}

// NewService returns the imports service.
func NewService(d *db.DB, lim *limits.Service, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxRunning <= 0 {
		o.MaxRunning = 2
	}
	if o.MaxConverting <= 0 {
		o.MaxConverting = 2
	}
	if o.FileRetention <= 0 {
		o.FileRetention = DefaultFileRetention
	}
	if o.BatchRows <= 0 {
		o.BatchRows = 5000
	}
	if o.MinBatchRows <= 0 {
		o.MinBatchRows = min(1000, o.BatchRows)
	}
	if o.MaxBatchRows <= 0 {
		o.MaxBatchRows = 50_000
	}
	if o.BatchTarget <= 0 {
		o.BatchTarget = 700 * time.Millisecond
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = time.Second
	}
	if o.CancelPollEvery <= 0 {
		o.CancelPollEvery = 200 * time.Millisecond
	}
	if o.YieldAfter <= 0 {
		o.YieldAfter = jobs.JobTimeout - 2*time.Minute
	}
	if o.StaleAfter <= 0 {
		o.StaleAfter = 30 * time.Second
	}
	if o.Jobs == nil {
		c, err := jobs.New(d, nil, jobs.Opts{Logger: o.Logger})
		if err != nil {
			panic(fmt.Sprintf("imports: insert-only job client: %v", err))
		}
		o.Jobs = c
	}
	return &Service{db: d, limits: lim, jobs: o.Jobs, log: o.Logger, opts: o, places: newPlaces(o.MaxRunning),
		converting: make(chan struct{}, o.MaxConverting)}
}

func errNotFound() error { return apperr.Errorf(apperr.ENOTFOUND, "Import not found.") }

// tenantKey is the tenant id as import_records and import_files key it.
func tenantKey(tenantID uuid.UUID) uuid.UUID { return tenantID }

// sizeText writes a byte count the way people read limits ("5 MiB").
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	default:
		return strconv.FormatInt(n, 10) + " bytes"
	}
}

// thousands writes 1234567 as "1,234,567".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
