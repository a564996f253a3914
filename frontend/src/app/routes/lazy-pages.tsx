import { lazyPage } from './lazy-page';

// Each page is its own chunk; the layout, the 404 and the error page ship with the shell.
export const OverviewRoute = lazyPage(() => import('./home').then((m) => ({ default: m.HomeRoute })));
export const TermsRoute = lazyPage(() =>
  import('@/features/legal/routes/terms').then((m) => ({ default: m.TermsRoute })),
);
export const PrivacyRoute = lazyPage(() =>
  import('@/features/legal/routes/privacy').then((m) => ({ default: m.PrivacyRoute })),
);
export const LoginRoute = lazyPage(() => import('@/features/auth/routes/login').then((m) => ({ default: m.LoginRoute })));
export const SignupRoute = lazyPage(() =>
  import('@/features/auth/routes/signup').then((m) => ({ default: m.SignupRoute })),
);
export const ForgotPasswordRoute = lazyPage(() =>
  import('@/features/auth/routes/forgot-password').then((m) => ({ default: m.ForgotPasswordRoute })),
);
export const ResetPasswordRoute = lazyPage(() =>
  import('@/features/auth/routes/reset-password').then((m) => ({ default: m.ResetPasswordRoute })),
);
export const AcceptInvitationRoute = lazyPage(() =>
  import('@/features/auth/routes/accept-invitation').then((m) => ({ default: m.AcceptInvitationRoute })),
);
export const TeamRoute = lazyPage(() => import('@/features/team/routes/team').then((m) => ({ default: m.TeamRoute })));
export const BillingRoute = lazyPage(() =>
  import('@/features/billing/routes/billing').then((m) => ({ default: m.BillingRoute })),
);
export const PlansRoute = lazyPage(() =>
  import('@/features/billing/routes/plans').then((m) => ({ default: m.PlansRoute })),
);
export const ApiKeysRoute = lazyPage(() =>
  import('@/features/api-keys/routes/api-keys').then((m) => ({ default: m.ApiKeysRoute })),
);
export const SearchRoute = lazyPage(() =>
  import('@/features/contacts/routes/search').then((m) => ({ default: m.SearchRoute })),
);
export const SavedRoute = lazyPage(() =>
  import('@/features/contacts/routes/saved').then((m) => ({ default: m.SavedRoute })),
);
export const CorrectionsRoute = lazyPage(() =>
  import('@/features/contacts/routes/corrections').then((m) => ({ default: m.CorrectionsRoute })),
);
export const IntegrationsRoute = lazyPage(() =>
  import('@/features/integrations/routes/integrations').then((m) => ({ default: m.IntegrationsRoute })),
);
export const CrmPushesRoute = lazyPage(() =>
  import('@/features/integrations/routes/pushes').then((m) => ({ default: m.CrmPushesRoute })),
);
export const CrmPushRoute = lazyPage(() =>
  import('@/features/integrations/routes/push').then((m) => ({ default: m.CrmPushRoute })),
);
export const ImportsRoute = lazyPage(() =>
  import('@/features/imports/routes/imports').then((m) => ({ default: m.ImportsRoute })),
);
export const NewImportRoute = lazyPage(() =>
  import('@/features/imports/routes/new-import').then((m) => ({ default: m.NewImportRoute })),
);
export const ImportRoute = lazyPage(() =>
  import('@/features/imports/routes/import').then((m) => ({ default: m.ImportRoute })),
);
export const AuditLogRoute = lazyPage(() =>
  import('@/features/audit/routes/audit-log').then((m) => ({ default: m.AuditLogRoute })),
);
export const AdminLayoutRoute = lazyPage(() =>
  import('@/features/admin/routes/admin-layout').then((m) => ({ default: m.AdminLayoutRoute })),
);
export const AdminTenantsRoute = lazyPage(() =>
  import('@/features/admin/routes/tenants').then((m) => ({ default: m.AdminTenantsRoute })),
);
export const AdminTenantRoute = lazyPage(() =>
  import('@/features/admin/routes/tenant').then((m) => ({ default: m.AdminTenantRoute })),
);
export const AdminUsersRoute = lazyPage(() =>
  import('@/features/admin/routes/users').then((m) => ({ default: m.AdminUsersRoute })),
);
export const AdminPackagesRoute = lazyPage(() =>
  import('@/features/admin/routes/packages').then((m) => ({ default: m.AdminPackagesRoute })),
);
export const AdminCorrectionsRoute = lazyPage(() =>
  import('@/features/admin/routes/corrections').then((m) => ({ default: m.AdminCorrectionsRoute })),
);
export const AdminAuditRoute = lazyPage(() =>
  import('@/features/admin/routes/audit').then((m) => ({ default: m.AdminAuditRoute })),
);
export const AdminOutboxRoute = lazyPage(() =>
  import('@/features/admin/routes/outbox').then((m) => ({ default: m.AdminOutboxRoute })),
);
