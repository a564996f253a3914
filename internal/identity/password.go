package identity

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/ccojocar/zxcvbn-go/frequency"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// HashParams are the argon2id parameters: OWASP's recommendation (19 MiB,
// 2 iterations, 1 lane). The time one hash takes here is in
// docs/PERFORMANCE.md.
var HashParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Password length bounds. The upper bound stops hashing megabytes.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// HashPassword returns the PHC-format argon2id hash of pw.
func HashPassword(pw string) (string, error) { return argon2id.CreateHash(pw, HashParams) }

// CheckPassword compares pw with hash in constant time.
func CheckPassword(pw, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// dummyHash is compared against when the email is unknown, so a login for a
// missing account costs the same time as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("timing-equalizer-not-a-password")
	return h
})

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	list := frequency.Lists["Passwords"].List
	set := make(map[string]struct{}, len(list))
	for _, p := range list {
		set[strings.ToLower(p)] = struct{}{}
	}
	return set
})

// ValidatePassword applies the password policy: 10 to 128 characters, not
// one of the 30,000 most common passwords, not the email address. Returns
// EINVALID naming field.
func ValidatePassword(field, pw, email string) error {
	n := utf8.RuneCountInString(pw)
	msg := ""
	switch {
	case n < MinPasswordLen:
		msg = "must be at least 10 characters long"
	case n > MaxPasswordLen:
		msg = "must be at most 128 characters long"
	case isCommon(pw):
		msg = "is too common; choose a password that is not on lists of leaked passwords"
	case email != "" && strings.EqualFold(strings.TrimSpace(pw), strings.TrimSpace(email)):
		msg = "must not be your email address"
	}
	if msg == "" {
		return nil
	}
	return apperr.Invalid("The password does not meet the policy.", apperr.FieldError{Field: field, Message: msg})
}

func isCommon(pw string) bool {
	lower := strings.ToLower(pw)
	if _, ok := commonPasswords()[lower]; ok {
		return true
	}
	// One character repeated, or a common password with digits appended.
	first, size := utf8.DecodeRuneInString(lower)
	if strings.Count(lower, string(first))*size == len(lower) {
		return true
	}
	base := strings.TrimRight(lower, "0123456789!")
	if len(base) >= 4 && base != lower {
		if _, ok := commonPasswords()[base]; ok {
			return true
		}
	}
	return false
}
