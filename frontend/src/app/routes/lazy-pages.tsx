import { lazy } from 'react';

// Each page is its own chunk; the layout, the 404 and the error page ship with the shell.
export const OverviewRoute = lazy(() => import('./home').then((m) => ({ default: m.HomeRoute })));
export const TermsRoute = lazy(() =>
  import('@/features/legal/routes/terms').then((m) => ({ default: m.TermsRoute })),
);
export const PrivacyRoute = lazy(() =>
  import('@/features/legal/routes/privacy').then((m) => ({ default: m.PrivacyRoute })),
);
export const LoginRoute = lazy(() => import('@/features/auth/routes/login').then((m) => ({ default: m.LoginRoute })));
export const SignupRoute = lazy(() =>
  import('@/features/auth/routes/signup').then((m) => ({ default: m.SignupRoute })),
);
export const ForgotPasswordRoute = lazy(() =>
  import('@/features/auth/routes/forgot-password').then((m) => ({ default: m.ForgotPasswordRoute })),
);
export const ResetPasswordRoute = lazy(() =>
  import('@/features/auth/routes/reset-password').then((m) => ({ default: m.ResetPasswordRoute })),
);
export const AcceptInvitationRoute = lazy(() =>
  import('@/features/auth/routes/accept-invitation').then((m) => ({ default: m.AcceptInvitationRoute })),
);
export const TeamRoute = lazy(() => import('@/features/team/routes/team').then((m) => ({ default: m.TeamRoute })));
export const BillingRoute = lazy(() =>
  import('@/features/billing/routes/billing').then((m) => ({ default: m.BillingRoute })),
);
export const PlansRoute = lazy(() =>
  import('@/features/billing/routes/plans').then((m) => ({ default: m.PlansRoute })),
);
export const ApiKeysRoute = lazy(() =>
  import('@/features/api-keys/routes/api-keys').then((m) => ({ default: m.ApiKeysRoute })),
);
export const SearchRoute = lazy(() =>
  import('@/features/contacts/routes/search').then((m) => ({ default: m.SearchRoute })),
);
export const SavedRoute = lazy(() =>
  import('@/features/contacts/routes/saved').then((m) => ({ default: m.SavedRoute })),
);
export const IntegrationsRoute = lazy(() =>
  import('@/features/integrations/routes/integrations').then((m) => ({ default: m.IntegrationsRoute })),
);
export const CrmPushesRoute = lazy(() =>
  import('@/features/integrations/routes/pushes').then((m) => ({ default: m.CrmPushesRoute })),
);
export const CrmPushRoute = lazy(() =>
  import('@/features/integrations/routes/push').then((m) => ({ default: m.CrmPushRoute })),
);
export const ImportsRoute = lazy(() =>
  import('@/features/imports/routes/imports').then((m) => ({ default: m.ImportsRoute })),
);
export const NewImportRoute = lazy(() =>
  import('@/features/imports/routes/new-import').then((m) => ({ default: m.NewImportRoute })),
);
export const ImportRoute = lazy(() =>
  import('@/features/imports/routes/import').then((m) => ({ default: m.ImportRoute })),
);
export const AuditLogRoute = lazy(() =>
  import('@/features/audit/routes/audit-log').then((m) => ({ default: m.AuditLogRoute })),
);
export const AdminLayoutRoute = lazy(() =>
  import('@/features/admin/routes/admin-layout').then((m) => ({ default: m.AdminLayoutRoute })),
);
export const AdminTenantsRoute = lazy(() =>
  import('@/features/admin/routes/tenants').then((m) => ({ default: m.AdminTenantsRoute })),
);
export const AdminTenantRoute = lazy(() =>
  import('@/features/admin/routes/tenant').then((m) => ({ default: m.AdminTenantRoute })),
);
export const AdminUsersRoute = lazy(() =>
  import('@/features/admin/routes/users').then((m) => ({ default: m.AdminUsersRoute })),
);
export const AdminPackagesRoute = lazy(() =>
  import('@/features/admin/routes/packages').then((m) => ({ default: m.AdminPackagesRoute })),
);
export const AdminCorrectionsRoute = lazy(() =>
  import('@/features/admin/routes/corrections').then((m) => ({ default: m.AdminCorrectionsRoute })),
);
export const AdminAuditRoute = lazy(() =>
  import('@/features/admin/routes/audit').then((m) => ({ default: m.AdminAuditRoute })),
);
export const AdminOutboxRoute = lazy(() =>
  import('@/features/admin/routes/outbox').then((m) => ({ default: m.AdminOutboxRoute })),
);
