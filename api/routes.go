package api

import (
	"net/http"

	t "github.com/onecloudai/contacts/internal/tenancy"
)

// routes is the API's index: one line a route, with who may call it.
func (s *Server) routes() {
	e := s.echo

	// Operations. HEAD answers as GET does (uptime monitors probe with it).
	getHead := []string{http.MethodGet, http.MethodHead}
	e.Match(getHead, "/healthz", s.healthz)
	e.Match(getHead, "/readyz", s.readyz)
	e.Match(getHead, "/metrics", s.metrics)
	e.Match(getHead, "/openapi.json", s.openAPI)
	e.Match(getHead, "/docs", s.docsRedirect)
	// Swagger UI's handler would send /docs/ to /docs//index.html.
	e.Match(getHead, "/docs/", s.docsRedirect)
	e.Match(getHead, "/docs/*", s.docs())

	v1 := e.Group("/api/v1")
	const get, post, put, patch, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete

	s.handle(v1, get, "/status", s.getStatus, public())
	s.handle(v1, get, "/packages", s.listPackages, public())

	// Accounts and sessions.
	s.handle(v1, post, "/auth/signup", s.signup, public())
	s.handle(v1, post, "/auth/login", s.login, public())
	s.handle(v1, post, "/auth/refresh", s.refresh, public())
	s.handle(v1, post, "/auth/logout", s.logout, public())
	s.handle(v1, post, "/auth/password-reset", s.requestPasswordReset, public())
	s.handle(v1, post, "/auth/password-reset/confirm", s.resetPassword, public())
	s.handle(v1, post, "/auth/switch-tenant", s.switchTenant, signedIn())
	s.handle(v1, get, "/me", s.getMe, signedIn())
	s.handle(v1, patch, "/me", s.updateMe, signedIn())
	s.handle(v1, post, "/me/password", s.changePassword, signedIn())
	s.handle(v1, post, "/me/invitations/accept", s.acceptInvitationSignedIn, signedIn())
	s.handle(v1, post, "/invitations/lookup", s.lookupInvitation, public())
	s.handle(v1, post, "/invitations/accept", s.acceptInvitation, public())

	// The current tenant.
	s.handle(v1, get, "/tenant", s.getTenant, perm(t.PermTenantRead))
	s.handle(v1, patch, "/tenant", s.updateTenant, perm(t.PermTenantUpdate))
	s.handle(v1, get, "/tenant/members", s.listMembers, perm(t.PermMembersRead))
	s.handle(v1, patch, "/tenant/members/:userId", s.updateMember, perm(t.PermMembersManage))
	s.handle(v1, del, "/tenant/members/:userId", s.removeMember, perm(t.PermMembersManage))
	s.handle(v1, post, "/tenant/invitations", s.createInvitation, perm(t.PermMembersManage))
	s.handle(v1, get, "/tenant/invitations", s.listInvitations, perm(t.PermMembersManage))
	s.handle(v1, del, "/tenant/invitations/:id", s.revokeInvitation, perm(t.PermMembersManage))
	s.handle(v1, get, "/tenant/usage", s.getUsage, perm(t.PermUsageRead))
	s.handle(v1, get, "/tenant/audit-events", s.listTenantAuditEvents, perm(t.PermAuditRead))

	// Contacts: search, details, saved view, lists, corrections.
	s.handle(v1, post, "/contacts/search", s.searchContacts, perm(t.PermContactsRead))
	s.handle(v1, get, "/contacts/:id", s.getContact, perm(t.PermContactsRead))
	s.handle(v1, get, "/companies/:id", s.getCompany, perm(t.PermContactsRead))
	s.handle(v1, get, "/saved-contacts", s.listSaved, perm(t.PermSavedRead))
	s.handle(v1, post, "/saved-contacts", s.saveContacts, perm(t.PermSavedWrite))
	s.handle(v1, del, "/saved-contacts", s.unsaveContacts, perm(t.PermSavedWrite))
	s.handle(v1, get, "/saved-contacts/export", s.exportSaved, perm(t.PermSavedExport))
	s.handle(v1, patch, "/saved-contacts/:id", s.updateSavedContact, perm(t.PermSavedWrite))
	s.handle(v1, post, "/saved-contacts/approve", s.approveSaved, perm(t.PermSavedApprove))
	s.handle(v1, post, "/saved-contacts/reject", s.rejectSaved, perm(t.PermSavedApprove))
	s.handle(v1, get, "/lists", s.listLists, perm(t.PermSavedRead))
	s.handle(v1, post, "/lists", s.idempotent(s.createList), perm(t.PermSavedWrite))
	s.handle(v1, patch, "/lists/:id", s.renameList, perm(t.PermSavedWrite))
	s.handle(v1, del, "/lists/:id", s.deleteList, perm(t.PermSavedWrite))
	s.handle(v1, post, "/lists/:id/members", s.addListMembers, perm(t.PermSavedWrite))
	s.handle(v1, del, "/lists/:id/members", s.removeListMembers, perm(t.PermSavedWrite))
	s.handle(v1, post, "/contacts/:id/corrections", s.idempotent(s.submitCorrection), perm(t.PermCorrectionsWrite))
	s.handle(v1, get, "/corrections", s.listCorrections, perm(t.PermContactsRead))

	// Billing.
	s.handle(v1, get, "/billing/subscription", s.getBilling, perm(t.PermBillingRead))
	s.handle(v1, post, "/billing/checkout-session", s.createCheckoutSession, perm(t.PermBillingManage))
	s.handle(v1, post, "/billing/portal-session", s.createPortalSession, perm(t.PermBillingManage))
	s.handle(v1, post, "/billing/stripe/webhook", s.stripeWebhook, public())

	// API keys.
	s.handle(v1, get, "/api-keys", s.listAPIKeys, perm(t.PermAPIKeysManage))
	s.handle(v1, post, "/api-keys", s.createAPIKey, perm(t.PermAPIKeysManage))
	s.handle(v1, del, "/api-keys/:id", s.revokeAPIKey, perm(t.PermAPIKeysManage))
	s.handle(v1, post, "/api-keys/:id/rotate", s.rotateAPIKey, perm(t.PermAPIKeysManage))
	s.handle(v1, get, "/api-keys/:id/usage", s.getAPIKeyUsage, perm(t.PermAPIKeysManage))

	// 1CloudAI CRM.
	s.handle(v1, get, "/crm/connection", s.getCRMConnection, perm(t.PermCRMRead))
	s.handle(v1, del, "/crm/connection", s.disconnectCRM, perm(t.PermCRMManage))
	s.handle(v1, post, "/crm/connect", s.connectCRM, perm(t.PermCRMManage))
	s.handle(v1, get, "/crm/oauth/callback", s.crmOAuthCallback, public())
	s.handle(v1, post, "/crm/webhook", s.crmWebhook, public())
	s.handle(v1, get, "/crm/settings", s.getCRMSettings, perm(t.PermCRMRead))
	s.handle(v1, put, "/crm/settings", s.putCRMSettings, perm(t.PermCRMManage))
	s.handle(v1, post, "/crm/pushes", s.idempotent(s.createCRMPush), perm(t.PermCRMPush))
	s.handle(v1, get, "/crm/pushes", s.listCRMPushes, perm(t.PermCRMRead))
	s.handle(v1, get, "/crm/pushes/:id", s.getCRMPush, perm(t.PermCRMRead))

	// Imports: upload and preflight, mapping, start (or dry run), progress,
	// cancel, results.
	s.handle(v1, post, "/imports", s.createImport, perm(t.PermImportsWrite))
	s.handle(v1, get, "/imports", s.listImports, perm(t.PermImportsRead))
	s.handle(v1, get, "/imports/:id", s.getImport, perm(t.PermImportsRead))
	s.handle(v1, put, "/imports/:id/mapping", s.setImportMapping, perm(t.PermImportsWrite))
	s.handle(v1, post, "/imports/:id/start", s.idempotent(s.startImport), perm(t.PermImportsWrite))
	s.handle(v1, post, "/imports/:id/cancel", s.cancelImport, perm(t.PermImportsWrite))
	s.handle(v1, del, "/imports/:id", s.deleteImport, perm(t.PermImportsWrite))
	s.handle(v1, get, "/imports/:id/records", s.listImportRecords, perm(t.PermImportsRead))
	s.handle(v1, get, "/imports/:id/errors.csv", s.importErrorsCSV, perm(t.PermImportsRead))

	// Platform administration (system_admin; support reads).
	s.handle(v1, get, "/admin/tenants", s.listAdminTenants, perm(t.PermPlatformRead))
	s.handle(v1, get, "/admin/tenants/:id", s.getAdminTenant, perm(t.PermPlatformRead))
	s.handle(v1, patch, "/admin/tenants/:id", s.setTenantStatus, perm(t.PermPlatformWrite))
	s.handle(v1, put, "/admin/tenants/:id/subscription", s.setTenantSubscription, perm(t.PermPlatformWrite))
	s.handle(v1, post, "/admin/tenants/:id/checkouts/:event_id/retry", s.retryTenantCheckout, perm(t.PermPlatformWrite))
	s.handle(v1, get, "/admin/users", s.listAdminUsers, perm(t.PermPlatformRead))
	s.handle(v1, patch, "/admin/users/:id", s.setUserSystemRole, perm(t.PermPlatformWrite))
	s.handle(v1, get, "/admin/packages", s.listAdminPackages, perm(t.PermPlatformRead))
	s.handle(v1, post, "/admin/packages", s.createPackage, perm(t.PermPlatformWrite))
	s.handle(v1, patch, "/admin/packages/:id", s.updatePackage, perm(t.PermPlatformWrite))
	s.handle(v1, get, "/admin/audit-events", s.listAdminAuditEvents, perm(t.PermPlatformRead))
	s.handle(v1, get, "/admin/outbox", s.listOutbox, perm(t.PermPlatformWrite))
	s.handle(v1, get, "/admin/corrections", s.listPendingCorrections, perm(t.PermPlatformRead))
	s.handle(v1, post, "/admin/corrections/:id/accept", s.acceptCorrection, perm(t.PermPlatformWrite))
	s.handle(v1, post, "/admin/corrections/:id/reject", s.rejectCorrection, perm(t.PermPlatformWrite))

	s.handle(v1, post, "/admin/imports", s.createPlatformImport, perm(t.PermPlatformWrite))
	s.handle(v1, get, "/admin/imports", s.listPlatformImports, perm(t.PermPlatformRead))
	s.handle(v1, get, "/admin/imports/:id", s.getPlatformImport, perm(t.PermPlatformRead))
	s.handle(v1, put, "/admin/imports/:id/mapping", s.setPlatformImportMapping, perm(t.PermPlatformWrite))
	s.handle(v1, post, "/admin/imports/:id/start", s.startPlatformImport, perm(t.PermPlatformWrite))
	s.handle(v1, post, "/admin/imports/:id/cancel", s.cancelPlatformImport, perm(t.PermPlatformWrite))
	s.handle(v1, del, "/admin/imports/:id", s.deletePlatformImport, perm(t.PermPlatformWrite))
	s.handle(v1, get, "/admin/imports/:id/records", s.listPlatformImportRecords, perm(t.PermPlatformRead))
	s.handle(v1, get, "/admin/imports/:id/errors.csv", s.platformImportErrorsCSV, perm(t.PermPlatformRead))

	// Router misses are handled in the error handler (notFound): Echo would
	// let a RouteNotFound handler win over its 405, so none is registered.
}
