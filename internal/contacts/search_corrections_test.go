package contacts_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// correctedCast is the search cast (people) with one tenant's corrections:
// Jane Doe's title "Software Engineer" → "Chief Technology Officer" and a
// phone added, Jonathan Smith's city Austin → Dallas, Zoë Müller's country
// DE → FR, Jon Smithers given an email, José García moved by company name
// from the German company to the American one.
func (b *testBundle) correctedCast(t *testing.T) map[string]uuid.UUID {
	t.Helper()
	p := b.people(t)
	for _, c := range []struct{ who, field, value string }{
		{"Jane Doe", "title", "Chief Technology Officer"},
		{"Jane Doe", "phone", "+14155550123"},
		{"Jonathan Smith", "city", "Dallas"},
		{"Zoë Müller", "country", "FR"},
		{"Jon Smithers", "email", "jon@" + b.word + ".example"},
		{"José García", "company_name", upperFirst(b.word) + " Systems"},
	} {
		if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, p[c.who], c.field, c.value); err != nil {
			t.Fatalf("correct %s of %s: %v", c.field, c.who, err)
		}
	}
	return p
}

func upperFirst(s string) string { return string(s[0]-'a'+'A') + s[1:] }

// searchNames runs a search through every page of size 1 (so paging by
// cursor is checked too) and returns the names found, sorted, and the
// first page's total.
func (b *testBundle) searchNames(t *testing.T, tenant uuid.UUID, p contacts.SearchParams) ([]string, int) {
	t.Helper()
	p.PageSize = 1
	var out []string
	total := -1
	for range 20 {
		res := b.search(t, tenant, p)
		if total < 0 {
			total = res.Total
		}
		out = append(out, names(res.Items)...)
		if res.NextCursor == "" {
			slices.Sort(out)
			return out, total
		}
		p.Cursor = res.NextCursor
	}
	t.Fatalf("more than 20 pages: %v", out)
	return nil, 0
}

// TestSearchFiltersHonourCorrections: a tenant sees its own corrections in
// place of the shared values, so its search filters match those values:
// a contact whose corrected value no longer matches is left out, one whose
// corrected value matches is found. Other tenants still match the shared
// values.
func TestSearchFiltersHonourCorrections(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.correctedCast(t)
	w := b.word
	for _, tc := range []struct {
		name        string
		p           contacts.SearchParams
		mine, other []string
	}{
		{"OKTitleNoLongerMatches", contacts.SearchParams{Query: w, Filters: contacts.Filters{Titles: []string{"software engineer"}}},
			[]string{"Jonathan Smith"}, []string{"Jane Doe", "Jonathan Smith"}},
		{"OKTitleNowMatches", contacts.SearchParams{Query: w, Filters: contacts.Filters{Titles: []string{"chief techn"}}},
			[]string{"Jane Doe"}, nil},
		{"OKCityNowMatches", contacts.SearchParams{Query: w, Filters: contacts.Filters{Cities: []string{"dallas"}}},
			[]string{"Jonathan Smith"}, nil},
		{"OKCityNoLongerMatches", contacts.SearchParams{Query: w, Filters: contacts.Filters{Cities: []string{"Austin"}}},
			[]string{"Jon Smithers"}, []string{"Jon Smithers", "Jonathan Smith"}},
		{"OKCountry", contacts.SearchParams{Query: w, Filters: contacts.Filters{Countries: []string{"FR", "US"}}},
			[]string{"Jane Doe", "Jon Smithers", "Jonathan Smith", "Zoë Müller"}, []string{"Jane Doe", "Jon Smithers", "Jonathan Smith"}},
		{"OKCountryNoLongerMatches", contacts.SearchParams{Query: w, Filters: contacts.Filters{Countries: []string{"DE"}}},
			[]string{"José García"}, []string{"José García", "Zoë Müller"}},
		{"OKHasPhone", contacts.SearchParams{Query: w, Filters: contacts.Filters{HasPhone: ptr(true)}},
			[]string{"Jane Doe", "Jon Smithers", "Zoë Müller"}, []string{"Jon Smithers", "Zoë Müller"}},
		{"OKHasNoEmail", contacts.SearchParams{Query: w, Filters: contacts.Filters{HasEmail: ptr(false)}},
			[]string{"José García"}, []string{"Jon Smithers", "José García"}},
		{"OKCompanyName", contacts.SearchParams{Filters: contacts.Filters{CompanyNames: []string{"nordlicht " + w + " gmbh"}}},
			[]string{"Zoë Müller"}, []string{"José García", "Zoë Müller"}},
		{"OKCompanyDomainFollowsCompany", contacts.SearchParams{Filters: contacts.Filters{CompanyDomains: []string{w + ".example"}}},
			[]string{"Jane Doe", "Jon Smithers", "Jonathan Smith", "José García"}, []string{"Jane Doe", "Jon Smithers", "Jonathan Smith"}},
		{"OKIndustryFollowsCompany", contacts.SearchParams{Query: w, Filters: contacts.Filters{Industries: []string{"Manufacturing"}}},
			[]string{"Zoë Müller"}, []string{"José García", "Zoë Müller"}},
		{"OKFreeTextTitle", contacts.SearchParams{Query: "chief technology " + w},
			[]string{"Jane Doe"}, nil},
		{"OKFreeTextTitleNoLongerMatches", contacts.SearchParams{Query: "software " + w},
			[]string{"Jonathan Smith"}, []string{"Jane Doe", "Jonathan Smith"}},
		{"OKFreeTextCompanyName", contacts.SearchParams{Query: "nordlicht " + w},
			[]string{"Zoë Müller"}, []string{"José García", "Zoë Müller"}},
		{"OKSortName", contacts.SearchParams{Query: w, Sort: contacts.SortName, Filters: contacts.Filters{Countries: []string{"FR"}}},
			[]string{"Zoë Müller"}, nil},
		{"OKSortUpdated", contacts.SearchParams{Query: w, Sort: contacts.SortUpdated, Filters: contacts.Filters{Titles: []string{"software"}}},
			[]string{"Jonathan Smith"}, []string{"Jane Doe", "Jonathan Smith"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, who := range []struct {
				tenant uuid.UUID
				want   []string
			}{{b.tenant, tc.mine}, {b.other, tc.other}} {
				got, total := b.searchNames(t, who.tenant, tc.p)
				want := slices.Clone(who.want)
				slices.Sort(want)
				if !slices.Equal(got, want) || total != len(want) {
					t.Errorf("tenant %v: found %q (total %d), want %q", who.tenant == b.tenant, got, total, want)
				}
			}
		})
	}
}

