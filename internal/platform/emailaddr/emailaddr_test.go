package emailaddr_test

import (
	"testing"

	"github.com/onecloudai/contacts/internal/platform/emailaddr"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"OKLowerCased", "  A.B+c@Sub.Example.ORG ", "a.b+c@sub.example.org"},
		{"OKAccented", "zoë@müller.example", "zoë@müller.example"},
		{"ErrDisplayName", "Bob <bob@example.com>", ""},
		{"ErrNoDot", "bob@localhost", ""},
		{"ErrTwoAts", "a@b@example.com", ""},
		{"ErrDomainLiteral", "bob@[10.0.0.1]", ""},
		{"ErrDotEdges", "bob@.example.com", ""},
		{"ErrDoubleDot", "bob@example..com", ""},
		{"ErrQueryInDomain", "bob@example.com?subject=Hi", ""},
		{"ErrSymbolsInDomain", "bob@exa!mple.com", ""},
		{"ErrSlashInDomain", "bob@example.com/about", ""},
		{"OKSymbolsInLocalPart", "b!o#b=x?y@example.com", "b!o#b=x?y@example.com"},
		{"OKHyphenDigitsInDomain", "bob@mail-1.example.com", "bob@mail-1.example.com"},
		{"ErrTooLong", string(make([]byte, 250)) + "@a.io", ""},
		{"ErrIdeographicSpace", "a\u3000b@example.com", ""},
		{"ErrEmSpaceInDomain", "ab@exa\u2003mple.com", ""},
		{"ErrNoBreakSpace", "a\u00a0b@example.com", ""},
		{"ErrZeroWidthSpace", "admin\u200b@example.com", ""},
		{"ErrNUL", "a\x00b@example.com", ""},
		{"ErrEmpty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := emailaddr.Normalize(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}
