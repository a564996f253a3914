package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestMigrateUpGivesUpOnALockedTable: `contacts migrate up` waits no longer
// than MIGRATE_LOCK_TIMEOUT for a table another transaction holds, says
// so, and applies the migration on the next try. (The table is goose's
// own, which every migration writes: whichever migration is the newest.)
func TestMigrateUpGivesUpOnALockedTable(t *testing.T) {
	d, dsn := dbtest.Fresh(t)
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("MIGRATE_LOCK_TIMEOUT", "300ms")
	ctx := context.Background()
	e := &env{stdout: io.Discard, stderr: io.Discard}
	if err := runMigrate(ctx, e, []string{"down"}); err != nil {
		t.Fatalf("migrate down: %v", err)
	}
	tx, err := d.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `LOCK TABLE goose_db_version IN SHARE MODE`); err != nil {
		t.Fatal(err)
	}
	upCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err = runMigrate(upCtx, e, []string{"up"})
	if err == nil || !strings.Contains(err.Error(), "gave up after waiting MIGRATE_LOCK_TIMEOUT (300ms)") {
		t.Fatalf("migrate up beside a transaction holding goose_db_version: %v, want it to give up after 300ms", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runMigrate(ctx, &env{stdout: &out, stderr: io.Discard}, []string{"up"}); err != nil {
		t.Fatalf("migrate up once the transaction ended: %v", err)
	}
	if !strings.Contains(out.String(), "applied ") {
		t.Fatalf("the retry applied nothing: %q", out.String())
	}
}
