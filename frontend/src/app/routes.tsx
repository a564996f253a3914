import { Navigate, type RouteObject } from 'react-router-dom';

import { AppLayout } from './layout/app-layout';
import { FreshOnNavigation } from './routes/fresh-on-navigation';
import { RequireAuth, RequirePermission } from './routes/guards';
import {
  AcceptInvitationRoute,
  AdminAuditRoute,
  AdminCorrectionsRoute,
  AdminLayoutRoute,
  AdminOutboxRoute,
  AdminPackagesRoute,
  AdminTenantRoute,
  AdminTenantsRoute,
  AdminUsersRoute,
  ApiKeysRoute,
  AuditLogRoute,
  ImportRoute,
  ImportsRoute,
  BillingRoute,
  CorrectionsRoute,
  CrmPushesRoute,
  CrmPushRoute,
  ForgotPasswordRoute,
  IntegrationsRoute,
  LoginRoute,
  NewImportRoute,
  OverviewRoute,
  PlansRoute,
  PrivacyRoute,
  ResetPasswordRoute,
  SavedRoute,
  SearchRoute,
  SignupRoute,
  TeamRoute,
  TermsRoute,
} from './routes/lazy-pages';
import { NotFoundRoute } from './routes/not-found';
import { RouteError } from './routes/route-error';

/**
 * The SPA's route table. Public pages (overview, terms, privacy, sign-in, sign-up, invitation
 * accept) sit beside the signed-in ones under RequireAuth; pages for org admins or platform staff
 * add RequirePermission with the permission GET /me must list.
 */
export const appRoutes: RouteObject[] = [
  {
    element: <AppLayout />,
    errorElement: <RouteError />,
    children: [
      {
        // Page errors render inside the layout, so navigation and footer stay usable.
        errorElement: <RouteError />,
        children: [
          { index: true, element: <OverviewRoute /> },
          { path: 'terms', element: <TermsRoute /> },
          { path: 'privacy', element: <PrivacyRoute /> },
          { path: 'login', element: <LoginRoute /> },
          { path: 'signup', element: <SignupRoute /> },
          { path: 'invitations/accept', element: <AcceptInvitationRoute /> },
          { path: 'forgot-password', element: <ForgotPasswordRoute /> },
          { path: 'reset-password', element: <ResetPasswordRoute /> },
          {
            element: <RequireAuth />,
            children: [
              {
                element: <RequirePermission permission="contacts:read" />,
                children: [{ path: 'search', element: <FreshOnNavigation><SearchRoute /></FreshOnNavigation> }],
              },
              {
                element: <RequirePermission permission="saved:read" />,
                children: [{ path: 'saved', element: <FreshOnNavigation><SavedRoute /></FreshOnNavigation> }],
              },
              {
                element: <RequirePermission permission="contacts:read" />,
                children: [{ path: 'corrections', element: <CorrectionsRoute /> }],
              },
              {
                element: <RequirePermission permission="members:read" />,
                children: [{ path: 'team', element: <TeamRoute /> }],
              },
              {
                element: <RequirePermission permission="usage:read" />,
                children: [{ path: 'billing', element: <BillingRoute /> }],
              },
              {
                element: <RequirePermission permission="billing:read" />,
                children: [
                  { path: 'packages', element: <PlansRoute /> },
                  // The page's address before the SPA said "package" everywhere (bookmarks).
                  { path: 'plans', element: <Navigate to="/packages" replace /> },
                ],
              },
              {
                element: <RequirePermission permission="api_keys:manage" />,
                children: [{ path: 'api-keys', element: <ApiKeysRoute /> }],
              },
              {
                element: <RequirePermission permission="crm:read" />,
                children: [
                  { path: 'integrations', element: <IntegrationsRoute /> },
                  { path: 'integrations/pushes', element: <CrmPushesRoute /> },
                  { path: 'integrations/pushes/:pushId', element: <CrmPushRoute /> },
                ],
              },
              {
                element: <RequirePermission permission="imports:read" />,
                children: [
                  { path: 'imports', element: <ImportsRoute /> },
                  { path: 'imports/:importId', element: <ImportRoute /> },
                ],
              },
              {
                element: <RequirePermission permission="imports:write" />,
                children: [{ path: 'imports/new', element: <NewImportRoute /> }],
              },
              {
                element: <RequirePermission permission="audit:read" />,
                children: [{ path: 'audit', element: <AuditLogRoute /> }],
              },
              {
                path: 'admin',
                element: <RequirePermission permission="platform:read" />,
                children: [
                  {
                    element: <AdminLayoutRoute />,
                    children: [
                      { index: true, element: <Navigate to="tenants" replace /> },
                      { path: 'tenants', element: <AdminTenantsRoute /> },
                      { path: 'tenants/:tenantId', element: <AdminTenantRoute /> },
                      { path: 'users', element: <AdminUsersRoute /> },
                      { path: 'packages', element: <AdminPackagesRoute /> },
                      { path: 'corrections', element: <AdminCorrectionsRoute /> },
                      // Platform imports: the imports feature's screens on the shared database.
                      { path: 'imports', element: <ImportsRoute scope="platform" /> },
                      { path: 'imports/:importId', element: <ImportRoute scope="platform" /> },
                      {
                        element: <RequirePermission permission="platform:write" />,
                        children: [{ path: 'imports/new', element: <NewImportRoute scope="platform" /> }],
                      },
                      { path: 'audit', element: <AdminAuditRoute /> },
                      {
                        // Mail bodies hold live invitation links: system admins only.
                        element: <RequirePermission permission="platform:write" />,
                        children: [{ path: 'outbox', element: <AdminOutboxRoute /> }],
                      },
                    ],
                  },
                ],
              },
            ],
          },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
];
