package contacts_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/net/idna"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// people creates a small cast for search tests in b's company.
func (b *testBundle) people(t *testing.T) map[string]uuid.UUID {
	t.Helper()
	co := b.company(t, CompanyOpts{Industry: "Software", EmployeeRange: "201-500", Country: "US"})
	de := b.company(t, CompanyOpts{Name: "Nordlicht " + b.word + " GmbH", Domain: b.word + ".de", Industry: "Manufacturing",
		EmployeeRange: "1001-5000", Country: "DE"})
	out := map[string]uuid.UUID{}
	for _, p := range []ContactOpts{
		{FirstName: "Jonathan", LastName: "Smith", Title: "Senior Software Engineer", Seniority: "senior", Department: "engineering",
			Email: "jonathan.smith@" + b.word + ".example", Country: "US", City: "Austin", Region: "Texas", CompanyID: co},
		{FirstName: "Jon", LastName: "Smithers", Title: "VP of Sales", Seniority: "vp", Department: "sales",
			Phone: "+15125550100", Country: "US", City: "Austin", Region: "Texas", CompanyID: co},
		{FirstName: "Jane", LastName: "Doe", Title: "Software Engineer", Seniority: "entry", Department: "engineering",
			Email: "jane@" + b.word + ".example", Country: "US", City: "Boston", Region: "Massachusetts", CompanyID: co},
		{FirstName: "Zoë", LastName: "Müller", Title: "Director of Engineering", Seniority: "director", Department: "engineering",
			Email: "zoe.muller@" + b.word + ".de", Phone: "+4930123456", Country: "DE", City: "Berlin", Region: "Berlin", CompanyID: de},
		{FirstName: "José", LastName: "García", Title: "Sales Director", Seniority: "director", Department: "sales",
			Country: "DE", City: "München", Region: "Bayern", CompanyID: de},
	} {
		out[p.FirstName+" "+p.LastName] = MustCreateContact(t, b.db, p)
	}
	return out
}

func (b *testBundle) search(t *testing.T, tenant uuid.UUID, p contacts.SearchParams) *contacts.SearchResult {
	t.Helper()
	if p.PageSize == 0 {
		p.PageSize = 50
	}
	if p.MaxPageSize == 0 {
		p.MaxPageSize = 100
	}
	res, err := b.svc.Search(b.ctx, tenant, p)
	if err != nil {
		t.Fatalf("Search(%+v): %v", p, err)
	}
	return res
}

