package tenancy_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestListTenantsPageSize: the staff tenants list's page size, 1 to 100,
// and 25 for any other; a page with more after it names the next, the
// last names none; the status filters, and only active and suspended are
// statuses.
func TestListTenantsPageSize(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	word := dbtest.UniqueWord()
	const tenants = 101
	for range tenants {
		mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, ?)`, uuid.Must(uuid.NewV7()), "Page "+word)
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
	// The last page, full or not, names none; a status filters.
	for _, tc := range []struct {
		status string
		limit  int
		want   int
	}{{"", 101, 25}, {tenancy.StatusActive, 100, 100}, {tenancy.StatusSuspended, 10, 0}} {
		got, _, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Query: word, Status: tc.status, Limit: tc.limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("status %q: %d tenants, want %d", tc.status, len(got), tc.want)
		}
	}
	single := dbtest.UniqueWord()
	mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, ?)`, uuid.Must(uuid.NewV7()), "Single "+single)
	if got, next, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Query: single, Limit: 1}); err != nil || len(got) != 1 || next != "" {
		t.Errorf("the only tenant in a page of one: %d tenants, next %q, %v; want it and no next page", len(got), next, err)
	}
	if _, _, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Status: "archived"}); apperr.Code(err) != apperr.EINVALID {
		t.Errorf("status archived: %v, want EINVALID", err)
	}
}
