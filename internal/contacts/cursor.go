package contacts

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Cursor modes: which ordering a cursor continues.
const (
	modeRanked  = "r" // relevance over a small match set: (rank DESC, id)
	modeID      = "i" // relevance over a large match set, or no text: id DESC
	modeName    = "n" // (sort_name, id)
	modeUpdated = "u" // (updated_at DESC, id DESC)
	modeSaved   = "s" // saved view: (saved created_at DESC, contact id DESC)
	modeSeq     = "q" // plain id order (company contacts, corrections)
)

// maxCursorLen bounds what cursorCodec.decode reads: real cursors are ~150
// bytes, but a name-sorted one carries the last row's whole sort name (two
// names of up to 100 characters of up to 4 bytes, JSON-escaped, signed and
// base64-encoded: ~1.2 KB, up to ~1.8 KB when every character is escaped).
// The handlers accept up to 4,096 characters.
const maxCursorLen = 4096

// cursor is the position after the last item of a page plus what the first
// page learnt (the capped total), so later pages skip the count.
type cursor struct {
	Mode   string    `json:"m"`
	Rank   float32   `json:"r,omitempty"`
	Name   string    `json:"s,omitempty"`
	Time   int64     `json:"u,omitempty"` // unix microseconds
	ID     uuid.UUID `json:"i"`
	Total  int       `json:"t,omitempty"`
	Capped bool      `json:"c,omitempty"`
	// Estimate says Total is the planner's estimate.
	Estimate bool `json:"e,omitempty"`
	// Served counts the contacts of the shared database's pages before the
	// next one (search and company pages): they end at maxPaged.
	Served int `json:"n,omitempty"`
}

// maxPaged is how many contacts one search, or one company's people, pages
// through at most: as many as a total counts (totalCap). Further pages of
// one search are free, so without an end a single search would page
// through the whole shared database; past it, a narrower search (another
// unit of searches_per_month) shows the rest.
const maxPaged = totalCap

// pagedSize is the size of the page after served contacts: the page size
// asked for, cut so that the pages end at maxPaged (0 at the end).
func pagedSize(size, served int) int {
	return max(0, min(size, maxPaged-served))
}

// cursorCodec signs cursors. A cursor is base64url(payload || tag) where tag
// is the first 16 bytes of HMAC-SHA256(key, scope, tenant, query hash,
// payload): it cannot be forged or edited, and a cursor from another tenant
// or from another query fails verification like a tampered one.
type cursorCodec struct{ key []byte }

func (c cursorCodec) mac(scope string, tenantID uuid.UUID, queryHash []byte, payload []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write(tenantID[:])
	m.Write(queryHash)
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:16]
}

func (c cursorCodec) encode(scope string, tenantID uuid.UUID, queryHash []byte, cur cursor) string {
	payload, err := json.Marshal(cur)
	if err != nil { // a struct of plain fields always encodes
		panic(fmt.Sprintf("contacts: encode cursor: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(append(payload, c.mac(scope, tenantID, queryHash, payload)...))
}

// errBadCursor is the one answer to any cursor that does not verify: the
// client learns nothing about why.
func errBadCursor() error {
	return &apperr.Error{Code: apperr.EMALFORMED, Message: "The cursor is not valid for this query; start again without a cursor.",
		Fields: []apperr.FieldError{{Field: "cursor", Message: "is not valid for this query"}}}
}

// decode verifies and parses s. Returns EMALFORMED for anything but a cursor
// this codec issued for the same scope, tenant and query.
func (c cursorCodec) decode(scope string, tenantID uuid.UUID, queryHash []byte, s string, modes ...string) (cursor, error) {
	var cur cursor
	if len(s) > maxCursorLen {
		return cur, errBadCursor()
	}
	// Only the spelling encode writes is a cursor: the decoder skips line
	// breaks, and without Strict reads a last character's unused bits as
	// anything, so one position had many cursors.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(raw) <= 16 || strings.ContainsAny(s, "\r\n") {
		return cur, errBadCursor()
	}
	payload, tag := raw[:len(raw)-16], raw[len(raw)-16:]
	if !hmac.Equal(tag, c.mac(scope, tenantID, queryHash, payload)) {
		return cur, errBadCursor()
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cur); err != nil || dec.More() {
		return cursor{}, errBadCursor()
	}
	for _, m := range modes {
		if cur.Mode == m {
			return cur, nil
		}
	}
	return cursor{}, errBadCursor()
}

// hashQuery is the identity of a query that a cursor is bound to.
func hashQuery(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("contacts: hash query: %v", err))
	}
	h := sha256.Sum256(b)
	return h[:]
}
