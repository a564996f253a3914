package contacts

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"

	"github.com/onecloudai/contacts/internal/platform/emailaddr"
	"github.com/onecloudai/contacts/internal/platform/freetext"
)

// Values of contact fields are normalized the same way wherever they enter:
// corrections here, imports later.

var countryTables struct {
	once    sync.Once
	codes   map[string]bool   // current ISO 3166-1 alpha-2: "DE"
	former  map[string]string // a withdrawn or reserved code → today's: "DD" → "DE", "FX" → "FR", "UK" → "GB"
	names   map[string]string // folded English or common name, or alpha-3 → alpha-2
	foreign map[string]string // folded name in another language → alpha-2 ("allemagne" → "DE")
}

// notCountries are codes ISO 3166 reserves for what is not a country of
// its own (Ascension, Clipperton, Diego Garcia, Ceuta and Melilla, the
// Canary Islands, Tristan da Cunha, the Eurozone, the United Nations),
// which CLDR lists beside the countries.
var notCountries = map[string]bool{"AC": true, "CP": true, "DG": true, "EA": true, "IC": true, "TA": true, "EZ": true, "UN": true}

// countryAliases are common names that the CLDR English names miss, and
// the English short names of ISO 3166 itself where CLDR's differ: CRM
// picklists (Salesforce's country picklist among them) and many vendor
// files write those ("Korea, Republic of", "Russian Federation").
var countryAliases = map[string]string{
	"usa": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US", "america": "US",
	"uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
	"wales": "GB", "northern ireland": "GB", "south korea": "KR", "korea": "KR", "north korea": "KP",
	"russia": "RU", "czech republic": "CZ", "holland": "NL", "the netherlands": "NL", "deutschland": "DE",
	"espana": "ES", "brasil": "BR", "turkiye": "TR", "viet nam": "VN", "uae": "AE", "ivory coast": "CI",
	"cote d'ivoire": "CI", "schweiz": "CH", "suisse": "CH", "osterreich": "AT", "italia": "IT",
	"polska": "PL", "nippon": "JP", "sverige": "SE", "danmark": "DK", "norge": "NO", "suomi": "FI",
	"mexico": "MX", "hong kong": "HK", "macau": "MO", "taiwan": "TW", "palestine": "PS",

	"korea, republic of": "KR", "republic of korea": "KR", "korea, democratic people's republic of": "KP",
	"democratic people's republic of korea": "KP", "russian federation": "RU",
	"iran, islamic republic of": "IR", "islamic republic of iran": "IR",
	"venezuela, bolivarian republic of": "VE", "bolivia, plurinational state of": "BO",
	"tanzania, united republic of": "TZ", "united republic of tanzania": "TZ",
	"moldova, republic of": "MD", "republic of moldova": "MD", "micronesia, federated states of": "FM",
	"taiwan, province of china": "TW", "lao people's democratic republic": "LA", "syrian arab republic": "SY",
	"holy see": "VA", "holy see (vatican city state)": "VA", "vatican": "VA", "vatican city state": "VA",
	"congo, the democratic republic of the": "CD", "congo, democratic republic of the": "CD",
	"democratic republic of the congo": "CD", "dr congo": "CD", "republic of the congo": "CG",
	"macedonia, the former yugoslav republic of": "MK", "the former yugoslav republic of macedonia": "MK",
	"north macedonia": "MK", "palestine, state of": "PS", "palestinian territory, occupied": "PS",
	"united kingdom of great britain and northern ireland": "GB", "netherlands, kingdom of the": "NL",
	"virgin islands, british": "VG", "virgin islands, u.s.": "VI", "hong kong sar": "HK", "macao": "MO",
	"macao sar": "MO", "brunei darussalam": "BN", "cabo verde": "CV", "east timor": "TL", "burma": "MM",
	"falkland islands (malvinas)": "FK", "saint martin (french part)": "MF", "sint maarten (dutch part)": "SX",
	"bonaire, sint eustatius and saba": "BQ", "republic of ireland": "IE", "ireland, republic of": "IE",
	"people's republic of china": "CN", "china, people's republic of": "CN", "mainland china": "CN",
	"gambia, the": "GM", "the gambia": "GM", "bahamas, the": "BS", "the bahamas": "BS", "eswatini": "SZ",
	"libyan arab jamahiriya": "LY", "slovak republic": "SK", "kyrgyz republic": "KG", "ksa": "SA", "eire": "IE",
	"bosnia": "BA", "congo": "CG", "heard island and mcdonald islands": "HM",
	"saint helena, ascension and tristan da cunha": "SH", "united states minor outlying islands": "UM",
}

