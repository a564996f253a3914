package imports

import (
	"archive/zip"
	"context"
	"time"

	"github.com/google/uuid"
)

// WithAfterBatch returns o with a hook that runs inside each batch
// transaction before it commits; an error aborts the batch as a crash
// would.
func WithAfterBatch(o Options, f func(importID uuid.UUID, mergedThrough int) error) Options {
	o.afterBatch = f
	return o
}

// WorkLastTry runs the import as its job's last attempt does.
func WorkLastTry(ctx context.Context, s *Service, id uuid.UUID) error { return s.work(ctx, id, true) }

// KeysTable names an import's key table.
func KeysTable(id uuid.UUID) string { return keysTable(id) }

// HoldConversion takes one of s's XLSX conversion turns until release.
func HoldConversion(s *Service) (release func()) {
	s.converting <- struct{}{}
	return func() { <-s.converting }
}

// PriorDuplicatesSQL is the statement that looks a batch's rows up in the
// key table keys, for the match keys in order.
func PriorDuplicatesSQL(keys string, matchKeys []string) string {
	return newBatchSQL(Mapping{MatchKeys: matchKeys}, keys, false, uuid.Nil, time.Time{}).priorDups
}

// InsertContactsSQL is the statement that creates a batch's new contacts.
func InsertContactsSQL() string {
	return newBatchSQL(Mapping{MatchKeys: MatchKeys}, "keys", false, uuid.Nil, time.Time{}).insert
}

// InlineSharedStrings writes a copy of the workbook at name with its
// shared strings inline, as convertXLSX does for a workbook with a large
// shared string table, and returns the copy's name.
func InlineSharedStrings(name string) (string, error) {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return "", err
	}
	defer zr.Close()
	return inlineCopy(&zr.Reader, excelizeSharedStrings(zr.File), "")
}

// ErrSharedStringIndex is errSharedStringIndex.
var ErrSharedStringIndex = errSharedStringIndex

// MatchSQL is the statement that matches a batch's rows to contacts by the
// ith of the default match keys ($1 is the tenant).
func MatchSQL(i int) string {
	return newBatchSQL(Mapping{MatchKeys: MatchKeys}, "keys", false, uuid.New(), time.Now()).match[i]
}

// PinPlacesClock sets the clock of s's import places (how long a refused
// tenant counts as waiting); call it before any work.
func PinPlacesClock(s *Service, now func() time.Time) { s.places.now = now }
