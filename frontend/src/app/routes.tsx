import type { RouteObject } from 'react-router-dom';

import { AppLayout } from './layout/app-layout';
import { OverviewRoute, PrivacyRoute, TermsRoute } from './routes/lazy-pages';
import { NotFoundRoute } from './routes/not-found';
import { RouteError } from './routes/route-error';

/**
 * The SPA's route table. Everything here is public for now; signed-in pages will sit under an
 * auth guard route next to the public ones (terms and privacy stay reachable without login).
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
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
];
