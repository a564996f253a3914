package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// preflight is what reading a stored file in an encoding gives: its
// format, header, sample and record count, and the suggested mapping.
type preflight struct {
	format    Format
	scan      *scan
	suggested Mapping
}

// reread reads imp's stored CSV file again in encoding (the user's
// choice): the delimiter, line endings and rows above the table are
// found anew, the records counted, and the sample and the suggested
// mapping taken from the new text, as Upload does. The file streams from
// import_files, one chunk in memory at a time. Returns EINVALID naming
// encoding when the file does not read as text in it.
func (s *Service) reread(ctx context.Context, imp *Import, encoding string) (*preflight, error) {
	file := func() io.Reader {
		return &fileReader{ctx: ctx, pool: s.db.Pool, tenant: tenantKey(imp.TenantID), id: imp.ID, chunks: imp.FileChunks}
	}
	head := make([]byte, min(imp.FileBytes, SniffBytes))
	if _, err := io.ReadFull(file(), head); err != nil {
		return nil, fmt.Errorf("imports: reread: %w", err)
	}
	unreadable := func(err error) error {
		msg := strings.TrimSuffix(err.Error(), ".")
		if e, ok := apperr.As(err); ok {
			msg = strings.TrimSuffix(e.Message, ".")
		}
		return apperr.Invalid(fmt.Sprintf("The file cannot be read as %s: %s.", encoding, msg),
			apperr.FieldError{Field: "encoding", Message: fmt.Sprintf("the file does not read as %s text: %s", encoding, msg)})
	}
	format, err := sniffText(Format{Kind: KindCSV, Encoding: encoding}, head, imp.FileBytes <= SniffBytes)
	if err != nil {
		return nil, unreadable(err)
	}
	sc, err := scanCSV(format.NewReader(file()))
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.EINVALID {
			return nil, unreadable(err)
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, fmt.Errorf("imports: reread: %w", err)
	}
	if err := sc.check(); err != nil {
		return nil, unreadable(err)
	}
	return &preflight{format: format, scan: sc, suggested: sc.suggest()}, nil
}
