package tenancy_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestTenantLockCutShortIsNoNotFound: a change that waits for the tenant's
// row lock (another change of the same tenant holds it) and is cut short
// (the request's context ends) fails with that error, never with "Tenant
// not found.": inviting and changing or removing a member answered 404 for
// a tenant that exists, where the other changes of a tenant answered the
// database's error (a 500, logged).
func TestTenantLockCutShortIsNoNotFound(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tenantID, adminID, memberID := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO tenants (id, name) VALUES (?, 'Lock Works')`, []any{tenantID}},
		{`INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, 'Ada', 'x'), (?, ?, 'Bo', 'x')`,
			[]any{adminID, adminID.String() + "@lock.example", memberID, memberID.String() + "@lock.example"}},
		{`INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin'), (?, ?, 'member')`,
			[]any{tenantID, adminID, tenantID, memberID}},
	} {
		if err := d.Gorm.WithContext(ctx).Exec(stmt.sql, stmt.args...).Error; err != nil {
			t.Fatalf("%s: %v", stmt.sql, err)
		}
	}
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	tests := []struct {
		name string
		call func(context.Context) error
	}{
		{"Invite", func(ctx context.Context) error {
			_, err := svc.Invite(ctx, tenantID, adminID, "new@lock.example", tenancy.RoleMember)
			return err
		}},
		{"ChangeRole", func(ctx context.Context) error {
			_, err := svc.ChangeRole(ctx, tenantID, adminID, memberID, tenancy.RoleViewer)
			return err
		}},
		{"RemoveMember", func(ctx context.Context) error {
			return svc.RemoveMember(ctx, tenantID, adminID, memberID)
		}},
		{"Update", func(ctx context.Context) error {
			name := "Lock Works Two"
			_, err := svc.Update(ctx, tenantID, tenancy.UpdateParams{Name: &name})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One after the other: each holds the one tenant's row lock.
			holder := d.Gorm.WithContext(ctx).Begin()
			defer holder.Rollback()
			if err := holder.Exec(`SELECT 1 FROM tenants WHERE id = ? FOR UPDATE`, tenantID).Error; err != nil {
				t.Fatal(err)
			}
			cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			err := tt.call(cctx)
			if err == nil {
				t.Fatal("the change went through while another held the tenant's row lock")
			}
			if code := apperr.Code(err); code != apperr.EINTERNAL {
				t.Fatalf("err = %v (code %s), want the database's error (%s)", err, code, apperr.EINTERNAL)
			}
		})
	}
}
