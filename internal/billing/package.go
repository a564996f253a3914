// Package billing owns packages (what a tenant may do and what it costs) and
// subscriptions (which package a tenant has, from Stripe or from platform
// staff). Enforcement of the limits lives in internal/limits.
package billing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v76/client"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/freetext"
)

// FreeCode is the package every tenant falls back to.
const FreeCode = "free"

// Package is a plan with its limits.
type Package struct {
	ID                   uuid.UUID `json:"id"`
	Code                 string    `json:"code"`
	Name                 string    `json:"name"`
	Description          string    `json:"description"`
	PriceCents           int       `json:"price_cents"`
	Currency             string    `json:"currency"`
	StripePriceID        *string   `json:"stripe_price_id"`
	MaxUsers             int       `json:"max_users"`
	SearchesPerMonth     int       `json:"searches_per_month"`
	MaxContactsPerQuery  int       `json:"max_contacts_per_query"`
	APIAccess            bool      `json:"api_access"`
	APIRequestsPerMinute int       `json:"api_requests_per_minute"`
	ImportRowsPerMonth   int       `json:"import_rows_per_month"`
	MaxConcurrentJobs    int       `json:"max_concurrent_jobs"`
	CRMPushesPerMonth    int       `json:"crm_pushes_per_month"`
	MaxImportFileBytes   int64     `json:"max_import_file_bytes"`
	SortOrder            int       `json:"sort_order"`
	Active               bool      `json:"active"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
}

// TableName maps Package to its table.
func (Package) TableName() string { return "packages" }

// Service manages packages and subscriptions.
type Service struct {
	db            *gorm.DB
	stripe        *client.API // nil: online billing off
	webhookSecret string
	publicURL     string
	jobs          jobs.Inserter
	now           func() time.Time
	metrics       *Metrics // nil unless WithMetrics set it
}

// NewService returns a Service over db.
func NewService(db *gorm.DB) *Service {
	return &Service{db: db, now: func() time.Time { return time.Now().UTC() }}
}

// WithClock makes s read the time from now instead of the wall clock (when
// a checkout's claim expires); tests move it to expire one. It returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = func() time.Time { return now().UTC() }
	return s
}

// ListPackages returns packages in display order; onlyActive hides retired ones.
func (s *Service) ListPackages(ctx context.Context, onlyActive bool) ([]Package, error) {
	q := s.db.WithContext(ctx).Order("sort_order, price_cents, code")
	if onlyActive {
		q = q.Where("active")
	}
	var out []Package
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list packages: %w", err)
	}
	return out, nil
}

// PackageByCode returns ENOTFOUND when no package has code.
func (s *Service) PackageByCode(ctx context.Context, code string) (Package, error) {
	var p Package
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, apperr.Errorf(apperr.ENOTFOUND, "Package %q does not exist.", code)
	}
	return p, err
}

// PackageParams are the editable fields of a package; nil leaves a field
// unchanged on update and is required on create.
type PackageParams struct {
	Code                 *string
	Name                 *string
	Description          *string
	PriceCents           *int
	Currency             *string
	StripePriceID        *string
	MaxUsers             *int
	SearchesPerMonth     *int
	MaxContactsPerQuery  *int
	APIAccess            *bool
	APIRequestsPerMinute *int
	ImportRowsPerMonth   *int
	MaxConcurrentJobs    *int
	CRMPushesPerMonth    *int
	MaxImportFileBytes   *int64
	SortOrder            *int
	Active               *bool
}

// CreatePackage adds a package. Returns EINVALID for missing fields and
// ECONFLICT when the code or Stripe price id is taken.
func (s *Service) CreatePackage(ctx context.Context, p PackageParams) (Package, error) {
	var missing []apperr.FieldError
	req := map[string]bool{
		"code": p.Code != nil, "name": p.Name != nil, "max_users": p.MaxUsers != nil,
		"searches_per_month": p.SearchesPerMonth != nil, "max_contacts_per_query": p.MaxContactsPerQuery != nil,
		"api_requests_per_minute": p.APIRequestsPerMinute != nil, "import_rows_per_month": p.ImportRowsPerMonth != nil,
		"max_concurrent_jobs": p.MaxConcurrentJobs != nil, "crm_pushes_per_month": p.CRMPushesPerMonth != nil,
	}
	for _, f := range []string{"code", "name", "max_users", "searches_per_month", "max_contacts_per_query",
		"api_requests_per_minute", "import_rows_per_month", "max_concurrent_jobs", "crm_pushes_per_month"} {
		if !req[f] {
			missing = append(missing, apperr.FieldError{Field: f, Message: "is required"})
		}
	}
	if len(missing) > 0 {
		return Package{}, apperr.Invalid("The package is incomplete.", missing...)
	}
	pkg := Package{ID: uuid.Must(uuid.NewV7()), Currency: "usd", Active: true, MaxImportFileBytes: 10 << 20,
		CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	apply(&pkg, p)
	if err := checkPackage(&pkg); err != nil {
		return Package{}, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&pkg).Error; err != nil {
			return uniqueViolation(err)
		}
		return audit.Write(ctx, tx, audit.Event{Action: "package.created", TargetType: "package", TargetID: pkg.ID.String(),
			Data: map[string]any{"code": pkg.Code}})
	})
	return pkg, err
}

// UpdatePackage changes the given fields. Returns ENOTFOUND, ECONFLICT.
func (s *Service) UpdatePackage(ctx context.Context, id uuid.UUID, p PackageParams) (Package, error) {
	var pkg Package
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(forUpdate).Where("id = ?", id).Take(&pkg).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return apperr.Errorf(apperr.ENOTFOUND, "Package not found.")
			}
			return err
		}
		before := pkg
		if p.Code != nil && strings.TrimSpace(*p.Code) != pkg.Code {
			// Checkouts, subscriptions' metadata and the Free fallback name
			// a package by its code.
			return apperr.Invalid("A package's code cannot change.", apperr.FieldError{Field: "code", Message: "is fixed once the package is created"})
		}
		if pkg.Code == FreeCode && p.Active != nil && !*p.Active {
			return apperr.Invalid("The Free package cannot be retired: every tenant without a package in force uses it.",
				apperr.FieldError{Field: "active", Message: "must stay true for the free package"})
		}
		apply(&pkg, p)
		if err := checkPackage(&pkg); err != nil {
			return err
		}
		changes := diff(before, pkg)
		if len(changes) == 0 {
			return nil // saved as it was: nothing to write or audit
		}
		pkg.UpdatedAt = time.Now().UTC()
		if err := tx.Save(&pkg).Error; err != nil {
			return uniqueViolation(err)
		}
		return audit.Write(ctx, tx, audit.Event{Action: "package.updated", TargetType: "package", TargetID: pkg.ID.String(),
			Data: map[string]any{"code": pkg.Code, "changes": changes}})
	})
	return pkg, err
}

// Bounds of a package's texts, in characters (code points) once apply has
// trimmed them.
const (
	MinPackageCodeLen        = 2
	MaxPackageCodeLen        = 40
	MaxPackageNameLen        = 100
	MaxPackageDescriptionLen = 500
	MaxStripePriceIDLen      = 100
)

// Bounds of a package's import file cap (max_import_file_bytes): at least
// 1 KiB, at most 4 GiB, the largest file the upload routes take (their body
// limit, imports.MaxUploadBytes, is this plus the multipart envelope). A
// larger cap would promise files the server cuts off mid-upload.
const (
	MinImportFileBytes int64 = 1 << 10
	MaxImportFileBytes int64 = 4 << 30
)

// checkPackage checks what apply made of a package: its code, description,
// Stripe price id and import file cap fit their bounds, its currency is a
// currency code (stored in lowercase), its name is free text (normalized
// here), and no limits contradict each other (API access with no API
// requests a minute would refuse every request of every key).
func checkPackage(pkg *Package) error {
	var fields []apperr.FieldError
	if n := utf8.RuneCountInString(pkg.Code); n < MinPackageCodeLen || n > MaxPackageCodeLen {
		fields = append(fields, apperr.FieldError{Field: "code",
			Message: fmt.Sprintf("must be %d to %d characters long", MinPackageCodeLen, MaxPackageCodeLen)})
	}
	if utf8.RuneCountInString(pkg.Description) > MaxPackageDescriptionLen {
		fields = append(fields, apperr.FieldError{Field: "description",
			Message: fmt.Sprintf("must be at most %d characters long", MaxPackageDescriptionLen)})
	}
	if !isCurrencyCode(pkg.Currency) {
		fields = append(fields, apperr.FieldError{Field: "currency", Message: "must be a 3-letter currency code (ISO 4217), e.g. usd"})
	}
	if pkg.MaxImportFileBytes < MinImportFileBytes || pkg.MaxImportFileBytes > MaxImportFileBytes {
		fields = append(fields, apperr.FieldError{Field: "max_import_file_bytes",
			Message: fmt.Sprintf("must be %d to %d bytes (1 KiB to 4 GiB)", MinImportFileBytes, MaxImportFileBytes)})
	}
	if pkg.StripePriceID != nil && utf8.RuneCountInString(*pkg.StripePriceID) > MaxStripePriceIDLen {
		fields = append(fields, apperr.FieldError{Field: "stripe_price_id",
			Message: fmt.Sprintf("must be at most %d characters long", MaxStripePriceIDLen)})
	}
	name, why := freetext.Check(pkg.Name, 1, MaxPackageNameLen)
	if why != "" {
		fields = append(fields, apperr.FieldError{Field: "name", Message: why})
	}
	if len(fields) > 0 {
		return apperr.Invalid("The package is invalid.", fields...)
	}
	pkg.Name, pkg.Currency = name, strings.ToLower(pkg.Currency)
	if pkg.APIAccess && pkg.APIRequestsPerMinute < 1 {
		return apperr.Invalid("API access needs API requests per minute.",
			apperr.FieldError{Field: "api_requests_per_minute", Message: "must be at least 1 when api_access is on"})
	}
	return nil
}

// isCurrencyCode reports whether c is three ASCII letters, the shape of an
// ISO 4217 code (Stripe spells them in lowercase; checkPackage stores them so).
func isCurrencyCode(c string) bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

func apply(pkg *Package, p PackageParams) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	setInt := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&pkg.Code, p.Code)
	set(&pkg.Name, p.Name)
	set(&pkg.Description, p.Description)
	set(&pkg.Currency, p.Currency)
	if p.StripePriceID != nil {
		if v := strings.TrimSpace(*p.StripePriceID); v == "" {
			pkg.StripePriceID = nil
		} else {
			pkg.StripePriceID = &v
		}
	}
	setInt(&pkg.PriceCents, p.PriceCents)
	setInt(&pkg.MaxUsers, p.MaxUsers)
	setInt(&pkg.SearchesPerMonth, p.SearchesPerMonth)
	setInt(&pkg.MaxContactsPerQuery, p.MaxContactsPerQuery)
	setInt(&pkg.APIRequestsPerMinute, p.APIRequestsPerMinute)
	setInt(&pkg.ImportRowsPerMonth, p.ImportRowsPerMonth)
	setInt(&pkg.MaxConcurrentJobs, p.MaxConcurrentJobs)
	setInt(&pkg.CRMPushesPerMonth, p.CRMPushesPerMonth)
	setInt(&pkg.SortOrder, p.SortOrder)
	if p.APIAccess != nil {
		pkg.APIAccess = *p.APIAccess
	}
	if p.Active != nil {
		pkg.Active = *p.Active
	}
	if p.MaxImportFileBytes != nil {
		pkg.MaxImportFileBytes = *p.MaxImportFileBytes
	}
}

// diff lists the fields that changed, for the audit log.
func diff(a, b Package) map[string][2]any {
	out := map[string][2]any{}
	add := func(name string, x, y any) {
		if x != y {
			out[name] = [2]any{x, y}
		}
	}
	price := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	add("name", a.Name, b.Name)
	add("description", a.Description, b.Description)
	add("currency", a.Currency, b.Currency)
	add("stripe_price_id", price(a.StripePriceID), price(b.StripePriceID))
	add("sort_order", a.SortOrder, b.SortOrder)
	add("price_cents", a.PriceCents, b.PriceCents)
	add("max_users", a.MaxUsers, b.MaxUsers)
	add("searches_per_month", a.SearchesPerMonth, b.SearchesPerMonth)
	add("max_contacts_per_query", a.MaxContactsPerQuery, b.MaxContactsPerQuery)
	add("api_access", a.APIAccess, b.APIAccess)
	add("api_requests_per_minute", a.APIRequestsPerMinute, b.APIRequestsPerMinute)
	add("import_rows_per_month", a.ImportRowsPerMonth, b.ImportRowsPerMonth)
	add("max_concurrent_jobs", a.MaxConcurrentJobs, b.MaxConcurrentJobs)
	add("crm_pushes_per_month", a.CRMPushesPerMonth, b.CRMPushesPerMonth)
	add("max_import_file_bytes", a.MaxImportFileBytes, b.MaxImportFileBytes)
	add("active", a.Active, b.Active)
	return out
}
