package api

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// ContactResponse is a contact as the tenant sees it: the canonical record
// with the tenant's corrections applied, and its saved state and lists.
type ContactResponse struct {
	ID            string    `json:"id"`
	FirstName     string    `json:"first_name" example:"Zoë"`
	LastName      string    `json:"last_name" example:"Müller"`
	Email         string    `json:"email" example:"zoe.muller@acme.com"`
	EmailStatus   string    `json:"email_status" enums:"valid,risky,invalid,unknown"`
	Phone         string    `json:"phone" example:"+4930123456"`
	Title         string    `json:"title" example:"Head of Engineering"`
	Seniority     string    `json:"seniority" example:"head"`
	Department    string    `json:"department" example:"engineering"`
	CompanyID     string    `json:"company_id"`
	CompanyName   string    `json:"company_name"`
	CompanyDomain string    `json:"company_domain"`
	Industry      string    `json:"industry"`
	EmployeeRange string    `json:"employee_range"`
	LinkedInURL   string    `json:"linkedin_url"`
	City          string    `json:"city"`
	Region        string    `json:"region"`
	Country       string    `json:"country" example:"DE"`
	Source        string    `json:"source"`
	Private       bool      `json:"private"`
	UpdatedAt     time.Time `json:"updated_at" format:"date-time"`
	// Saved says the tenant saved the contact. It, saved_status, saved_at,
	// saved_notes and lists are the tenant's saved state: present for
	// people and for API keys with saved:read, absent for keys without it.
	Saved       *bool      `json:"saved,omitempty"`
	SavedStatus string     `json:"saved_status,omitempty" enums:"saved,approved,rejected"`
	SavedAt     *time.Time `json:"saved_at,omitempty" format:"date-time"`
	// SavedNotes is the tenant's note on a saved contact (PATCH
	// /saved-contacts/{id}); absent when it has none.
	SavedNotes  string              `json:"saved_notes,omitempty" example:"Met at SaaStr; prefers email."`
	Lists       []ListRefResponse   `json:"lists,omitzero" binding:"optional"`
	Corrections []CorrectionOverlay `json:"corrections"`
	// CRMStatus is the contact's state in the tenant's 1CloudAI CRM: "" when
	// never pushed, queued or paused while a push waits, else pushed, failed
	// or deleted_in_crm. Present for people and for API keys with crm:read;
	// absent, with crm_last_pushed_at, for keys without it.
	CRMStatus       *string    `json:"crm_status,omitempty" enums:",queued,paused,pushed,failed,deleted_in_crm"`
	CRMLastPushedAt *time.Time `json:"crm_last_pushed_at,omitempty" format:"date-time"`
} //	@name	Contact

// ListRefResponse names a list.
type ListRefResponse struct {
	ID   string `json:"id"`
	Name string `json:"name"`
} //	@name	ListRef

// CorrectionOverlay is one corrected field shown in place of the canonical value.
type CorrectionOverlay struct {
	ID        string `json:"id"`
	Field     string `json:"field" enums:"title,email,phone,company_name,city,country,linkedin_url"`
	Value     string `json:"value"`
	Canonical string `json:"canonical"`
	Status    string `json:"status" enums:"pending,accepted,rejected,withdrawn"`
} //	@name	CorrectionOverlay

func toContact(c contacts.Contact) ContactResponse {
	out := ContactResponse{ID: c.ID.String(), FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, EmailStatus: c.EmailStatus,
		Phone: c.Phone, Title: c.Title, Seniority: c.Seniority, Department: c.Department, CompanyName: c.CompanyName,
		CompanyDomain: c.CompanyDomain, Industry: c.Industry, EmployeeRange: c.EmployeeRange, LinkedInURL: c.LinkedInURL,
		City: c.City, Region: c.Region, Country: c.Country, Source: c.Source, Private: c.Private, UpdatedAt: c.UpdatedAt.UTC(),
		Saved: &c.Saved, SavedStatus: c.SavedStatus, SavedAt: c.SavedAt, SavedNotes: c.SavedNotes,
		Lists: make([]ListRefResponse, len(c.Lists)), Corrections: make([]CorrectionOverlay, len(c.Corrections)),
		CRMStatus: new(string)}
	if c.CompanyID != nil {
		out.CompanyID = c.CompanyID.String()
	}
	for i, l := range c.Lists {
		out.Lists[i] = ListRefResponse{ID: l.ID.String(), Name: l.Name}
	}
	for i, k := range c.Corrections {
		out.Corrections[i] = CorrectionOverlay{ID: k.ID.String(), Field: k.Field, Value: k.Value, Canonical: k.Canonical, Status: k.Status}
	}
	return out
}

