package identity

import (
	"context"
	"testing"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestRefreshLeavesATenantThatRemovedTheUser: a refresh of a session whose
// tenant removed the user meanwhile goes on in another tenant of the user,
// or in none, and the session keeps the tenant it moved to.
func TestRefreshLeavesATenantThatRemovedTheUser(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := testService(d)
	ctx := context.Background()
	tests := []struct {
		name        string
		otherTenant bool
	}{
		{"ToAnotherTenant", true},
		{"ToNone", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var u User
			if err := d.Gorm.Where("id = ?", dbtest.MustCreateUser(t, d)).Take(&u).Error; err != nil {
				t.Fatal(err)
			}
			left, err := tenancy.CreateTenant(ctx, d.Gorm, "Left "+dbtest.UniqueWord(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			var stay tenancy.Tenant
			if tt.otherTenant {
				if stay, err = tenancy.CreateTenant(ctx, d.Gorm, "Stay "+dbtest.UniqueWord(), u.ID); err != nil {
					t.Fatal(err)
				}
			}
			g, err := svc.startSession(ctx, d.Gorm, u, &TenantRef{ID: left.ID, Name: left.Name, Role: tenancy.RoleOrgAdmin, Status: left.Status}, ClientInfo{})
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Gorm.Exec(`DELETE FROM memberships WHERE user_id = ? AND tenant_id = ?`, u.ID, left.ID).Error; err != nil {
				t.Fatal(err)
			}
			g, err = svc.Refresh(ctx, g.RefreshToken)
			if err != nil {
				t.Fatalf("Refresh: %v", err)
			}
			var sess session
			if err := d.Gorm.Where("user_id = ?", u.ID).Take(&sess).Error; err != nil {
				t.Fatal(err)
			}
			if !tt.otherTenant {
				if g.Tenant != nil || sess.TenantID != nil {
					t.Fatalf("the grant's tenant %+v, the session's %v; want none", g.Tenant, sess.TenantID)
				}
				return
			}
			if g.Tenant == nil || g.Tenant.ID != stay.ID || sess.TenantID == nil || *sess.TenantID != stay.ID {
				t.Fatalf("the grant's tenant %+v, the session's %v; want %s", g.Tenant, sess.TenantID, stay.ID)
			}
		})
	}
}
