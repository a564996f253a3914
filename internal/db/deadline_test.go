package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestAcquireTimeout: with every connection of the pool taken, a context
// marked by WithAcquireTimeout (a request's) gives up with
// context.DeadlineExceeded, through GORM as through the pool; one without the
// mark (a background job's) waits and gets the connection once one is free.
func TestAcquireTimeout(t *testing.T) {
	t.Parallel()
	_, dsn := dbtest.Fresh(t)
	d, err := db.Open(context.Background(), dsn, db.OpenOpts{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	held, err := d.Pool.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if held != nil {
			held.Release()
		}
	}()
	guard, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	marked := db.WithAcquireTimeout(guard, 100*time.Millisecond)
	if err := d.Gorm.WithContext(marked).Exec(`SELECT 1`).Error; !errors.Is(err, context.DeadlineExceeded) || guard.Err() != nil {
		t.Errorf("GORM with the pool taken: %v, want the acquire timeout's context.DeadlineExceeded", err)
	}
	if _, err := d.Pool.Exec(marked, `SELECT 1`); !errors.Is(err, context.DeadlineExceeded) || guard.Err() != nil {
		t.Errorf("pool with the pool taken: %v, want the acquire timeout's context.DeadlineExceeded", err)
	}

	done := make(chan error, 1)
	go func() { done <- d.Gorm.WithContext(guard).Exec(`SELECT 1`).Error }()
	select {
	case err := <-done:
		t.Fatalf("an unmarked context did not wait for the connection: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	held.Release()
	held = nil
	if err := <-done; err != nil {
		t.Fatalf("an unmarked context, once the connection is free: %v", err)
	}
	if err := d.Gorm.WithContext(marked).Exec(`SELECT 1`).Error; err != nil {
		t.Fatalf("a marked context with a free connection: %v", err)
	}
}
