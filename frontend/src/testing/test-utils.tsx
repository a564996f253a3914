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
  /** The query client; a fail-fast test client by default (createQueryClient() for the app's own settings). */
  queryClient?: QueryClient;
};

/** Renders one component inside the app's providers and a memory router. */
export function renderWithProviders(ui: ReactElement, { route = '/', ...options }: RenderWithProvidersOptions = {}) {
  return renderRoutes([{ path: '*', element: ui }], { route, ...options });
}

/** Renders a route table (e.g. the app's own) inside the app's providers, starting at `route`. */
export function renderRoutes(
  routes: RouteObject[],
  { route = '/', queryClient = createTestQueryClient(), ...options }: RenderWithProvidersOptions = {},
) {
  const router = createMemoryRouter(routes, { initialEntries: [route] });
  const result = render(
    <AppProvider queryClient={queryClient} mantineEnv="test">
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

/**
 * Captures the files the page hands the browser as downloads (object URLs) during the current
 * test; unstubbed after each test like fetch. Returns the files in the order they were made.
 */
export function captureDownloads(): Blob[] {
  const files: Blob[] = [];
  vi.stubGlobal(
    'URL',
    class extends URL {
      static override createObjectURL = (blob: Blob) => {
        files.push(blob);
        return `blob:download-${files.length}`;
      };
      static override revokeObjectURL = () => {};
    },
  );
  return files;
}

type ApiHandler = (request: Request, match: { path: string; url: URL }) => Response | Promise<Response>;

/**
 * Stubs fetch with a small router over the API: keys are "METHOD /path" relative to /api/v1, with
 * `:param` segments (`'PATCH /tenant/members/:id'`). Unlisted requests answer 404 problem+json, and
 * `POST /auth/refresh` answers 401 (no session) unless listed, so the app's session check settles.
 */
export function stubApi(routes: Record<string, ApiHandler>) {
  const table = Object.entries(routes).map(([key, handler]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    const regex = new RegExp(`^${pattern.replace(/:[^/]+/g, '[^/]+')}$`);
    return { method, regex, handler };
  });
  return stubFetch((request) => {
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const route = table.find((r) => r.method === request.method && r.regex.test(path));
    if (route) return route.handler(request, { path, url });
    if (request.method === 'POST' && path === '/auth/refresh') {
      return problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthorized', type: 'unauthorized' });
    }
    return problemResponse({ status: 404, title: 'Not Found', code: 'not_found', detail: `No stub for ${request.method} ${path}` });
  });
}

/** A TokenResponse for tests. */
export function grantFor(
  user: { id?: string; email?: string; name?: string; system_role?: 'user' | 'support' | 'system_admin' } = {},
  tenant: { id: string; name: string; role: 'org_admin' | 'member' | 'viewer' } | null = {
    id: 'tenant-1',
    name: 'Acme',
    role: 'org_admin',
  },
  accessToken = 'token-1',
) {
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: 600,
    user: {
      id: user.id ?? 'user-1',
      email: user.email ?? 'admin@acme.test',
      name: user.name ?? 'Ada Admin',
      system_role: user.system_role ?? 'user',
      created_at: '2026-11-01T10:00:00Z',
      last_login_at: null,
      password_changed_at: '2026-11-01T10:00:00Z',
    },
    tenant: tenant ? { ...tenant, status: 'active' as const } : undefined,
  };
}
