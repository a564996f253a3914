import { describe, expect, it, vi } from 'vitest';

import { apiClient, unwrap } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';
import { grantFor, jsonResponse, problemResponse, stubFetch } from '@/testing/test-utils';

import {
  applyGrant,
  bootstrapSession,
  currentAccessTokenForTests,
  endSession,
  getSession,
  installAuth,
  refreshTimeoutMs,
  resetSessionForTests,
  retrySession,
} from './session';

const status = { name: 'x', version: 'dev', environment: 'test', database: 'ok', time: '2026-11-28T20:00:00Z' };
const unauthorized = () => problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthorized' });

/** Answers 401 to every request that carries `stale`, and counts the refreshes. */
function stubExpiredToken({ stale, fresh, refreshOk = true }: { stale: string; fresh: string; refreshOk?: boolean }) {
  const seen: { method: string; path: string; auth: string | null; body: string }[] = [];
  let refreshes = 0;
  let releaseRefresh: () => void = () => {};
  const refreshGate = new Promise<void>((resolve) => {
    releaseRefresh = resolve;
  });
  const fetchMock = stubFetch(async (request) => {
    const path = new URL(request.url).pathname.replace('/api/v1', '');
    seen.push({ method: request.method, path, auth: request.headers.get('Authorization'), body: await request.clone().text() });
    if (path === '/auth/refresh') {
      refreshes += 1;
      await refreshGate; // hold the refresh so both 401s are in flight together
      return refreshOk ? jsonResponse(grantFor({}, undefined, fresh)) : unauthorized();
    }
    if (request.headers.get('Authorization') === `Bearer ${stale}`) return unauthorized();
    if (path === '/me/password') return new Response(null, { status: 204 });
    return jsonResponse(status);
  });
  return { seen, fetchMock, refreshes: () => refreshes, releaseRefresh };
}

