package contacts_test

import (
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
		{"ErrInvalidEmail", "email", "not-an-email", "", id, apperr.EINVALID},
		{"ErrInvalidEmailUnicodeSpace", "email", "a\u3000b@example.com", "", id, apperr.EINVALID},
		{"ErrInvalidPhone", "phone", "12", "", id, apperr.EINVALID},
		{"ErrInvalidCountry", "country", "Narnia", "", id, apperr.EINVALID},
		{"ErrInvalidLinkedIn", "linkedin_url", "https://example.com/in/jane", "", id, apperr.EINVALID},
		{"ErrInvalidField", "first_name", "Bob", "", id, apperr.EINVALID},
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

func TestCorrectionOfPrivateContactApplies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Mine", LastName: "Only", Title: "Engineer", CompanyID: co, Owner: &b.tenant})
	c, err := b.svc.SubmitCorrection(b.ctx, b.tenant, b.user, id, "company_name", "Globex "+b.word)
	if err != nil || c.Status != contacts.CorrectionAccepted {
		t.Fatalf("submit = %+v, %v", c, err)
	}
	got, err := b.svc.GetContact(b.ctx, b.tenant, id)
	if err != nil || got.CompanyName != "Globex "+b.word || got.CompanyID != nil {
		t.Fatalf("contact = %+v, %v", got, err)
	}
}
