//go:build !race

// Tests of pure computation on one goroutine, built only without the race
// detector: it has nothing to watch in them and made them take many
// minutes (a third of a million phone parses, twenty thousand seeded
// rows). scripts/test.sh runs them in its plain go test step.

package contacts

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestGeneratorIdentitiesCanonical: the seeded identities are in the form
// the normalizers give (NormalizeEmail, NormalizeLinkedIn, NormalizeDomain),
// so an import or a correction of a seeded person matches the seeded
// contact instead of making a second one.
func TestGeneratorIdentitiesCanonical(t *testing.T) {
	t.Parallel()
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

// TestSeedPhoneShapes: every number a country's shapes can give is valid
// for libphonenumber and belongs to that country (a Canadian contact gets
// no US area code), so the generator draws numbers NormalizePhone accepts
// as they are without parsing them. Each shape is tried with every value of its first three free
// digits (libphonenumber's ranges are told apart by the leading digits)
// and random ones after them.
func TestSeedPhoneShapes(t *testing.T) {
	t.Parallel()
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
