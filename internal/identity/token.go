package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Access token settings. The algorithm is pinned: a token signed with any
// other (including "none") is refused before its signature is looked at.
const (
	tokenIssuer    = "1cloudai-contacts"
	tokenAudience  = "1cloudai-contacts-api"
	tokenType      = "at+jwt"
	AccessTokenTTL = 10 * time.Minute
	RefreshTTL     = 30 * 24 * time.Hour
)

var signingMethod = jwt.SigningMethodHS256

// Claims are what an access token carries.
type Claims struct {
	jwt.RegisteredClaims
	TenantID  string `json:"tid,omitempty"`
	SessionID string `json:"sid"`
}

// TokenIssuer signs and verifies access tokens.
type TokenIssuer struct {
	key []byte
	now func() time.Time
}

// NewTokenIssuer returns an issuer with the HMAC key.
func NewTokenIssuer(key []byte) *TokenIssuer {
	return &TokenIssuer{key: key, now: time.Now}
}

// Issue signs an access token for user, tenant (may be Nil) and session.
func (t *TokenIssuer) Issue(userID, tenantID, sessionID uuid.UUID) (string, time.Time, error) {
	now := t.now().UTC()
	exp := now.Add(AccessTokenTTL)
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tokenIssuer,
			Subject:   userID.String(),
			Audience:  jwt.ClaimStrings{tokenAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        uuid.NewString(),
		},
		SessionID: sessionID.String(),
	}
	if tenantID != uuid.Nil {
		c.TenantID = tenantID.String()
	}
	tok := jwt.NewWithClaims(signingMethod, c)
	tok.Header["typ"] = tokenType
	s, err := tok.SignedString(t.key)
	return s, exp, err
}

// ErrInvalidToken is returned for any token that must not be trusted.
var ErrInvalidToken = errors.New("invalid access token")

// Verify checks signature, algorithm, issuer, audience, expiry and type.
func (t *TokenIssuer) Verify(raw string) (*Claims, error) {
	var c Claims
	tok, err := jwt.ParseWithClaims(raw, &c, func(tok *jwt.Token) (any, error) {
		if typ, _ := tok.Header["typ"].(string); typ != tokenType {
			return nil, fmt.Errorf("unexpected token type %q", typ)
		}
		return t.key, nil
	},
		jwt.WithValidMethods([]string{signingMethod.Alg()}),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithAudience(tokenAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(t.now),
		jwt.WithLeeway(5*time.Second),
	)
	if err != nil || !tok.Valid {
		return nil, ErrInvalidToken
	}
	return &c, nil
}

// newSecret returns 32 random bytes, URL-safe encoded, and its SHA-256.
// Only the hash is stored: a database leak does not leak usable tokens.
func newSecret() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	s := base64.RawURLEncoding.EncodeToString(b)
	return s, HashSecret(s), nil
}

// HashSecret is the stored form of a random token.
func HashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
