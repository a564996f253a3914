// Package emailaddr is the one rule for an email address, shared by user
// accounts and invitations (internal/tenancy) and contacts (internal/contacts,
// imports and corrections).
package emailaddr

import (
	"net/mail"
	"strings"
	"unicode"
)

// Normalize lower-cases and checks an address: one @, a dotted domain, no
// display name or domain literal, at most 254 bytes (octets, as SMTP counts
// an address; an address of ASCII has as many characters). net/mail takes any
// multibyte rune, so white space of any kind (the database's \s knows
// Unicode spaces), control and invisible format characters (a zero-width
// space makes a look-alike of another address) are refused here.
func Normalize(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > 254 || strings.Count(s, "@") != 1 || strings.IndexFunc(s, invisible) >= 0 {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if at == 0 || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") || strings.ContainsAny(s, "[]") || strings.IndexFunc(domain, notHostRune) >= 0 {
		return "", false
	}
	return s, true
}

// notHostRune is a rune no host name holds: RFC 5322 lets a domain hold
// "?", "=", "!", "/" and the like ("ann@acme.com?subject=Hi", a link's
// query pasted with it), which name no mail server.
func notHostRune(r rune) bool {
	return !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) || r == '-' || r == '.')
}

func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}
