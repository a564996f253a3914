package contacts

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// generator makes deterministic synthetic companies and contacts. Every
// record is drawn from its own PCG stream seeded with (seed, index), so
// record i is the same whatever the batch size, worker count or N.
type generator struct {
	seed      uint64
	start     time.Time // created_at of record 0
	span      time.Duration
	companies []genCompany
	zipfCDF   []float64 // cumulative company weights: contacts per company follow Zipf
	nContacts int

	countryCDF    []int
	seniorityCDF  []int
	departmentCDF []int
	cultureCDFs   [][]int // per country
	cultureIdx    [][]int // per country: culture indexes matching cultureCDFs
}

// seedEpoch is the fixed "now" of generated data, so a seed gives the same
// bytes on any day.
var seedEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type genCompany struct {
	id            [16]byte
	name          string
	domain        string
	industry      string
	employeeRange string
	revenueRange  string
	country       int // index in countries
	place         place
	linkedin      string
	founded       int
	createdAt     time.Time
	updatedAt     time.Time
}

func cumulative(ws []weighted) []int {
	out := make([]int, len(ws))
	sum := 0
	for i, w := range ws {
		sum += w.weight
		out[i] = sum
	}
	return out
}

func pickWeighted(r *rand.Rand, cdf []int) int {
	n := r.IntN(cdf[len(cdf)-1])
	return sort.SearchInts(cdf, n+1)
}

// pickSkewed draws an index biased towards the front of a list of n: with
// the name lists here the commonest name is about three times as frequent as
// an average one, as "Smith" is among English surnames.
func pickSkewed(r *rand.Rand, n int) int {
	return min(int(float64(n)*math.Pow(r.Float64(), 1.3)), n-1)
}

func newGenerator(seed uint64, nCompanies, nContacts int) *generator {
	g := &generator{seed: seed, nContacts: nContacts, span: 3 * 365 * 24 * time.Hour}
	g.start = seedEpoch.Add(-g.span)
	var cw []weighted
	for _, c := range countries {
		cw = append(cw, weighted{c.code, c.weight})
		var cws []weighted
		var idx []int
		for _, w := range c.cultures {
			cws = append(cws, w)
			idx = append(idx, cultureIndex(w.name))
		}
		g.cultureCDFs = append(g.cultureCDFs, cumulative(cws))
		g.cultureIdx = append(g.cultureIdx, idx)
	}
	g.countryCDF = cumulative(cw)
	g.seniorityCDF = cumulative(seniorityWeights)
	g.departmentCDF = cumulative(departmentWeights)

	// Zipf(s=1.05, v=10): with 100k companies the largest holds ~1.4% of
	// the contacts, the 100th ~0.1%, and the long tail one or two each.
	g.zipfCDF = make([]float64, nCompanies)
	sum := 0.0
	for k := range nCompanies {
		sum += 1 / math.Pow(float64(k)+10, 1.05)
		g.zipfCDF[k] = sum
	}
	g.companies = make([]genCompany, nCompanies)
	taken := make(map[string]bool, nCompanies)
	for i := range nCompanies {
		g.companies[i] = g.company(i, nCompanies, taken)
	}
	return g
}

// uuidV7 builds a version 7 UUID from a timestamp and random bits.
func uuidV7(t time.Time, r *rand.Rand) [16]byte {
	var u [16]byte
	ms := uint64(t.UnixMilli())
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	binary.BigEndian.PutUint64(u[8:], r.Uint64())
	rb := r.Uint32()
	u[6], u[7] = byte(rb>>8), byte(rb)
	u[6] = (u[6] & 0x0f) | 0x70
	u[8] = (u[8] & 0x3f) | 0x80
	return u
}

func (g *generator) rng(kind, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed, kind<<56|i))
}