func TestSearch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.people(t)
	w := b.word

	tests := []struct {
		name  string
		p     contacts.SearchParams
		want  []string // in any order unless ordered
		order bool
	}{
		{"OKPrefixTolerant", contacts.SearchParams{Query: "jon smi " + w}, []string{"Jonathan Smith", "Jon Smithers"}, false},
		{"OKTypoTolerant", contacts.SearchParams{Query: "enginer " + w}, []string{"Jonathan Smith", "Jane Doe", "Zoë Müller"}, false},
		{"OKAccentsFolded", contacts.SearchParams{Query: "ZOE muller " + w}, []string{"Zoë Müller"}, false},
		{"OKAccentsTyped", contacts.SearchParams{Query: "josé garcía " + w}, []string{"José García"}, false},
		{"OKCompanyName", contacts.SearchParams{Query: "nordlicht " + w}, []string{"Zoë Müller", "José García"}, false},
		{"OKRelevanceNameFirst", contacts.SearchParams{Query: "jon " + w}, []string{"Jon Smithers", "Jonathan Smith"}, true},
		{"OKSeniorityOR", contacts.SearchParams{Query: w, Filters: contacts.Filters{Seniorities: []string{"vp", "director"}}},
			[]string{"Jon Smithers", "Zoë Müller", "José García"}, false},
		{"OKFiltersAND", contacts.SearchParams{Query: w, Filters: contacts.Filters{Countries: []string{"de"}, Departments: []string{"engineering"}}},
			[]string{"Zoë Müller"}, false},
		{"OKCountryByName", contacts.SearchParams{Query: w, Filters: contacts.Filters{Countries: []string{"Germany"}}},
			[]string{"Zoë Müller", "José García"}, false},
		{"OKHasEmailFalse", contacts.SearchParams{Query: w, Filters: contacts.Filters{HasEmail: ptr(false)}},
			[]string{"Jon Smithers", "José García"}, false},
		{"OKHasPhone", contacts.SearchParams{Query: w, Filters: contacts.Filters{HasPhone: ptr(true)}},
			[]string{"Jon Smithers", "Zoë Müller"}, false},
		{"OKTitlesPhrasePrefix", contacts.SearchParams{Query: w, Filters: contacts.Filters{Titles: []string{"software eng"}}},
			[]string{"Jonathan Smith", "Jane Doe"}, false},
		{"OKTitlesOR", contacts.SearchParams{Query: w, Filters: contacts.Filters{Titles: []string{"vp", "sales director"}}},
			[]string{"Jon Smithers", "José García"}, false},
		{"OKCompanyDomain", contacts.SearchParams{Filters: contacts.Filters{CompanyDomains: []string{"https://www." + w + ".de/"}}},
			[]string{"Zoë Müller", "José García"}, false},
		{"OKCompanyNameFilter", contacts.SearchParams{Filters: contacts.Filters{CompanyNames: []string{"NORDLICHT " + w + " GMBH"}}},
			[]string{"Zoë Müller", "José García"}, false},
		{"OKIndustryAndRange", contacts.SearchParams{Query: w, Filters: contacts.Filters{Industries: []string{"Software"}, EmployeeRanges: []string{"201-500"}}},
			[]string{"Jonathan Smith", "Jon Smithers", "Jane Doe"}, false},
		{"OKCityRegion", contacts.SearchParams{Query: w, Filters: contacts.Filters{Cities: []string{"Austin", "München"}, Regions: []string{"Texas"}}},
			[]string{"Jonathan Smith", "Jon Smithers"}, false},
		{"OKPlacesFolded", contacts.SearchParams{Query: w, Filters: contacts.Filters{Cities: []string{"munchen", "BERLIN"}, Regions: []string{"bayern"}}},
			[]string{"José García"}, false},
		{"OKIndustryFolded", contacts.SearchParams{Query: w, Filters: contacts.Filters{Industries: []string{"manufacturing", "SOFTWARE"}, Cities: []string{"Berlin"}}},
			[]string{"Zoë Müller"}, false},
		// Each filter alone narrows the cast (the cases above combine
		// filters where one of them would do).
		{"OKIndustryAlone", contacts.SearchParams{Query: w, Filters: contacts.Filters{Industries: []string{"Manufacturing"}}},
			[]string{"Zoë Müller", "José García"}, false},
		{"OKEmployeeRangeAlone", contacts.SearchParams{Query: w, Filters: contacts.Filters{EmployeeRanges: []string{"1001-5000"}}},
			[]string{"Zoë Müller", "José García"}, false},
		{"OKRegionAlone", contacts.SearchParams{Query: w, Filters: contacts.Filters{Regions: []string{"Massachusetts"}}},
			[]string{"Jane Doe"}, false},
		{"OKCityAlone", contacts.SearchParams{Query: w, Filters: contacts.Filters{Cities: []string{"Boston"}}},
			[]string{"Jane Doe"}, false},
		{"OKDepartmentAlone", contacts.SearchParams{Query: w, Filters: contacts.Filters{Departments: []string{"SALES"}}},
			[]string{"Jon Smithers", "José García"}, false},
		{"OKHasEmail", contacts.SearchParams{Query: w, Filters: contacts.Filters{HasEmail: ptr(true)}},
			[]string{"Jonathan Smith", "Jane Doe", "Zoë Müller"}, false},
		{"OKHasPhoneFalse", contacts.SearchParams{Query: w, Filters: contacts.Filters{HasPhone: ptr(false)}},
			[]string{"Jonathan Smith", "Jane Doe", "José García"}, false},
		{"OKSortName", contacts.SearchParams{Query: w, Sort: contacts.SortName},
			[]string{"Jane Doe", "José García", "Zoë Müller", "Jonathan Smith", "Jon Smithers"}, true},
		{"OKNothing", contacts.SearchParams{Query: "zzzzzz " + w}, nil, false},
		{"OKBroadPrefixesOnly", contacts.SearchParams{Query: "jo sm", Filters: contacts.Filters{CompanyDomains: []string{w + ".example"}}},
			[]string{"Jonathan Smith", "Jon Smithers"}, false},
		{"OKBroadPrefixesByName", contacts.SearchParams{Query: "j", Sort: contacts.SortName, Filters: contacts.Filters{CompanyDomains: []string{w + ".example"}}},
			[]string{"Jane Doe", "Jonathan Smith", "Jon Smithers"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := b.search(t, b.tenant, tt.p)
			got := names(res.Items)
			want := slices.Clone(tt.want)
			if !tt.order {
				slices.Sort(got)
				slices.Sort(want)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("got %q, want %q", got, want)
			}
			if res.Total != len(tt.want) || res.TotalIsCapped || res.TotalIsEstimate {
				t.Fatalf("total = %d (capped %v, estimate %v), want %d", res.Total, res.TotalIsCapped, res.TotalIsEstimate, len(tt.want))
			}
			if !res.NewSearch {
				t.Fatal("a search without cursor is not reported as new")
			}
		})
	}
}