// countryLanguages are the languages whose country names are read besides
// English: those of the markets contact files come from. (CLDR knows
// hundreds; the rarer ones name countries with common words, "Poo" and
// "Man" among them.)
var countryLanguages = []string{"de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "is", "pl", "cs", "sk",
	"hu", "ro", "bg", "el", "hr", "sr", "sl", "et", "lv", "lt", "ru", "uk", "tr", "ar", "he", "fa", "hi", "zh",
	"zh-Hant", "ja", "ko", "id", "ms", "vi", "th", "ca"}

// loadCountries builds the tables from CLDR (golang.org/x/text). CLDR
// also knows withdrawn codes (DD, HV, ZR, ...) and reserved ones (FX, UK)
// under the names of today's countries: only a code that is its own
// canonical form is a country, and only such a code takes its name, so
// "France" is FR (never FX) and "Burkina Faso" BF (never HV). A withdrawn
// code that CLDR maps to a country reads as that country.
//
// The names in the countryLanguages are looked up after the
// English ones and the aliases, which they never replace; a name that
// different countries have in different languages is none of them.
func loadCountries() {
	countryTables.codes = map[string]bool{}
	countryTables.former = map[string]string{}
	countryTables.names = map[string]string{}
	countryTables.foreign = map[string]string{}
	names := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code {
				continue
			}
			canon := r.Canonicalize()
			if !canon.IsCountry() || names.Name(canon) == "" || notCountries[canon.String()] {
				continue // withdrawn with no successor (SU, YU, AN), or no country
			}
			if canon.String() == code {
				countryTables.codes[code] = true
				countryTables.names[foldKey(names.Name(r))] = code
			} else {
				countryTables.former[code] = canon.String()
			}
			if iso3 := r.ISO3(); iso3 != "" && iso3 != "ZZZ" {
				countryTables.names[strings.ToLower(iso3)] = canon.String()
			}
		}
	}
	for k, v := range countryAliases {
		countryTables.names[foldKey(k)] = v
	}
	ambiguous := map[string]bool{}
	for _, lang := range countryLanguages {
		namer := display.Regions(language.MustParse(lang))
		if namer == nil {
			continue
		}
		for code := range countryTables.codes {
			key := foldKey(namer.Name(language.MustParseRegion(code)))
			if len(key) <= 2 || ambiguous[key] {
				continue // "" where the language has no name; two letters read as a code
			}
			if _, ok := countryTables.names[key]; ok {
				continue
			}
			if other, ok := countryTables.foreign[key]; ok && other != code {
				ambiguous[key] = true
				delete(countryTables.foreign, key)
				continue
			}
			countryTables.foreign[key] = code
		}
	}
}