func (g *generator) company(i, n int, taken map[string]bool) genCompany {
	r := g.rng(1, uint64(i))
	ci := pickWeighted(r, g.countryCDF)
	ctry := countries[ci]
	ind := industries[r.IntN(len(industries))]
	noun := ind.nouns[r.IntN(len(ind.nouns))]
	var base string
	switch p := r.IntN(100); {
	case p < 55:
		base = companyWords[r.IntN(len(companyWords))] + " " + noun
	case p < 75:
		base = brandStems[r.IntN(len(brandStems))] + brandEndings[r.IntN(len(brandEndings))]
		if r.IntN(2) == 0 {
			base += " " + noun
		}
	case p < 88:
		cul := cultures[g.cultureIdx[ci][pickWeighted(r, g.cultureCDFs[ci])]]
		a := cul.last[pickSkewed(r, len(cul.last))]
		b := cul.last[r.IntN(len(cul.last))]
		if a == b || r.IntN(2) == 0 {
			base = a + " " + noun
		} else {
			base = a + " & " + b
		}
	default:
		base = companyWords[r.IntN(len(companyWords))] + []string{" Group", " Holdings", " International", " Global"}[r.IntN(4)]
	}
	name := base
	if s := ctry.suffixes[r.IntN(len(ctry.suffixes))]; s != "" && r.IntN(100) < 45 {
		name += " " + s
	}
	domain := ""
	if r.IntN(100) < 97 {
		slug := slugify(base, "")
		d := slug + "." + ctry.tld
		for k := 2; taken[d]; k++ {
			d = slug + strconv.Itoa(k) + "." + ctry.tld
		}
		taken[d] = true
		domain = d
	}
	// Size follows the Zipf rank (index 0 is the largest company), with
	// some noise so ranges overlap as they do in real data.
	pct := float64(i) / float64(max(n, 1))
	band := 0
	switch {
	case pct < 0.005:
		band = 7
	case pct < 0.015:
		band = 6
	case pct < 0.045:
		band = 5
	case pct < 0.10:
		band = 4
	case pct < 0.22:
		band = 3
	case pct < 0.45:
		band = 2
	case pct < 0.75:
		band = 1
	}
	if j := r.IntN(10); j == 0 && band > 0 {
		band--
	} else if j == 1 && band < 7 {
		band++
	}
	rev := min(max(band-1+r.IntN(3)-1, 0), len(RevenueRanges)-1)
	created := g.start.Add(time.Duration(float64(g.span) * float64(i) / float64(max(n, 1))))
	founded := 2024 - int(float64(15+band*12)*r.ExpFloat64()/1.5)
	founded = max(founded, 1850)
	c := genCompany{
		id: uuidV7(created, r), name: name, domain: domain, industry: ind.name,
		employeeRange: EmployeeRanges[band], revenueRange: RevenueRanges[rev], country: ci,
		place: ctry.places[pickSkewed(r, len(ctry.places))], founded: founded,
		createdAt: created, updatedAt: created.Add(time.Duration(r.Int64N(int64(seedEpoch.Sub(created)) + 1))),
	}
	if r.IntN(100) < 85 {
		c.linkedin = "https://www.linkedin.com/company/" + slugify(base, "-")
	}
	return c
}