// TestSearchRanksAndCountsCorrectedValues: a contact found by its corrected
// title ranks as a contact with that title would, and facets count the
// corrected country.
func TestSearchRanksAndCountsCorrectedValues(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.correctedCast(t)
	t.Run("OKRank", func(t *testing.T) {
		co := b.company(t, CompanyOpts{Name: "Chief " + b.word + " Holdings", Domain: b.word + ".chief"})
		MustCreateContact(t, b.db, ContactOpts{FirstName: "Plain", LastName: "Person", Title: "Office Manager", CompanyID: co})
		// Both match every word as typed; "chief" in Jane's corrected
		// title weighs more than in the other's company name.
		res := b.search(t, b.tenant, contacts.SearchParams{Query: "chief " + b.word})
		if len(res.Items) != 2 || res.Items[0].ID != p["Jane Doe"] {
			t.Fatalf("found %q, want Jane Doe first", names(res.Items))
		}
	})
	t.Run("OKFacets", func(t *testing.T) {
		res := b.search(t, b.tenant, contacts.SearchParams{Query: "nordlicht " + b.word, Facets: true})
		if len(res.Items) != 1 || res.Total != 1 || res.Facets == nil {
			t.Fatalf("found %q, total %d", names(res.Items), res.Total)
		}
		if !slices.Equal(res.Facets.Country, []contacts.FacetCount{{Value: "FR", Count: 1}}) {
			t.Fatalf("country facet %+v, want FR 1", res.Facets.Country)
		}
		res = b.search(t, b.tenant, contacts.SearchParams{Query: "jose garcia " + b.word, Facets: true})
		if len(res.Items) != 1 || !slices.Equal(res.Facets.EmployeeRange, []contacts.FacetCount{{Value: "201-500", Count: 1}}) {
			t.Fatalf("employee range facet %+v of José, moved to the 201-500 company", res.Facets.EmployeeRange)
		}
	})
}

// TestSearchCorrectionsUndoneOrSuperseded: an undone correction, and an
// accepted one that the record changed after, match as the shared value
// again, as they show.
func TestSearchCorrectionsUndoneOrSuperseded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.correctedCast(t)
	chief := contacts.SearchParams{Query: b.word, Filters: contacts.Filters{Titles: []string{"chief"}}}
	if got, _ := b.searchNames(t, b.tenant, chief); !slices.Equal(got, []string{"Jane Doe"}) {
		t.Fatalf("before: %q", got)
	}
	if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, p["Jane Doe"], "title", "Software Engineer"); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.searchNames(t, b.tenant, chief); len(got) != 0 {
		t.Fatalf("after the undo: %q", got)
	}
	c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, p["Jonathan Smith"], "title", "Chief Architect")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.AcceptCorrection(b.ctx, dbtest.MustCreateUser(t, b.db), c.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.searchNames(t, b.other, chief); !slices.Equal(got, []string{"Jonathan Smith"}) {
		t.Fatalf("accepted, another tenant: %q", got)
	}
	if _, err := b.db.Pool.Exec(b.ctx, `UPDATE contacts SET title = 'Chief Software Engineer', updated_at = now() + interval '1 second' WHERE id = $1`,
		p["Jonathan Smith"]); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		title string
		want  []string
	}{{"architect", nil}, {"chief software", []string{"Jonathan Smith"}}} {
		got, _ := b.searchNames(t, b.tenant, contacts.SearchParams{Query: b.word, Filters: contacts.Filters{Titles: []string{tc.title}}})
		if !slices.Equal(got, tc.want) {
			t.Fatalf("record changed after the accept, title %q: %q, want %q", tc.title, got, tc.want)
		}
	}
}

