package contacts_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
)

// TestCorrectionStale: a pending correction is stale when its field now
// holds a third value, neither the one it corrected nor the one it
// proposes. Emails and company names compare without case (an email is
// one address in any case; a company name is stored in the spelling of the
// company it names), every other field with it.
func TestCorrectionStale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, field, old, proposed, current string
		want                                bool
	}{
		{"OKUnchanged", "title", "Engineer", "CTO", "Engineer", false},
		{"OKAlreadyProposed", "title", "Engineer", "CTO", "CTO", false},
		{"StaleChanged", "title", "Engineer", "CTO", "VP Engineering", true},
		{"StaleTitleOtherCase", "title", "Engineer", "CTO", "ENGINEER", true},
		{"StaleCityOtherCase", "city", "Austin", "Dallas", "dallas", true},
		{"OKEmailOtherCase", "email", "ann@example.com", "ann@example.org", "Ann@Example.com", false},
		{"OKEmailProposedOtherCase", "email", "ann@example.com", "ann@example.org", "ANN@EXAMPLE.ORG", false},
		{"StaleEmailChanged", "email", "ann@example.com", "ann@example.org", "bob@example.com", true},
		{"OKCompanyOtherCase", "company_name", "Acme Inc", "Globex", "ACME INC", false},
		{"OKCompanyProposedOtherCase", "company_name", "Acme Inc", "Globex", "globex", false},
		{"StaleCompanyChanged", "company_name", "Acme Inc", "Globex", "Initech", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := contacts.Correction{Field: tt.field, OldValue: tt.old, NewValue: tt.proposed, CurrentValue: tt.current,
				Status: contacts.CorrectionPending}
			if got := c.Stale(); got != tt.want {
				t.Fatalf("Stale() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCorrectionAppliedAtOnce: accepted without staff review is accepted
// with the submitter as its reviewer (both nil for an API key's); a staff
// member's review, and every correction not accepted, is not.
func TestCorrectionAppliedAtOnce(t *testing.T) {
	t.Parallel()
	user, staff := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	now := time.Now()
	tests := []struct {
		name                string
		status              string
		submitted, reviewed *uuid.UUID
		want                bool
	}{
		{"OKUsersOwn", contacts.CorrectionAccepted, &user, &user, true},
		{"OKKeysOwn", contacts.CorrectionAccepted, nil, nil, true},
		{"NoStaffReviewed", contacts.CorrectionAccepted, &user, &staff, false},
		{"NoStaffReviewedKeys", contacts.CorrectionAccepted, nil, &staff, false},
		{"NoReviewerDeleted", contacts.CorrectionAccepted, &user, nil, false},
		{"NoPending", contacts.CorrectionPending, nil, nil, false},
		{"NoRejectedBySelf", contacts.CorrectionRejected, &user, &user, false},
		{"NoWithdrawn", contacts.CorrectionWithdrawn, &user, &user, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := contacts.Correction{Status: tt.status, SubmittedBy: tt.submitted, ReviewedBy: tt.reviewed, ReviewedAt: &now}
			if got := c.AppliedAtOnce(); got != tt.want {
				t.Fatalf("AppliedAtOnce() = %v, want %v", got, tt.want)
			}
		})
	}
}
