package contacts

import (
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
