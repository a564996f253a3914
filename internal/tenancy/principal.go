package tenancy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Principal is who makes a request: a user in a tenant (from an access
// token) or an API key of a tenant. It is rebuilt from the database on every
// request, so a removed member, a changed role or a suspended tenant takes
// effect at once.
type Principal struct {
	UserID     uuid.UUID
	Email      string
	SystemRole string

	TenantID     uuid.UUID // uuid.Nil when the user has no current tenant
	TenantName   string
	TenantStatus string
	// TenantCRMPushed says the tenant has pushed contacts to its CRM at
	// some time; before that no contact has a CRM status to look up.
	TenantCRMPushed bool
	// TenantCorrected says the tenant has corrections
	// (tenants.corrected_at, set by its first and cleared with its last);
	// without, its searches have no corrections to match and skip
	// looking for them.
	TenantCorrected bool
	Role            Role

	SessionID uuid.UUID

	APIKeyID   uuid.UUID // set for API keys
	APIKeyName string
	Scopes     []Scope
	// RatePerMinute is the API request limit of the key's tenant (its
	// package's api_requests_per_minute); zero for people.
	RatePerMinute int
}

// IsAPIKey reports whether the principal is an API key.
func (p *Principal) IsAPIKey() bool { return p.APIKeyID != uuid.Nil }

// Label names the principal in audit logs.
func (p *Principal) Label() string {
	if p.IsAPIKey() {
		return "api_key:" + p.APIKeyName
	}
	return p.Email
}

// Can returns nil when the principal holds perm, and EFORBIDDEN saying why
// otherwise.
func (p *Principal) Can(perm Permission) error {
	if perm.IsPlatform() {
		if !p.IsAPIKey() && SystemRoleHas(p.SystemRole, perm) {
			return nil
		}
		return apperr.Errorf(apperr.EFORBIDDEN, "This needs platform staff rights.")
	}
	if p.TenantID == uuid.Nil {
		return apperr.Errorf(apperr.EFORBIDDEN, "Select an organization first.")
	}
	if p.TenantStatus == "suspended" {
		return &apperr.Error{Code: apperr.EFORBIDDEN, Type: "tenant-suspended",
			Message: "This organization is suspended; contact support@1cloudcrm.com."}
	}
	if p.IsAPIKey() {
		scope, ok := ScopeFor(perm)
		if !ok {
			return &apperr.Error{Code: apperr.EFORBIDDEN, Type: "insufficient-scope",
				Message: "API keys cannot do this; sign in as a user."}
		}
		if !slices.Contains(p.Scopes, scope) {
			return &apperr.Error{Code: apperr.EFORBIDDEN, Type: "insufficient-scope",
				Message: fmt.Sprintf("This API key lacks the scope %s.", scope),
				Extra:   map[string]any{"required_scope": string(scope)}}
		}
		return nil
	}
	if RoleHas(p.Role, perm) {
		return nil
	}
	return apperr.Errorf(apperr.EFORBIDDEN, "Your role (%s) does not allow this (%s).", strings.ReplaceAll(string(p.Role), "_", " "), perm)
}
