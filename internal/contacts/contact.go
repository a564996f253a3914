package contacts

import (
	"time"

	"github.com/google/uuid"
)

// Contact is a contact as one tenant sees it: the canonical record with the
// tenant's corrections overlaid, and the tenant's saved state and lists.
type Contact struct {
	ID            uuid.UUID  `json:"id"`
	FirstName     string     `json:"first_name"`
	LastName      string     `json:"last_name"`
	Email         string     `json:"email"`
	EmailStatus   string     `json:"email_status"`
	Phone         string     `json:"phone"`
	Title         string     `json:"title"`
	Seniority     string     `json:"seniority"`
	Department    string     `json:"department"`
	CompanyID     *uuid.UUID `json:"company_id"`
	CompanyName   string     `json:"company_name"`
	CompanyDomain string     `json:"company_domain"`
	Industry      string     `json:"industry"`
	EmployeeRange string     `json:"employee_range"`
	LinkedInURL   string     `json:"linkedin_url"`
	City          string     `json:"city"`
	Region        string     `json:"region"`
	Country       string     `json:"country"`
	Source        string     `json:"source"`
	// Private is true for a contact that this tenant imported and that only
	// it sees.
	Private   bool      `json:"private"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	Saved       bool       `json:"saved"`
	SavedStatus string     `json:"saved_status,omitempty"` // saved | approved | rejected
	SavedAt     *time.Time `json:"saved_at,omitempty"`
	// SavedNotes is the tenant's note on a saved contact.
	SavedNotes string    `json:"saved_notes,omitempty"`
	Lists      []ListRef `json:"lists"`
	// Corrections are the tenant's corrections shown in place of the
	// canonical values, one per field (the latest).
	Corrections []AppliedCorrection `json:"corrections"`
}

// ListRef names a list a contact is on.
type ListRef struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
}

// AppliedCorrection is one field of the overlay.
type AppliedCorrection struct {
	ID        uuid.UUID `json:"id"`
	Field     string    `json:"field"`
	Value     string    `json:"value"`
	Canonical string    `json:"canonical"` // the shared value the correction hides
	Status    string    `json:"status"`    // pending | accepted | rejected
}

// Company is a canonical company.
type Company struct {
	ID            uuid.UUID `json:"id"`
	Name          string    `json:"name"`
	Domain        string    `json:"domain"`
	Industry      string    `json:"industry"`
	EmployeeRange string    `json:"employee_range"`
	RevenueRange  string    `json:"revenue_range"`
	Country       string    `json:"country"`
	Region        string    `json:"region"`
	City          string    `json:"city"`
	LinkedInURL   string    `json:"linkedin_url"`
	FoundedYear   *int      `json:"founded_year"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// CompanyDetail is a company with a page of the contacts the tenant sees there.
type CompanyDetail struct {
	Company
	// ContactCount counts the visible contacts, capped like search totals.
	ContactCount       int       `json:"contact_count"`
	ContactCountCapped bool      `json:"contact_count_is_capped"`
	Contacts           []Contact `json:"contacts"`
	NextContactsCursor string    `json:"next_contacts_cursor"`
}

// PageParams pages a list by cursor.
type PageParams struct {
	PageSize    int
	MaxPageSize int // the caller's limit; PageSize above it is EINVALID
	Cursor      string
}

// field points at the overlaid field of c.
func (c *Contact) field(name string) *string {
	switch name {
	case "title":
		return &c.Title
	case "email":
		return &c.Email
	case "phone":
		return &c.Phone
	case "company_name":
		return &c.CompanyName
	case "city":
		return &c.City
	case "country":
		return &c.Country
	case "linkedin_url":
		return &c.LinkedInURL
	}
	return nil
}
