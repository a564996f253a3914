package billing

import (
	"context"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/db/dbtest"
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
		"CurrencyTooLong":    {func(p *Package) { p.Currency = "usdx" }, "currency"},
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

// completePackage is every field CreatePackage requires, under a code of
// the test's own.
func completePackage() PackageParams {
	return PackageParams{Code: ptr(dbtest.UniqueWord()), Name: ptr("Complete"), MaxUsers: ptr(5), SearchesPerMonth: ptr(100),
		MaxContactsPerQuery: ptr(50), APIRequestsPerMinute: ptr(60), ImportRowsPerMonth: ptr(1000), MaxConcurrentJobs: ptr(1),
		CRMPushesPerMonth: ptr(10)}
}

// TestCreatePackageRequiresEachField: a package missing any one of the
// fields CreatePackage requires is refused, naming that field alone, and
// nothing is created. Only a body missing several was tested, so one that
// missed a single limit would have been created with the limit at zero (no
// searches, no imports) or failed on the table's check without naming it.
func TestCreatePackageRequiresEachField(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for field, drop := range map[string]func(*PackageParams){
		"code":                    func(p *PackageParams) { p.Code = nil },
		"name":                    func(p *PackageParams) { p.Name = nil },
		"max_users":               func(p *PackageParams) { p.MaxUsers = nil },
		"searches_per_month":      func(p *PackageParams) { p.SearchesPerMonth = nil },
		"max_contacts_per_query":  func(p *PackageParams) { p.MaxContactsPerQuery = nil },
		"api_requests_per_minute": func(p *PackageParams) { p.APIRequestsPerMinute = nil },
		"import_rows_per_month":   func(p *PackageParams) { p.ImportRowsPerMonth = nil },
		"max_concurrent_jobs":     func(p *PackageParams) { p.MaxConcurrentJobs = nil },
		"crm_pushes_per_month":    func(p *PackageParams) { p.CRMPushesPerMonth = nil },
	} {
		t.Run("ErrNo_"+field, func(t *testing.T) {
			t.Parallel()
			p := completePackage()
			code := *p.Code
			drop(&p)
			_, err := tb.svc.CreatePackage(t.Context(), p)
			if e, ok := apperr.As(err); !ok || e.Code != apperr.EINVALID || len(e.Fields) != 1 || e.Fields[0] != (apperr.FieldError{Field: field, Message: "is required"}) {
				t.Fatalf("CreatePackage without %s = %#v, want EINVALID naming it alone as required", field, err)
			}
			if _, err := tb.svc.PackageByCode(t.Context(), code); !apperr.Is(err, apperr.ENOTFOUND) {
				t.Fatalf("a package without %s was created (%v)", field, err)
			}
		})
	}
}

// TestCreatePackageDefaults: what a new package gets for the fields left
// out, as createPackage's description promises: priced in usd, active, a
// 10 MiB import file cap; and no price, no Stripe price, no API access.
func TestCreatePackageDefaults(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	p := completePackage()
	if _, err := tb.svc.CreatePackage(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	got, err := tb.svc.PackageByCode(t.Context(), *p.Code)
	if err != nil {
		t.Fatal(err)
	}
	if got.Currency != "usd" || !got.Active || got.MaxImportFileBytes != 10<<20 || got.PriceCents != 0 || got.StripePriceID != nil ||
		got.APIAccess || got.Description != "" {
		t.Fatalf("a package created with the required fields alone: %+v", got)
	}
}

// TestUpdatePackageCode: a package's code is fixed; sending it back as it
// is, even with spaces around it (a form that echoes the package), is no
// change and is saved with the rest, as the code itself was trimmed when
// the package was created.
func TestUpdatePackageCode(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	pkg := MustCreatePackage(t, tb.db)
	for name, tc := range map[string]struct {
		code    string
		wantErr bool
	}{
		"OKSame":         {pkg.Code, false},
		"OKSamePadded":   {" " + pkg.Code + "\t", false},
		"ErrOther":       {pkg.Code + "x", true},
		"ErrOtherPadded": {" " + pkg.Code + "x ", true},
	} {
		t.Run(name, func(t *testing.T) { // not parallel: the cases edit one package
			got, err := tb.svc.UpdatePackage(t.Context(), pkg.ID, PackageParams{Code: ptr(tc.code), Name: ptr("Renamed " + name)})
			if tc.wantErr {
				if e, ok := apperr.As(err); !ok || e.Code != apperr.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "code" {
					t.Fatalf("UpdatePackage with code %q = %#v, want EINVALID naming code", tc.code, err)
				}
				return
			}
			if err != nil || got.Code != pkg.Code || got.Name != "Renamed "+name {
				t.Fatalf("UpdatePackage with code %q = %+v, %v; want saved under %s", tc.code, got, err, pkg.Code)
			}
		})
	}
}

// TestUpdatePackageClearsStripePrice: a blank Stripe price id (spaces
// alone included) takes the package off Stripe: no price (NULL), not an
// empty one, which a second package cleared so would collide with (the
// column is unique) and which checkout would send to Stripe.
func TestUpdatePackageClearsStripePrice(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for name, blank := range map[string]string{"Empty": "", "Spaces": "  "} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for range 2 { // two packages cleared
				pkg := MustCreatePackage(t, tb.db)
				got, err := tb.svc.UpdatePackage(t.Context(), pkg.ID, PackageParams{StripePriceID: ptr(blank)})
				if err != nil {
					t.Fatal(err)
				}
				var stored *string
				if err := tb.db.Raw(`SELECT stripe_price_id FROM packages WHERE id = ?`, pkg.ID).Scan(&stored).Error; err != nil {
					t.Fatal(err)
				}
				if got.StripePriceID != nil || stored != nil {
					t.Fatalf("Stripe price %q answered as %v, stored as %v; want none", blank, deref(got.StripePriceID), deref(stored))
				}
			}
		})
	}
}

// TestCheckPackageNormalizesName: a package's name is stored as people
// read it: invisible characters at its edges dropped and runs of spaces
// made one, as every name of the service is (freetext).
func TestCheckPackageNormalizesName(t *testing.T) {
	t.Parallel()
	p := Package{Code: "pro", Name: "\u200bTeam   Plus\u200b", Currency: "usd", MaxImportFileBytes: 10 << 20}
	if err := checkPackage(&p); err != nil || p.Name != "Team Plus" {
		t.Fatalf("checkPackage = %v, name %q; want Team Plus", err, p.Name)
	}
}