// TestSearchPresenceNeedsTheValue: the words "~m" and "~p" in a name make
// the same lexemes as the has-email and has-phone tags; the filters still
// find only contacts that have an email or a phone.
func TestSearchPresenceNeedsTheValue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	MustCreateContact(t, b.db, ContactOpts{FirstName: "~m", LastName: "~p", CompanyID: co})
	MustCreateContact(t, b.db, ContactOpts{FirstName: "Real", LastName: "Reach", Email: "real@" + b.word + ".example",
		Phone: "+4930123456", CompanyID: co})
	for _, f := range []contacts.Filters{{HasEmail: ptr(true)}, {HasPhone: ptr(true)}} {
		if got := names(b.search(t, b.tenant, contacts.SearchParams{Query: b.word, Filters: f}).Items); !slices.Equal(got, []string{"Real Reach"}) {
			t.Fatalf("filters %+v found %q", f, got)
		}
	}
}

func TestSearchVisibility(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	shared := MustCreateContact(t, b.db, ContactOpts{FirstName: "Shared", LastName: "Person", CompanyID: co})
	mine := MustCreateContact(t, b.db, ContactOpts{FirstName: "Private", LastName: "Mine", CompanyID: co, Owner: &b.tenant})
	theirs := MustCreateContact(t, b.db, ContactOpts{FirstName: "Private", LastName: "Theirs", CompanyID: co, Owner: &b.other})

	tests := []struct {
		name   string
		tenant uuid.UUID
		want   []uuid.UUID
	}{
		{"OKOwnPrivateAndShared", b.tenant, []uuid.UUID{shared, mine}},
		{"OKOtherTenant", b.other, []uuid.UUID{shared, theirs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, sort := range []string{contacts.SortRelevance, contacts.SortName, contacts.SortUpdated} {
				for _, q := range []string{b.word, ""} {
					p := contacts.SearchParams{Query: q, Sort: sort}
					if q == "" {
						p.Filters.CompanyDomains = []string{b.word + ".example"}
					}
					got := ids(b.search(t, tt.tenant, p).Items)
					slices.SortFunc(got, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
					want := slices.Clone(tt.want)
					slices.SortFunc(want, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
					if !slices.Equal(got, want) {
						t.Fatalf("sort %s query %q: got %s, want %s", sort, q, fmtIDs(got), fmtIDs(want))
					}
				}
			}
		})
	}
}

func TestSearchInvalid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name  string
		p     contacts.SearchParams
		field string
		msg   string
	}{
		{"ErrInvalidQueryTooLong", contacts.SearchParams{Query: strings.Repeat("é", 201), PageSize: 10}, "query", "200"},
		{"ErrInvalidQueryNUL", contacts.SearchParams{Query: "a\x00b", PageSize: 10}, "query", "control"},
		{"ErrInvalidQueryEscape", contacts.SearchParams{Query: "a\x1bb", PageSize: 10}, "query", "control"},
		{"ErrInvalidPageSizeZero", contacts.SearchParams{PageSize: 0, MaxPageSize: 25}, "page_size", "25"},
		{"ErrInvalidPageSizeOverMax", contacts.SearchParams{PageSize: 26, MaxPageSize: 25}, "page_size", "25"},
		{"ErrInvalidSort", contacts.SearchParams{PageSize: 10, Sort: "random"}, "sort", "relevance"},
		{"ErrInvalidSeniority", contacts.SearchParams{PageSize: 10, Filters: contacts.Filters{Seniorities: []string{"vp", "boss"}}},
			"filters.seniorities[1]", "c_suite"},
		{"ErrInvalidCountry", contacts.SearchParams{PageSize: 10, Filters: contacts.Filters{Countries: []string{"Atlantis"}}},
			"filters.countries[0]", "ISO 3166"},
		{"ErrInvalidEmployeeRange", contacts.SearchParams{PageSize: 10, Filters: contacts.Filters{EmployeeRanges: []string{"huge"}}},
			"filters.employee_ranges[0]", "10001+"},
		{"ErrInvalidTooManyValues", contacts.SearchParams{PageSize: 10, Filters: contacts.Filters{Cities: make([]string, 101)}},
			"filters.cities", "100"},
		{"ErrInvalidQueryUTF8", contacts.SearchParams{Query: "caf\xe9", PageSize: 10}, "query", "UTF-8"},
		{"ErrInvalidPageSizeOverDefaultMax", contacts.SearchParams{PageSize: 101, MaxPageSize: -1}, "page_size", "100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.p.MaxPageSize == 0 {
				tt.p.MaxPageSize = 100
			}
			_, err := b.svc.Search(b.ctx, b.tenant, tt.p)
			e := wantCode(t, err, apperr.EINVALID)
			if len(e.Fields) == 0 || e.Fields[0].Field != tt.field || !strings.Contains(e.Fields[0].Message, tt.msg) {
				t.Fatalf("fields = %+v, want %s mentioning %q", e.Fields, tt.field, tt.msg)
			}
		})
	}
}

