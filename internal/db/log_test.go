package db_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestSQLLogWithholdsValues: the statements GORM reports (failed, slow)
// reach the log with placeholders, never with the values bound to them.
func TestSQLLogWithholdsValues(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	d := loggedDB(t, &buf)
	tests := []struct {
		name, query, want string
	}{
		{"failed", `SELECT ?::text FROM no_such_table`, "sql error"},
		{"slow", `SELECT ?::text, pg_sleep(0.3)`, "slow sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf.Reset()
			secret := "secret-" + dbtest.UniqueWord()
			_ = d.Gorm.Exec(tt.query, secret).Error
			out := buf.String()
			if !strings.Contains(out, tt.want) {
				t.Fatalf("no %q in the log: %s", tt.want, out)
			}
			if strings.Contains(out, secret) {
				t.Errorf("a bound value reached the log: %s", out)
			}
			if !strings.Contains(out, "SELECT $1::text") {
				t.Errorf("the statement is not logged with its placeholder: %s", out)
			}
		})
	}
}

// TestSQLLogUniqueViolationIsNoError: a unique violation, which services
// turn into a 409 or 422 when they expect it (an open invitation, a
// package code), and the schema's own refusals (SQLSTATE class CQ) are
// logged at INFO; other failed statements stay errors.
func TestSQLLogUniqueViolationIsNoError(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	d := loggedDB(t, &buf)
	if err := d.Gorm.Exec(`CREATE TABLE codes (code text PRIMARY KEY)`).Error; err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, query, want string
	}{
		{"UniqueViolation", `INSERT INTO codes VALUES ('pro'), ('pro')`, "level=INFO msg=\"sql unique violation\""},
		{"Refusal", `DO $$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = 'CQ429'; END $$`, "level=INFO msg=\"sql refusal\""},
		{"OtherError", `INSERT INTO codes VALUES (NULL)`, "level=ERROR msg=\"sql error\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf.Reset()
			if err := d.Gorm.Exec(tt.query).Error; err == nil {
				t.Fatal("the statement did not fail")
			}
			if out := buf.String(); !strings.Contains(out, tt.want) {
				t.Fatalf("no %s in the log: %s", tt.want, out)
			}
		})
	}
}

// TestSQLLogLeavesOutRepeats: while PostgreSQL is down the sweeps fail the
// same statement every few seconds; a failure that repeats one just
// written (same statement, same error) is counted, not written again. A
// different statement or a different error is written.
func TestSQLLogLeavesOutRepeats(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	d := loggedDB(t, &buf)
	if err := d.Gorm.Exec(`CREATE TABLE codes (code text PRIMARY KEY CHECK (code <> 'x'))`).Error; err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		query string
		args  []any
	}{
		{`DELETE FROM no_such_table`, nil},
		{`DELETE FROM no_such_table`, nil},
		{`DELETE FROM no_such_table`, nil},
		{`DELETE FROM no_such_table WHERE true`, nil},
		{`INSERT INTO codes VALUES (?)`, []any{nil}}, // not-null violation
		{`INSERT INTO codes VALUES (?)`, []any{"x"}}, // check violation
	} {
		if err := d.Gorm.Exec(st.query, st.args...).Error; err == nil {
			t.Fatalf("%s did not fail", st.query)
		}
	}
	out := buf.String()
	for _, want := range []struct {
		text string
		n    int
	}{
		{`sql="DELETE FROM no_such_table"`, 1},
		{`sql="DELETE FROM no_such_table WHERE true"`, 1},
		{"not-null", 1},
		{"check constraint", 1},
		{`msg="sql error"`, 4},
	} {
		if n := strings.Count(out, want.text); n != want.n {
			t.Errorf("%q appears %d times in the log, want %d:\n%s", want.text, n, want.n, out)
		}
	}
}

// loggedDB opens an empty database whose SQL log goes to buf as text.
func loggedDB(t *testing.T, buf *bytes.Buffer) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), dbtest.Empty(t), db.OpenOpts{MaxConns: 2,
		Logger: slog.New(slog.NewTextHandler(buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}