// TestSavedViewFiltersHonourCorrections: the saved view filters as search
// does, on the tenant's corrected values, and its export follows.
func TestSavedViewFiltersHonourCorrections(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.correctedCast(t)
	var all []uuid.UUID
	for _, id := range p {
		all = append(all, id)
	}
	if _, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: all}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    contacts.Filters
		want []string
	}{
		{"OKTitleNoLongerMatches", contacts.Filters{Titles: []string{"software engineer"}}, []string{"Jonathan Smith"}},
		{"OKTitleNowMatches", contacts.Filters{Titles: []string{"chief technology officer"}}, []string{"Jane Doe"}},
		{"OKCountry", contacts.Filters{Countries: []string{"FR"}}, []string{"Zoë Müller"}},
		{"OKCity", contacts.Filters{Cities: []string{"Austin"}}, []string{"Jon Smithers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := contacts.SavedParams{Filters: tc.f, PageSize: 1, MaxPageSize: 100}
			var got []string
			total := -1
			for range 10 {
				page, err := b.svc.ListSaved(b.ctx, b.tenant, sp)
				if err != nil {
					t.Fatal(err)
				}
				if total < 0 {
					total = page.Total
				}
				got = append(got, names(page.Items)...)
				if sp.Cursor = page.NextCursor; sp.Cursor == "" {
					break
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Fatalf("saved view: %q (total %d), want %q", got, total, tc.want)
			}
			var buf bytes.Buffer
			if err := b.svc.ExportSaved(b.ctx, b.tenant, contacts.SavedParams{Filters: tc.f}, contacts.ExportOptions{}, &buf); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var exported []string
			for _, r := range recs[1:] {
				exported = append(exported, r[1]+" "+r[2])
			}
			slices.Sort(exported)
			if !slices.Equal(exported, tc.want) {
				t.Fatalf("export: %q, want %q", exported, tc.want)
			}
		})
	}
}

