package imports_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/idna"
)

// TestOnePersonManySpellings: an address or a website written another way
// is the same contact and the same company. The shared contact's address
// is stored composed with its domain in Unicode (as NormalizeEmail gives
// it); rows that write it decomposed, with punycode, in fullwidth forms,
// as "Name <address>", as a mailto: link or with the root's trailing dot
// are that contact (they were new contacts or invalid rows), and an import's own
// rows so written are duplicates of its first.
func TestOnePersonManySpellings(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	shared := MustSharedContact(t, tb.db, "Zoë", "Müller", "zoë@bü"+w+".de", "Bü "+w)
	fullwidth := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if r > ' ' && r < 0x7f {
				r += 0xfee0
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	ascii, err := idna.Lookup.ToASCII("bü" + w + ".de")
	if err != nil {
		t.Fatal(err)
	}
	rows := []string{
		"zoe\u0308@bu\u0308" + w + ".de",       // 2 decomposed: the shared contact
		"ZOË@" + strings.ToUpper(ascii),        // 3 punycode, capitals
		`"Müller, Zoë" <zoë@` + ascii + `.>`,   // 4 display name, trailing dot
		"mailto:zoë@bü" + w + ".de?subject=Hi", // 5 mailto: link
		fullwidth("new@" + w + ".example"),     // 6 fullwidth: created
		"new@" + w + ".example.",               // 7 the same: duplicate of 6
		"<NEW@" + w + ".example>",              // 8 the same: duplicate of 6
	}
	var b strings.Builder
	b.WriteString("Email,First Name,Last Name\n")
	for _, e := range rows {
		fmt.Fprintf(&b, "\"%s\",Zoë,Müller\n", strings.ReplaceAll(e, `"`, `""`))
	}
	imp := tb.MustUpload(t, tb.tenant, "spellings.csv", b.String())
	tb.MustRun(t, tb.tenant, imp.ID, false)
	recs := tb.records(t, tb.tenant, imp.ID)
	want := map[int]string{2: "matched", 3: "duplicate", 4: "duplicate", 5: "duplicate", 6: "created", 7: "duplicate", 8: "duplicate"}
	for row, o := range want {
		if recs[row].Outcome != o {
			t.Errorf("row %d (%s): %s %v, want %s", row, rows[row-2], recs[row].Outcome, recs[row].Errors, o)
		} else if row <= 5 && *recs[row].ContactID != shared {
			t.Errorf("row %d matched %v, want the shared contact %v", row, *recs[row].ContactID, shared)
		}
	}
	var email string
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT email::text FROM contacts WHERE id = $1`, *recs[6].ContactID).Scan(&email); err != nil {
		t.Fatal(err)
	}
	if email != "new@"+w+".example" {
		t.Errorf("created contact's email %q, want new@%s.example", email, w)
	}
}
