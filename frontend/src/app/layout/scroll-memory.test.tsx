import { act, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, Link, Outlet, RouterProvider, useSearchParams } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ScrollMemory } from './scroll-memory';

/**
 * A window whose document is `height` px taller than the viewport: scrollTo clamps to it and fires
 * a scroll event, as a browser does.
 */
function fakeWindowScroll() {
  const page = { y: 0, height: 5000 };
  vi.spyOn(window, 'scrollY', 'get').mockImplementation(() => page.y);
  const scrollTo = vi.spyOn(window, 'scrollTo').mockImplementation((...args: unknown[]) => {
    page.y = Math.max(0, Math.min(Number(args[1]), page.height));
    window.dispatchEvent(new Event('scroll'));
  });
  /** The user scrolls the page to `y`. */
  const scrollBy = (y: number) => {
    page.y = y;
    window.dispatchEvent(new Event('scroll'));
  };
  return { page, scrollTo, scrollBy };
}

function Results() {
  const [params, setParams] = useSearchParams();
  return (
    <>
      <h1>Results {params.get('page') ?? '1'}</h1>
      <button onClick={() => setParams({ page: '2' }, { preventScrollReset: true })}>Next page</button>
      <Link to="/team">Team</Link>
    </>
  );
}

function renderApp() {
  const router = createMemoryRouter(
    [
      {
        element: (
          <>
            <Outlet />
            <ScrollMemory />
          </>
        ),
        children: [
          { path: '/search', element: <Results /> },
          { path: '/team', element: <h1>Team</h1> },
        ],
      },
    ],
    { initialEntries: ['/search'] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

describe('ScrollMemory', () => {
  beforeEach(() => window.sessionStorage.clear());
  afterEach(() => window.sessionStorage.clear());

  it('starts a new page at the top and returns to the place on Back and Forward', async () => {
    const scroll = fakeWindowScroll();
    const router = renderApp();
    await screen.findByRole('heading', { name: 'Results 1' });
    scroll.scrollBy(1800);

    await act(() => router.navigate('/team'));
    expect(await screen.findByRole('heading', { name: 'Team' })).toBeInTheDocument();
    expect(scroll.page.y).toBe(0);
    scroll.scrollBy(40);

    await act(() => router.navigate(-1));
    await screen.findByRole('heading', { name: 'Results 1' });
    await waitFor(() => expect(scroll.page.y).toBe(1800));

    await act(() => router.navigate(1));
    await screen.findByRole('heading', { name: 'Team' });
    await waitFor(() => expect(scroll.page.y).toBe(40));
  });

  it('keeps the place when only the query changes', async () => {
    const scroll = fakeWindowScroll();
    const router = renderApp();
    await screen.findByRole('heading', { name: 'Results 1' });
    scroll.scrollBy(900);
    scroll.scrollTo.mockClear();

    await act(() => router.navigate('/search?page=2', { preventScrollReset: true }));
    await screen.findByRole('heading', { name: 'Results 2' });
    expect(scroll.scrollTo).not.toHaveBeenCalled();
    expect(scroll.page.y).toBe(900);

    // The position belongs to the new entry too: Back from another page returns to it.
    await act(() => router.navigate('/team'));
    await screen.findByRole('heading', { name: 'Team' });
    await act(() => router.navigate(-1));
    await screen.findByRole('heading', { name: 'Results 2' });
    await waitFor(() => expect(scroll.page.y).toBe(900));
  });

  it('on Back, waits for the page to grow tall enough before scrolling to the place', async () => {
    const scroll = fakeWindowScroll();
    const router = renderApp();
    await screen.findByRole('heading', { name: 'Results 1' });
    scroll.scrollBy(2400);
    await act(() => router.navigate('/team'));
    await screen.findByRole('heading', { name: 'Team' });

    // The results are not rendered yet when the URL changes back: the document is short.
    scroll.page.height = 300;
    await act(() => router.navigate(-1));
    await screen.findByRole('heading', { name: 'Results 1' });
    expect(scroll.page.y).toBe(300);

    scroll.page.height = 5000;
    await waitFor(() => expect(scroll.page.y).toBe(2400));
  });

  it('goes on restoring on Back when the page writes its state into its URL as it mounts', async () => {
    const scroll = fakeWindowScroll();
    const router = renderApp();
    await screen.findByRole('heading', { name: 'Results 1' });
    scroll.scrollBy(2400);
    await act(() => router.navigate('/team'));
    await screen.findByRole('heading', { name: 'Team' });

    // /search puts its state back into the URL when it mounts (a replace: a new history entry key),
    // before its results are tall enough; the restoring must not end there, at the top.
    scroll.page.height = 300;
    await act(() => router.navigate(-1));
    await screen.findByRole('heading', { name: 'Results 1' });
    await act(() => router.navigate('/search?page=1', { replace: true, preventScrollReset: true }));
    scroll.page.height = 5000;
    await waitFor(() => expect(scroll.page.y).toBe(2400));
  });

  it('stops restoring when the user scrolls first', async () => {
    const scroll = fakeWindowScroll();
    const router = renderApp();
    await screen.findByRole('heading', { name: 'Results 1' });
    scroll.scrollBy(2400);
    await act(() => router.navigate('/team'));
    await screen.findByRole('heading', { name: 'Team' });

    scroll.page.height = 300;
    await act(() => router.navigate(-1));
    await screen.findByRole('heading', { name: 'Results 1' });
    window.dispatchEvent(new Event('wheel'));
    scroll.scrollBy(120);
    scroll.page.height = 5000;
    await new Promise((resolve) => window.setTimeout(resolve, 100));
    expect(scroll.page.y).toBe(120);
  });
});
