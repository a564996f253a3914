package contacts_test

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/onecloudai/contacts/internal/contacts"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	site := func(s string) (string, bool) {
		d, page, ok := contacts.NormalizeSite(s)
		if page {
			d += " page"
		}
		return d, ok
	}
	tests := []struct {
		name string
		fn   func(string) (string, bool)
		in   string
		want string
		ok   bool
	}{
		{"OKCountryCode", contacts.NormalizeCountry, "de", "DE", true},
		{"OKCountryUK", contacts.NormalizeCountry, "UK", "GB", true},
		{"OKCountryName", contacts.NormalizeCountry, "United States", "US", true},
		{"OKCountryAccented", contacts.NormalizeCountry, "  Côte d’Ivoire ", "CI", true},
		{"OKCountryAlpha3", contacts.NormalizeCountry, "JPN", "JP", true},
		{"ErrCountryUnknown", contacts.NormalizeCountry, "XX", "", false},
		{"ErrCountryGrouping", contacts.NormalizeCountry, "EU", "", false},
		// CLDR also names withdrawn and reserved codes after today's
		// countries: the name must give today's code.
		{"OKCountryFranceNotFX", contacts.NormalizeCountry, "France", "FR", true},
		{"OKCountryBurkinaFasoNotHV", contacts.NormalizeCountry, "Burkina Faso", "BF", true},
		{"OKCountryTimorLesteNotTP", contacts.NormalizeCountry, "Timor-Leste", "TL", true},
		{"OKCountryCongoNotZR", contacts.NormalizeCountry, "Congo - Kinshasa", "CD", true},
		{"OKCountryPanamaNotPZ", contacts.NormalizeCountry, "Panama", "PA", true},
		{"OKCountryBeninNotDY", contacts.NormalizeCountry, "Benin", "BJ", true},
		{"OKCountryAntarcticaNotNQ", contacts.NormalizeCountry, "Antarctica", "AQ", true},
		{"OKCountryWithdrawnCode", contacts.NormalizeCountry, "zr", "CD", true},
		{"OKCountryReservedFX", contacts.NormalizeCountry, "FX", "FR", true},
		{"OKCountryWithdrawnAlpha3", contacts.NormalizeCountry, "DDR", "DE", true},
		{"ErrCountryWithdrawnNoSuccessor", contacts.NormalizeCountry, "SU", "", false},
		{"ErrCountryReservedNotACountry", contacts.NormalizeCountry, "EZ", "", false},
		{"ErrCountryUnitedNations", contacts.NormalizeCountry, "UN", "", false},
		// ISO 3166's own English short names, which CRM picklists use
		// (Salesforce's country picklist among them) and CLDR does not.
		{"OKCountryISOKorea", contacts.NormalizeCountry, "Korea, Republic of", "KR", true},
		{"OKCountryISORussia", contacts.NormalizeCountry, "Russian Federation", "RU", true},
		{"OKCountryISOIran", contacts.NormalizeCountry, "Iran, Islamic Republic of", "IR", true},
		{"OKCountryISOCongo", contacts.NormalizeCountry, "Congo, the Democratic Republic of the", "CD", true},
		{"OKCountryISOTanzania", contacts.NormalizeCountry, "Tanzania, United Republic of", "TZ", true},
		{"OKCountryISOHolySee", contacts.NormalizeCountry, "Holy See (Vatican City State)", "VA", true},
		{"OKCountryISOLaosCurlyApostrophe", contacts.NormalizeCountry, "Lao People’s Democratic Republic", "LA", true},
		{"OKCountryISOLaosStraightApostrophe", contacts.NormalizeCountry, "Lao People's Democratic Republic", "LA", true},
		{"OKCountryNorthMacedonia", contacts.NormalizeCountry, "North Macedonia", "MK", true},
		// "and" or "&", "Saint" or "St.", dots or none, hyphens or spaces:
		// ISO writes "Bosnia and Herzegovina", CLDR "Bosnia & Herzegovina".
		{"OKCountryAndForAmpersand", contacts.NormalizeCountry, "Bosnia and Herzegovina", "BA", true},
		{"OKCountryAndForAmpersandTrinidad", contacts.NormalizeCountry, "Trinidad and Tobago", "TT", true},
		{"OKCountryISOSaoTome", contacts.NormalizeCountry, "Sao Tome and Principe", "ST", true},
		{"OKCountrySaintForSt", contacts.NormalizeCountry, "Saint Kitts and Nevis", "KN", true},
		{"OKCountryISOSaintVincent", contacts.NormalizeCountry, "Saint Vincent and the Grenadines", "VC", true},
		{"OKCountryStWithoutDot", contacts.NormalizeCountry, "St Lucia", "LC", true},
		{"OKCountryDotsLeftOut", contacts.NormalizeCountry, "U.S.A", "US", true},
		{"OKCountryDotsTwoLetters", contacts.NormalizeCountry, "U.K", "GB", true},
		{"OKCountryHyphenAsSpace", contacts.NormalizeCountry, "Guinea Bissau", "GW", true},
		{"OKCountrySlovakRepublic", contacts.NormalizeCountry, "Slovak Republic", "SK", true},
		{"OKCountryKSA", contacts.NormalizeCountry, "KSA", "SA", true},
		// Names in other languages, as a file from abroad writes them.
		{"OKCountryFrench", contacts.NormalizeCountry, "Allemagne", "DE", true},
		{"OKCountrySpanish", contacts.NormalizeCountry, "Alemania", "DE", true},
		{"OKCountryDutch", contacts.NormalizeCountry, "Nederland", "NL", true},
		{"OKCountryDutchAccented", contacts.NormalizeCountry, "België", "BE", true},
		{"OKCountryCzech", contacts.NormalizeCountry, "Česko", "CZ", true},
		{"OKCountryGermanName", contacts.NormalizeCountry, "Frankreich", "FR", true},
		{"OKCountryRussian", contacts.NormalizeCountry, "Россия", "RU", true},
		{"OKCountryGreek", contacts.NormalizeCountry, "Ελλάδα", "GR", true},
		{"OKCountryChinese", contacts.NormalizeCountry, "中国", "CN", true},
		// English comes first ("Georgia" is not a US state here either),
		// and a name two countries share in other languages is neither.
		{"OKCountryEnglishFirst", contacts.NormalizeCountry, "Niger", "NE", true},
		{"ErrCountryAmbiguousForeignName", contacts.NormalizeCountry, "Nigeri", "", false},
		{"ErrCountryScriptOnlyNoise", contacts.NormalizeCountry, "Россия Germany", "", false},
		{"OKEmail", contacts.NormalizeEmail, "A.B+c@Sub.Example.ORG", "a.b+c@sub.example.org", true},
		// One address however it was written: with a display name or in
		// angle brackets (a copied "To:" line), as a mailto: link, composed
		// or decomposed (NFC, as accounts keep addresses), in fullwidth
		// forms (a Japanese input method), with the domain's IDN labels in
		// punycode or in Unicode, or with the root's trailing dot.
		{"OKEmailDisplayName", contacts.NormalizeEmail, "Bob Smith <Bob@Example.com>", "bob@example.com", true},
		{"OKEmailQuotedDisplayName", contacts.NormalizeEmail, `"Smith, Bob" <bob@example.com>`, "bob@example.com", true},
		{"OKEmailAngleBrackets", contacts.NormalizeEmail, "<bob@example.com>", "bob@example.com", true},
		{"ErrEmailTwoAddresses", contacts.NormalizeEmail, "Bob <bob@example.com>, Ann <ann@example.com>", "", false},
		{"ErrEmailUnclosedAngle", contacts.NormalizeEmail, "Bob <bob@example.com", "", false},
		{"OKEmailMailto", contacts.NormalizeEmail, "MAILTO:Bob@Example.com", "bob@example.com", true},
		{"OKEmailMailtoQuery", contacts.NormalizeEmail, "mailto:bob@example.com?subject=Hello", "bob@example.com", true},
		{"OKEmailMailtoInBrackets", contacts.NormalizeEmail, "Bob <mailto:Bob@Example.com?subject=Hi>", "bob@example.com", true},
		{"OKEmailDecomposed", contacts.NormalizeEmail, "zoe\u0308@mu\u0308ller.example", "zo\u00eb@m\u00fcller.example", true},
		{"OKEmailFullwidth", contacts.NormalizeEmail, "\uff42\uff4f\uff42\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d", "bob@example.com", true},
		{"OKEmailIdeographicFullStop", contacts.NormalizeEmail, "bob@example\u3002com", "bob@example.com", true},
		{"OKEmailPunycodeDomain", contacts.NormalizeEmail, "zoe@xn--mller-kva.example", "zoe@m\u00fcller.example", true},
		{"OKEmailPunycodeCapitals", contacts.NormalizeEmail, "Zoe@XN--MLLER-KVA.Example", "zoe@m\u00fcller.example", true},
		{"OKEmailPunycodeNotIDN", contacts.NormalizeEmail, "zoe@xn--abc.example", "zoe@xn--abc.example", true},
		// A punycode label of fullwidth letters is those letters, as typed
		// fullwidth they are ASCII: it was stored fullwidth, and read again
		// gave another address.
		{"OKEmailPunycodeFullwidthLabel", contacts.NormalizeEmail, "zoe@xn--mi7ccd.example", "zoe@abc.example", true},
		{"OKEmailTrailingDot", contacts.NormalizeEmail, "bob@example.com.", "bob@example.com", true},
		{"ErrEmailTwoTrailingDots", contacts.NormalizeEmail, "bob@example.com..", "", false},
		{"ErrEmailZeroWidthInside", contacts.NormalizeEmail, "bo\u200bb@example.com", "", false},
		{"OKEmailZeroWidthEdge", contacts.NormalizeEmail, "\u200bbob@example.com\u200b", "bob@example.com", true},
		{"ErrEmailNoDot", contacts.NormalizeEmail, "bob@localhost", "", false},
		{"ErrEmailTwoAts", contacts.NormalizeEmail, "a@b@example.com", "", false},
		// net/mail takes these; the database's check (\s knows Unicode) does not.
		{"ErrEmailIdeographicSpace", contacts.NormalizeEmail, "a\u3000b@example.com", "", false},
		{"ErrEmailEmSpaceInDomain", contacts.NormalizeEmail, "ab@exa\u2003mple.com", "", false},
		{"ErrEmailNoBreakSpace", contacts.NormalizeEmail, "a\u00a0b@example.com", "", false},
		{"ErrEmailNUL", contacts.NormalizeEmail, "a\x00b@example.com", "", false},
		{"OKEmailAccented", contacts.NormalizeEmail, "zoë@müller.example", "zoë@müller.example", true},
		{"OKPhoneUS", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "(415) 555-2671", "+14155552671", true},
		{"OKPhoneOtherRegionWithPlus", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "+44 20 7946 0958", "+442079460958", true},
		// 00 is the international prefix of most of the world, written
		// also where the default region dials another one (011 in the US).
		{"OKPhoneDoubleZeroPrefixUS", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "0044 20 7946 0958", "+442079460958", true},
		{"OKPhoneDoubleZeroPrefixSpaced", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "00 49 (0)30 1234567", "+49301234567", true},
		{"OKPhoneDoubleZeroPrefixJP", func(s string) (string, bool) { return contacts.NormalizePhone(s, "JP") }, "0044 20 7946 0958", "+442079460958", true},
		{"OKPhoneDoubleZeroPrefixDE", func(s string) (string, bool) { return contacts.NormalizePhone(s, "DE") }, "0044 20 7946 0958", "+442079460958", true},
		// An extension is no other person: the line's number is the key.
		{"OKPhoneExtension", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "(415) 555-2671 ext. 12", "+14155552671", true},
		{"OKPhoneExtensionX", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "+1 415 555 2671 x99", "+14155552671", true},
		// A label after the number is no vanity number's letters, and a
		// float's zero fraction is no digit.
		{"OKPhoneLabelParenthesized", func(s string) (string, bool) { return contacts.NormalizePhone(s, "DE") }, "+49-30-1234567 (office)", "+49301234567", true},
		{"OKPhoneLabelWord", func(s string) (string, bool) { return contacts.NormalizePhone(s, "DE") }, "+49 30 1234567 mobile", "+49301234567", true},
		{"OKPhoneLabelNational", func(s string) (string, bool) { return contacts.NormalizePhone(s, "DE") }, "030 1234567 (Zentrale)", "+49301234567", true},
		{"OKPhoneLabelUS", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "+1 415 555 2671 (Main)", "+14155552671", true},
		{"OKPhoneLabelAfterExtension", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "(415) 555-2671 x12 (work)", "+14155552671", true},
		{"OKPhoneVanityTitleCase", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "+1 800 Got Junk", "+18004685865", true},
		{"OKPhoneVanityCapitals", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "+1 800 GOT JUNK", "+18004685865", true},
		{"OKPhoneZeroFraction", func(s string) (string, bool) { return contacts.NormalizePhone(s, "DE") }, "030123456.0", "+4930123456", true},
		{"OKPhoneZeroFractionIntl", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "+4930123456.00", "+4930123456", true},
		{"ErrPhoneWordsOnly", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "ext. 12 ask for Bob", "", false},
		{"OKPhoneVanity", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "1-800-FLOWERS", "+18003569377", true},
		{"OKPhoneFullwidth", func(s string) (string, bool) { return contacts.NormalizePhone(s, "JP") }, "\uff10\uff13\u2010\uff11\uff12\uff13\uff14\u2010\uff15\uff16\uff17\uff18", "+81312345678", true},
		{"OKPhoneNationalJP", func(s string) (string, bool) { return contacts.NormalizePhone(s, "JP") }, "044-123-4567", "+81441234567", true},
		{"ErrPhoneDoubleZeroOnly", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "00", "", false},
		{"ErrPhoneInvalid", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "555", "", false},
		// The tenant's region may be missing (the US) or in lower case; a
		// value is a number of at most 40 characters, and one dialed with
		// 00 must be a valid number.
		{"OKPhoneNoRegion", func(s string) (string, bool) { return contacts.NormalizePhone(s, "") }, "(415) 555-2671", "+14155552671", true},
		{"OKPhoneRegionLowerCase", func(s string) (string, bool) { return contacts.NormalizePhone(s, "de") }, "030 1234567", "+49301234567", true},
		{"OKPhoneLongExtension", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "+1 (415) 555-2671 ext. 12345", "+14155552671", true},
		{"ErrPhoneLongerThan40", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "+1 415 555 2671" + strings.Repeat(" ", 26) + "1", "", false},
		{"ErrPhoneDoubleZeroInvalid", func(s string) (string, bool) { return contacts.NormalizePhone(s, "US") }, "00 1 555 0100", "", false},
		{"OKLinkedInBare", contacts.NormalizeLinkedIn, "linkedin.com/in/some-one", "https://www.linkedin.com/in/some-one", true},
		{"OKLinkedInSubpath", contacts.NormalizeLinkedIn, "https://www.linkedin.com/in/Some-One/details/experience/", "https://www.linkedin.com/in/some-one", true},
		{"OKLinkedInMobileLite", contacts.NormalizeLinkedIn, "https://www.linkedin.com/mwlite/in/some-one", "https://www.linkedin.com/in/some-one", true},
		{"OKLinkedInCapitals", contacts.NormalizeLinkedIn, "HTTPS://WWW.LINKEDIN.COM/IN/SOME-ONE/", "https://www.linkedin.com/in/some-one", true},
		{"OKLinkedInShareLink", contacts.NormalizeLinkedIn, "https://www.linkedin.com/in/some-one?utm_source=share&utm_medium=ios_app", "https://www.linkedin.com/in/some-one", true},
		// The same slug however it is escaped and whatever its case.
		{"OKLinkedInUnicode", contacts.NormalizeLinkedIn, "de.linkedin.com/in/jörg-müller", "https://www.linkedin.com/in/j%c3%b6rg-m%c3%bcller", true},
		{"OKLinkedInEscapedCapitals", contacts.NormalizeLinkedIn, "https://www.linkedin.com/in/J%C3%96RG-M%C3%9CLLER", "https://www.linkedin.com/in/j%c3%b6rg-m%c3%bcller", true},
		{"OKLinkedInDecomposed", contacts.NormalizeLinkedIn, "linkedin.com/in/jo\u0308rg-mu\u0308ller", "https://www.linkedin.com/in/j%c3%b6rg-m%c3%bcller", true},
		{"OKLinkedInDecomposedEscaped", contacts.NormalizeLinkedIn, "linkedin.com/in/jo%CC%88rg", "https://www.linkedin.com/in/j%c3%b6rg", true},
		{"OKLinkedInNeedlessEscape", contacts.NormalizeLinkedIn, "https://www.linkedin.com/in/some%2Done", "https://www.linkedin.com/in/some-one", true},
		{"OKLinkedInZeroWidthEdge", contacts.NormalizeLinkedIn, "\u200blinkedin.com/in/some-one\u200b", "https://www.linkedin.com/in/some-one", true},
		{"ErrLinkedInCompany", contacts.NormalizeLinkedIn, "https://www.linkedin.com/company/acme", "", false},
		{"ErrLinkedInHost", contacts.NormalizeLinkedIn, "https://linkedin.com.evil.test/in/x1", "", false},
		{"ErrLinkedInHostEndingLikeLinkedIn", contacts.NormalizeLinkedIn, "https://evillinkedin.com/in/some-one", "", false},
		{"ErrLinkedInScheme", contacts.NormalizeLinkedIn, "ftp://linkedin.com/in/some-one", "", false},
		{"ErrLinkedInSlugNotUTF8", contacts.NormalizeLinkedIn, "linkedin.com/in/%ff%fe", "", false},
		{"ErrLinkedInSlugOneCharacter", contacts.NormalizeLinkedIn, "linkedin.com/in/a", "", false},
		{"OKLinkedInSlugTwoCharacters", contacts.NormalizeLinkedIn, "linkedin.com/in/ab", "https://www.linkedin.com/in/ab", true},
		// A company's domain: one form for a site's address, a punycode or
		// Unicode IDN, fullwidth forms, the root's trailing dot.
		{"OKDomainURL", contacts.NormalizeDomain, "https://WWW.Acme.com:8443/about?x=1", "acme.com", true},
		{"OKDomainTrailingDot", contacts.NormalizeDomain, "acme.com.", "acme.com", true},
		{"OKDomainUnicode", contacts.NormalizeDomain, "M\u00dcLLER.de", "m\u00fcller.de", true},
		{"OKDomainPunycode", contacts.NormalizeDomain, "xn--mller-kva.de", "m\u00fcller.de", true},
		{"OKDomainDecomposed", contacts.NormalizeDomain, "mu\u0308ller.de", "m\u00fcller.de", true},
		{"OKDomainPunycodeFullwidthLabel", contacts.NormalizeDomain, "xn--mi7ccd.example", "abc.example", true},
		{"OKDomainPunycodeHalfwidthKatakana", contacts.NormalizeDomain, "xn--zj7cc.example", "\u30a2\u30a4.example", true},
		{"OKDomainFullwidth", contacts.NormalizeDomain, "\uff41\uff43\uff4d\uff45\uff0e\uff43\uff4f\uff4d", "acme.com", true},
		{"OKDomainCombiningMarks", contacts.NormalizeDomain, "xn--11b5bs3a9aj6g.xn--11b4c3d", "\u092a\u0930\u0940\u0915\u094d\u0937\u093e.\u0915\u0949\u092e", true},
		{"OKDomainShort", contacts.NormalizeDomain, "t.co", "t.co", true},
		{"OKDomainHyphen", contacts.NormalizeDomain, "acme-corp.com", "acme-corp.com", true},
		{"OKDomainLongAddress", contacts.NormalizeDomain, "https://acme.com/" + strings.Repeat("a", 2000-len("https://acme.com/")), "acme.com", true},
		{"ErrDomainAddressOver2000", contacts.NormalizeDomain, "https://acme.com/" + strings.Repeat("a", 2001-len("https://acme.com/")), "", false},
		// A value naming a page of the site (a path or a query), not the
		// site (normalizeDomain in internal/imports reads a social
		// network's page as no domain).
		{"OKSitePath", site, "facebook.com/joespizza", "facebook.com page", true},
		{"OKSiteQuery", site, "https://facebook.com/?id=123", "facebook.com page", true},
		{"OKSiteSlash", site, "facebook.com/", "facebook.com", true},
		{"OKSiteSlashes", site, "facebook.com//", "facebook.com", true},
		{"OKSiteURLSlash", site, "https://facebook.com/", "facebook.com", true},
		{"ErrDomainTwoTrailingDots", contacts.NormalizeDomain, "acme.com..", "", false},
		{"ErrDomainNoDot", contacts.NormalizeDomain, "localhost", "", false},
		{"ErrDomainUnderscore", contacts.NormalizeDomain, "ac_me.com", "", false},
		{"OKText", func(s string) (string, bool) { return contacts.NormalizeText(s, 10) }, " a \t b ", "a b", true},
		{"ErrTextControl", func(s string) (string, bool) { return contacts.NormalizeText(s, 10) }, "a\x00b", "", false},
		{"ErrTextTooLong", func(s string) (string, bool) { return contacts.NormalizeText(s, 3) }, "abcd", "", false},
		{"OKTextInvisibleEdgesTrimmed", func(s string) (string, bool) { return contacts.NormalizeText(s, 10) }, "\ufeff Zürich\u200b ", "Zürich", true},
		{"OKTextJoinerInsideKept", func(s string) (string, bool) { return contacts.NormalizeText(s, 10) }, "a\u200db", "a\u200db", true},
		{"ErrTextZeroWidthOnly", func(s string) (string, bool) { return contacts.NormalizeText(s, 10) }, "\u200b \u2060", "", false},
		{"ErrTextHangulFillerOnly", func(s string) (string, bool) { return contacts.NormalizeText(s, 10) }, "\u3164", "", false},
		{"ErrTextBrailleBlankOnly", func(s string) (string, bool) { return contacts.NormalizeText(s, 10) }, "\u2800\u2800", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tt.fn(tt.in)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Fatalf("(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestCountryCodesRoundTrip: every code NormalizeCountry gives is one it
// keeps as it is, and every current country's English name gives its own
// code (a withdrawn or reserved code once took over "France" as FX).
func TestCountryCodesRoundTrip(t *testing.T) {
	t.Parallel()
	names := display.English.Regions()
	current := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			got, ok := contacts.NormalizeCountry(code)
			if !ok {
				continue
			}
			if again, ok := contacts.NormalizeCountry(got); !ok || again != got {
				t.Errorf("%s gives %s, which gives %s", code, got, again)
			}
			if got != code {
				continue
			}
			current++
			name := names.Name(language.MustParseRegion(code))
			if back, ok := contacts.NormalizeCountry(name); !ok || back != code {
				t.Errorf("%s is named %q, which gives %s", code, name, back)
			}
		}
	}
	if current < 240 || current > 260 {
		t.Fatalf("%d current country codes, ISO 3166-1 has about 249", current)
	}
}

// TestCountryISONames: every ISO 3166-1 English short name gives its code,
// as CRM picklists and vendor files write them ("Bosnia and Herzegovina",
// where CLDR has "Bosnia & Herzegovina").
func TestCountryISONames(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/iso3166-names.txt")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		code, name, _ := strings.Cut(line, "|")
		if got, ok := contacts.NormalizeCountry(name); !ok || got != code {
			t.Errorf("%q gives %q, %v; want %s", name, got, ok, code)
		}
		n++
	}
	if n < 249 {
		t.Fatalf("%d names, ISO 3166-1 has 249 codes", n)
	}
}

// BenchmarkNormalizeEmail: imports normalize every row's address
// (docs/PERFORMANCE.md has the figures).
func BenchmarkNormalizeEmail(b *testing.B) {
	for _, bb := range []struct{ name, in string }{
		{"ASCII", "Ann.Lee+crm@Sub.Acme-Corp.co.uk"},
		{"Unicode", "Zoë.Müller@Müller-Bäckerei.example"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				contacts.NormalizeEmail(bb.in)
			}
		})
	}
}
