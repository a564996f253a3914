package identity_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/identity"
)

// FuzzVerifyToken feeds arbitrary bearer tokens to the access token
// verifier: it never panics, refuses anything but a token the issuer
// signed (another algorithm, "none", edited claims) with ErrInvalidToken,
// and an accepted token carries the claims it was issued with. (Base64
// decoding is not strict: the signature's last character has bits no
// byte uses, so the signed token is not the only string accepted.) The
// seeds are made here, as a signed token expires; run with
// go test ./internal/identity -run '^$' -fuzz FuzzVerifyToken -fuzztime 1m.
func FuzzVerifyToken(f *testing.F) {
	issuer := identity.NewTokenIssuer([]byte("0123456789abcdef0123456789abcdef"))
	// Fixed ids: each fuzzing process signs its own token (its own jti
	// and time) for the same claims.
	user := uuid.MustParse("01900000-0000-7000-8000-00000000f001")
	tenant := uuid.MustParse("01900000-0000-7000-8000-00000000f002")
	session := uuid.MustParse("01900000-0000-7000-8000-00000000f003")
	signed, _, err := issuer.Issue(user, tenant, session)
	if err != nil {
		f.Fatal(err)
	}
	head, rest, _ := strings.Cut(signed, ".")
	f.Add(signed)
	f.Add(head + "." + rest + "=")
	f.Add("eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0." + rest[:strings.IndexByte(rest, '.')] + ".")
	f.Add("")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := issuer.Verify(raw)
		if err != nil {
			if err != identity.ErrInvalidToken {
				t.Fatalf("Verify(%q): %v, want ErrInvalidToken", raw, err)
			}
			return
		}
		if c.Subject != user.String() || c.TenantID != tenant.String() || c.SessionID != session.String() {
			t.Fatalf("Verify(%q) accepted claims %+v", raw, c)
		}
	})
}
