package apikeys

import (
	"crypto/rand"
	"crypto/sha256"
	"hash/crc32"
	"math/big"
	"strings"
)

// Secret format: "ock_" + 43 base62 characters (256 random bits) + 6 base62
// characters of CRC32 over the random part. The checksum lets a typo, or a
// secret scanner that finds a leaked key in a repository, recognize a real
// key offline, without asking us.
const (
	secretPrefix   = "ock_"
	randomChars    = 43
	checksumChars  = 6
	secretLen      = len(secretPrefix) + randomChars + checksumChars
	visiblePrefix  = 12 // "ock_" + 8 characters: shown in lists and logs
	base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// newSecret returns a fresh key secret.
func newSecret() (string, error) {
	var b strings.Builder
	b.WriteString(secretPrefix)
	max := big.NewInt(62)
	random := make([]byte, 0, randomChars)
	for range randomChars {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", err
		}
		random = append(random, base62Alphabet[n.Int64()])
	}
	b.Write(random)
	b.WriteString(checksum(string(random)))
	return b.String(), nil
}

func checksum(random string) string {
	return base62(uint64(crc32.ChecksumIEEE([]byte(random))), checksumChars)
}

func base62(v uint64, width int) string {
	out := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		out[i] = base62Alphabet[v%62]
		v /= 62
	}
	return string(out)
}

// WellFormed reports whether s has the shape and checksum of a key secret.
// It is checked before any lookup, so garbage costs no database work.
func WellFormed(s string) bool {
	if len(s) != secretLen || !strings.HasPrefix(s, secretPrefix) {
		return false
	}
	body := s[len(secretPrefix):]
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(base62Alphabet, body[i]) < 0 {
			return false
		}
	}
	random := body[:randomChars]
	return checksum(random) == body[randomChars:]
}

// LooksLikeKey reports whether a bearer credential is meant as an API key
// (as opposed to a JWT), well-formed or not.
func LooksLikeKey(s string) bool { return strings.HasPrefix(s, secretPrefix) }

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
