package tenancy

import "slices"

// Role is a tenant role (memberships.role).
type Role string

// Tenant roles.
const (
	RoleOrgAdmin Role = "org_admin"
	RoleMember   Role = "member"
	RoleViewer   Role = "viewer"
)

// ValidRole reports whether r is a tenant role.
func ValidRole(r string) bool {
	return r == string(RoleOrgAdmin) || r == string(RoleMember) || r == string(RoleViewer)
}

// System roles (users.system_role).
const (
	SystemAdmin = "system_admin"
	Support     = "support"
	SystemUser  = "user"
)

// Permission is one thing a principal may do. Routes name the permission
// they need; this file is the only place that says who has which.
type Permission string

// Tenant permissions (DESIGN.md §2).
const (
	PermContactsRead     Permission = "contacts:read"
	PermSavedRead        Permission = "saved:read"
	PermSavedExport      Permission = "saved:export"
	PermSavedWrite       Permission = "saved:write"
	PermSavedApprove     Permission = "saved:approve"
	PermCorrectionsWrite Permission = "corrections:write"
	PermImportsRead      Permission = "imports:read"
	PermImportsWrite     Permission = "imports:write"
	PermCRMRead          Permission = "crm:read"
	PermCRMPush          Permission = "crm:push"
	PermCRMManage        Permission = "crm:manage"
	PermMembersRead      Permission = "members:read"
	PermMembersManage    Permission = "members:manage"
	PermAPIKeysManage    Permission = "api_keys:manage"
	PermBillingRead      Permission = "billing:read"
	PermBillingManage    Permission = "billing:manage"
	PermAuditRead        Permission = "audit:read"
	PermTenantRead       Permission = "tenant:read"
	PermTenantUpdate     Permission = "tenant:update"
	PermUsageRead        Permission = "usage:read"
)

// Platform permissions, held through the system role.
const (
	PermPlatformRead  Permission = "platform:read"
	PermPlatformWrite Permission = "platform:write"
)

// rolePermissions is the DESIGN.md §2 matrix.
var rolePermissions = map[Role][]Permission{
	RoleOrgAdmin: {
		PermContactsRead, PermSavedRead, PermSavedExport, PermSavedWrite, PermSavedApprove, PermCorrectionsWrite,
		PermImportsRead, PermImportsWrite, PermCRMRead, PermCRMPush, PermCRMManage, PermMembersRead,
		PermMembersManage, PermAPIKeysManage, PermBillingRead, PermBillingManage, PermAuditRead,
		PermTenantRead, PermTenantUpdate, PermUsageRead,
	},
	RoleMember: {
		PermContactsRead, PermSavedRead, PermSavedExport, PermSavedWrite, PermCorrectionsWrite,
		PermImportsRead, PermImportsWrite, PermCRMRead, PermCRMPush, PermMembersRead, PermBillingRead,
		PermTenantRead, PermUsageRead,
	},
	RoleViewer: {
		PermContactsRead, PermSavedRead, PermCRMRead, PermMembersRead, PermBillingRead, PermTenantRead, PermUsageRead,
	},
}

var systemPermissions = map[string][]Permission{
	SystemAdmin: {PermPlatformRead, PermPlatformWrite},
	Support:     {PermPlatformRead},
}

// Scope is an API key scope. A key with a scope may use the routes whose
// permission maps to it; permissions without a scope are for people only.
type Scope string

// scopeOf maps permissions to the API key scope that grants them.
var scopeOf = map[Permission]Scope{
	PermContactsRead:     "contacts:read",
	PermSavedRead:        "saved:read",
	PermSavedExport:      "saved:read",
	PermSavedWrite:       "saved:write",
	PermCorrectionsWrite: "corrections:write",
	PermImportsRead:      "imports:read",
	PermImportsWrite:     "imports:write",
	PermCRMRead:          "crm:read",
	PermCRMPush:          "crm:push",
	PermUsageRead:        "usage:read",
}

// Scopes lists every API key scope, in display order.
var Scopes = []Scope{"contacts:read", "saved:read", "saved:write", "corrections:write", "imports:read",
	"imports:write", "crm:read", "crm:push", "usage:read"}

// ScopeFor returns the API key scope that grants p, if any.
func ScopeFor(p Permission) (Scope, bool) {
	s, ok := scopeOf[p]
	return s, ok
}

// IsPlatform reports whether p is held through the system role.
func (p Permission) IsPlatform() bool { return p == PermPlatformRead || p == PermPlatformWrite }

// RoleHas reports whether role grants p.
func RoleHas(role Role, p Permission) bool { return slices.Contains(rolePermissions[role], p) }

// SystemRoleHas reports whether the system role grants p.
func SystemRoleHas(systemRole string, p Permission) bool {
	return slices.Contains(systemPermissions[systemRole], p)
}

// PermissionsOf lists what a role and system role grant, for GET /me.
func PermissionsOf(role Role, systemRole string) []Permission {
	out := slices.Clone(rolePermissions[role])
	return append(out, systemPermissions[systemRole]...)
}
