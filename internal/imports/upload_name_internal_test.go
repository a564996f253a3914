package imports

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/platform/freetext"
)

// TestUploadName: an upload is listed under the last part of the path the
// browser sent, as text others read (the import list, the audit log): never
// empty, no control characters, no invisible edges, at most 255 characters.
func TestUploadName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"OK", "contacts.csv", "contacts.csv"},
		{"OKWindowsPath", `C:\Users\ann\Desktop\Kontakte März.xlsx`, "Kontakte März.xlsx"},
		{"OKUnixPath", "/home/ann/list.csv", "list.csv"},
		{"OKEmpty", "", "upload.csv"},
		{"OKDot", ".", "upload.csv"},
		{"OKDotDot", "..", "upload.csv"},
		{"OKRoot", "/", "upload.csv"},
		{"OKOnlyNUL", "\x00", "upload.csv"},
		{"OKOnlyInvalidUTF8", "\xff\xfe", "upload.csv"},
		{"OKSpacesAfterNUL", " \x00 ", "upload.csv"},
		{"OKControlCharacters", "list\r\n\x1b[31m.csv", "list[31m.csv"},
		{"OKInvisibleEdges", "\u200blist.csv\u200b", "list.csv"},
		{"OKDirectionOverrideDropped", "invoice\u202ecsv.exe", "invoicecsv.exe"},
		{"OKDirectionEmbeddingDropped", "a\u202ab\u202c.csv", "ab.csv"},
		{"OKDirectionIsolatesDropped", "\u2067list\u2069 \u202bb\u202c.csv", "list b.csv"},
		{"OKRightToLeftName", "جهات الاتصال.csv", "جهات الاتصال.csv"},
		{"OKLong", strings.Repeat("ä", 300), strings.Repeat("ä", 255)},
		{"OKLongByOne", strings.Repeat("a", 256), strings.Repeat("a", 255)},
		{"OKLongest", strings.Repeat("a", 255), strings.Repeat("a", 255)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := uploadName(tt.in); got != tt.want {
				t.Fatalf("uploadName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzUploadName feeds arbitrary file names to uploadName: the name is
// never empty, valid UTF-8 without control characters or a path separator,
// at most 255 characters, and its own upload name (a name shown and sent
// again stays as it is). Seeds are in testdata/fuzz/FuzzUploadName; run
// with go test ./internal/imports -run '^$' -fuzz FuzzUploadName -fuzztime 1m.
func FuzzUploadName(f *testing.F) {
	for _, s := range []string{"contacts.csv", `C:\a\b.xlsx`, "", "\x00", " \x00 ", "a\r\nb.csv", "\u200b.\u200b", "..", strings.Repeat("ä", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name := uploadName(s)
		if strings.TrimSpace(name) == "" || !utf8.ValidString(name) || freetext.HasControl(name) || strings.ContainsAny(name, "/\\\t\r\n") {
			t.Fatalf("uploadName(%q) = %q", s, name)
		}
		if n := utf8.RuneCountInString(name); n > 255 {
			t.Fatalf("uploadName(%q) has %d characters", s, n)
		}
		if again := uploadName(name); again != name {
			t.Fatalf("uploadName(%q) = %q, which reads as %q", s, name, again)
		}
	})
}