// contactRow appends the COPY values of contact i to dst (see contactColumns).
func (g *generator) contactRow(i int, dst []any) []any {
	r := g.rng(2, uint64(i))
	comp := &g.companies[sort.SearchFloat64s(g.zipfCDF, r.Float64()*g.zipfCDF[len(g.zipfCDF)-1])]
	ci := comp.country
	if r.IntN(100) >= 80 {
		ci = pickWeighted(r, g.countryCDF)
	}
	ctry := &countries[ci]
	cul := &cultures[g.cultureIdx[ci][pickWeighted(r, g.cultureCDFs[ci])]]
	first := cul.first[pickSkewed(r, len(cul.first))]
	last := cul.last[pickSkewed(r, len(cul.last))]

	sen := seniorityWeights[pickWeighted(r, g.seniorityCDF)].name
	dept := departmentWeights[pickWeighted(r, g.departmentCDF)].name
	big := comp.employeeRange == "1001-5000" || comp.employeeRange == "5001-10000" || comp.employeeRange == "10001+"
	if sen == "owner" {
		if big {
			sen = "c_suite"
		} else {
			dept = "executive"
		}
	}
	opts := titles[dept][sen]
	if len(opts) == 0 { // owners outside executive were moved above; keep a fallback anyway
		opts = titles["executive"]["c_suite"]
	}
	title := opts[r.IntN(len(opts))]

	var email, emailStatus, phone any = nil, "unknown", nil
	if comp.domain != "" && r.IntN(100) < 86 {
		f, l := slugify(first, ""), slugify(last, "")
		var local string
		switch p := r.IntN(100); {
		case p < 45:
			local = f + "." + l
		case p < 65:
			local = f[:1] + l
		case p < 75:
			local = f
		case p < 85:
			local = f + l[:1]
		case p < 90:
			local = f + "_" + l
		case p < 95:
			local = l + "." + f
		default:
			local = f[:1] + "." + l
		}
		email = local + "@" + comp.domain
		emailStatus = []string{"valid", "valid", "valid", "valid", "valid", "valid", "valid", "risky", "risky", "invalid", "unknown"}[r.IntN(11)]
	}
	if r.IntN(100) < 62 {
		phone = drawPhone(r, ctry)
	}
	pl := ctry.places[pickSkewed(r, len(ctry.places))]
	if ci == comp.country && r.IntN(100) < 60 {
		pl = comp.place
	}
	linkedin := ""
	if r.IntN(100) < 72 {
		linkedin = "https://www.linkedin.com/in/" + slugify(first, "-") + "-" + slugify(last, "-") + "-" + strconv.FormatUint(r.Uint64()&0xffffff, 16)
	}
	created := g.start.Add(time.Duration(float64(g.span) * float64(i) / float64(max(g.nContacts, 1))))
	updated := created.Add(time.Duration(r.Int64N(int64(seedEpoch.Sub(created)) + 1)))
	var companyDomain any
	if comp.domain != "" {
		companyDomain = comp.domain
	}
	return append(dst[:0],
		uuidV7(created, r), first, last, email, emailStatus, phone, title, sen, dept,
		comp.id, comp.name, companyDomain, comp.industry, comp.employeeRange,
		linkedin, pl.city, pl.region, ctry.code, "seed", created, updated)
}

// drawPhone returns a number of the country in E.164, drawn from one of
// its shapes (countryInfo.phones).
func drawPhone(r *rand.Rand, ctry *countryInfo) string {
	shape := ctry.phones[r.IntN(len(ctry.phones))]
	var buf [24]byte
	b := append(append(buf[:0], '+'), ctry.dial...)
	for i := 0; i < len(shape); i++ {
		switch c := shape[i]; c {
		case 'x':
			b = append(b, byte('0'+r.IntN(10)))
		case 'n':
			b = append(b, byte('2'+r.IntN(8)))
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

var contactColumns = []string{"id", "first_name", "last_name", "email", "email_status", "phone", "title", "seniority", "department",
	"company_id", "company_name", "company_domain", "industry", "employee_range",
	"linkedin_url", "city", "region", "country", "source", "created_at", "updated_at"}

var companyColumns = []string{"id", "name", "domain", "industry", "employee_range", "revenue_range", "country", "region", "city",
	"linkedin_url", "founded_year", "created_at", "updated_at"}

func (g *generator) companyRow(i int, dst []any) []any {
	c := &g.companies[i]
	var domain any
	if c.domain != "" {
		domain = c.domain
	}
	return append(dst[:0], c.id, c.name, domain, c.industry, c.employeeRange, c.revenueRange,
		countries[c.country].code, c.place.region, c.place.city, c.linkedin, int32(c.founded), c.createdAt, c.updatedAt)
}

var asciiSpecial = map[rune]string{
	'ß': "ss", 'ø': "o", 'Ø': "O", 'ł': "l", 'Ł': "L", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE",
	'đ': "d", 'Đ': "D", 'ı': "i", 'þ': "th", 'ð': "d",
}

// asciiFold strips accents: "Zoë Müller" → "Zoe Muller".
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r < 128:
			b.WriteRune(r)
		case asciiSpecial[r] != "":
			b.WriteString(asciiSpecial[r])
		case unicode.Is(unicode.Mn, r):
		default:
		}
	}
	return b.String()
}

// slugify folds s to lower-case ASCII letters and digits, joining words with sep.
func slugify(s, sep string) string {
	s = strings.ToLower(asciiFold(s))
	var b strings.Builder
	gap := false
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if gap && b.Len() > 0 {
				b.WriteString(sep)
			}
			gap = false
			b.WriteRune(r)
		} else if r == ' ' || r == '-' || r == '&' || r == '.' {
			gap = true
		}
	}
	return b.String()
}
