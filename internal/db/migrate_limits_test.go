package db_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// addColumn is a migration that needs an ACCESS EXCLUSIVE lock on t.
var addColumn = fstest.MapFS{"00001_t_b.sql": {Data: []byte(
	"-- +goose Up\nALTER TABLE t ADD COLUMN b int;\n-- +goose Down\nALTER TABLE t DROP COLUMN b;\n")}}

// openLimitTest opens an unmigrated database holding table t, and a
// session of its own (conn) on it.
func openLimitTest(t *testing.T) (*db.DB, *sql.Conn) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dbtest.Empty(t), db.OpenOpts{MaxConns: 6})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	if _, err := d.SQL.ExecContext(ctx, `CREATE TABLE t (a int); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return d, conn
}

// waitForLockWait returns once a session of d's database waits for a lock
// matching cond (a condition on pg_locks), or early when done has a value.
func waitForLockWait(t *testing.T, d *db.DB, cond string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("the migration ended (%v) before waiting for the lock", err)
		default:
		}
		var waiting bool
		if err := d.SQL.QueryRowContext(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_locks
			WHERE NOT granted AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database()) AND `+cond+`)`).
			Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no session waited for the lock within 30s")
}

// A migration whose ALTER TABLE queues behind a long transaction gives up
// after MIGRATE_LOCK_TIMEOUT instead of holding up every reader of the
// table behind it; it leaves nothing applied, and a later try applies it.
func TestMigrateLockTimeout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, holder := openLimitTest(t)
	// A long report: its transaction read t and is still open.
	tx, err := holder.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `SELECT count(*) FROM t`); err != nil {
		t.Fatal(err)
	}

	m, err := db.OpenMigratorFS(ctx, d, db.MigrateLimits{LockTimeout: 2 * time.Second}, addColumn)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	defer func() { _ = tx.Rollback() }() // before m.Close, which waits for the migration's session
	done := make(chan error, 1)
	go func() { done <- m.Up(ctx, io.Discard) }()
	waitForLockWait(t, d, `relation = 't'::regclass AND mode = 'AccessExclusiveLock'`, done)

	// A reader arriving while the migration waits queues behind it; it
	// goes on once the migration gives up, while the report still runs.
	readCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var n int
	if err := d.SQL.QueryRowContext(readCtx, `SELECT count(*) FROM t`).Scan(&n); err != nil {
		t.Fatalf("a reader of t waited behind the migration until %v", err)
	}
	err = <-done
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "55P03" {
		t.Fatalf("Up = %v, want a lock timeout (55P03)", err)
	}
	for _, want := range []string{"00001_t_b.sql", "MIGRATE_LOCK_TIMEOUT (2s)", "rolled back"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Up's error %q does not say %q", err, want)
		}
	}
	hasB := func() bool {
		t.Helper()
		var ok bool
		if err := d.SQL.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns
			WHERE table_name = 't' AND column_name = 'b')`).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if hasB() {
		t.Fatal("the migration that gave up added its column")
	}
	if pending, err := m.Pending(ctx); err != nil || !pending {
		t.Fatalf("Pending() = %v, %v after the migration gave up, want true", pending, err)
	}

	// The report ends; the next try applies the migration.
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatalf("Up after the report ended: %v", err)
	}
	if !hasB() {
		t.Fatal("the retried migration did not add its column")
	}
}

// The lock timeout bounds waits for the tables, not the turn of a replica
// whose migration waits for another one's: that can take minutes.
func TestMigrateWaitsForAnotherMigrator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, other := openLimitTest(t)
	if _, err := other.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(db.MigrateLock)); err != nil {
		t.Fatal(err)
	}
	limit := 100 * time.Millisecond
	m, err := db.OpenMigratorFS(ctx, d, db.MigrateLimits{LockTimeout: limit}, addColumn)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	done := make(chan error, 1)
	go func() { done <- m.Up(ctx, io.Discard) }()
	// The migrator polls for its turn (it holds no snapshot meanwhile:
	// TestMigrationsConcurrently), longer than the lock timeout.
	time.Sleep(5 * limit)
	select {
	case err := <-done:
		t.Fatalf("the migration ended (%v) while another migrator held the lock", err)
	default:
	}
	if _, err := other.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, int64(db.MigrateLock)); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Up after the other migrator's turn: %v", err)
	}
}

// The recipe CONTRIBUTING.md gives for a big table works under the lock
// timeout: CREATE INDEX CONCURRENTLY waits past it for a transaction older
// than itself (it blocks nobody meanwhile), a leftover invalid index of a
// failed try is built again, and a backfill commits batch by batch.
func TestMigrateBigTableRecipe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, holder := openLimitTest(t)
	if _, err := d.SQL.ExecContext(ctx, `ALTER TABLE t ADD COLUMN c int;
		INSERT INTO t (a) SELECT g FROM generate_series(2, 2500) g;
		CREATE INDEX t_a ON t (a) WHERE a < 0; UPDATE pg_index SET indisvalid = false WHERE indexrelid = 't_a'::regclass`); err != nil {
		t.Fatal(err)
	}
	recipe := fstest.MapFS{"00001_t_recipe.sql": {Data: []byte(`-- +goose NO TRANSACTION
-- +goose Up
SET lock_timeout = 0;
DROP INDEX CONCURRENTLY IF EXISTS t_a;
CREATE INDEX CONCURRENTLY t_a ON t (a);
RESET lock_timeout;
-- +goose StatementBegin
DO $$
DECLARE
    n int;
BEGIN
    LOOP
        UPDATE t SET c = a * 2 WHERE ctid = ANY (ARRAY(SELECT ctid FROM t WHERE c IS NULL LIMIT 1000));
        GET DIAGNOSTICS n = ROW_COUNT;
        EXIT WHEN n = 0;
        INSERT INTO batches VALUES (txid_current());
        COMMIT;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS t_a;
`)}}
	if _, err := d.SQL.ExecContext(ctx, `CREATE TABLE batches (xid bigint)`); err != nil {
		t.Fatal(err)
	}
	tx, err := holder.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `LOCK TABLE t IN ROW EXCLUSIVE MODE`); err != nil { // an import writing to t
		t.Fatal(err)
	}
	limit := 100 * time.Millisecond
	m, err := db.OpenMigratorFS(ctx, d, db.MigrateLimits{LockTimeout: limit}, recipe)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	defer func() { _ = tx.Rollback() }() // before m.Close, which waits for the migration's session
	done := make(chan error, 1)
	go func() { done <- m.Up(ctx, io.Discard) }()
	waitForLockWait(t, d, `locktype = 'virtualxid'`, done) // the index build waits for tx
	time.Sleep(5 * limit)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Up: %v", err)
	}
	var valid bool
	var left, batches, xids int
	if err := d.SQL.QueryRowContext(ctx, `SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = 't_a'::regclass),
		(SELECT count(*) FROM t WHERE c IS DISTINCT FROM a * 2), (SELECT count(*) FROM batches), (SELECT count(DISTINCT xid) FROM batches)`).
		Scan(&valid, &left, &batches, &xids); err != nil {
		t.Fatal(err)
	}
	if !valid || left != 0 || batches != 3 || xids != 3 {
		t.Fatalf("index valid %v, %d rows not backfilled, %d batches in %d transactions; want valid, 0, 3 in 3", valid, left, batches, xids)
	}
}
