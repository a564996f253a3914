package billing

import (
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestCheckPackage: the bounds of a package's fields, each at its edge and
// one past it (the API's own checks stop most of these before here; the
// service holds them for every caller).
func TestCheckPackage(t *testing.T) {
	t.Parallel()
	valid := func() Package {
		return Package{Code: "pro", Name: "Pro", Currency: "usd", MaxImportFileBytes: 10 << 20}
	}
	for name, tc := range map[string]struct {
		edit      func(*Package)
		wantField string // "" valid
	}{
		"Valid":              {func(*Package) {}, ""},
		"CodeShortest":       {func(p *Package) { p.Code = strings.Repeat("c", MinPackageCodeLen) }, ""},
		"CodeTooShort":       {func(p *Package) { p.Code = strings.Repeat("c", MinPackageCodeLen-1) }, "code"},
		"CodeLongest":        {func(p *Package) { p.Code = strings.Repeat("é", MaxPackageCodeLen) }, ""},
		"CodeTooLong":        {func(p *Package) { p.Code = strings.Repeat("c", MaxPackageCodeLen+1) }, "code"},
		"DescriptionLongest": {func(p *Package) { p.Description = strings.Repeat("é", MaxPackageDescriptionLen) }, ""},
		"DescriptionTooLong": {func(p *Package) { p.Description = strings.Repeat("d", MaxPackageDescriptionLen+1) }, "description"},
		"CurrencyUpper":      {func(p *Package) { p.Currency = "EUR" }, ""},
		"CurrencyTwoLetters": {func(p *Package) { p.Currency = "eu" }, "currency"},
		"CurrencyDigit":      {func(p *Package) { p.Currency = "us1" }, "currency"},
		"CurrencyPastZ":      {func(p *Package) { p.Currency = "us{" }, "currency"},
		"CurrencyBeforeA":    {func(p *Package) { p.Currency = "us@" }, "currency"},
		"CurrencyEdges":      {func(p *Package) { p.Currency = "aZz" }, ""},
		"CurrencyEdgesUpper": {func(p *Package) { p.Currency = "Aza" }, ""},
		"FileBytesSmallest":  {func(p *Package) { p.MaxImportFileBytes = MinImportFileBytes }, ""},
		"FileBytesTooFew":    {func(p *Package) { p.MaxImportFileBytes = MinImportFileBytes - 1 }, "max_import_file_bytes"},
		"FileBytesLargest":   {func(p *Package) { p.MaxImportFileBytes = MaxImportFileBytes }, ""},
		"FileBytesTooMany":   {func(p *Package) { p.MaxImportFileBytes = MaxImportFileBytes + 1 }, "max_import_file_bytes"},
		"PriceIDLongest":     {func(p *Package) { p.StripePriceID = ptr(strings.Repeat("p", MaxStripePriceIDLen)) }, ""},
		"PriceIDTooLong":     {func(p *Package) { p.StripePriceID = ptr(strings.Repeat("p", MaxStripePriceIDLen+1)) }, "stripe_price_id"},
		"NameEmpty":          {func(p *Package) { p.Name = " " }, "name"},
		"APIAccessOneRPM":    {func(p *Package) { p.APIAccess, p.APIRequestsPerMinute = true, 1 }, ""},
		"APIAccessNoRPM":     {func(p *Package) { p.APIAccess = true }, "api_requests_per_minute"},
		"NoAPIAccessNoRPM":   {func(p *Package) { p.APIAccess = false }, ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := valid()
			tc.edit(&p)
			err := checkPackage(&p)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("checkPackage = %v, want valid", err)
				}
				if p.Currency != strings.ToLower(p.Currency) {
					t.Fatalf("currency stored as %q, want lower case", p.Currency)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != tc.wantField {
				t.Fatalf("checkPackage = %#v, want EINVALID naming %s alone", err, tc.wantField)
			}
		})
	}
}
