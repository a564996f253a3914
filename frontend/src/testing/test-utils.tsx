import { render, type RenderOptions } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router-dom';
import { vi } from 'vitest';

import { AppProvider } from '@/app/provider';

/** A client that fails fast: no retries, nothing cached between tests. */
export function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
}

type RenderWithProvidersOptions = Omit<RenderOptions, 'wrapper'> & {
  /** The URL the memory router starts at. */
  route?: string;
};

/** Renders one component inside the app's providers and a memory router. */
export function renderWithProviders(ui: ReactElement, { route = '/', ...options }: RenderWithProvidersOptions = {}) {
  return renderRoutes([{ path: '*', element: ui }], { route, ...options });
}

/** Renders a route table (e.g. the app's own) inside the app's providers, starting at `route`. */
export function renderRoutes(routes: RouteObject[], { route = '/', ...options }: RenderWithProvidersOptions = {}) {
  const router = createMemoryRouter(routes, { initialEntries: [route] });
  const result = render(
    <AppProvider queryClient={createTestQueryClient()}>
      <RouterProvider router={router} />
    </AppProvider>,
    options,
  );
  return { ...result, router };
}

export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { 'Content-Type': 'application/json', ...init.headers },
  });
}

export function problemResponse(problem: Record<string, unknown> & { status: number }): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'Content-Type': 'application/problem+json' },
  });
}

type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Replaces the global fetch (which the API client calls) for the current test; unstubbed after
 * each test by vitest's `unstubGlobals`. Returns the mock to inspect the requests.
 */
export function stubFetch(handler: FetchHandler) {
  const mock = vi.fn<(input: Request) => Promise<Response>>(async (input) => handler(input));
  vi.stubGlobal('fetch', mock);
  return mock;
}
