package emailaddr

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Canonical reads an address into the one form it is stored, matched and
// looked up in, for accounts and invitations as for contacts, so that one
// mailbox written two ways is one account (and one contact): an address with
// a display name or in angle brackets ("Ann Lee <ann@example.com>", a copied
// To: line) or as a mailto: link is the address; fullwidth forms (a Japanese
// input method's "＠") are their ASCII letters; the domain's trailing dot
// (the DNS root) goes and its IDN labels are Unicode, not punycode
// ("xn--mller-kva.de" is "müller.de"); the address is lower case and
// composed (Unicode NFC, as RFC 6532 keeps it). What is left must pass
// Normalize (the database's check). Invisible characters at the edges are
// trimmed; inside, they are refused.
func Canonical(s string) (string, bool) {
	s = strings.TrimFunc(s, invisibleEdge)
	if len(s) > 1000 {
		return "", false
	}
	ascii := isASCII(s)
	if !ascii {
		s = FoldWidth(s)
	}
	s = withoutMailto(s)
	if strings.HasSuffix(s, ">") {
		// "Name <address>": the name may be quoted ("Lee, Ann" or an
		// address, as Outlook writes it); unquoted, it holds no address or
		// bracket (two addresses are no one's).
		lt := strings.LastIndexByte(s, '<')
		if lt < 0 {
			return "", false
		}
		name := strings.TrimSpace(s[:lt])
		quoted := len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' && !strings.Contains(name[1:len(name)-1], `"`)
		if !quoted && strings.ContainsAny(name, `@<>"`) {
			return "", false
		}
		s = withoutMailto(strings.TrimSpace(s[lt+1 : len(s)-1])) // a copied link: "Ann <mailto:ann@…>"
	}
	if strings.Contains(s, "@") && strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..") {
		s = s[:len(s)-1]
	}
	s, ok := Normalize(s)
	if !ok {
		return "", false
	}
	if !ascii || strings.Contains(s, "xn--") {
		at := strings.LastIndexByte(s, '@')
		t := s
		if domain := DecodeIDN(s[at+1:]); domain != s[at+1:] {
			t = s[:at+1] + domain
		}
		if t = norm.NFC.String(t); t != s {
			return Normalize(t)
		}
	}
	return s, true
}

// withoutMailto is the address of a mailto: link, its query left out; s
// when it is none.
func withoutMailto(s string) string {
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s, _, _ = strings.Cut(s[7:], "?")
	}
	return s
}

// DecodeIDN writes the punycode labels of a lower-case domain ("xn--…")
// in Unicode, lower case, fullwidth and halfwidth forms folded. A label that does not decode to an IDN (invalid
// punycode, ASCII only, anything but letters, digits, marks and hyphens)
// stays as it is, as does one that would read as punycode again.
func DecodeIDN(domain string) string {
	if !strings.Contains(domain, "xn--") {
		return domain
	}
	labels := strings.Split(domain, ".")
	for i, l := range labels {
		if !strings.HasPrefix(l, "xn--") {
			continue
		}
		u, err := idna.Punycode.ToUnicode(l)
		if err != nil || isASCII(u) || !utf8.ValidString(u) {
			continue
		}
		// Fullwidth and halfwidth forms are their usual width, as they are
		// typed (FoldWidth): a label of fullwidth letters is its ASCII
		// letters, and the result reads as itself again.
		u = norm.NFC.String(strings.ToLower(FoldWidth(u)))
		if strings.HasPrefix(u, "xn--") || strings.IndexFunc(u, func(r rune) bool {
			return !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) || r == '-')
		}) >= 0 {
			continue
		}
		labels[i] = u
	}
	return strings.Join(labels, ".")
}

// FoldWidth writes fullwidth forms as their ASCII (and halfwidth ones as
// their usual width), and the ideographic full stops as ".", as UTS 46
// maps a domain: what an East Asian input method types for an address.
func FoldWidth(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef }) < 0 {
		return s // nothing of the CJK punctuation, halfwidth and fullwidth forms blocks
	}
	s = width.Fold.String(s)
	if strings.ContainsRune(s, '\u3002') {
		s = strings.ReplaceAll(s, "\u3002", ".")
	}
	return s
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
