import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Suspense } from 'react';
import { Link, Outlet } from 'react-router-dom';
import { describe, expect, it } from 'vitest';

import { renderRoutes } from '@/testing/test-utils';

import { lazyPage } from './lazy-page';
import { RouteError } from './route-error';

/** A page whose code cannot be fetched while `down` (the connection dropped), then loads. */
function flakyPage() {
  const state = { down: true, loads: 0 };
  const Page = lazyPage(async () => {
    state.loads += 1;
    if (state.down) {
      throw new TypeError('Failed to fetch dynamically imported module: http://localhost/assets/search-abc123.js');
    }
    return { default: ({ label }: { label: string }) => <h1>{label}</h1> };
  });
  return { Page, state };
}

function routesWith(Page: ReturnType<typeof flakyPage>['Page']) {
  return [
    {
      element: (
        <>
          <Link to="/other">Other</Link> <Link to="/search">Search</Link>
          <Suspense fallback={<p>Loading</p>}>
            <Outlet />
          </Suspense>
        </>
      ),
      children: [
        {
          errorElement: <RouteError />,
          children: [
            { path: 'search', element: <Page label="Search page" /> },
            { path: 'other', element: <p>Other page</p> },
          ],
        },
      ],
    },
  ];
}

describe('lazyPage', () => {
  it('asks for the code again on Try again after a failed load, and says what happened in plain words', async () => {
    const flaky = flakyPage();
    renderRoutes(routesWith(flaky.Page), { route: '/search' });

    const alert = await screen.findByRole('alert');
    const failedLoads = flaky.state.loads;
    // While the connection is down the page does not keep asking for the file (React renders a
    // failed tree once more before showing the error: at most two requests).
    expect(failedLoads).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(flaky.state.loads).toBe(failedLoads);
    expect(alert).toHaveTextContent('The page could not be loaded: the connection may have dropped.');
    expect(alert).not.toHaveTextContent('dynamically imported module');

    flaky.state.down = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Search page' })).toBeInTheDocument();
    expect(flaky.state.loads).toBe(failedLoads + 1);
  });

  it('loads the page when the user comes back to it after a failed load', async () => {
    const flaky = flakyPage();
    renderRoutes(routesWith(flaky.Page), { route: '/search' });
    await screen.findByRole('alert');
    flaky.state.down = false;

    await userEvent.click(screen.getByRole('link', { name: 'Other' }));
    await screen.findByText('Other page');
    await userEvent.click(screen.getByRole('link', { name: 'Search' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Search page' })).toBeInTheDocument();
  });

  it('keeps the error of a page that failed to render, with no Try again', async () => {
    const Broken = lazyPage(async () => ({
      default: () => {
        throw new Error('render failed');
      },
    }));
    renderRoutes(routesWith(Broken as never), { route: '/search' });

    expect(await screen.findByRole('alert')).toHaveTextContent('render failed');
    expect(screen.queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reload' })).toBeInTheDocument();
  });
});
