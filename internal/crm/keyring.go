package crm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// Keyring encrypts CRM secrets (tokens, PKCE verifiers) with AES-256-GCM.
// Each ciphertext is stored beside the id of the key that sealed it, so a
// new ENCRYPTION_KEY can take over while older keys still open what they
// sealed; tokens are re-sealed with the current key whenever they are
// written again (every refresh), so old keys drain out within one access
// token lifetime of an active connection.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
}

// NewKeyring returns a keyring that seals with current and opens with
// current or any of previous. Keys are 32 bytes.
func NewKeyring(current []byte, previous ...[]byte) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, key := range append([][]byte{current}, previous...) {
		if len(key) != 32 {
			return nil, errors.New("crm: encryption keys must be 32 bytes")
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("crm: key: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("crm: key: %w", err)
		}
		id := KeyID(key)
		if i == 0 {
			k.current = id
		}
		k.aeads[id] = aead
	}
	return k, nil
}

// KeyID names a key without revealing it: a prefix of a SHA-256 of the
// key under a purpose label.
func KeyID(key []byte) string {
	sum := sha256.Sum256(append([]byte("1cloudai-crm-token-key:"), key...))
	return "k_" + hex.EncodeToString(sum[:6])
}

// CurrentKeyID is the id of the sealing key.
func (k *Keyring) CurrentKeyID() string { return k.current }

// Seal encrypts plaintext with the current key. aad binds the ciphertext to
// where it is stored (tenant and column), so a ciphertext copied to another
// row or column does not open. The result is nonce || ciphertext.
func (k *Keyring) Seal(plaintext, aad []byte) (keyID string, sealed []byte) {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("crm: no randomness: " + err.Error())
	}
	return k.current, aead.Seal(nonce, nonce, plaintext, aad)
}

// ErrUnknownKey means a ciphertext was sealed with a key the ring lacks.
var ErrUnknownKey = errors.New("crm: ciphertext sealed with an unknown key")

// Open decrypts what Seal returned. A ciphertext sealed with a key the ring
// lacks (a database restored under another ENCRYPTION_KEY) is an error that
// names both keys' ids, so an operator reading the log sees it is the
// configuration, not the CRM, and which key to bring back.
func (k *Keyring) Open(keyID string, sealed, aad []byte) ([]byte, error) {
	aead, ok := k.aeads[keyID]
	if !ok {
		return nil, fmt.Errorf("%w %s (ENCRYPTION_KEY is %s; set ENCRYPTION_KEY or ENCRYPTION_KEYS_PREVIOUS to the key that sealed it)",
			ErrUnknownKey, keyID, k.current)
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("crm: ciphertext too short")
	}
	n := aead.NonceSize()
	out, err := aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, fmt.Errorf("crm: open ciphertext: %w", err)
	}
	return out, nil
}
