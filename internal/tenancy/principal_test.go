package tenancy

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestPrincipalCan: what a session or an API key may do, and the refusal
// it gets otherwise (the SPA tells them apart by the problem type): a
// platform right is staff's alone and never a key's, a tenant right needs
// a current tenant that is not suspended, a key needs the scope (a right
// with none is a session's only), and a session needs the role.
func TestPrincipalCan(t *testing.T) {
	t.Parallel()
	tenant, key := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	session := func(role Role, system string) Principal {
		return Principal{TenantID: tenant, TenantStatus: StatusActive, Role: role, SystemRole: system}
	}
	apiKey := func(scopes ...Scope) Principal {
		return Principal{TenantID: tenant, TenantStatus: StatusActive, APIKeyID: key, Scopes: scopes}
	}
	suspended := session(RoleOrgAdmin, SystemAdmin)
	suspended.TenantStatus = StatusSuspended
	suspendedKey := apiKey(Scopes...)
	suspendedKey.TenantStatus = StatusSuspended
	noTenant := session(RoleOrgAdmin, SystemUser)
	noTenant.TenantID = uuid.Nil
	staffNoTenant := Principal{SystemRole: SystemAdmin}
	tests := []struct {
		name     string
		p        Principal
		perm     Permission
		wantType string // "" allowed; "forbidden" a plain 403
	}{
		{"AdminManagesBilling", session(RoleOrgAdmin, SystemUser), PermBillingManage, ""},
		{"MemberCannotManageBilling", session(RoleMember, SystemUser), PermBillingManage, "forbidden"},
		{"MemberReadsBilling", session(RoleMember, SystemUser), PermBillingRead, ""},
		{"ViewerCannotPush", session(RoleViewer, SystemUser), PermCRMPush, "forbidden"},
		{"MemberCannotManageMembers", session(RoleMember, SystemUser), PermMembersManage, "forbidden"},
		{"AdminManagesMembers", session(RoleOrgAdmin, SystemUser), PermMembersManage, ""},
		{"UnknownRole", session(Role("owner"), SystemUser), PermContactsRead, "forbidden"},
		{"StaffReadsPlatform", staffNoTenant, PermPlatformRead, ""},
		{"SupportCannotWritePlatform", Principal{SystemRole: Support}, PermPlatformWrite, "forbidden"},
		{"AdminOfTenantIsNotStaff", session(RoleOrgAdmin, SystemUser), PermPlatformRead, "forbidden"},
		{"StaffKeyIsNotStaff", Principal{SystemRole: SystemAdmin, APIKeyID: key, TenantID: tenant}, PermPlatformRead, "forbidden"},
		{"StaffOfSuspendedTenantStillStaff", suspended, PermPlatformWrite, ""},
		{"NoTenant", noTenant, PermContactsRead, "forbidden"},
		{"StaffWithoutTenantHasNoTenantRights", staffNoTenant, PermContactsRead, "forbidden"},
		{"SuspendedSession", suspended, PermContactsRead, "tenant-suspended"},
		{"SuspendedKey", suspendedKey, PermContactsRead, "tenant-suspended"},
		{"KeyWithScope", apiKey("crm:push"), PermCRMPush, ""},
		{"KeyExportNeedsSavedRead", apiKey("saved:read"), PermSavedExport, ""},
		{"KeyWithoutScope", apiKey("crm:read"), PermCRMPush, "insufficient-scope"},
		{"KeyCannotManageBilling", apiKey(Scopes...), PermBillingManage, "insufficient-scope"},
		{"KeyCannotManageMembers", apiKey(Scopes...), PermMembersManage, "insufficient-scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.p.Can(tt.perm)
			if tt.wantType == "" {
				if err != nil {
					t.Fatalf("Can(%s) = %v, want allowed", tt.perm, err)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.EFORBIDDEN {
				t.Fatalf("Can(%s) = %v, want a refusal", tt.perm, err)
			}
			if got := e.Type; got != tt.wantType && !(tt.wantType == "forbidden" && got == "") {
				t.Fatalf("Can(%s) refused as %q, want %q", tt.perm, got, tt.wantType)
			}
		})
	}
}

// TestPrincipalLabel: the audit log names a person by their email and an
// API key by its name, marked as a key (a key may be named like a person).
func TestPrincipalLabel(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		p    Principal
		want string
	}{
		{"Person", Principal{UserID: uuid.Must(uuid.NewV7()), Email: "ada@team.example"}, "ada@team.example"},
		{"APIKey", Principal{APIKeyID: uuid.Must(uuid.NewV7()), APIKeyName: "ada@team.example"}, "api_key:ada@team.example"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.p.Label(); got != tt.want {
				t.Fatalf("Label() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPermissionsOf: what GET /me lists, the role's permissions and then
// the system role's.
func TestPermissionsOf(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		role       Role
		systemRole string
		want       []Permission
	}{
		{"Viewer", RoleViewer, SystemUser, []Permission{PermContactsRead, PermSavedRead, PermCRMRead, PermMembersRead,
			PermBillingRead, PermTenantRead, PermUsageRead}},
		{"ViewerStaff", RoleViewer, SystemAdmin, []Permission{PermContactsRead, PermSavedRead, PermCRMRead, PermMembersRead,
			PermBillingRead, PermTenantRead, PermUsageRead, PermPlatformRead, PermPlatformWrite}},
		{"SupportWithoutTenant", "", Support, []Permission{PermPlatformRead}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := PermissionsOf(tt.role, tt.systemRole); !slices.Equal(got, tt.want) {
				t.Fatalf("PermissionsOf(%q, %q) = %v, want %v", tt.role, tt.systemRole, got, tt.want)
			}
		})
	}
}
