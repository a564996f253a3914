package db_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestIsUnavailable: the errors of a database that is down or going away
// are told apart from a statement that failed, wrapped or not.
func TestIsUnavailable(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()

	// A port nothing listens on: the connection is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, refused := pgconn.Connect(cctx, "postgres://contacts@"+addr+"/contacts?sslmode=disable")
	if refused == nil {
		t.Fatal("connected to a closed port")
	}

	// A session the server ends (as a shutdown does): 57P01.
	conn, err := d.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, terminated := conn.Exec(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
	conn.Release()

	_, failed := d.Pool.Exec(ctx, `SELECT * FROM no_such_table`)

	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"OKConnectionRefused", refused, true},
		{"OKConnectionRefusedWrapped", fmt.Errorf("tenancy: get: %w", refused), true},
		{"OKTerminated", terminated, true},
		{"OKCannotConnectNow", &pgconn.PgError{Code: "57P03"}, true},
		{"OKConnectionException", &pgconn.PgError{Code: "08006"}, true},
		{"NotAFailedStatement", failed, false},
		{"NotAUniqueViolation", &pgconn.PgError{Code: "23505"}, false},
		{"NotAnotherError", errors.New("boom"), false},
		{"NotNil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.err == nil && tt.want {
				t.Fatal("no error to check")
			}
			if got := db.IsUnavailable(tt.err); got != tt.want {
				t.Fatalf("IsUnavailable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
