package contacts

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
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

// TestGeneratorIdentitiesCanonical: the seeded identities are in the form
// the normalizers give (NormalizeEmail, NormalizeLinkedIn, NormalizeDomain),
// so an import or a correction of a seeded person matches the seeded
// contact instead of making a second one.
//
// Twenty thousand rows on one goroutine: skipped under -race, like
// TestSeedPhoneShapes.
func TestGeneratorIdentitiesCanonical(t *testing.T) {
	t.Parallel()
	skipUnderRace(t)
	g := newGenerator(3, 500, 20000)
	fixed := func(field string, v any, norm func(string) (string, bool)) {
		s, ok := v.(string)
		if !ok || s == "" {
			return
		}
		if got, ok := norm(s); !ok || got != s {
			t.Errorf("seeded %s %q normalizes to %q, %v", field, s, got, ok)
		}
	}
	for i := range 20000 {
		row := g.contactRow(i, nil)
		fixed("email", row[3], NormalizeEmail)
		fixed("company domain", row[11], NormalizeDomain)
		fixed("LinkedIn URL", row[14], NormalizeLinkedIn)
		fixed("phone", row[5], func(s string) (string, bool) { return NormalizePhone(s, row[17].(string)) })
		if t.Failed() {
			t.FailNow()
		}
	}
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

// TestSeedPhoneShapes: every number a country's shapes can give is valid
// for libphonenumber and belongs to that country (a Canadian contact gets
// no US area code), so the generator draws numbers NormalizePhone accepts
// as they are without parsing them. Each shape is tried with every value of its first three free
// digits (libphonenumber's ranges are told apart by the leading digits)
// and random ones after them.
//
// It is a third of a million parses on one goroutine each: the race
// detector has nothing to watch and makes them take many minutes, so
// scripts/test.sh runs this test once more without -race and the -race
// run skips it.
func TestSeedPhoneShapes(t *testing.T) {
	t.Parallel()
	skipUnderRace(t)
	for ci := range countries {
		ctry := &countries[ci]
		t.Run(ctry.code, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(1, uint64(ci)))
			if len(ctry.phones) == 0 {
				t.Fatal("no phone shapes")
			}
			for _, shape := range ctry.phones {
				if strings.Trim(shape, "0123456789xn") != "" {
					t.Fatalf("shape %q has other characters than digits, x and n", shape)
				}
			lead:
				for v := range 1000 {
					lead := []byte{byte(v / 100), byte(v / 10 % 10), byte(v % 10)}
					num := []byte("+" + ctry.dial)
					for i := 0; i < len(shape); i++ {
						c := shape[i]
						if c != 'x' && c != 'n' {
							num = append(num, c)
							continue
						}
						d := byte(r.IntN(10))
						if len(lead) > 0 {
							d, lead = lead[0], lead[1:]
							if c == 'n' && d >= 8 {
								continue lead // 2 + d%8 below: a lead tried already
							}
						}
						if c == 'n' {
							d = 2 + d%8
						}
						num = append(num, '0'+d)
					}
					n, err := phonenumbers.Parse(string(num), ctry.code)
					if err != nil {
						t.Fatalf("shape %q gives %s, no valid number: %v", shape, num, err)
					}
					// IsValidNumber(n) is IsValidNumberForRegion(n, GetRegionCodeForNumber(n)).
					switch got := phonenumbers.GetRegionCodeForNumber(n); {
					case got == "" || !phonenumbers.IsValidNumberForRegion(n, got):
						t.Fatalf("shape %q gives %s, no valid number", shape, num)
					case got != ctry.code:
						t.Fatalf("shape %q gives %s, a number of %s", shape, num, got)
					}
					if e164 := phonenumbers.Format(n, phonenumbers.E164); e164 != string(num) {
						t.Fatalf("shape %q gives %s, which is %s in E.164", shape, num, e164)
					}
				}
			}
		})
	}
}
