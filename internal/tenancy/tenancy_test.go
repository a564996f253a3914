package tenancy_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestTenantNameBounds: a tenant name is 2 to 200 characters after
// trimming, counted in characters, not bytes.
func TestTenantNameBounds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, in, want string
		wantErr        bool
	}{
		{"OKShortest", " ab ", "ab", false},
		{"ErrOneChar", " a ", "", true},
		{"OKLongest", strings.Repeat("é", 200), strings.Repeat("é", 200), false},
		{"ErrOneCharTooLong", strings.Repeat("é", 201), "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tenancy.NormalizeTenantName("name", tt.in)
			if tt.wantErr {
				if e, ok := apperr.As(err); !ok || e.Code != apperr.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "name" {
					t.Fatalf("NormalizeTenantName(%d characters) = %q, %v, want EINVALID on name", len([]rune(tt.in)), got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeTenantName(%d characters) = %q, %v, want %q", len([]rune(tt.in)), got, err, tt.want)
			}
		})
	}
}

// TestTenantNotFound: what names a tenant that does not exist answers
// ENOTFOUND, not a driver's "record not found" (a 500).
func TestTenantNotFound(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	ctx, nobody := context.Background(), uuid.Must(uuid.NewV7())
	name := "Renamed"
	for _, tt := range []struct {
		name string
		call func(tenantID uuid.UUID) error
	}{
		{"Get", func(id uuid.UUID) error { _, err := svc.Get(ctx, id); return err }},
		{"Update", func(id uuid.UUID) error { _, err := svc.Update(ctx, id, tenancy.UpdateParams{Name: &name}); return err }},
		{"ChangeRole", func(id uuid.UUID) error {
			_, err := svc.ChangeRole(ctx, id, nobody, nobody, tenancy.RoleMember)
			return err
		}},
		{"RemoveMember", func(id uuid.UUID) error { return svc.RemoveMember(ctx, id, nobody, nobody) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(uuid.Must(uuid.NewV7()))
			if e, ok := apperr.As(err); !ok || e.Code != apperr.ENOTFOUND {
				t.Fatalf("%s of no tenant = %v, want ENOTFOUND", tt.name, err)
			}
		})
	}
}

// TestCreateTenant: a new tenant is active in the US region on the Free
// package with its owner as org_admin, and tenant.created is audited with
// its name. Adding a member again keeps the role they hold (a repeated
// invitation acceptance, say, is no promotion); adding a user who does
// not exist fails.
func TestCreateTenant(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx, owner := context.Background(), dbtest.MustCreateUser(t, d)
	tn, err := tenancy.CreateTenant(ctx, d.Gorm, "Acme", owner)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Name, Status, DefaultRegion, Role, Package, Audited string
	}
	if err := d.Gorm.Raw(`SELECT t.name, t.status, t.default_region, m.role, p.code AS package,
			(SELECT string_agg(a.action || ' ' || (a.data->>'name'), ',') FROM audit_events a WHERE a.tenant_id = t.id) AS audited
		FROM tenants t JOIN memberships m ON m.tenant_id = t.id AND m.user_id = ?
		JOIN subscriptions s ON s.tenant_id = t.id JOIN packages p ON p.id = s.package_id
		WHERE t.id = ?`, owner, tn.ID).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	want := struct{ Name, Status, DefaultRegion, Role, Package, Audited string }{
		"Acme", tenancy.StatusActive, "US", string(tenancy.RoleOrgAdmin), "free", "tenant.created Acme"}
	if got != want {
		t.Fatalf("created %+v, want %+v", got, want)
	}
	if err := tenancy.AddMember(ctx, d.Gorm, tn.ID, owner, tenancy.RoleViewer); err != nil {
		t.Fatalf("AddMember of a member: %v", err)
	}
	var role string
	if err := d.Gorm.Raw(`SELECT role FROM memberships WHERE tenant_id = ? AND user_id = ?`, tn.ID, owner).Scan(&role).Error; err != nil {
		t.Fatal(err)
	}
	if role != string(tenancy.RoleOrgAdmin) {
		t.Fatalf("AddMember of the org_admin made them %s", role)
	}
	if err := tenancy.AddMember(ctx, d.Gorm, tn.ID, uuid.Must(uuid.NewV7()), tenancy.RoleMember); err == nil {
		t.Fatal("AddMember of a user who does not exist succeeded")
	}
}

// TestUpdateTenantUpdatedAt: a change moves the tenant's updated_at, a
// save that changes nothing leaves it.
func TestUpdateTenantUpdatedAt(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	for _, tt := range []struct {
		name      string
		newName   string
		wantMoved bool
	}{
		{"Renamed", "Acme Two", true},
		{"Unchanged", "Acme", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			tn, err := tenancy.CreateTenant(ctx, d.Gorm, "Acme", dbtest.MustCreateUser(t, d))
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, d, `UPDATE tenants SET updated_at = now() - interval '1 day' WHERE id = ?`, tn.ID)
			before, err := svc.Get(ctx, tn.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Update(ctx, tn.ID, tenancy.UpdateParams{Name: &tt.newName}); err != nil {
				t.Fatal(err)
			}
			after, err := svc.Get(ctx, tn.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.Name != tt.newName || after.UpdatedAt.After(before.UpdatedAt) != tt.wantMoved {
				t.Fatalf("%q updated at %v (was %v), want %q, moved %v", after.Name, after.UpdatedAt, before.UpdatedAt, tt.newName, tt.wantMoved)
			}
		})
	}
}

// TestListMembersOrder: the team page lists the tenant's org admins,
// then members, then viewers, each by email, and no other tenant's.
func TestListMembersOrder(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	tenant, other := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, 'Team'), (?, 'Other team')`, tenant, other)
	// Inserted in an order the listing must not keep.
	for _, m := range []struct {
		email, role string
		tenant      uuid.UUID
	}{
		{"a-viewer", "viewer", tenant}, {"b-member", "member", tenant}, {"c-admin", "org_admin", tenant},
		{"a-member", "member", tenant}, {"b-other", "org_admin", other}, {"d-viewer", "viewer", tenant},
		{"a-admin", "org_admin", tenant},
	} {
		id := uuid.Must(uuid.NewV7())
		mustExec(t, d, `INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, 'x', 'x')`, id, m.email+"."+id.String()+"@team.example")
		mustExec(t, d, `INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, ?)`, m.tenant, id, m.role)
	}
	members, err := svc.ListMembers(context.Background(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range members {
		got = append(got, strings.Split(m.Email, ".")[0])
	}
	if want := "a-admin c-admin a-member b-member a-viewer d-viewer"; strings.Join(got, " ") != want {
		t.Fatalf("listed %v, want %s", got, want)
	}
}
