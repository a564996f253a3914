import { lazy } from 'react';

// Each page is its own chunk; the layout, the 404 and the error page ship with the shell.
export const OverviewRoute = lazy(() =>
  import('@/features/system/routes/overview').then((m) => ({ default: m.OverviewRoute })),
);
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
export const AcceptInvitationRoute = lazy(() =>
  import('@/features/auth/routes/accept-invitation').then((m) => ({ default: m.AcceptInvitationRoute })),
);
export const TeamRoute = lazy(() => import('@/features/team/routes/team').then((m) => ({ default: m.TeamRoute })));
export const BillingRoute = lazy(() =>
  import('@/features/billing/routes/billing').then((m) => ({ default: m.BillingRoute })),
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
export const AdminAuditRoute = lazy(() =>
  import('@/features/admin/routes/audit').then((m) => ({ default: m.AdminAuditRoute })),
);
export const AdminOutboxRoute = lazy(() =>
  import('@/features/admin/routes/outbox').then((m) => ({ default: m.AdminOutboxRoute })),
);