// foldKey folds a country name for lookup: lower case, accents, dots,
// apostrophes and "the" dropped, ß and the like spelled out, hyphens,
// commas and parentheses as spaces, "&" as "and" and "St" as "Saint", white
// space collapsed. ISO 3166 writes "Saint Kitts and Nevis" and "Korea,
// Republic of" or "Korea (the Republic of)", CLDR "St. Kitts & Nevis".
// Letters of other scripts stay ("Россия" is not "").
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case asciiSpecial[r] != "":
			b.WriteString(asciiSpecial[r])
		case unicode.Is(unicode.Mn, r), r == '\'', r == '\u2019', r == '.':
		case r == '-', r == ',', r == '(', r == ')':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	words := strings.Fields(strings.ToLower(norm.NFC.String(b.String())))
	out := words[:0]
	for _, w := range words {
		switch w {
		case "the":
			continue
		case "&":
			w = "and"
		case "st":
			w = "saint"
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// NormalizeCountry returns the ISO 3166-1 alpha-2 code for a code ("de",
// "DEU"), an English, ISO 3166 or common name ("Germany", "Korea, Republic
// of", "Deutschland") or a name in another language ("Allemagne").
func NormalizeCountry(s string) (string, bool) {
	countryTables.once.Do(loadCountries)
	s = strings.TrimSpace(s)
	if len(s) == 2 {
		code := strings.ToUpper(s)
		if countryTables.codes[code] {
			return code, true
		}
		if canon, ok := countryTables.former[code]; ok { // UK is GB
			return canon, true
		}
	}
	key := foldKey(s)
	if code, ok := countryTables.names[key]; ok {
		return code, true
	}
	code, ok := countryTables.foreign[key]
	return code, ok
}

// NormalizeEmail reads a contact's address into the one form it is stored,
// matched and searched in, so that the same person written two ways is one
// contact: the form of every address, accounts' too (emailaddr.Canonical).
func NormalizeEmail(s string) (string, bool) {
	return emailaddr.Canonical(s)
}

// NormalizeDomain reads a company's domain, written bare or as its site's
// address ("https://www.Acme.com/about"), into its stored form ("acme.com"):
// see NormalizeSite.
func NormalizeDomain(v string) (string, bool) {
	d, _, ok := NormalizeSite(v)
	return d, ok
}

// NormalizeSite reads a company's website or domain: the host, lower case,
// without its port, one trailing dot (the DNS root) and every leading
// "www.", fullwidth forms as ASCII, IDN labels in Unicode (composed) rather
// than punycode, so that "xn--mller-kva.de" and "MÜLLER.de" are one domain,
// the form an email's domain takes (NormalizeEmail). page says the value
// named a page of the site (a path or a query), not the site. A domain is
// 3 to 253 bytes of dotted labels of letters, digits, marks and hyphens.
func NormalizeSite(v string) (domain string, page, ok bool) {
	v = strings.TrimFunc(v, invisibleEdge)
	if len(v) > 2000 {
		return "", false, false
	}
	ascii := isASCII(v)
	if !ascii {
		v = emailaddr.FoldWidth(v)
	}
	v = strings.ToLower(v)
	if strings.Contains(v, "://") {
		u, err := url.Parse(v)
		if err != nil {
			return "", false, false
		}
		v = u.Hostname()
		page = strings.Trim(u.Path, "/") != "" || u.RawQuery != ""
		if ascii && !isASCII(v) {
			// url.Parse decodes a host's percent-escapes ("%C3%84rzte.de"),
			// which the folding above never saw: fold them now, or the
			// domain keeps capitals and full-width letters no other
			// spelling of it has.
			ascii = false
			v = strings.ToLower(emailaddr.FoldWidth(v))
		}
	} else {
		var rest string
		v, rest, _ = strings.Cut(v, "/")
		page = strings.Trim(rest, "/") != ""
		if h, _, ok := strings.Cut(v, ":"); ok {
			v = h
		}
	}
	// One trailing dot (a fully qualified name) goes; a second is as
	// wrong as two dots inside. Every leading "www." goes, so the result
	// reads as itself.
	v = strings.TrimSuffix(v, ".")
	for strings.HasPrefix(v, "www.") {
		v = v[len("www."):]
	}
	if !ascii || strings.Contains(v, "xn--") {
		v = norm.NFC.String(emailaddr.DecodeIDN(v))
		for strings.HasPrefix(v, "www.") {
			v = v[len("www."):]
		}
	}
	if len(v) < 3 || len(v) > 253 || !strings.Contains(v, ".") || strings.HasPrefix(v, ".") || strings.HasSuffix(v, ".") ||
		strings.Contains(v, "..") {
		return "", false, false
	}
	for _, r := range v {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) || r == '-' || r == '.') {
			return "", false, false
		}
	}
	return v, page, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func invisibleEdge(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }

// NormalizePhone parses a number written in any common way, national
// numbers read in defaultRegion (the tenant's), and returns E.164. A number
// that starts with 00, the international prefix of most of the world, and
// is no valid number of defaultRegion (where another prefix may be dialed:
// 011 in the US) is read as international ("0044 20 …" is +44 20 …). An
// extension ("x12", "ext. 12") is not part of E.164 and is left out
// (NormalizePhoneExt says which).
func NormalizePhone(s, defaultRegion string) (string, bool) {
	p, _, ok := NormalizePhoneExt(s, defaultRegion)
	return p, ok
}

// NormalizePhoneExt is NormalizePhone that also returns the extension the
// value named ("123" of "+1 415 555 2671 x123"), which E.164 leaves out;
// "" when there is none. A label after the number ("(office)", "mobile",
// "(Zentrale)") is no part of it: its letters would read as a vanity
// number's digits ("+49 30 1234567 (office)" is no +49301234567633423),
// so a value that is a valid number without its trailing label is that
// number. A number written as a decimal with a zero fraction
// ("4930123456.0", a float column of a database or pandas export) is its
// integer: the ".0" is no digit of it.
func NormalizePhoneExt(s, defaultRegion string) (phone, ext string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return "", "", false
	}
	if defaultRegion == "" {
		defaultRegion = "US"
	}
	region := strings.ToUpper(defaultRegion)
	if m := zeroFraction.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	if bare := withoutLabels(s); bare != s {
		if p, e, ok := parsePhone(bare, region); ok {
			return p, e, true
		}
	}
	return parsePhone(s, region)
}

