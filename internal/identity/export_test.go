package identity

import "gorm.io/gorm"

// ListUsersSQL is the statement ListUsers runs for p, its values inlined
// (for EXPLAIN in tests).
func ListUsersSQL(d *gorm.DB, p ListUsersParams) (string, error) {
	if p.Limit <= 0 {
		p.Limit = 25
	}
	_, err := usersQuery(d, p)
	return d.ToSQL(func(tx *gorm.DB) *gorm.DB {
		var out []User
		q, _ := usersQuery(tx, p)
		return q.Find(&out)
	}), err
}
