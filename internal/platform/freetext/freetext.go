// Package freetext is the one rule for text that people type and others
// read: contact fields (corrections, imports, filters), list names, and the
// names of people, organizations, API keys and packages. A value must show
// something: a name of zero-width spaces or Hangul fillers reads as blank
// everywhere it appears, and a control character (a bell, a backspace, an
// escape sequence) has no business in mail subjects, CSV files or logs.
package freetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Normalize composes s (NFC: "e" and a combining accent become "é", which
// looks the same, so two names differing only there would look alike),
// collapses white space, trims invisible characters at the edges and checks
// that s is valid UTF-8 without control characters, of minLen..maxLen runes
// after that. It returns the normalized value and whether it passed.
func Normalize(s string, minLen, maxLen int) (string, bool) {
	if !utf8.ValidString(s) || HasControl(s) {
		return "", false
	}
	s = strings.TrimFunc(strings.Join(strings.Fields(norm.NFC.String(s)), " "), isInvisible)
	n := utf8.RuneCountInString(s)
	return s, n >= minLen && n <= maxLen
}

// Check is Normalize with the reason a value failed, worded for a field
// error ("is required", "must be at most 100 characters long"); the
// reason is "" when the value passed.
func Check(s string, minLen, maxLen int) (string, string) {
	switch {
	case !utf8.ValidString(s):
		return "", "must be valid UTF-8"
	case HasControl(s):
		return "", "must not contain control characters"
	}
	v, _ := Normalize(s, 0, maxLen)
	switch n := utf8.RuneCountInString(v); {
	case n == 0 && minLen > 0:
		return "", "is required (spaces and invisible characters alone do not count)"
	case n < minLen:
		return "", fmt.Sprintf("must be at least %d characters long, not counting surrounding spaces or invisible characters", minLen)
	case n > maxLen:
		return "", fmt.Sprintf("must be at most %d characters long", maxLen)
	}
	return v, ""
}

// Field is Check for a request field: the normalized value, or EINVALID
// with summary as its message and the reason on field.
func Field(field, summary, s string, minLen, maxLen int) (string, error) {
	v, why := Check(s, minLen, maxLen)
	if why != "" {
		return "", apperr.Invalid(summary, apperr.FieldError{Field: field, Message: why})
	}
	return v, nil
}

// HasControl reports whether s holds a control character other than the
// white space a pasted value may carry (tab, line feed, carriage return).
func HasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
	}) >= 0
}

// blankLetters are letters and symbols that draw nothing: the Hangul
// fillers and the blank Braille pattern, the usual way to make a name that
// looks empty.
var blankLetters = map[rune]bool{'\u115f': true, '\u1160': true, '\u3164': true, '\uffa0': true, '\u2800': true}

// isInvisible is a rune that shows nothing at the edge of a value: white
// space, a format character (zero-width space and joiners, byte order mark,
// direction marks, soft hyphen) or a blank letter. Inside a value joiners
// and marks can matter (emoji, Persian, Indic scripts) and stay.
func isInvisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || blankLetters[r]
}

// Storable is text from outside (another service's answer, an error that
// quotes one) as a PostgreSQL text column takes it: NULs dropped and
// invalid UTF-8 replaced by U+FFFD (PostgreSQL refuses both, and the
// statement storing them with them), then cut to at most maxBytes on a
// character boundary when maxBytes > 0.
func Storable(s string, maxBytes int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if maxBytes > 0 && len(s) > maxBytes {
		for maxBytes > 0 && !utf8.RuneStart(s[maxBytes]) {
			maxBytes--
		}
		s = s[:maxBytes]
	}
	return s
}