// contactJSON answers one contact as the principal may see it.
func (s *Server) contactJSON(c echo.Context, ct *contacts.Contact) error {
	out := []ContactResponse{toContact(*ct)}
	if err := s.shapeContacts(c.Request().Context(), principal(c), out); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out[0])
}

// shapeContacts makes contacts what p may see of them: the tenant's saved
// state (saved, its status, date and note, lists) is data of saved:read
// and the CRM state data of crm:read, so an API key without the scope gets
// the contact without those fields. People's roles hold both.
func (s *Server) shapeContacts(ctx context.Context, p *tenancy.Principal, cs []ContactResponse) error {
	if p.Can(tenancy.PermSavedRead) != nil {
		for i := range cs {
			cs[i].Saved, cs[i].SavedStatus, cs[i].SavedAt, cs[i].SavedNotes, cs[i].Lists = nil, "", nil, "", nil
		}
	}
	if p.Can(tenancy.PermCRMRead) != nil {
		for i := range cs {
			cs[i].CRMStatus, cs[i].CRMLastPushedAt = nil, nil
		}
		return nil
	}
	return s.withCRMStatus(ctx, p, cs)
}

// withCRMStatus fills in the CRM state of contacts (one query for the
// page), for tenants that have ever pushed: before the first push there is
// none to find (the principal knows, from its tenant row).
func (s *Server) withCRMStatus(ctx context.Context, p *tenancy.Principal, cs []ContactResponse) error {
	if len(cs) == 0 || s.svc.CRM == nil || !p.TenantCRMPushed {
		return nil
	}
	tenantID := p.TenantID
	ids := make([]uuid.UUID, len(cs))
	for i, c := range cs {
		ids[i] = uuid.MustParse(c.ID)
	}
	states, err := s.svc.CRM.ContactStatuses(ctx, tenantID, ids)
	if err != nil {
		return err
	}
	byID := make(map[uuid.UUID]int, len(states))
	for i, st := range states {
		byID[st.ContactID] = i
	}
	for i := range cs {
		if j, ok := byID[ids[i]]; ok {
			cs[i].CRMStatus, cs[i].CRMLastPushedAt = &states[j].Status, states[j].LastPushedAt
		}
	}
	return nil
}

func toContacts(cs []contacts.Contact) []ContactResponse {
	out := make([]ContactResponse, len(cs))
	for i, c := range cs {
		out[i] = toContact(c)
	}
	return out
}

// SearchFilters narrow a search. Values within one filter are OR'ed,
// filters are AND'ed. Unknown filter names are refused (422). Company
// names, industries, regions and cities match a whole value, case and
// accents aside ("munchen" finds München, "societe generale" Société
// Générale).
type SearchFilters struct {
	Titles         []string `json:"titles,omitempty" validate:"max=100" example:"software engineer"`
	Seniorities    []string `json:"seniorities,omitempty" validate:"max=100" example:"director,vp"`
	Departments    []string `json:"departments,omitempty" validate:"max=100" example:"engineering"`
	CompanyNames   []string `json:"company_names,omitempty" validate:"max=100" example:"Forge Systems"`
	CompanyDomains []string `json:"company_domains,omitempty" validate:"max=100" example:"forgesystems.com"`
	Industries     []string `json:"industries,omitempty" validate:"max=100" example:"Software"`
	EmployeeRanges []string `json:"employee_ranges,omitempty" validate:"max=100" example:"51-200"`
	Countries      []string `json:"countries,omitempty" validate:"max=100" example:"US,GB"`
	Regions        []string `json:"regions,omitempty" validate:"max=100" example:"Texas"`
	Cities         []string `json:"cities,omitempty" validate:"max=100" example:"Houston"`
	HasEmail       *bool    `json:"has_email,omitempty"`
	HasPhone       *bool    `json:"has_phone,omitempty"`
	// ExcludeSaved leaves out the contacts the tenant saved; an API key
	// needs saved:read for it (403 insufficient-scope).
	ExcludeSaved bool `json:"exclude_saved,omitempty"`
} //	@name	SearchFilters

func (f SearchFilters) domain() contacts.Filters {
	return contacts.Filters{Titles: f.Titles, Seniorities: f.Seniorities, Departments: f.Departments,
		CompanyNames: f.CompanyNames, CompanyDomains: f.CompanyDomains, Industries: f.Industries,
		EmployeeRanges: f.EmployeeRanges, Countries: f.Countries, Regions: f.Regions, Cities: f.Cities,
		HasEmail: f.HasEmail, HasPhone: f.HasPhone, ExcludeSaved: f.ExcludeSaved}
}
