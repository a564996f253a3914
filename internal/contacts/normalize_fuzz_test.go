package contacts_test

import (
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/contacts"
)

// FuzzNormalize feeds arbitrary text to every field normalizer: none may
// panic, an accepted value is valid UTF-8, and a normalized value is a
// fixed point (normalizing it again gives it back, accepted), or the same
// contact would be stored and matched under two spellings. Seeds are in
// testdata/fuzz/FuzzNormalize; run with
// go test ./internal/contacts -run '^$' -fuzz FuzzNormalize -fuzztime 1m.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"+49 30 901820", "(415) 555-0132 ext. 7", "0049 30 901820", "Deutschland", "uk", "DEU", "FX",
		"linkedin.com/in/Zoë-Müller/", "https://uk.linkedin.com/in/ann%2Dlee?trk=x", "http://www.linkedin.com/in/ab%41",
		"A.B+c@Sub.Example.ORG", "Ann <ann@xn--mller-kva.de.>", "mailto:ａ＠ｂ。ｃｏｍ", "Bob <mailto:Bob@Example.com?s=1>", "www.XN--MLLER-KVA.de/x", "https://%C3%84rzte.de/", "  Acme \u200b GmbH ", "Cafe\u0301", "\u0301e", "ß@straße.de", "\xff"} {
		f.Add(s, "DE")
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		fixed := func(name string, norm func(string) (string, bool)) {
			out, ok := norm(s)
			if !ok {
				return
			}
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q: not UTF-8", name, s, out)
			}
			if again, ok := norm(out); !ok || again != out {
				t.Fatalf("%s(%q) = %q, which normalizes to %q, %v", name, s, out, again, ok)
			}
		}
		fixed("NormalizePhone", func(v string) (string, bool) { return contacts.NormalizePhone(v, region) })
		fixed("NormalizeCountry", contacts.NormalizeCountry)
		fixed("NormalizeLinkedIn", contacts.NormalizeLinkedIn)
		fixed("NormalizeEmail", contacts.NormalizeEmail)
		fixed("NormalizeDomain", contacts.NormalizeDomain)
		fixed("NormalizeText", func(v string) (string, bool) { return contacts.NormalizeText(v, 100) })
	})
}
