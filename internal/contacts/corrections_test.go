package contacts_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

func TestSubmitCorrection(t *testing.T) {
	t.Parallel()
	b := setup(t) // b.tenant's default region is DE
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Cor", LastName: "Rection", Title: "Engineer", Country: "US",
		Email: "old@" + b.word + ".example", CompanyID: co})
	foreign := MustCreateContact(t, b.db, ContactOpts{FirstName: "Not", LastName: "Yours", CompanyID: co, Owner: &b.other})
	// The cases run in parallel, and a correction is compared with the value
	// the tenant sees: the same-value case needs a contact no other case
	// corrects.
	same := MustCreateContact(t, b.db, ContactOpts{FirstName: "Sam", LastName: "Same", Country: "US", CompanyID: co})
	tests := []struct {
		name, field, value, want string
		contact                  uuid.UUID
		code                     string
	}{
		{"OKEmailLowerCased", "email", "  Jane.Doe@Example.COM ", "jane.doe@example.com", id, ""},
		{"OKPhoneNationalInTenantRegion", "phone", "030 1234567", "+49301234567", id, ""},
		{"OKPhoneInternational", "phone", "+1 (415) 555-2671", "+14155552671", id, ""},
		{"OKCountryName", "country", "Deutschland", "DE", id, ""},
		{"OKCountryAlpha3", "country", "fra", "FR", id, ""},
		{"OKLinkedIn", "linkedin_url", "http://uk.linkedin.com/in/Jane-Doe-42/?trk=x", "https://www.linkedin.com/in/jane-doe-42", id, ""},
		{"OKTitleTrimmed", "title", "  Staff   Engineer ", "Staff Engineer", id, ""},
		{"OKCompanyName", "company_name", "Globex", "Globex", id, ""},
		{"OKCity", "city", "Zürich", "Zürich", id, ""},
		// The lengths an import takes (internal/imports).
		{"OKTitle200", "title", strings.Repeat("t", 200), strings.Repeat("t", 200), id, ""},
		{"OKCompanyName300", "company_name", strings.Repeat("ü", 300), strings.Repeat("ü", 300), id, ""},
		{"OKCity100", "city", strings.Repeat("ß", 100), strings.Repeat("ß", 100), id, ""},
		{"ErrInvalidTitle201", "title", strings.Repeat("t", 201), "", id, apperr.EINVALID},
		{"ErrInvalidCompanyName301", "company_name", strings.Repeat("c", 301), "", id, apperr.EINVALID},
		{"ErrInvalidCity101", "city", strings.Repeat("c", 101), "", id, apperr.EINVALID},
		{"ErrInvalidEmail", "email", "not-an-email", "", id, apperr.EINVALID},
		{"ErrInvalidEmailUnicodeSpace", "email", "a\u3000b@example.com", "", id, apperr.EINVALID},
		{"ErrInvalidPhone", "phone", "12", "", id, apperr.EINVALID},
		{"ErrInvalidCountry", "country", "Narnia", "", id, apperr.EINVALID},
		{"ErrInvalidLinkedIn", "linkedin_url", "https://example.com/in/jane", "", id, apperr.EINVALID},
		{"ErrInvalidField", "first_name", "Bob", "", id, apperr.EINVALID},
		{"ErrInvalidInvisibleText", "city", "\u200b", "", id, apperr.EINVALID},
		{"ErrInvalidSameValue", "country", "us", "", same, apperr.EINVALID},
		{"ErrNotFoundOtherTenantsPrivate", "title", "CEO", "", foreign, apperr.ENOTFOUND},
		{"ErrNotFoundMissing", "title", "CEO", "", uuid.Must(uuid.NewV7()), apperr.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, tt.contact, tt.field, tt.value)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.NewValue != tt.want || c.Status != contacts.CorrectionPending || c.TenantID != b.tenant || c.Field != tt.field {
				t.Fatalf("got %+v, want new value %q pending", c, tt.want)
			}
		})
	}
}

