package contacts

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestGeneratorDeterministic(t *testing.T) {
	t.Parallel()
	a, b, c := newGenerator(7, 500, 5000), newGenerator(7, 500, 5000), newGenerator(8, 500, 5000)
	same, differ := 0, 0
	for i := range 5000 {
		ra, rb, rc := a.contactRow(i, nil), b.contactRow(i, nil), c.contactRow(i, nil)
		if !reflect.DeepEqual(ra, rb) {
			t.Fatalf("row %d differs for the same seed:\n%v\n%v", i, ra, rb)
		}
		if reflect.DeepEqual(ra[1:3], rc[1:3]) {
			same++
		} else {
			differ++
		}
	}
	if differ < 4000 {
		t.Fatalf("seeds 7 and 8 share the names of %d of 5000 contacts", same)
	}
}

func TestGeneratorRealistic(t *testing.T) {
	t.Parallel()
	g := newGenerator(1, 1000, 20000)
	var withEmail, withPhone, accented int
	perCompany := map[[16]byte]int{}
	for i := range 20000 {
		row := g.contactRow(i, nil)
		first, last, title, sen, dept := row[1].(string), row[2].(string), row[6].(string), row[7].(string), row[8].(string)
		if !contains(titles[dept][sen], title) {
			t.Fatalf("%s %s: title %q is not a %s title in %s", first, last, title, sen, dept)
		}
		if email, ok := row[3].(string); ok {
			withEmail++
			if !strings.HasSuffix(email, "@"+row[11].(string)) {
				t.Fatalf("email %q is not on the company domain %v", email, row[11])
			}
		}
		if _, ok := row[5].(string); ok {
			withPhone++
		}
		if asciiFold(first+last) != first+last {
			accented++
		}
		perCompany[row[9].([16]byte)]++
	}
	if withEmail < 14000 || withEmail > 19000 || withPhone < 10000 || withPhone > 15000 || accented < 500 {
		t.Fatalf("emails %d, phones %d, accented names %d of 20000", withEmail, withPhone, accented)
	}
	// Zipf: the largest company is far larger than the median one.
	if biggest := perCompany[g.companies[0].id]; biggest < 200 {
		t.Fatalf("largest company has %d contacts", biggest)
	}
	if fmt.Sprint(asciiFold("Zoë Müller-Łukasz ß")) != "Zoe Muller-Lukasz ss" {
		t.Fatalf("asciiFold = %q", asciiFold("Zoë Müller-Łukasz ß"))
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// BenchmarkGeneratorContactRow: the cost of one seeded contact's values,
// which `contacts seed` pays a million times (docs/PERFORMANCE.md).
func BenchmarkGeneratorContactRow(b *testing.B) {
	const n = 1_000_000
	g := newGenerator(42, 100_000, n)
	var dst []any
	i := 0
	for b.Loop() {
		dst = g.contactRow(i%n, dst)
		i++
	}
}

// TestDemoExampleContact: the API description's request examples
// (scripts/openapi-problems.cjs, the search filters' examples in api) name
// the demo's first contact, so that Swagger UI's Try it out saves and finds
// a contact on the demo data (`contacts seed --demo`). A change of the
// generator that moves her must change the examples too.
func TestDemoExampleContact(t *testing.T) {
	t.Parallel()
	row := newGenerator(DemoSeed, DemoCompanies, DemoContacts).contactRow(0, nil)
	got := fmt.Sprint(uuid.UUID(row[0].([16]byte)), row[1:4], row[6:9], row[10:13], row[15:18])
	want := "01856fc7-2400-7bbe-acd9-c1848b6bf8dd [Megan Lewis meganl@forgesystems.com] [Senior Support Engineer senior customer_success] " +
		"[Forge Systems forgesystems.com Software] [Houston Texas US]"
	if got != want {
		t.Errorf("demo contact 0 = %s\nwant %s", got, want)
	}
}