describe('session refresh', () => {
  it('makes one refresh for two concurrent 401s, then retries both with the new token', async () => {
    installAuth();
    applyGrant(grantFor({}, undefined, 'stale-token'));
    const api = stubExpiredToken({ stale: 'stale-token', fresh: 'fresh-token' });

    const first = unwrap(apiClient.GET('/status'));
    const second = apiClient.POST('/me/password', { body: { current_password: 'old-password-1', new_password: 'new-password-12' } });
    // Let both requests get their 401 before the refresh answers.
    await vi.waitFor(() =>
      expect(api.seen.filter((r) => r.auth === 'Bearer stale-token' && r.path !== '/auth/refresh')).toHaveLength(2),
    );
    api.releaseRefresh();

    await expect(first).resolves.toEqual(status);
    await expect(second).resolves.toMatchObject({ response: { status: 204 } });
    expect(api.refreshes()).toBe(1);
    expect(currentAccessTokenForTests()).toBe('fresh-token');

    const retried = api.seen.filter((r) => r.auth === 'Bearer fresh-token');
    expect(retried.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /status', 'POST /me/password']);
    // The retried POST carries its body again.
    expect(JSON.parse(retried.find((r) => r.method === 'POST')!.body)).toEqual({
      current_password: 'old-password-1',
      new_password: 'new-password-12',
    });
  });

  // Another tab switched the session to another organization (or signed in as someone else): the
  // refresh answers for that one now, and a write meant for the page's organization must not be
  // sent again there.
  it.each([
    { name: 'another organization', next: grantFor({}, { id: 'tenant-2', name: 'Beta', role: 'org_admin' }, 'fresh-token') },
    { name: 'another account', next: grantFor({ id: 'user-2', email: 'bob@beta.test' }, undefined, 'fresh-token') },
  ])('does not replay a request after the refresh landed in $name', async ({ next }) => {
    installAuth();
    applyGrant(grantFor({}, { id: 'tenant-1', name: 'Acme', role: 'org_admin' }, 'stale-token'));
    const seen: string[] = [];
    stubFetch((request) => {
      const path = new URL(request.url).pathname.replace('/api/v1', '');
      seen.push(`${request.method} ${path}`);
      if (path === '/auth/refresh') return jsonResponse(next);
      if (request.headers.get('Authorization') === 'Bearer stale-token') return unauthorized();
      return jsonResponse({ id: 'list-1', name: 'Q4 targets' }, { status: 201 });
    });

    const error = await unwrap(apiClient.POST('/lists', { body: { name: 'Q4 targets' } })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, type: 'session-changed' });
    // Sent once, with the old token; never again with the new one.
    expect(seen).toEqual(['POST /lists', 'POST /auth/refresh']);
    // The tab follows the session: its page now shows where the session is.
    expect(getSession()).toMatchObject({ status: 'signed-in', user: next.user, tenant: { id: next.tenant!.id } });
    expect(currentAccessTokenForTests()).toBe('fresh-token');
  });

  it('ends the session when the refresh fails, and the 401 reaches the caller', async () => {
    installAuth();
    applyGrant(grantFor({}, undefined, 'stale-token'));
    const api = stubExpiredToken({ stale: 'stale-token', fresh: 'unused', refreshOk: false });
    api.releaseRefresh();

    const error = await unwrap(apiClient.GET('/status')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401 });
    expect(api.refreshes()).toBe(1);
    expect(getSession()).toEqual({ status: 'signed-out', reason: 'expired' });
    expect(currentAccessTokenForTests()).toBeNull();
  });

  it('does not ask for a refresh again once it was refused mid-session (pages that poll stay open under the sign-in dialog)', async () => {
    installAuth();
    applyGrant(grantFor({}, undefined, 'stale-token'));
    const api = stubExpiredToken({ stale: 'stale-token', fresh: 'unused', refreshOk: false });
    api.releaseRefresh();
    await unwrap(apiClient.GET('/status')).catch(() => undefined);
    expect(api.refreshes()).toBe(1);

    // Polls made while signed out are answered 401 (no token): no refresh per poll.
    api.fetchMock.mockImplementation(async (input: RequestInfo | URL) => {
      const request = input as Request;
      if (new URL(request.url).pathname.endsWith('/auth/refresh')) throw new Error('refreshed again');
      return unauthorized();
    });
    for (let i = 0; i < 3; i++) {
      await expect(unwrap(apiClient.GET('/status'))).rejects.toMatchObject({ status: 401 });
    }
    expect(api.refreshes()).toBe(1);
    expect(getSession()).toEqual({ status: 'signed-out', reason: 'expired' });

    // Signing in again (the dialog's login) sends requests with the new token.
    applyGrant(grantFor({}, undefined, 'new-token'));
    api.fetchMock.mockImplementation(async () => jsonResponse(status));
    await expect(unwrap(apiClient.GET('/status'))).resolves.toEqual(status);
  });

  // The server did not say the session is over: the refresh cookie is kept (only a 401 clears it), so
  // the tab stays signed in, the request fails with an error a retry can fix, and the next request
  // refreshes again.
  it.each([
    { name: 'a server error', refresh: () => problemResponse({ status: 500, title: 'Internal Server Error', code: 'internal', request_id: 'req-9' }), status: 500 },
    { name: 'an unavailable server', refresh: () => new Response('<html>Bad gateway</html>', { status: 502 }), status: 502 },
    { name: 'no answer', refresh: () => Promise.reject(new TypeError('fetch failed')), status: 0 },
  ])('keeps the session when the refresh gets $name, and refreshes again next time', async ({ refresh, status: want }) => {
    installAuth();
    applyGrant(grantFor({}, undefined, 'stale-token'));
    let down = true;
    const paths: string[] = [];
    stubFetch((request) => {
      const path = new URL(request.url).pathname.replace('/api/v1', '');
      paths.push(path);
      if (path === '/auth/refresh') return down ? refresh() : jsonResponse(grantFor({}, undefined, 'fresh-token'));
      if (request.headers.get('Authorization') === 'Bearer stale-token') return unauthorized();
      return jsonResponse(status);
    });

    const error = await unwrap(apiClient.GET('/status')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: want });
    expect((error as ApiError).detail).toContain('still signed in');
    expect(getSession()).toMatchObject({ status: 'signed-in' });
    expect(window.localStorage.getItem('contacts.session')).toBe('signed-in');

    down = false;
    await expect(unwrap(apiClient.GET('/status'))).resolves.toEqual(status);
    expect(paths).toEqual(['/status', '/auth/refresh', '/status', '/auth/refresh', '/status']);
    expect(currentAccessTokenForTests()).toBe('fresh-token');
  });

  it('gives up on a refresh that does not answer in time, and keeps the session', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      installAuth();
      applyGrant(grantFor({}, undefined, 'stale-token'));
      stubFetch((request) => {
        if (new URL(request.url).pathname.endsWith('/auth/refresh')) {
          // Hangs until the client gives up.
          return new Promise<Response>((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason as Error)));
        }
        return unauthorized();
      });

      const pending = unwrap(apiClient.GET('/status')).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(refreshTimeoutMs);
      const error = await pending;

      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 0 });
      expect((error as ApiError).detail).toContain('still signed in');
      expect(getSession()).toMatchObject({ status: 'signed-in' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not refresh when a login is refused', async () => {
    installAuth();
    const fetchMock = stubFetch(() => problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthorized' }));

    await expect(unwrap(apiClient.POST('/auth/login', { body: { email: 'a@b.test', password: 'wrong-password' } }))).rejects.toMatchObject({
      status: 401,
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('restores the session from the refresh cookie on page load, once', async () => {
    const fetchMock = stubFetch(() => jsonResponse(grantFor({ email: 'back@acme.test' }, undefined, 'restored')));

    await Promise.all([bootstrapSession(), bootstrapSession()]);

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const request = fetchMock.mock.calls[0]![0];
    expect(new URL(request.url).pathname).toBe('/api/v1/auth/refresh');
    expect(request.credentials).toBe('include');
    expect(getSession()).toMatchObject({ status: 'signed-in', user: { email: 'back@acme.test' } });
    expect(currentAccessTokenForTests()).toBe('restored');
    // Storage holds whether there is a session, never the token.
    expect(Object.values(window.localStorage)).toEqual(['signed-in']);
    expect(window.sessionStorage.length).toBe(0);
  });

  it('is signed out when there is no refresh cookie', async () => {
    stubFetch(() => unauthorized());

    await bootstrapSession();

    expect(getSession()).toEqual({ status: 'signed-out', reason: undefined });
  });
});

describe('page load while the server cannot answer', () => {
  it.each([
    { name: 'no answer', refresh: () => Promise.reject(new TypeError('fetch failed')), status: 0 },
    { name: 'a server error', refresh: () => problemResponse({ status: 503, title: 'Service Unavailable', code: 'unavailable' }), status: 503 },
  ])('is unreachable, not signed out, when the refresh gets $name, and signs in on retry', async ({ refresh, status: want }) => {
    let down = true;
    const fetchMock = stubFetch(() => (down ? refresh() : jsonResponse(grantFor({ email: 'back@acme.test' }, undefined, 'restored'))));

    await bootstrapSession();

    expect(getSession()).toMatchObject({ status: 'unreachable', error: { status: want } });
    expect(currentAccessTokenForTests()).toBeNull();
    // Still known to have a session: the next page load asks again.
    expect(window.localStorage.getItem('contacts.session')).not.toBe('signed-out');

    down = false;
    await retrySession();

    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(getSession()).toMatchObject({ status: 'signed-in', user: { email: 'back@acme.test' } });
    expect(currentAccessTokenForTests()).toBe('restored');
  });

  it('is signed out when the retry is answered 401', async () => {
    let down = true;
    stubFetch(() => (down ? Promise.reject(new TypeError('fetch failed')) : unauthorized()));
    await bootstrapSession();
    expect(getSession()).toMatchObject({ status: 'unreachable' });

    down = false;
    await retrySession();

    expect(getSession()).toEqual({ status: 'signed-out', reason: undefined });
  });
});

describe('access re-read', () => {
  it('re-reads GET /me once for concurrent 403s, and not for a refused /me itself', async () => {
    installAuth();
    applyGrant(grantFor({}, { id: 'tenant-1', name: 'Acme', role: 'org_admin' }));
    const paths: string[] = [];
    const fetchMock = stubFetch((request) => {
      const path = new URL(request.url).pathname.replace('/api/v1', '');
      paths.push(path);
      return problemResponse({ status: 403, title: 'Forbidden', code: 'forbidden' });
    });

    await Promise.all([
      unwrap(apiClient.GET('/tenant/members')).catch(() => undefined),
      unwrap(apiClient.GET('/tenant/usage')).catch(() => undefined),
    ]);
    await vi.waitFor(() => expect(paths.filter((p) => p === '/me')).toHaveLength(1));
    // The refused /me kept the session as it was, and asked for nothing more.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(getSession()).toMatchObject({ status: 'signed-in', tenant: { role: 'org_admin' } });
  });
});

describe('page load without a session', () => {
  it('does not ask for a refresh once a refresh was refused (401)', async () => {
    let fetchMock = stubFetch(() => unauthorized());
    await bootstrapSession();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(getSession()).toEqual({ status: 'signed-out', reason: undefined });

    // The next page load of this browser.
    resetSessionForTests();
    fetchMock = stubFetch(() => unauthorized());
    await bootstrapSession();

    expect(fetchMock).not.toHaveBeenCalled();
    expect(getSession()).toEqual({ status: 'signed-out', reason: undefined });
  });

  it('does not ask for a refresh after signing out, and asks again after signing in', async () => {
    installAuth();
    applyGrant(grantFor());
    endSession('logout');

    resetSessionForTests();
    let fetchMock = stubFetch(() => unauthorized());
    await bootstrapSession();
    expect(fetchMock).not.toHaveBeenCalled();

    // Signing in (here: a login answer) marks the browser; the next load restores the session.
    applyGrant(grantFor({}, undefined, 'from-login'));
    resetSessionForTests();
    fetchMock = stubFetch(() => jsonResponse(grantFor({}, undefined, 'restored')));
    await bootstrapSession();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(getSession()).toMatchObject({ status: 'signed-in' });
  });

  it('forgets the token or API key pasted into the API docs when signing out', () => {
    // Swagger UI (/docs, this origin) keeps what was pasted into "Authorize" under this key.
    window.localStorage.setItem('authorized', JSON.stringify({ ApiKeyAuth: { name: 'ApiKeyAuth', value: 'ock_secret' } }));
    applyGrant(grantFor());
    endSession('expired');
    expect(window.localStorage.getItem('authorized')).not.toBeNull();

    applyGrant(grantFor());
    endSession('logout');
    expect(window.localStorage.getItem('authorized')).toBeNull();
  });

  it('keeps trying the refresh when it got no answer (offline is not signed out)', async () => {
    stubFetch(() => Promise.reject(new TypeError('fetch failed')));
    await bootstrapSession();
    expect(getSession()).toMatchObject({ status: 'unreachable' });

    resetSessionForTests();
    const fetchMock = stubFetch(() => jsonResponse(grantFor({}, undefined, 'restored')));
    await bootstrapSession();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(currentAccessTokenForTests()).toBe('restored');
  });
});