// TestSearchBounds: the limits of a search's parameters are inclusive: a
// query of 200 characters (counted without the spaces around it), a page
// as large as the package's maximum (100 when the package sets none) and
// a filter of 100 values are searched, not refused (TestSearchInvalid has
// the values one past them).
func TestSearchBounds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cities := make([]string, contacts.MaxFilterValues)
	for i := range cities {
		cities[i] = fmt.Sprintf("City %d", i)
	}
	tests := []struct {
		name string
		p    contacts.SearchParams
	}{
		{"OKQueryAtMax", contacts.SearchParams{Query: "  " + strings.Repeat("é", contacts.MaxQueryLen) + "  ", PageSize: 10, MaxPageSize: 10}},
		{"OKPageSizeAtMax", contacts.SearchParams{Query: b.word, PageSize: 25, MaxPageSize: 25}},
		{"OKPageSizeAtDefaultMax", contacts.SearchParams{Query: b.word, PageSize: 100}},
		{"OKFilterValuesAtMax", contacts.SearchParams{Query: b.word, PageSize: 10, MaxPageSize: 10, Filters: contacts.Filters{Cities: cities}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := b.svc.Search(b.ctx, b.tenant, tt.p); err != nil {
				t.Fatalf("Search: %v", err)
			}
		})
	}
}

// TestSearchCursor pages through every sort order two at a time while new
// matching contacts arrive, and checks each contact shows up exactly once.
func TestSearchCursor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	var want []uuid.UUID
	for i := range 7 {
		want = append(want, MustCreateContact(t, b.db, ContactOpts{FirstName: "Ann" + string(rune('a'+i)), LastName: "Lee", CompanyID: co}))
	}
	for _, sort := range []string{contacts.SortRelevance, contacts.SortName, contacts.SortUpdated} {
		t.Run("OK"+sort, func(t *testing.T) {
			p := contacts.SearchParams{Query: "ann " + b.word, Sort: sort, PageSize: 2, MaxPageSize: 10}
			seen := map[uuid.UUID]int{}
			pages, total := 0, 0
			for {
				res := b.search(t, b.tenant, p)
				if res.NewSearch != (p.Cursor == "") {
					t.Fatalf("NewSearch = %v with cursor %q", res.NewSearch, p.Cursor)
				}
				if pages == 0 {
					total = res.Total
				}
				if res.Total != total || total < 7 {
					t.Fatalf("page %d: total = %d, want the first page's %d (at least 7)", pages, res.Total, total)
				}
				for _, c := range res.Items {
					seen[c.ID]++
				}
				pages++
				if pages == 1 { // a newcomer must not disturb the walk
					MustCreateContact(t, b.db, ContactOpts{FirstName: "Anna", LastName: "New" + sort, CompanyID: co})
				}
				if res.NextCursor == "" {
					break
				}
				p.Cursor = res.NextCursor
			}
			for _, id := range want {
				if seen[id] != 1 {
					t.Fatalf("contact %s seen %d times over %d pages", id, seen[id], pages)
				}
			}
		})
	}
}

