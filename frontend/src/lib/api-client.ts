import createClient, { type Middleware } from 'openapi-fetch';

import type { paths } from '@/api/schema';

import { ApiError, requestIdHeader } from './api-error';

/**
 * The one typed client for the whole SPA, created from the `paths` that openapi-typescript
 * generates from `openapi/openapi.yaml` (run `make openapi` after changing the API).
 *
 * Every non-2xx answer is thrown as an {@link ApiError}, so fetchers only ever see data and
 * TanStack Query gets a typed error. A request that gets no answer at all is thrown as
 * `ApiError.network()`.
 *
 * Auth hook points (used by the auth feature):
 * - {@link setAccessTokenProvider}: where the bearer token for each request comes from.
 * - {@link onUnauthorized}: called on a 401; it may refresh the session once and return the
 *   retried response, or send the user to the login page.
 * - {@link onForbidden}: told of every 403, which may mean the user's role changed since the UI
 *   last read it.
 */

export type AccessTokenProvider = () => string | null | undefined | Promise<string | null | undefined>;

export type UnauthorizedContext = {
  /** The request that was answered 401 (its body, if any, has been sent already). */
  request: Request;
  response: Response;
  /** Sends a request through the same fetch the client uses, bypassing the middleware. */
  fetch: (request: Request) => Promise<Response>;
  /**
   * A fresh copy of the request as it was sent, body included, to send again (for instance with a
   * new `Authorization` header after a refresh).
   */
  replay: () => Request;
};

/**
 * Returns the response to use instead of the 401 (for instance, the same request retried after a
 * token refresh), or nothing to let the 401 become an ApiError.
 */
export type UnauthorizedHandler = (context: UnauthorizedContext) => Promise<Response | void> | Response | void;

/** Told of a 403 answer; it must not read the response body (the caller gets the ApiError). */
export type ForbiddenHandler = (context: { request: Request; response: Response }) => void;

let accessTokenProvider: AccessTokenProvider | null = null;
let unauthorizedHandler: UnauthorizedHandler | null = null;
let forbiddenHandler: ForbiddenHandler | null = null;

/** Sets where the access token comes from; `null` clears it (logout). */
export function setAccessTokenProvider(provider: AccessTokenProvider | null): void {
  accessTokenProvider = provider;
}

/** Registers the 401 handler and returns a function that removes it. */
export function onUnauthorized(handler: UnauthorizedHandler): () => void {
  unauthorizedHandler = handler;
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = null;
  };
}

/** Registers the 403 handler and returns a function that removes it. */
export function onForbidden(handler: ForbiddenHandler): () => void {
  forbiddenHandler = handler;
  return () => {
    if (forbiddenHandler === handler) forbiddenHandler = null;
  };
}

// Resolved at call time, not at import time, so tests can stub globalThis.fetch.
const callFetch = (request: Request): Promise<Response> => globalThis.fetch(request);

// A copy of each request with a body, taken before fetch consumes it, so a 401 can be replayed.
const sentCopies = new WeakMap<Request, Request>();

const authMiddleware: Middleware = {
  async onRequest({ request }) {
    const authorization = await authorizationHeader();
    if (authorization && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', authorization);
    }
    if (request.body !== null) sentCopies.set(request, request.clone());
    return request;
  },
};

function replayOf(request: Request): () => Request {
  return () => {
    const copy = sentCopies.get(request);
    // Bodiless requests (GET, DELETE) can be copied at any time.
    return copy ? copy.clone() : new Request(request);
  };
}

/**
 * What the client does with every answer: a 401 goes to the unauthorized handler (which may
 * refresh the session and replay the request), and a non-2xx answer is thrown as an ApiError.
 * Requests sent outside openapi-fetch (uploads with progress, `lib/upload`) settle through it too.
 */
export async function settleResponse(request: Request, response: Response, replay: () => Request): Promise<Response> {
  let final = response;
  if (final.status === 401 && unauthorizedHandler) {
    final = (await unauthorizedHandler({ request, response: final, fetch: callFetch, replay })) ?? final;
  }
  if (final.status === 403) forbiddenHandler?.({ request, response: final });
  if (!final.ok) {
    throw await ApiError.fromResponse(final);
  }
  return final;
}

/** The `Authorization` header value the client would send now, if any. */
export async function authorizationHeader(): Promise<string | null> {
  const token = await accessTokenProvider?.();
  return token ? `Bearer ${token}` : null;
}

const problemMiddleware: Middleware = {
  onResponse({ request, response }) {
    return settleResponse(request, response, replayOf(request));
  },
  onError({ error }) {
    // A cancelled request (TanStack Query aborts stale queries) stays an AbortError.
    if (error instanceof DOMException && error.name === 'AbortError') return;
    if (error instanceof ApiError) return;
    return ApiError.network(error);
  },
};

/** The spec's server URL: its paths (`/status`, `/contacts/search`, ...) are relative to it. */
export const apiBasePath = '/api/v1';

export const apiClient = createClient<paths>({
  // An absolute base keeps `new Request()` happy outside the browser (tests); in the browser it is
  // the page's own origin, where the Go server (or the Vite proxy) answers /api.
  baseUrl: `${globalThis.location?.origin ?? ''}${apiBasePath}`,
  credentials: 'include',
  fetch: callFetch,
});

apiClient.use(authMiddleware, problemMiddleware);

/**
 * Returns `data` from an openapi-fetch result. The middleware already threw for error statuses,
 * so this only guards the impossible shapes (an error object, or an empty 2xx body where the
 * spec promises one).
 */
export async function unwrap<T>(
  result: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await result;
  if (error !== undefined || data === undefined) {
    throw ApiError.fromProblem(error, {
      status: response.status,
      statusText: response.ok ? 'Unexpected empty response' : response.statusText,
      requestId: response.headers.get(requestIdHeader) ?? undefined,
    });
  }
  return data;
}
