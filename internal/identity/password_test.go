package identity

import "testing"

// TestValidatePassword: the policy's refusals, one character repeated in
// any script among them ("éééééééééé" was accepted: the check compared
// the first byte of a two-byte letter with the whole).
func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name, pw, email string
		ok              bool
	}{
		{"Good", "correct horse battery", "", true},
		{"TooShort", "abc123xyz", "", false},
		{"TooLong", string(make([]byte, 129)), "", false},
		{"Common", "password123", "", false},
		{"CommonWithDigits", "sunshine2024!", "", false},
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