// TestSearchCursorLongNames: a name-sorted cursor carries the last row's
// whole sort name; names as long as imports allow, in 4-byte characters
// and characters JSON escapes, still page on.
func TestSearchCursorLongNames(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	for _, name := range []string{strings.Repeat("\U0001F600", 100), strings.Repeat("<&>", 33) + "x"} {
		for range 2 {
			MustCreateContact(t, b.db, ContactOpts{FirstName: name, LastName: name, CompanyID: co})
		}
	}
	p := contacts.SearchParams{Query: b.word, Sort: contacts.SortName, PageSize: 1, MaxPageSize: 10}
	for page := 1; ; page++ {
		res := b.search(t, b.tenant, p)
		if res.NextCursor == "" {
			if page < 4 {
				t.Fatalf("the walk ended after %d pages, want 4", page)
			}
			break
		}
		p.Cursor = res.NextCursor
	}
}

func TestSearchCursorMalformed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	for i := range 3 {
		MustCreateContact(t, b.db, ContactOpts{FirstName: "Bo" + string(rune('a'+i)), LastName: "Kim", CompanyID: co})
	}
	p := contacts.SearchParams{Query: b.word, PageSize: 1, MaxPageSize: 10}
	first := b.search(t, b.tenant, p)
	if first.NextCursor == "" {
		t.Fatal("no next cursor")
	}
	tampered := []byte(first.NextCursor)
	tampered[len(tampered)/2] ^= 0x01
	tests := []struct {
		name   string
		tenant uuid.UUID
		p      contacts.SearchParams
	}{
		{"ErrMalformedTampered", b.tenant, contacts.SearchParams{Query: b.word, Cursor: string(tampered)}},
		{"ErrMalformedForeignTenant", b.other, contacts.SearchParams{Query: b.word, Cursor: first.NextCursor}},
		{"ErrMalformedOtherQuery", b.tenant, contacts.SearchParams{Query: b.word + " bo", Cursor: first.NextCursor}},
		{"ErrMalformedOtherSort", b.tenant, contacts.SearchParams{Query: b.word, Sort: contacts.SortName, Cursor: first.NextCursor}},
		{"ErrMalformedOtherFilters", b.tenant, contacts.SearchParams{Query: b.word, Cursor: first.NextCursor,
			Filters: contacts.Filters{Seniorities: []string{"entry"}}}},
		{"ErrMalformedGarbage", b.tenant, contacts.SearchParams{Query: b.word, Cursor: "not a cursor!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.p.PageSize, tt.p.MaxPageSize = 1, 10
			_, err := b.svc.Search(b.ctx, tt.tenant, tt.p)
			wantCode(t, err, apperr.EMALFORMED)
		})
	}
	t.Run("OKSameQueryOtherPageSize", func(t *testing.T) {
		t.Parallel()
		res := b.search(t, b.tenant, contacts.SearchParams{Query: "  " + strings.ToUpper(b.word), Cursor: first.NextCursor, PageSize: 5})
		if len(res.Items) != 2 {
			t.Fatalf("got %d items, want the 2 after the first", len(res.Items))
		}
	})
}

