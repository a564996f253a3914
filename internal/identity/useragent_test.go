package identity

import (
	"strings"
	"testing"
)

// TestUserAgent: a session keeps the User-Agent whole up to
// maxUserAgentLen bytes, and a longer one cut before the character that
// would cross it; bytes that are not UTF-8 become U+FFFD first.
func TestUserAgent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"OKShort", "curl/8.0", "curl/8.0"},
		{"OKExactlyTheBound", strings.Repeat("a", maxUserAgentLen), strings.Repeat("a", maxUserAgentLen)},
		{"CutOneByteOver", strings.Repeat("a", maxUserAgentLen+1), strings.Repeat("a", maxUserAgentLen)},
		{"CutBeforeACharacterAcrossTheBound", strings.Repeat("a", maxUserAgentLen-1) + "é", strings.Repeat("a", maxUserAgentLen-1)},
		{"CutBeforeAThreeByteCharacter", strings.Repeat("a", maxUserAgentLen-2) + "€", strings.Repeat("a", maxUserAgentLen-2)},
		{"NotUTF8Replaced", "Mozilla \xe9", "Mozilla \uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := userAgent(tt.in); got != tt.want {
				t.Fatalf("userAgent(%d bytes) = %d bytes %q, want %d bytes", len(tt.in), len(got), got, len(tt.want))
			}
		})
	}
}
