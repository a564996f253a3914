package contacts_test

import (
	"testing"

	"github.com/onecloudai/contacts/internal/contacts"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   func(string) (string, bool)
		in   string
		want string
		ok   bool
	}{
		{"OKCountryCode", contacts.NormalizeCountry, "de", "DE", true},
		{"OKCountryUK", contacts.NormalizeCountry, "UK", "GB", true},
		{"OKCountryName", contacts.NormalizeCountry, "United States", "US", true},
		{"OKCountryAccented", contacts.NormalizeCountry, "  Côte d’Ivoire ", "CI", true},
		{"OKCountryAlpha3", contacts.NormalizeCountry, "JPN", "JP", true},
		{"ErrCountryUnknown", contacts.NormalizeCountry, "XX", "", false},
		{"ErrCountryGrouping", contacts.NormalizeCountry, "EU", "", false},
		{"OKEmail", contacts.NormalizeEmail, "A.B+c@Sub.Example.ORG", "a.b+c@sub.example.org", true},
		{"ErrEmailDisplayName", contacts.NormalizeEmail, "Bob <bob@example.com>", "", false},
		{"ErrEmailNoDot", contacts.NormalizeEmail, "bob@localhost", "", false},
		{"ErrEmailTwoAts", contacts.NormalizeEmail, "a@b@example.com", "", false},
		// net/mail takes these; the database's check (\s knows Unicode) does not.
		{"ErrEmailIdeographicSpace", contacts.NormalizeEmail, "a\u3000b@example.com", "", false},
		{"ErrEmailEmSpaceInDomain", contacts.NormalizeEmail, "ab@exa\u2003mple.com", "", false},
		{"ErrEmailNoBreakSpace", contacts.NormalizeEmail, "a\u00a0b@example.com", "", false},
		{"ErrEmailNUL", contacts.NormalizeEmail, "a\x00b@example.com", "", false},
		{"OKEmailAccented", contacts.NormalizeEmail, "zoë@müller.example", "zoë@müller.example", true},
		{"OKPhoneUS", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "(415) 555-2671", "+14155552671", true},
		{"OKPhoneOtherRegionWithPlus", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "+44 20 7946 0958", "+442079460958", true},
		{"ErrPhoneInvalid", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "555", "", false},
		{"OKLinkedInBare", contacts.NormalizeLinkedIn, "linkedin.com/in/some-one", "https://www.linkedin.com/in/some-one", true},
		{"OKLinkedInSubpath", contacts.NormalizeLinkedIn, "https://www.linkedin.com/in/Some-One/details/experience/", "https://www.linkedin.com/in/some-one", true},
		{"ErrLinkedInCompany", contacts.NormalizeLinkedIn, "https://www.linkedin.com/company/acme", "", false},
		{"ErrLinkedInHost", contacts.NormalizeLinkedIn, "https://linkedin.com.evil.test/in/x1", "", false},
		{"OKText", func(s string) (string, bool) { return contacts.NormalizeText(s, 10) }, " a \t b ", "a b", true},
		{"ErrTextControl", func(s string) (string, bool) { return contacts.NormalizeText(s, 10) }, "a\x00b", "", false},
		{"ErrTextTooLong", func(s string) (string, bool) { return contacts.NormalizeText(s, 3) }, "abcd", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tt.fn(tt.in)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Fatalf("(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
