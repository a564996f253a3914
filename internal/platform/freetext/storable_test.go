package freetext_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/platform/freetext"
)

// TestStorable: the CRM's error messages are cut to 500 bytes for the push
// history (and a failed checkout's cause to 300 for its outcome). A cut in
// the middle of a multi-byte character made the text invalid UTF-8, which
// PostgreSQL refuses: the attempt was lost from the history of every
// contact it carried. The cut falls on a character boundary, and NULs and
// invalid bytes are gone.
func TestStorable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"Short", "Email used by contact c_77", 500, "Email used by contact c_77"},
		{"ASCII", strings.Repeat("a", 600), 500, strings.Repeat("a", 500)},
		{"CutInsideCharacter", strings.Repeat("a", 499) + "é" + "b", 500, strings.Repeat("a", 499)},
		{"CutAfterCharacter", strings.Repeat("a", 498) + "é" + "b", 500, strings.Repeat("a", 498) + "é"},
		{"FourByteCharacter", "ab😀", 4, "ab"},
		{"NUL", "a\x00b", 500, "ab"},
		{"InvalidUTF8", "a\xffb", 500, "a\uFFFDb"},
		{"NoCut", strings.Repeat("é", 400) + "\x00", 0, strings.Repeat("é", 400)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := freetext.Storable(tt.in, tt.n)
			if got != tt.want || tt.n > 0 && len(got) > tt.n || !utf8.ValidString(got) {
				t.Fatalf("Storable(%d bytes, %d) = %q (%d bytes), want %q", len(tt.in), tt.n, got, len(got), tt.want)
			}
		})
	}
}