func TestCorrectionOverlayAndReview(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Over", LastName: "Lay", Title: "Engineer", City: "Austin", CompanyID: co})
	reviewer := dbtest.MustCreateUser(t, b.db)

	title, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "title", "Chief Technology Officer")
	if err != nil {
		t.Fatal(err)
	}
	city, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "city", "Dallas")
	if err != nil {
		t.Fatal(err)
	}
	see := func(tenant uuid.UUID) *contacts.Contact {
		t.Helper()
		res := b.search(t, tenant, contacts.SearchParams{Query: "over " + b.word})
		if len(res.Items) != 1 {
			t.Fatalf("search found %d", len(res.Items))
		}
		c, err := b.svc.GetContact(b.ctx, tenant, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Title != res.Items[0].Title || c.City != res.Items[0].City {
			t.Fatalf("detail %q/%q and search %q/%q differ", c.Title, c.City, res.Items[0].Title, res.Items[0].City)
		}
		return c
	}

	t.Run("OKTenantSeesOverlayAtOnce", func(t *testing.T) {
		c := see(b.tenant)
		if c.Title != "Chief Technology Officer" || c.City != "Dallas" || len(c.Corrections) != 2 {
			t.Fatalf("got %+v", c)
		}
		for _, a := range c.Corrections {
			if a.Status != contacts.CorrectionPending || (a.Field == "title" && a.Canonical != "Engineer") {
				t.Fatalf("applied %+v", a)
			}
		}
		if o := see(b.other); o.Title != "Engineer" || len(o.Corrections) != 0 {
			t.Fatalf("another tenant sees %+v", o)
		}
	})
	t.Run("OKReviewQueue", func(t *testing.T) {
		page, err := b.svc.ListCorrections(b.ctx, b.tenant, contacts.CorrectionListParams{PageSize: 1, MaxPageSize: 10})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != city.ID || page.NextCursor == "" {
			t.Fatalf("tenant list = %+v, %v", page, err)
		}
		page, err = b.svc.ListCorrections(b.ctx, b.other, contacts.CorrectionListParams{PageSize: 10, MaxPageSize: 10})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("other tenant sees %d corrections", len(page.Items))
		}
		found := false
		p := contacts.CorrectionListParams{PageSize: 100, MaxPageSize: 100}
		for {
			q, err := b.svc.ListPendingCorrections(b.ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range q.Items {
				found = found || (c.ID == title.ID && c.ContactName == "Over Lay" && c.TenantName != "")
			}
			if q.NextCursor == "" {
				break
			}
			p.Cursor = q.NextCursor
		}
		if !found {
			t.Fatal("the correction is not in the review queue")
		}
	})
	t.Run("OKAcceptUpdatesCanonical", func(t *testing.T) {
		c, err := b.svc.AcceptCorrection(b.ctx, reviewer, title.ID)
		if err != nil || c.Status != contacts.CorrectionAccepted || c.ReviewedBy == nil || *c.ReviewedBy != reviewer {
			t.Fatalf("accept = %+v, %v", c, err)
		}
		if o := see(b.other); o.Title != "Chief Technology Officer" {
			t.Fatalf("another tenant sees title %q after accept", o.Title)
		}
		_, err = b.svc.AcceptCorrection(b.ctx, reviewer, title.ID)
		wantCode(t, err, apperr.ECONFLICT)
	})
	t.Run("OKRejectKeepsTenantOverlay", func(t *testing.T) {
		if _, err := b.svc.RejectCorrection(b.ctx, reviewer, city.ID); err != nil {
			t.Fatal(err)
		}
		c := see(b.tenant)
		var status string
		for _, a := range c.Corrections {
			if a.Field == "city" {
				status = a.Status
			}
		}
		if c.City != "Dallas" || status != contacts.CorrectionRejected {
			t.Fatalf("tenant sees city %q (%s)", c.City, status)
		}
		if o := see(b.other); o.City != "Austin" {
			t.Fatalf("another tenant sees city %q after reject", o.City)
		}
	})
	t.Run("ErrNotFoundReviewMissing", func(t *testing.T) {
		_, err := b.svc.RejectCorrection(b.ctx, reviewer, uuid.Must(uuid.NewV7()))
		wantCode(t, err, apperr.ENOTFOUND)
	})
}

