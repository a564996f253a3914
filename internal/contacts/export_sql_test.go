package contacts

import (
	"context"
	"slices"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// CorrectionsSQL is the statement listCorrections runs for p (tenantID nil:
// the platform's review queue), its values inlined (for EXPLAIN in tests).
func CorrectionsSQL(d *gorm.DB, tenantID *uuid.UUID, p CorrectionListParams) string {
	stmt, args := correctionsSQL(tenantID, p, nil)
	return d.ToSQL(func(tx *gorm.DB) *gorm.DB {
		var out []Correction
		return tx.Raw(stmt, args...).Scan(&out)
	})
}

// SavedSQL is the saved view's first page for p: its count's and its
// page's statements and their arguments (for EXPLAIN in tests).
func (s *Service) SavedSQL(ctx context.Context, tenantID uuid.UUID, p SavedParams) (count, page string, countArgs, pageArgs []any, err error) {
	m, _, err := s.savedQuery(ctx, tenantID, p)
	if err != nil {
		return "", "", nil, nil, err
	}
	from, where := m.savedRead()
	pageArgs = append(slices.Clone(m.args), p.PageSize+1)
	return savedCountSQL(from, where), savedPageSQL(from, where, len(pageArgs)), m.args, pageArgs, nil
}
