package emailaddr_test

import (
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/platform/emailaddr"
)

// FuzzCanonical feeds arbitrary text to the two address rules: neither
// panics; Normalize's answer is valid UTF-8, at most 254 bytes and its own
// answer again; and Canonical's answer is one Normalize (the database's
// check) keeps as it is and Canonical gives back unchanged, or one mailbox
// would be two accounts, or an account its owner cannot sign in to. Seeds
// are in testdata/fuzz/FuzzCanonical; run with
// go test ./internal/platform/emailaddr -run '^$' -fuzz FuzzCanonical -fuzztime 1m.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"A.B+c@Sub.Example.ORG", "Ann Lee <ann@xn--mller-kva.de.>", "\"Lee, Ann\" <mailto:Ann@Example.com?subject=x>",
		"ａｎｎ＠ｅｘａｍｐｌｅ。ｃｏｍ", "zoë@müller.example", "Zoe\u0308@example.com", "bob@[10.0.0.1]", "\u200bbob@example.com\u200b", "a@xn--zca.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := emailaddr.Normalize(s); ok {
			if !utf8.ValidString(n) || len(n) > 254 {
				t.Fatalf("Normalize(%q) = %q: not storable", s, n)
			}
			if again, ok := emailaddr.Normalize(n); !ok || again != n {
				t.Fatalf("Normalize(%q) = %q, which normalizes to %q, %v", s, n, again, ok)
			}
		}
		c, ok := emailaddr.Canonical(s)
		if !ok {
			return
		}
		if n, ok := emailaddr.Normalize(c); !ok || n != c {
			t.Fatalf("Canonical(%q) = %q, which Normalize reads as %q, %v", s, c, n, ok)
		}
		if again, ok := emailaddr.Canonical(c); !ok || again != c {
			t.Fatalf("Canonical(%q) = %q, which reads as %q, %v", s, c, again, ok)
		}
	})
}
