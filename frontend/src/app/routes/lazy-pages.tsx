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
