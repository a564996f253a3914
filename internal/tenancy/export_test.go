package tenancy

import "gorm.io/gorm"

// ListTenantsSQL is the statement ListTenants runs for p, its values
// inlined (for EXPLAIN in tests).
func ListTenantsSQL(d *gorm.DB, p ListTenantsParams) (string, error) {
	if p.Limit <= 0 {
		p.Limit = 25
	}
	_, err := tenantsQuery(d, p)
	return d.ToSQL(func(tx *gorm.DB) *gorm.DB {
		var out []TenantSummary
		q, _ := tenantsQuery(tx, p)
		return q.Scan(&out)
	}), err
}
