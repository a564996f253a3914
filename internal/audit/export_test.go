package audit

import "gorm.io/gorm"

// ListSQL is the statement List runs for p, its values inlined (for
// EXPLAIN in tests).
func ListSQL(d *gorm.DB, p ListParams) (string, error) {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	q, err := listQuery(d, p)
	if err != nil {
		return "", err
	}
	return d.ToSQL(func(tx *gorm.DB) *gorm.DB {
		var rows []row
		q, _ := listQuery(tx, p)
		return q.Find(&rows)
	}), q.Error
}
