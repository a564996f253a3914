package identity

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestValidatePassword: the policy's refusals, one character repeated in
// any script among them ("éééééééééé" was accepted: the check compared
// the first byte of a two-byte letter with the whole), and a common
// password of 4 characters, the shortest on the list, with digits appended.
func TestValidatePassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, pw, email string
		ok              bool
	}{
		{"Good", "correct horse battery", "", true},
		{"TooShort", "abc123xyz", "", false},
		{"TooLong", string(make([]byte, 129)), "", false},
		{"OKLongest", strings.Repeat("abcdefgh", 16), "", true},
		{"OneTooLong", strings.Repeat("abcdefgh", 16) + "x", "", false},
		{"Common", "password123", "", false},
		{"CommonWithDigits", "sunshine2024!", "", false},
		{"CommonOfFourWithDigits", "love2024!!", "", false}, // the shortest common passwords have 4 characters
		{"RepeatedASCII", "aaaaaaaaaaaa", "", false},
		{"RepeatedTwoByte", "éééééééééé", "", false},
		{"RepeatedFourByte", "😀😀😀😀😀😀😀😀😀😀", "", false},
		{"MixedNonASCII", "éàéàéàéàéàéà", "", true},
		{"RepeatedThreeByteThenASCII", "€€€€€€€€ab", "", true},
		{"Email", "Zoe@Example.com", "zoe@example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword("password", tt.pw, tt.email)
			if (err == nil) != tt.ok {
				t.Fatalf("ValidatePassword(%q) = %v, want ok %v", tt.pw, err, tt.ok)
			}
		})
	}
}

// TestPasswordStoredAsArgon2id: the Privacy Policy says a password is
// stored only as an argon2id hash (with OWASP's parameters, HashParams):
// what sign-up writes to users.password_hash is such a hash, salted (the
// same password of two accounts gives two hashes), never the password.
func TestPasswordStoredAsArgon2id(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := testService(d)
	const pw = "a long enough passphrase 42"
	var hashes []string
	for i := range 2 {
		email := fmt.Sprintf("argon%d-%s@example.test", i, dbtest.UniqueWord())
		g, err := svc.Signup(context.Background(), SignupParams{Email: email, Password: pw, TenantName: "Argon Co"}, ClientInfo{})
		if err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := d.Gorm.Raw(`SELECT password_hash FROM users WHERE id = ?`, g.User.ID).Scan(&hash).Error; err != nil {
			t.Fatal(err)
		}
		const want = "$argon2id$v=19$m=19456,t=2,p=1$" // OWASP's: 19 MiB, 2 iterations, 1 lane
		if !strings.HasPrefix(hash, want) || strings.Contains(hash, pw) {
			t.Fatalf("stored %q, want an argon2id hash starting %q", hash, want)
		}
		hashes = append(hashes, hash)
	}
	if hashes[0] == hashes[1] {
		t.Fatal("two accounts with one password stored the same hash: no salt")
	}
}
