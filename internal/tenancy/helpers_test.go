package tenancy_test

import (
	"testing"

	"github.com/onecloudai/contacts/internal/db"
)

// mustExec runs a statement of a test's setup and fails the test if it
// fails.
func mustExec(t *testing.T, d *db.DB, sql string, args ...any) {
	t.Helper()
	if err := d.Gorm.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
