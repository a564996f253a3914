package db

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// PostgreSQL error codes the services react to.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeCheckViolation      = "23514"
)

// IsUniqueViolation reports whether err is a unique violation, optionally
// of the named constraint.
func IsUniqueViolation(err error, constraint ...string) bool {
	return is(err, codeUniqueViolation, constraint)
}

// IsForeignKeyViolation reports whether err is a foreign key violation.
func IsForeignKeyViolation(err error, constraint ...string) bool {
	return is(err, codeForeignKeyViolation, constraint)
}

// IsCheckViolation reports whether err is a check constraint violation.
func IsCheckViolation(err error, constraint ...string) bool {
	return is(err, codeCheckViolation, constraint)
}

func is(err error, code string, constraint []string) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != code {
		return false
	}
	return len(constraint) == 0 || pgErr.ConstraintName == constraint[0]
}
