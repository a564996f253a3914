package db

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// PostgreSQL error codes the services react to.
const (
	codeUniqueViolation = "23505"
	codeCheckViolation  = "23514"
)

// IsUniqueViolation reports whether err is a unique violation, optionally
// of the named constraint.
func IsUniqueViolation(err error, constraint ...string) bool {
	return is(err, codeUniqueViolation, constraint)
}

// IsCheckViolation reports whether err is a check constraint violation.
func IsCheckViolation(err error, constraint ...string) bool {
	return is(err, codeCheckViolation, constraint)
}

// HasSQLState reports whether err is a PostgreSQL error with the SQLSTATE
// code, such as one a function of the schema raises on purpose.
func HasSQLState(err error, code string) bool {
	return is(err, code, nil)
}

// classRefusal is the SQLSTATE class of the errors the schema's own
// functions raise to refuse a statement on purpose (search_quota_refused:
// CQ429); PostgreSQL defines no class CQ.
const classRefusal = "CQ"

// IsRefusal reports whether err is one of the schema's own refusals.
func IsRefusal(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, classRefusal)
}

// IsUnavailable reports whether err says the database cannot be reached or
// is going away, rather than that a statement failed: a connection attempt
// that failed (server down, refused, unreachable, not accepting
// connections, too many clients), or a session ended under the statement
// (a connection exception, SQLSTATE class 08; the server shutting down or
// restarting, 57P01-57P03). A retry once the database is back can succeed.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08")
	}
	return false
}

func is(err error, code string, constraint []string) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != code {
		return false
	}
	return len(constraint) == 0 || pgErr.ConstraintName == constraint[0]
}
