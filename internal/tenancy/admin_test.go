package tenancy_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestListTenantsPageSize: the staff tenants list's page size, 1 to 100,
// and 25 for any other; a full page names the next.
func TestListTenantsPageSize(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	word := dbtest.UniqueWord()
	const tenants = 101
	for range tenants {
		if err := d.Gorm.Exec(`INSERT INTO tenants (id, name) VALUES (?, ?)`, uuid.Must(uuid.NewV7()), "Page "+word).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		limit, want int
	}{{0, 25}, {-1, 25}, {1, 1}, {26, 26}, {100, 100}, {101, 25}} {
		got, next, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Query: word, Limit: tc.limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want || next != got[len(got)-1].ID.String() {
			t.Errorf("limit %d: %d tenants, next %q; want %d and a next page", tc.limit, len(got), next, tc.want)
		}
	}
}