// TestCorrectionOfPrivateContactApplies: a correction of the tenant's own
// private contact is accepted at once and written into the record itself,
// not only shown over it: the record is what an import matches and what
// stays once the record changes again. It writes that record alone: the
// tenant's other contact at the company keeps every value.
func TestCorrectionOfPrivateContactApplies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	tests := []struct {
		name, field, value string
	}{
		{"OKCompanyName", "company_name", "Globex " + b.word},
		{"OKTitle", "title", "Chief Engineer"},
		{"OKEmail", "email", "mine@" + b.word + ".example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Mine", LastName: tt.name, Title: "Engineer", CompanyID: co, Owner: &b.tenant})
			next := MustCreateContact(t, b.db, ContactOpts{FirstName: "Next", LastName: tt.name, Title: "Engineer", CompanyID: co, Owner: &b.tenant})
			row := func() string {
				var r string
				if err := b.db.Pool.QueryRow(b.ctx, `SELECT c::text FROM contacts c WHERE id = $1`, next).Scan(&r); err != nil {
					t.Fatal(err)
				}
				return r
			}
			before := row()
			c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, tt.field, tt.value)
			if err != nil || c.Status != contacts.CorrectionAccepted {
				t.Fatalf("submit = %+v, %v", c, err)
			}
			var stored string
			if err := b.db.Pool.QueryRow(b.ctx, `SELECT `+tt.field+`::text FROM contacts WHERE id = $1`, id).Scan(&stored); err != nil ||
				stored != tt.value {
				t.Fatalf("the record's %s is %q (%v), want %q", tt.field, stored, err, tt.value)
			}
			if tt.field == "company_name" {
				got, err := b.svc.GetContact(b.ctx, b.tenant, id)
				if err != nil || got.CompanyName != tt.value || got.CompanyID != nil {
					t.Fatalf("contact = %+v, %v", got, err)
				}
			}
			if after := row(); after != before {
				t.Fatalf("the tenant's other contact changed:\n%s\nto\n%s", before, after)
			}
		})
	}
}

