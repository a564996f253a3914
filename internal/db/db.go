// Package db owns the PostgreSQL connection pool, transactions and schema
// migrations. One pgx pool serves GORM (through database/sql), River and the
// COPY-based bulk paths, so the process holds a single set of connections.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/onecloudai/contacts/internal/quietlog"
)

// DB bundles the views of one connection pool.
type DB struct {
	Gorm *gorm.DB
	SQL  *sql.DB
	Pool *pgxpool.Pool
}

// OpenOpts tunes Open.
type OpenOpts struct {
	// MaxConns sizes the pool unless the URL sets pool_max_conns; 0 means
	// pgx's default (max(4, cores)).
	MaxConns int32
	Logger   *slog.Logger
}

// Open connects to url and checks the connection.
func Open(ctx context.Context, url string, opts OpenOpts) (*DB, error) {
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if opts.MaxConns > 0 && !strings.Contains(url, "pool_max_conns") {
		pcfg.MaxConns = opts.MaxConns
	}
	pcfg.MaxConnIdleTime = 5 * time.Minute
	// A transaction left open and idle (a bug, a stalled client) would hold
	// its locks and its snapshot forever; the server ends it after 5
	// minutes unless the URL says otherwise. No statement timeout: imports'
	// merges and migrations run long statements on purpose. Requests bound
	// theirs with their context (the HTTP layer's deadline, and
	// WithAcquireTimeout for the wait for a connection); pgx then closes the
	// connection and asks the server to cancel the statement.
	if _, ok := pcfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"]; !ok {
		pcfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "300000"
	}
	pcfg.ConnConfig.Tracer = poolTracer{}
	// Timestamps leave the database in UTC whatever the process's time
	// zone: the API answers RFC 3339 UTC (DESIGN §5), and a time read here
	// is often passed straight on.
	pcfg.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		conn.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	g, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		Logger:                 newGormLogger(log),
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open gorm: %w", err)
	}
	return &DB{Gorm: g, SQL: sqlDB, Pool: pool}, nil
}

// Close releases every connection.
func (d *DB) Close() {
	_ = d.SQL.Close()
	d.Pool.Close()
}

// Ping reports whether the database answers within the context's deadline.
func (d *DB) Ping(ctx context.Context) error { return d.Pool.Ping(ctx) }

// WithTx runs fn in a transaction that commits when fn returns nil and rolls
// back otherwise. Jobs that the change needs are enqueued inside fn (see
// SQLTx) so they exist exactly when the change does.
func (d *DB) WithTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return d.Gorm.WithContext(ctx).Transaction(fn)
}

// SQLTx returns the *sql.Tx beneath a GORM transaction, for River's InsertTx.
func SQLTx(tx *gorm.DB) (*sql.Tx, error) {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, errors.New("db: not inside a transaction")
	}
	return sqlTx, nil
}

// gormLogger sends GORM's slow-query and error reports to slog. Query text
// is logged without bound values so no secret reaches a log line.
//
// A failed statement that fails again the same way within
// ErrorRepeatWindow is counted, not written: while PostgreSQL is down the
// in-process sweeps (rate windows, search receipts, usage) fail every few
// seconds on every instance, and each request that needs the database
// logs its own "database unavailable" line anyway (api/errors.go).
type gormLogger struct {
	log     *slog.Logger
	slow    time.Duration
	repeats *quietlog.Repeats
}

// ErrorRepeatWindow is how long the SQL log leaves out a failed statement
// that repeats one it has just written with the same error.
const ErrorRepeatWindow = time.Minute

// failure is a kind of failed statement for quietlog: its text without
// values, and the error's.
type failure struct{ sql, err string }

func newGormLogger(log *slog.Logger) logger.Interface {
	return &gormLogger{log: log, slow: 250 * time.Millisecond, repeats: quietlog.NewRepeats(ErrorRepeatWindow)}
}

func (l *gormLogger) LogMode(logger.LogLevel) logger.Interface { return l }
func (l *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.InfoContext(ctx, fmt.Sprintf(msg, args...))
}
func (l *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}
func (l *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}

// ParamsFilter drops the bound values before GORM writes them into the
// statement it passes to Trace: they are passwords' hashes, contacts'
// addresses, tokens' hashes.
func (l *gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// unfilledPlaceholder is how GORM writes a placeholder it has no value
// for ("$1$"); the log shows it as the statement has it ("$1").
var unfilledPlaceholder = regexp.MustCompile(`\$(\d+)\$`)

// statement is the text of fc's statement for the log.
func statement(fc func() (string, int64)) (string, int64) {
	sqlText, rows := fc()
	return truncate(unfilledPlaceholder.ReplaceAllString(sqlText, "$$$1"), 300), rows
}

func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case IsUniqueViolation(err):
		// Services turn the unique violations they expect (an email or a
		// code already taken) into a 409 or 422; one they do not expect
		// fails its request, which is logged at ERROR as an internal error.
		sqlText, _ := statement(fc)
		l.log.InfoContext(ctx, "sql unique violation", "error", err, "elapsed_ms", elapsed.Milliseconds(), "sql", sqlText)
	case IsRefusal(err):
		// The schema's own refusals (a search the quota refused) are
		// answers, as unique violations are.
		sqlText, _ := statement(fc)
		l.log.InfoContext(ctx, "sql refusal", "error", err, "elapsed_ms", elapsed.Milliseconds(), "sql", sqlText)
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && !errors.Is(err, context.Canceled):
		sqlText, _ := statement(fc)
		left, write := l.repeats.Note(failure{sqlText, err.Error()}, begin)
		if !write {
			return
		}
		attrs := []any{"error", err, "elapsed_ms", elapsed.Milliseconds(), "sql", sqlText}
		if left > 0 {
			attrs = append(attrs, quietlog.LeftOutKey, left)
		}
		l.log.ErrorContext(ctx, "sql error", attrs...)
	case elapsed > l.slow:
		sqlText, rows := statement(fc)
		l.log.WarnContext(ctx, "slow sql", "elapsed_ms", elapsed.Milliseconds(), "rows", rows, "sql", sqlText)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// DeleteBatched deletes the rows of table that match where, at most batch
// rows a statement (each its own transaction, so a large backlog holds no
// long locks and no huge transaction), and returns how many it deleted.
// table and where are code, never input; args fill where's placeholders.
func DeleteBatched(ctx context.Context, g *gorm.DB, table, where string, args ...any) (int64, error) {
	const batch = 5000
	var total int64
	for {
		r := g.WithContext(ctx).Exec(`DELETE FROM `+table+` WHERE ctid = ANY(ARRAY(SELECT ctid FROM `+table+
			` WHERE `+where+` LIMIT `+fmt.Sprint(batch)+`))`, args...)
		if r.Error != nil {
			return total, fmt.Errorf("db: prune %s: %w", table, r.Error)
		}
		total += r.RowsAffected
		if r.RowsAffected < batch {
			return total, nil
		}
	}
}
