package freetext_test

import (
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/platform/freetext"
)

// FuzzNormalize feeds arbitrary text to the rule for text people type:
// no panic; an accepted value is valid UTF-8 without control characters or
// invisible edges and is its own normal form (a name saved and edited
// without change must not change, nor two spellings of one name look
// alike); and Check agrees with Normalize on what passes and what it
// stores. Seeds are in testdata/fuzz/FuzzNormalize; run with
// go test ./internal/platform/freetext -run '^$' -fuzz FuzzNormalize -fuzztime 1m.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"  Acme \u200b GmbH ", "Cafe\u0301", "\u0301e", "\u3164\u3164", "a\tb\r\nc", "x\x07y", "\xff",
		"\u200dA\u200d", "\u1100\u1161\u11a8", "e\u200b\u0301", "\u2800Ann\u115f", "\u05d0\u200f", "Ａｃｍｅ"} {
		f.Add(s, 1, 10)
	}
	f.Fuzz(func(t *testing.T, s string, minLen, maxLen int) {
		out, ok := freetext.Normalize(s, minLen, maxLen)
		v, why := freetext.Check(s, minLen, maxLen)
		if ok != (why == "") {
			t.Fatalf("Normalize(%q, %d, %d) passed: %v; Check says %q", s, minLen, maxLen, ok, why)
		}
		if !ok {
			return
		}
		if v != out {
			t.Fatalf("Normalize(%q) = %q, Check = %q", s, out, v)
		}
		if !utf8.ValidString(out) || freetext.HasControl(out) {
			t.Fatalf("Normalize(%q) = %q: not storable", s, out)
		}
		if again, ok := freetext.Normalize(out, minLen, maxLen); !ok || again != out {
			t.Fatalf("Normalize(%q) = %q, which normalizes to %q, %v", s, out, again, ok)
		}
	})
}
