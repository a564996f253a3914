// Package dbtest gives tests a real, isolated PostgreSQL database.
//
// `make test` starts a throwaway cluster and sets TEST_DATABASE_URL (an
// administrative connection). The first caller migrates a template database
// once per schema version; every test package then gets its own copy
// (CREATE DATABASE ... TEMPLATE), so packages run in parallel without seeing
// each other's rows.
package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/migrations"
)

// EnvAdminURL names the variable with the administrative connection.
const EnvAdminURL = "TEST_DATABASE_URL"

var (
	sharedOnce sync.Once
	sharedDB   *db.DB
	sharedErr  error
)

// Shared returns the package's migrated database, created on first use and
// kept for the life of the test binary. Tests isolate their rows by creating
// their own tenants.
func Shared(tb testing.TB) *db.DB {
	tb.Helper()
	d, err := SharedDB()
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	return d
}

// SharedDB is Shared for TestMain, where there is no testing.TB yet.
func SharedDB() (*db.DB, error) {
	sharedOnce.Do(func() {
		var dsn string
		dsn, sharedErr = createFromTemplate(context.Background())
		if sharedErr == nil {
			sharedDB, sharedErr = db.Open(context.Background(), dsn, db.OpenOpts{MaxConns: 10, Logger: discardLogger()})
		}
	})
	return sharedDB, sharedErr
}

// Fresh returns a migrated database of its own, dropped when the test ends.
func Fresh(tb testing.TB) (*db.DB, string) {
	tb.Helper()
	ctx := context.Background()
	dsn, err := createFromTemplate(ctx)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	d, err := db.Open(ctx, dsn, db.OpenOpts{MaxConns: 4, Logger: discardLogger()})
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	tb.Cleanup(func() {
		d.Close()
		dropDatabase(ctx, dsn)
	})
	return d, dsn
}

// Empty returns an unmigrated database of its own, dropped when the test ends.
func Empty(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	admin := adminURL(tb)
	name := "t_" + strings.ReplaceAll(uuid.NewString(), "-", "")
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("dbtest: connect admin: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("dbtest: create database: %v", err)
	}
	dsn := withDatabase(admin, name)
	tb.Cleanup(func() { dropDatabase(ctx, dsn) })
	return dsn
}

func adminURL(tb testing.TB) string {
	u := os.Getenv(EnvAdminURL)
	if u == "" {
		tb.Fatalf("dbtest: %s is not set; run the tests with `make test` (it starts a throwaway PostgreSQL)", EnvAdminURL)
	}
	return u
}

func createFromTemplate(ctx context.Context) (string, error) {
	admin := os.Getenv(EnvAdminURL)
	if admin == "" {
		return "", fmt.Errorf("%s is not set; run the tests with `make test` (it starts a throwaway PostgreSQL)", EnvAdminURL)
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect admin: %w", err)
	}
	defer conn.Close(ctx)

	// One process at a time builds templates or copies them: PostgreSQL
	// refuses to copy a template that another session is connected to.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(727001)"); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(727001)") //nolint:errcheck

	tmpl := "tmpl_" + schemaHash()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", tmpl).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if err := buildTemplate(ctx, conn, admin, tmpl); err != nil {
			return "", err
		}
	}
	name := "t_" + strings.ReplaceAll(uuid.NewString(), "-", "")
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl)); err != nil {
		return "", fmt.Errorf("copy template: %w", err)
	}
	return withDatabase(admin, name), nil
}

func buildTemplate(ctx context.Context, conn *pgx.Conn, admin, tmpl string) error {
	building := tmpl + "_build"
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+building)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	sqlDB, err := sql.Open("pgx", withDatabase(admin, building))
	if err != nil {
		return err
	}
	m, err := db.NewMigrator(sqlDB)
	if err == nil {
		err = m.Up(ctx, io.Discard)
	}
	_ = sqlDB.Close()
	if err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	// Rename only a complete template, so a crash mid-build leaves no half one.
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, tmpl)); err != nil {
		return fmt.Errorf("finish template: %w", err)
	}
	return nil
}

func dropDatabase(ctx context.Context, dsn string) {
	u, err := url.Parse(dsn)
	if err != nil {
		return
	}
	name := strings.TrimPrefix(u.Path, "/")
	conn, err := pgx.Connect(ctx, os.Getenv(EnvAdminURL))
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}

// schemaHash names the template after the migration files, so a changed
// migration builds a new template instead of reusing a stale one.
func schemaHash() string {
	h := sha256.New()
	var names []string
	_ = fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(migrations.FS, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