var (
	// zeroFraction is a number of digits written with a zero fraction.
	zeroFraction = regexp.MustCompile(`^(\+?[0-9]+)\.0+$`)
	// phoneLabel is a label at the end of a phone value: a parenthesis
	// holding a letter, or a word with a small letter (a vanity number's
	// letters are capitals: "1-800-FLOWERS").
	phoneLabel = regexp.MustCompile(`(\s*\([^()]*\pL[^()]*\)|\s+\pL*\p{Ll}\pL*[.:]?)\s*$`)
)

// withoutLabels is s without the labels at its end (phoneLabel).
func withoutLabels(s string) string {
	for {
		loc := phoneLabel.FindStringIndex(s)
		if loc == nil || loc[0] == 0 {
			return s
		}
		s = s[:loc[0]]
	}
}

// parsePhone is NormalizePhoneExt's reading of s in region.
func parsePhone(s, region string) (phone, ext string, ok bool) {
	n, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		rest, ok := strings.CutPrefix(strings.TrimLeft(s, " "), "00")
		if !ok {
			return "", "", false
		}
		if n, err = phonenumbers.Parse("+"+rest, region); err != nil || !phonenumbers.IsValidNumber(n) {
			return "", "", false
		}
	}
	return phonenumbers.Format(n, phonenumbers.E164), n.GetExtension(), true
}

var linkedinSlug = regexp.MustCompile(`^[A-Za-z0-9_%.\-]{2,100}$`)

// NormalizeLinkedIn returns the canonical https://www.linkedin.com/in/<slug>
// form of a profile URL written with or without scheme, with any LinkedIn
// host (uk.linkedin.com, m.linkedin.com) or the mobile site's path
// (/mwlite/in/), in any case, with any trailing path, query or slash, and
// with invisible characters around it (a copied link's zero-width space).
// The slug is composed (Unicode NFC: "jörg" with an o and a combining
// diaeresis is "jörg" with an ö), lower case and escaped the one way
// url.PathEscape does, whether it came escaped ("j%C3%B6rg", "some%2Done")
// or not ("jörg").
func NormalizeLinkedIn(s string) (string, bool) {
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) })
	if s == "" || len(s) > 300 {
		return "", false
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	if host != "linkedin.com" && !strings.HasSuffix(host, ".linkedin.com") {
		return "", false
	}
	parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	if len(parts) > 0 && strings.EqualFold(parts[0], "mwlite") {
		parts = parts[1:]
	}
	if len(parts) < 2 || !strings.EqualFold(parts[0], "in") {
		return "", false
	}
	slug, err := url.PathUnescape(parts[1])
	if err != nil || !utf8.ValidString(slug) {
		return "", false
	}
	slug = strings.ToLower(url.PathEscape(strings.ToLower(norm.NFC.String(slug))))
	if !linkedinSlug.MatchString(slug) {
		return "", false
	}
	return "https://www.linkedin.com/in/" + slug, true
}

// Lengths of a contact's free-text fields, in characters: an import
// (internal/imports) and a correction take the same.
const (
	MaxTitleLen       = 200
	MaxCompanyNameLen = 300 // as companies.name
	MaxCityLen        = 100
)

// NormalizeText is the free-text rule (internal/platform/freetext) for a
// contact field or a list name of at most maxLen runes.
func NormalizeText(s string, maxLen int) (string, bool) {
	return freetext.Normalize(s, 1, maxLen)
}
