package contacts

import (
	"context"
	"fmt"
	"testing"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestCJKClassIsContactsGrams: a query word gets bigram operands
// (cjkGrams, isCJK) exactly when search_doc holds bigrams of such a word
// (contacts_grams, migration 00049). A character one side takes and the
// other does not would make a word that finds nothing, or a word whose
// bigrams are never asked for.
func TestCJKClassIsContactsGrams(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	// The edges of every range of the class, each side, and a few others.
	points := []rune{'a', 'é', 'ß', 0x2fff, 0x303f, 0x3040, 0x30fb, 0x30ff, 0x3100, 0x33ff, 0x3400, 0x4dbf, 0x4dc0,
		0x4e00, 0x9fff, 0xa000, 0xabff, 0xac00, 0xd7af, 0xd7b0, 0xf8ff, 0xf900, 0xfaff, 0xfb00, 0xff21, 0xff66,
		0x1ffff, 0x20000, 0x2ffff, 0x30000}
	for _, r := range points {
		t.Run(fmt.Sprintf("U+%04X", r), func(t *testing.T) {
			word := string([]rune{r, r})
			var grams bool
			if err := d.Pool.QueryRow(context.Background(), `SELECT contacts_grams($1) <> ''::tsvector`, word).Scan(&grams); err != nil {
				t.Fatal(err)
			}
			if want := isCJK(r); grams != want {
				t.Fatalf("contacts_grams(%q) holds bigrams: %v; isCJK: %v", word, grams, want)
			}
			if got := cjkGrams(word) != nil; got != isCJK(r) {
				t.Fatalf("cjkGrams(%q) = %v, isCJK %v", word, cjkGrams(word), isCJK(r))
			}
		})
	}
}