// TestCorrectedEmailIsUnverified: the canonical email status describes the
// canonical address. A tenant's corrected address has not been verified,
// so the tenant sees (and exports) it as unknown, as accepting the
// correction into the shared record would make it; other tenants and an
// undone correction keep the shared status.
func TestCorrectedEmailIsUnverified(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Val", LastName: "Id", Email: "val@" + b.word + ".example", CompanyID: co})
	if _, err := b.db.Pool.Exec(b.ctx, `UPDATE contacts SET email_status = 'valid' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: []uuid.UUID{id}}); err != nil {
		t.Fatal(err)
	}
	exported := func(t *testing.T) (email, status string) {
		t.Helper()
		recs := b.mustExport(t)
		if len(recs) != 2 {
			t.Fatalf("csv = %q", recs)
		}
		return recs[1][3], recs[1][4]
	}
	steps := []struct {
		name, value          string
		wantEmail, wantState string
	}{
		{"OKCorrectedIsUnknown", "new@" + b.word + ".example", "new@" + b.word + ".example", "unknown"},
		{"OKUndoneIsShared", "val@" + b.word + ".example", "val@" + b.word + ".example", "valid"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if _, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "email", st.value); err != nil {
				t.Fatal(err)
			}
			c, err := b.svc.GetContact(b.ctx, b.tenant, id)
			if err != nil || c.Email != st.wantEmail || c.EmailStatus != st.wantState {
				t.Fatalf("tenant sees %q (%s), %v; want %q (%s)", c.Email, c.EmailStatus, err, st.wantEmail, st.wantState)
			}
			if email, status := exported(t); email != st.wantEmail || status != st.wantState {
				t.Fatalf("export has %q (%s), want %q (%s)", email, status, st.wantEmail, st.wantState)
			}
			o, err := b.svc.GetContact(b.ctx, b.other, id)
			if err != nil || o.Email != "val@"+b.word+".example" || o.EmailStatus != "valid" {
				t.Fatalf("another tenant sees %q (%s), %v", o.Email, o.EmailStatus, err)
			}
		})
	}
}

// TestCorrectedCompanyNameShowsThatCompany: a tenant that corrects a
// contact's company name sees the contact at the company that name names
// (its id, domain, industry and size), or at no linked company when none
// has the name: what accepting the correction makes of the shared record.
// Before, the overlay showed the new name with the old company's domain,
// industry and link, in the detail, the saved view and the export.
func TestCorrectedCompanyNameShowsThatCompany(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := b.company(t, CompanyOpts{Name: "Initech " + b.word, Domain: "initech-" + b.word + ".example", Industry: "Software", EmployeeRange: "51-200"})
	globex := b.company(t, CompanyOpts{Name: "Globex " + b.word, Domain: "globex-" + b.word + ".example", Industry: "Manufacturing", EmployeeRange: "1001-5000"})
	reviewer := dbtest.MustCreateUser(t, b.db)
	type seen struct {
		name, domain, industry, size, company string
	}
	view := func(c *contacts.Contact) seen {
		s := seen{c.CompanyName, c.CompanyDomain, c.Industry, c.EmployeeRange, ""}
		if c.CompanyID != nil {
			s.company = c.CompanyID.String()
		}
		return s
	}
	tests := []struct {
		name, value string
		want        seen
	}{
		{"OKKnownCompany", "globex " + b.word, seen{"Globex " + b.word, "globex-" + b.word + ".example", "Manufacturing", "1001-5000", globex.String()}},
		{"OKUnknownCompany", "Nowhere " + b.word, seen{"Nowhere " + b.word, "", "", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Co", LastName: tt.name, CompanyID: old})
			if _, err := b.svc.SaveContacts(b.ctx, b.tenant, b.user, contacts.SaveParams{ContactIDs: []uuid.UUID{id}}); err != nil {
				t.Fatal(err)
			}
			k, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "company_name", tt.value)
			if err != nil {
				t.Fatal(err)
			}
			c, err := b.svc.GetContact(b.ctx, b.tenant, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := view(c); got != tt.want {
				t.Fatalf("tenant sees %+v, want %+v", got, tt.want)
			}
			recs := b.mustExport(t)
			i := slices.IndexFunc(recs, func(r []string) bool { return r[0] == id.String() })
			if i < 0 {
				t.Fatalf("export misses the contact: %q", recs)
			}
			if r := recs[i]; r[9] != tt.want.name || r[10] != tt.want.domain || r[11] != tt.want.industry || r[12] != tt.want.size {
				t.Fatalf("export has %q", r[9:13])
			}
			if o, err := b.svc.GetContact(b.ctx, b.other, id); err != nil || o.CompanyID == nil || *o.CompanyID != old ||
				o.CompanyDomain != "initech-"+b.word+".example" {
				t.Fatalf("another tenant sees %+v, %v", o, err)
			}
			// Accepting makes the shared record what the tenant saw.
			if _, err := b.svc.AcceptCorrection(b.ctx, reviewer, k.ID); err != nil {
				t.Fatal(err)
			}
			o, err := b.svc.GetContact(b.ctx, b.other, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := view(o); got != tt.want {
				t.Fatalf("after accept everyone sees %+v, the tenant saw %+v", got, tt.want)
			}
		})
	}
}

// TestAcceptStaleCorrection: a correction says "the field is X, it should
// be Y". When the shared value is no longer X by the time staff review it
// (another tenant's correction was accepted, or a platform import changed
// it), accepting would silently undo that newer change, so it is refused
// and the correction stays pending for staff to reject. A correction whose
// value the record already has is accepted: nothing is undone.
func TestAcceptStaleCorrection(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reviewer := dbtest.MustCreateUser(t, b.db)
	otherUser := dbtest.MustCreateUser(t, b.db)
	company := "Stale Review " + b.word + " Inc"
	b.company(t, CompanyOpts{Name: company})
	tests := []struct {
		name   string
		field  string
		mine   string // this tenant's correction
		theirs string // the other tenant's, accepted first
		want   string // the shared value in the end
		wantOK bool
	}{
		{name: "ErrConflictChangedSince", field: "title", mine: "Chief Technology Officer", theirs: "VP Engineering", want: "VP Engineering"},
		{name: "OKSameValueAlready", field: "title", mine: "Staff Engineer", theirs: "Staff Engineer", want: "Staff Engineer", wantOK: true},
		// The other's correction was stored in the company's own spelling.
		{name: "OKSameCompanyOtherCase", field: "company_name", mine: strings.ToLower(company), theirs: strings.ToUpper(company), want: company, wantOK: true},
		{name: "ErrConflictOtherEmail", field: "email", mine: "stale.one@" + b.word + ".example", theirs: "stale.two@" + b.word + ".example",
			want: "stale.two@" + b.word + ".example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Stale", LastName: "Review", Title: "Engineer"})
			mine, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, tt.field, tt.mine)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := b.svc.SubmitCorrection(b.ctx, b.other, otherUser, id, tt.field, tt.theirs)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.svc.AcceptCorrection(b.ctx, reviewer, theirs.ID); err != nil {
				t.Fatal(err)
			}
			got, err := b.svc.AcceptCorrection(b.ctx, reviewer, mine.ID)
			if !tt.wantOK {
				wantCode(t, err, apperr.ECONFLICT)
				if e := (*apperr.Error)(nil); !errors.As(err, &e) || !strings.Contains(e.Message, tt.want) {
					t.Fatalf("the refusal %v does not name the value the record has now", err)
				}
				// Still pending: staff can reject it.
				if _, err := b.svc.RejectCorrection(b.ctx, reviewer, mine.ID); err != nil {
					t.Fatal(err)
				}
			} else if err != nil || got.Status != contacts.CorrectionAccepted {
				t.Fatalf("accept = %+v, %v", got, err)
			}
			c, err := b.svc.GetContact(b.ctx, b.other, id)
			if err != nil {
				t.Fatal(err)
			}
			if shared := map[string]string{"title": c.Title, "company_name": c.CompanyName, "email": c.Email}[tt.field]; shared != tt.want {
				t.Fatalf("shared %s %q, want %q", tt.field, shared, tt.want)
			}
		})
	}
}

// TestCompanyNameCorrectionInCompanySpelling: a corrected company name that
// names a company shows in that company's spelling, so it is compared and
// stored so: the contact's own company in another case is nothing to
// correct, and going back to it in another case is an undo (accepted at
// once), not a pending no-op for staff. A name that names no company is
// free text, where a change of case is a correction.
func TestCompanyNameCorrectionInCompanySpelling(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.company(t, CompanyOpts{Name: "Acme " + b.word, Domain: "acme-" + b.word + ".example"})
	b.company(t, CompanyOpts{Name: "Globex " + b.word, Domain: "globex-" + b.word + ".example"})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Case", LastName: "Only", CompanyID: acme})
	_, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "company_name", "ACME "+strings.ToUpper(b.word))
	wantCode(t, err, apperr.EINVALID)
	moved, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "company_name", "globex "+b.word)
	if err != nil || moved.NewValue != "Globex "+b.word || moved.Status != contacts.CorrectionPending {
		t.Fatalf("to Globex: %+v, %v; want Globex %s pending", moved, err, b.word)
	}
	back, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "company_name", "acme "+b.word)
	if err != nil || back.NewValue != "Acme "+b.word || back.Status != contacts.CorrectionAccepted {
		t.Fatalf("back to Acme: %+v, %v; want Acme %s accepted (an undo)", back, err, b.word)
	}
	page, err := b.svc.ListPendingCorrections(b.ctx, contacts.CorrectionListParams{ContactID: &id, PageSize: 10})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("staff review %+v, %v; want nothing", page, err)
	}
	// Free text: no company has the name.
	free := MustCreateContact(t, b.db, ContactOpts{FirstName: "Free", LastName: "Text"})
	if _, err := b.db.Pool.Exec(b.ctx, `UPDATE contacts SET company_name = $1 WHERE id = $2`, "tiny shop "+b.word, free); err != nil {
		t.Fatal(err)
	}
	k, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, free, "company_name", "Tiny Shop "+b.word)
	if err != nil || k.NewValue != "Tiny Shop "+b.word || k.Status != contacts.CorrectionPending {
		t.Fatalf("free text in another case: %+v, %v; want pending", k, err)
	}
}

// TestListCorrectionsPages: a tenant's corrections page newest first, each
// once, at every page size: a page starts after the last one's final
// correction, not with it.
func TestListCorrectionsPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Page", LastName: "Through", Title: "Engineer", City: "Old", CompanyID: co})
	var want []uuid.UUID
	for _, f := range []struct{ field, value string }{{"title", "CTO"}, {"city", "Dallas"}, {"phone", "+14155550100"}} {
		c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, f.field, f.value)
		if err != nil {
			t.Fatal(err)
		}
		want = append([]uuid.UUID{c.ID}, want...)
	}
	for _, size := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("OKPageSize%d", size), func(t *testing.T) {
			var got []uuid.UUID
			p := contacts.CorrectionListParams{PageSize: size}
			for range len(want) + 1 {
				page, err := b.svc.ListCorrections(b.ctx, b.tenant, p)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range page.Items {
					got = append(got, c.ID)
				}
				if page.NextCursor == "" {
					break
				}
				p.Cursor = page.NextCursor
			}
			if !slices.Equal(got, want) {
				t.Fatalf("pages hold %v, want %v", got, want)
			}
		})
	}
}
