package dbtest

import (
	"context"
	"crypto/rand"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db"
)

// UniqueWord is a lower-case word no other test uses ("qzkwhbtrma"): a
// search term or name that finds only the calling test's rows in a
// database other tests write to.
func UniqueWord() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	w := make([]byte, len(b))
	for i, c := range b {
		w[i] = 'a' + c%26
	}
	return "qz" + string(w)
}

// MustCreateUser inserts a user (no membership, a password hash that
// matches nothing) and returns its id.
func MustCreateUser(tb testing.TB, d *db.DB) uuid.UUID {
	tb.Helper()
	id := uuid.Must(uuid.NewV7())
	if _, err := d.Pool.Exec(context.Background(), `INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'Test', 'x')`,
		id, "u-"+id.String()+"@example.test"); err != nil {
		tb.Fatalf("create user: %v", err)
	}
	return id
}