func TestSearchFacetsAndExcludeSaved(t *testing.T) {
	t.Parallel()
	b := setup(t)
	people := b.people(t)
	res := b.search(t, b.tenant, contacts.SearchParams{Query: b.word, Facets: true})
	if res.Facets == nil || res.Facets.IsCapped {
		t.Fatalf("facets = %+v", res.Facets)
	}
	want := map[string]int{"director": 2, "vp": 1, "senior": 1, "entry": 1}
	for _, f := range res.Facets.Seniority {
		if want[f.Value] != f.Count {
			t.Fatalf("seniority facet %s = %d, want %d", f.Value, f.Count, want[f.Value])
		}
	}
	if !slices.Equal(res.Facets.Country, []contacts.FacetCount{{Value: "US", Count: 3}, {Value: "DE", Count: 2}}) {
		t.Fatalf("country facets = %+v, want US 3 then DE 2", res.Facets.Country)
	}
	if _, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: []uuid.UUID{people["Jane Doe"]}}); err != nil {
		t.Fatal(err)
	}
	res = b.search(t, b.tenant, contacts.SearchParams{Query: b.word, Filters: contacts.Filters{ExcludeSaved: true}})
	if res.Total != 4 || slices.Contains(names(res.Items), "Jane Doe") {
		t.Fatalf("exclude_saved: got %q", names(res.Items))
	}
	res = b.search(t, b.other, contacts.SearchParams{Query: b.word, Filters: contacts.Filters{ExcludeSaved: true}})
	if res.Total != 5 {
		t.Fatalf("another tenant's saves excluded: total %d", res.Total)
	}
}

