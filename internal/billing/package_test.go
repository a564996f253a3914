package billing

import (
	"context"
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

// TestUpdatePackageSavesEachField: a change of any one field is saved (and
// read back where limits read it): UpdatePackage saves only what diff sees
// changed, so a field diff missed was dropped without a word.
func TestUpdatePackageSavesEachField(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	for name, tc := range map[string]struct {
		params PackageParams
		check  func(Package) bool
	}{
		"Name":                 {PackageParams{Name: ptr("Renamed")}, func(p Package) bool { return p.Name == "Renamed" }},
		"Description":          {PackageParams{Description: ptr("For teams")}, func(p Package) bool { return p.Description == "For teams" }},
		"Currency":             {PackageParams{Currency: ptr("eur")}, func(p Package) bool { return p.Currency == "eur" }},
		"StripePriceID":        {PackageParams{StripePriceID: ptr("price_new_" + tb.pro.Code)}, func(p Package) bool { return deref(p.StripePriceID) == "price_new_"+tb.pro.Code }},
		"SortOrder":            {PackageParams{SortOrder: ptr(7)}, func(p Package) bool { return p.SortOrder == 7 }},
		"PriceCents":           {PackageParams{PriceCents: ptr(4200)}, func(p Package) bool { return p.PriceCents == 4200 }},
		"MaxUsers":             {PackageParams{MaxUsers: ptr(9)}, func(p Package) bool { return p.MaxUsers == 9 }},
		"SearchesPerMonth":     {PackageParams{SearchesPerMonth: ptr(901)}, func(p Package) bool { return p.SearchesPerMonth == 901 }},
		"MaxContactsPerQuery":  {PackageParams{MaxContactsPerQuery: ptr(77)}, func(p Package) bool { return p.MaxContactsPerQuery == 77 }},
		"APIRequestsPerMinute": {PackageParams{APIRequestsPerMinute: ptr(33)}, func(p Package) bool { return p.APIRequestsPerMinute == 33 }},
		"ImportRowsPerMonth":   {PackageParams{ImportRowsPerMonth: ptr(555)}, func(p Package) bool { return p.ImportRowsPerMonth == 555 }},
		"MaxConcurrentJobs":    {PackageParams{MaxConcurrentJobs: ptr(3)}, func(p Package) bool { return p.MaxConcurrentJobs == 3 }},
		"CRMPushesPerMonth":    {PackageParams{CRMPushesPerMonth: ptr(44)}, func(p Package) bool { return p.CRMPushesPerMonth == 44 }},
		"MaxImportFileBytes":   {PackageParams{MaxImportFileBytes: ptr(int64(2 << 20))}, func(p Package) bool { return p.MaxImportFileBytes == 2<<20 }},
		"Active":               {PackageParams{Active: ptr(false)}, func(p Package) bool { return !p.Active }},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pkg := MustCreatePackage(t, tb.db)
			if _, err := tb.svc.UpdatePackage(ctx, pkg.ID, tc.params); err != nil {
				t.Fatal(err)
			}
			got, err := tb.svc.PackageByCode(ctx, pkg.Code)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(got) {
				t.Fatalf("the change was not saved: %+v", got)
			}
		})
	}
}