// TestSearchCorrectedContactChangedSince: the shared record of a contact
// the tenant corrected changes later (an import, say), or the company its
// corrected company name names does: the tenant's search matches the new
// values of what it did not correct, not the document kept when it
// corrected.
func TestSearchCorrectedContactChangedSince(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.correctedCast(t)
	if _, err := b.db.Pool.Exec(b.ctx, `UPDATE contacts SET city = 'Denver', seniority = 'vp', updated_at = now() WHERE id = $1`,
		p["Jane Doe"]); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Pool.Exec(b.ctx, `UPDATE companies SET industry = 'Aerospace' WHERE domain = $1`, b.word+".example"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    contacts.Filters
		want []string
	}{
		{"OKNewCity", contacts.Filters{Cities: []string{"denver"}}, []string{"Jane Doe"}},
		{"OKOldCity", contacts.Filters{Cities: []string{"boston"}}, nil},
		{"OKNewSeniorityWithCorrectedTitle", contacts.Filters{Seniorities: []string{"vp"}, Titles: []string{"chief"}}, []string{"Jane Doe"}},
		// José's corrected company name names the American company, whose
		// industry changed since.
		{"OKNamedCompanyChanged", contacts.Filters{Industries: []string{"aerospace"}},
			[]string{"Jane Doe", "Jon Smithers", "Jonathan Smith", "José García"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := b.searchNames(t, b.tenant, contacts.SearchParams{Query: b.word, Filters: tc.f})
			if !slices.Equal(got, tc.want) {
				t.Fatalf("found %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSearchSkipsCorrectionsOfUncorrectedTenant: a tenant that never
// corrected a contact (its principal says so: tenants.corrected_at, set by
// its first correction in the same transaction) searches without looking
// for corrections; one that has looks, and finds them.
func TestSearchSkipsCorrectionsOfUncorrectedTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.people(t)
	corrected := func() bool {
		t.Helper()
		var ok bool
		if err := b.db.Pool.QueryRow(b.ctx, `SELECT corrected_at IS NOT NULL FROM tenants WHERE id = $1`, b.tenant).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// probes runs the search and counts its statements that read the
	// tenant's corrections.
	probes := func(sp contacts.SearchParams) (int, []string) {
		t.Helper()
		n := 0
		ctx := contacts.WithSQLCapture(b.ctx, func(sql string, _ []any) {
			if strings.Contains(sql, "search_overlay_docs") || strings.Contains(sql, "contact_corrections") {
				n++
			}
		})
		sp.PageSize, sp.MaxPageSize = 25, 100
		res, err := b.svc.Search(ctx, b.tenant, sp)
		if err != nil {
			t.Fatal(err)
		}
		got := names(res.Items)
		slices.Sort(got)
		return n, got
	}
	byTitle := contacts.SearchParams{Query: b.word, Filters: contacts.Filters{Titles: []string{"chief technology officer"}}}
	if corrected() {
		t.Fatal("a new tenant is marked as having corrected a contact")
	}
	if n, got := probes(contacts.SearchParams{Query: b.word, NoCorrections: true, Facets: true}); n != 0 || len(got) == 0 {
		t.Fatalf("uncorrected tenant: %d statements read corrections, found %v; want none and the cast", n, got)
	}
	// The saved view and its export skip them alike.
	if _, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: []uuid.UUID{p["Jane Doe"]}}); err != nil {
		t.Fatal(err)
	}
	n := 0
	ctx := contacts.WithSQLCapture(b.ctx, func(sql string, _ []any) {
		if strings.Contains(sql, "search_overlay_docs") || strings.Contains(sql, "contact_corrections") {
			n++
		}
	})
	sp := contacts.SavedParams{Query: b.word, Filters: contacts.Filters{Titles: []string{"software engineer"}}, PageSize: 25,
		MaxPageSize: 100, NoCorrections: true}
	if page, err := b.svc.ListSaved(ctx, b.tenant, sp); err != nil || n != 0 || len(page.Items) != 1 {
		t.Fatalf("uncorrected tenant's saved view: %d statements read corrections, err %v; want none and Jane Doe", n, err)
	}
	if err := b.svc.ExportSaved(ctx, b.tenant, sp, contacts.ExportOptions{}, io.Discard); err != nil || n != 0 {
		t.Fatalf("uncorrected tenant's export: %d statements read corrections, err %v; want none", n, err)
	}
	if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, p["Jane Doe"], "title", "Chief Technology Officer"); err != nil {
		t.Fatal(err)
	}
	if !corrected() {
		t.Fatal("the tenant's first correction did not mark it as having corrected a contact")
	}
	if n, got := probes(byTitle); n == 0 || !slices.Equal(got, []string{"Jane Doe"}) {
		t.Fatalf("corrected tenant: %d statements read corrections, found %v; want some and [Jane Doe]", n, got)
	}
}

// TestSearchSeesOnlyTheTenantsCorrections: two tenants correct one shared
// contact, the other tenant its city first, then the tenant its title.
// Each finds the contact by its own corrected value, and neither by the
// other's: the tenant's overlay of the contact, made after the other's
// correction, holds the tenant's corrections alone.
func TestSearchSeesOnlyTheTenantsCorrections(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := MustCreateContact(t, b.db, ContactOpts{FirstName: "Two", LastName: "Fields", Title: "Engineer", City: "Austin",
		CompanyID: b.company(t, CompanyOpts{})})
	for _, x := range []struct {
		tenant, user uuid.UUID
		field, value string
	}{{b.other, b.otherUsr, "city", "Houston"}, {b.tenant, b.user, "title", "Chief Of Staff"}} {
		if _, err := b.svc.SubmitCorrection(b.ctx, x.tenant, x.user, c, x.field, x.value); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		tenant  uuid.UUID
		filters contacts.Filters
		want    []string
	}{
		{"OKOwnTitle", b.tenant, contacts.Filters{Titles: []string{"chief of staff"}}, []string{"Two Fields"}},
		{"OKSharedCity", b.tenant, contacts.Filters{Cities: []string{"austin"}}, []string{"Two Fields"}},
		{"OKNotOthersCity", b.tenant, contacts.Filters{Cities: []string{"houston"}}, nil},
		{"OKOtherOwnCity", b.other, contacts.Filters{Cities: []string{"houston"}}, []string{"Two Fields"}},
		{"OKOtherNotTenantsTitle", b.other, contacts.Filters{Titles: []string{"chief of staff"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total := b.searchNames(t, tc.tenant, contacts.SearchParams{Query: b.word, Filters: tc.filters})
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("found %q (total %d), want %q", got, total, tc.want)
			}
		})
	}
}