// TestSearchFacetsScaleToExactTotal: facets over more than their sample
// (300 matches) are scaled up, and when the search counted its matches
// exactly they are scaled to that count, so a facet of the field the search
// filters on adds up to the total shown beside it. They were scaled to the
// planner's estimate even then: 400 counted matches showed facets adding up
// to the estimate (here a few, so they were not scaled at all: 301).
func TestSearchFacetsScaleToExactTotal(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	const n = 400
	rows := make([][]any, n)
	for i := range rows {
		seniority := "director"
		if i%4 == 0 {
			seniority = "vp"
		}
		rows[i] = []any{uuid.Must(uuid.NewV7()), "Facet", fmt.Sprintf("Person%d", i), seniority, "sales", "test", co}
	}
	if _, err := b.db.Pool.CopyFrom(b.ctx, pgx.Identifier{"contacts"},
		[]string{"id", "first_name", "last_name", "seniority", "department", "source", "company_id"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Pool.Exec(b.ctx, `UPDATE contacts c SET company_name = co.name FROM companies co
		WHERE co.id = $1 AND c.company_id = co.id`, co); err != nil {
		t.Fatal(err)
	}
	for _, f := range []contacts.Filters{{}, {Seniorities: []string{"vp", "director"}}} {
		res := b.search(t, b.tenant, contacts.SearchParams{Query: b.word, Filters: f, Facets: true})
		if res.Total != n || res.TotalIsEstimate || res.TotalIsCapped || res.Facets == nil || !res.Facets.IsCapped {
			t.Fatalf("%+v: total %d (estimate %v, capped %v), facets %+v; want %d counted, facets sampled",
				f, res.Total, res.TotalIsEstimate, res.TotalIsCapped, res.Facets, n)
		}
		sum := 0
		for _, fc := range res.Facets.Seniority {
			sum += fc.Count
		}
		if sum < n-1 || sum > n+1 {
			t.Errorf("%+v: seniority facets %+v add up to %d, want %d (±1 for rounding)", f, res.Facets.Seniority, sum, n)
		}
		// Later pages answer the same facets.
		if res.NextCursor == "" {
			t.Fatalf("%+v: no next page", f)
		}
		next := b.search(t, b.tenant, contacts.SearchParams{Query: b.word, Filters: f, Facets: true, Cursor: res.NextCursor})
		if !slices.Equal(next.Facets.Seniority, res.Facets.Seniority) {
			t.Errorf("%+v: page 2 facets %+v, page 1 %+v", f, next.Facets.Seniority, res.Facets.Seniority)
		}
	}
}

// TestSearchCompanyDomainIDN: the company_domains filter reads a domain
// as imports store it (contacts.NormalizeDomain): an internationalized
// domain in Unicode or in punycode, in capitals, with the root's trailing
// dot, is the one stored. (The filter took ASCII only: a Unicode domain
// was 422, its punycode matched nothing.)
func TestSearchCompanyDomainIDN(t *testing.T) {
	t.Parallel()
	b := setup(t)
	domain := "bü" + b.word + ".de"
	co := b.company(t, CompanyOpts{Name: "Bü " + b.word, Domain: domain})
	want := MustCreateContact(t, b.db, ContactOpts{FirstName: "Idn", LastName: "Person", CompanyID: co})
	ascii, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{domain, ascii, strings.ToUpper(ascii) + ".", "https://www." + strings.ToUpper(domain) + "/team"} {
		res := b.search(t, b.tenant, contacts.SearchParams{Filters: contacts.Filters{CompanyDomains: []string{f}}})
		if len(res.Items) != 1 || res.Items[0].ID != want {
			t.Errorf("company_domains %q: %d results, want the contact of %s", f, len(res.Items), domain)
		}
	}
}

// TestSearchReadsOnlyItsTenantsVocabulary: the words of another tenant's
// private contacts (its part of search_terms) take no part in a tenant's
// search. A prefix counts its expansions among the shared words and the
// tenant's own: the other tenant's 65 words starting with it would make it
// broad, and the search would report an estimate where it counts 3
// matches. A misspelt word's typo neighbours are the 4 nearest shared or
// own words: the other tenant's 4 nearer words would crowd out the one
// that finds the tenant's contact.
func TestSearchReadsOnlyItsTenantsVocabulary(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	w := b.word
	for i := range 3 {
		MustCreateContact(t, b.db, ContactOpts{FirstName: "Pat" + string(rune('a'+i)), LastName: w + "mnop", CompanyID: co})
	}
	for i := range maxExpansionForTest + 1 {
		MustCreateContact(t, b.db, ContactOpts{FirstName: "Other", LastName: w + string(rune('a'+i/26)) + string(rune('a'+i%26)), Owner: &b.other})
	}
	typo := w + "mnxq" // nearer to each of these than to w+"mnop"
	for _, c := range "abcd" {
		MustCreateContact(t, b.db, ContactOpts{FirstName: "Other", LastName: string(c) + typo, Owner: &b.other})
	}
	t.Run("OKPrefixCounted", func(t *testing.T) {
		t.Parallel()
		res := b.search(t, b.tenant, contacts.SearchParams{Query: w, PageSize: 2, MaxPageSize: 10})
		if res.Total != 3 || res.TotalIsEstimate || res.TotalIsCapped {
			t.Fatalf("total %d (estimate %v, capped %v), want 3 counted", res.Total, res.TotalIsEstimate, res.TotalIsCapped)
		}
	})
	t.Run("OKTypoNeighbour", func(t *testing.T) {
		t.Parallel()
		res := b.search(t, b.tenant, contacts.SearchParams{Query: typo})
		if len(res.Items) != 3 {
			t.Fatalf("%q found %q, want the 3 contacts named %smnop", typo, names(res.Items), w)
		}
	})
}

// maxExpansionForTest is contacts.maxExpansion: the most vocabulary words a
// prefix stands for before it is broad.
const maxExpansionForTest = 64

// TestSearchIdentity: a search typed again with its filter values in
// another order, case or repeated is the same search (the same cursor
// identity, the same charge); other values or another sort are another.
func TestSearchIdentity(t *testing.T) {
	t.Parallel()
	base := contacts.SearchParams{Query: "engineer", PageSize: 10, MaxPageSize: 10, Filters: contacts.Filters{
		Seniorities: []string{"director", "vp"}, Titles: []string{"software eng"}, CompanyNames: []string{"acme gmbh"}}}
	tests := []struct {
		name string
		p    contacts.SearchParams
		same bool
	}{
		{"OKSameOtherSpelling", contacts.SearchParams{Query: "  Engineer ", PageSize: 25, MaxPageSize: 25, Filters: contacts.Filters{
			Seniorities: []string{"VP", "Director", "vp"}, Titles: []string{"Software Eng", "software eng"}, CompanyNames: []string{"ACME GmbH"}}}, true},
		{"OKOtherValues", contacts.SearchParams{Query: "engineer", PageSize: 10, MaxPageSize: 10, Filters: contacts.Filters{
			Seniorities: []string{"director"}, Titles: []string{"software eng"}, CompanyNames: []string{"acme gmbh"}}}, false},
		{"OKOtherSort", contacts.SearchParams{Query: "engineer", Sort: contacts.SortName, PageSize: 10, MaxPageSize: 10, Filters: base.Filters}, false},
	}
	want, err := contacts.SearchIdentity(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := contacts.SearchIdentity(tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if same := slices.Equal(got, want); same != tt.same {
				t.Fatalf("same identity = %v, want %v", same, tt.same)
			}
		})
	}
}
