import { useSyncExternalStore } from 'react';

import type { components } from '@/api/schema';
import { apiBasePath, apiClient, onForbidden, onUnauthorized, setAccessTokenProvider } from '@/lib/api-client';
import { ApiError, isApiError } from '@/lib/api-error';

/**
 * The signed-in session of this tab.
 *
 * - The access token lives in this module's memory only: never in localStorage, sessionStorage or
 *   a cookie readable by scripts. A reload loses it, and the app gets a new one from the refresh
 *   token, an httpOnly cookie scoped to /api/v1/auth that scripts cannot read.
 * - Refreshing is single-flight: however many requests are answered 401 at once, one
 *   POST /auth/refresh is made and all of them wait for it. The server rotates the refresh token on
 *   every use and ends the whole session when a spent one comes back, so two refreshes racing with
 *   the same cookie would sign the user out. Across tabs the Web Locks API serializes refreshes
 *   (each tab then sends the cookie the previous one left).
 * - A 401 is retried once with the new token; when the refresh is refused (401) the session ends
 *   (`signed-out` with reason `expired`): the route guard keeps the page and puts a sign-in dialog
 *   over it (what the user typed stays), and no further 401 asks for a refresh until a sign-in. A refresh that got no verdict (a 5xx, no answer, or none within
 *   `refreshTimeoutMs`) says nothing about the session: the server keeps the cookie, so the tab
 *   stays signed in, the request fails with a retryable error (status 0 or 5xx) and the next 401
 *   refreshes again. The server lets a refresh whose answer was lost be retried with the same
 *   cookie for a short while (docs/API.md). On page load such a failure is `unreachable`: the
 *   guard offers to try again (`retrySession`) instead of the login page.
 * - The refresh answers for wherever the session is now: another tab may have switched it to
 *   another organization (or signed in as someone else), or the user may have lost the page's
 *   organization. A request made for one user and organization is never replayed for
 *   another (it is answered 409 `session-changed` instead): a list created, a file imported or a
 *   contact saved on Acme's page must not land in Beta.
 * - Whether this browser has a session is remembered in localStorage (a flag, never a token), so
 *   a page load that cannot have one (signed out, or refused at the last refresh) does not ask
 *   POST /auth/refresh only to be answered 401. Unknown (a browser that never signed in since this
 *   flag existed) still tries once, so users signed in before it keep their session.
 * - A 403 re-reads GET /me: an admin may have changed the user's role since the token was issued
 *   (the server checks the current role on every request), and the badge and the offered actions
 *   must follow it rather than contradict the refusal.
 */

export type TokenResponse = components['schemas']['TokenResponse'];
export type SessionUser = components['schemas']['User'];
export type SessionTenant = components['schemas']['TenantRef'];
type Me = components['schemas']['Me'];

export type SignedOutReason = 'expired' | 'logout';

export type SessionState =
  | { status: 'loading' }
  /** The page-load refresh got no verdict (server down, no connection): the session may be fine. */
  | { status: 'unreachable'; error: ApiError }
  | { status: 'signed-out'; reason?: SignedOutReason }
  | { status: 'signed-in'; user: SessionUser; tenant: SessionTenant | null };

let state: SessionState = { status: 'loading' };
let accessToken: string | null = null;
const listeners = new Set<() => void>();

function setState(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function getSession(): SessionState {
  return state;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The session, re-rendering on sign-in, sign-out, refresh and tenant switch. */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}

const sessionHintKey = 'contacts.session';
type SessionHint = 'signed-in' | 'signed-out';

/** What this browser last knew of its refresh cookie; null when it never knew (or storage is off). */
function readSessionHint(): SessionHint | null {
  try {
    const value = globalThis.localStorage?.getItem(sessionHintKey);
    return value === 'signed-in' || value === 'signed-out' ? value : null;
  } catch {
    return null; // storage disabled: behave as before the hint existed
  }
}

function writeSessionHint(hint: SessionHint): void {
  try {
    globalThis.localStorage?.setItem(sessionHintKey, hint);
  } catch {
    // Storage disabled or full: the next load just tries the refresh.
  }
}

/**
 * Where Swagger UI (/docs, this origin) keeps what was pasted into its "Authorize" dialog, an API
 * key's secret or an access token, across reloads. Signing out forgets it too: the next person at
 * this browser must not call the API as this user from the docs.
 */
const docsAuthorizationKey = 'authorized';

function forgetDocsAuthorization(): void {
  try {
    globalThis.localStorage?.removeItem(docsAuthorizationKey);
  } catch {
    // Storage disabled: the docs could not have kept anything either.
  }
}

/** For whom each access token of this tab acts (`user/tenant`), newest last, a few of them. */
const tokenOwners = new Map<string, string>();
const maxTokenOwners = 32;

function ownerOf(grant: TokenResponse): string {
  return `${grant.user.id}/${grant.tenant?.id ?? '-'}`;
}

/** Starts (or replaces) the session from a signup, login, refresh, switch or accept answer. */
export function applyGrant(grant: TokenResponse): void {
  accessToken = grant.access_token;
  tokenOwners.set(grant.access_token, ownerOf(grant));
  if (tokenOwners.size > maxTokenOwners) tokenOwners.delete(tokenOwners.keys().next().value!);
  writeSessionHint('signed-in');
  setState({ status: 'signed-in', user: grant.user, tenant: grant.tenant ?? null });
}

/** Takes the signed-in user's own details as PATCH /me answered them (the name in the account menu). */
export function applyUser(user: SessionUser): void {
  if (state.status !== 'signed-in' || state.user.id !== user.id) return;
  setState({ status: 'signed-in', user, tenant: state.tenant });
}

/** Forgets the token. The server side is ended by POST /auth/logout (see the auth feature). */
export function endSession(reason?: SignedOutReason): void {
  accessToken = null;
  // A failed refresh already said whether the cookie is gone; offline, it may still be good.
  if (reason === 'logout') {
    writeSessionHint('signed-out');
    forgetDocsAuthorization();
  }
  if (state.status === 'signed-out' && state.reason === reason) return;
  setState({ status: 'signed-out', reason });
}

const meListeners = new Set<(me: Me) => void>();

/** Tells `listener` of every GET /me the session re-reads (after a 403), to update the /me query. */
export function subscribeMe(listener: (me: Me) => void): () => void {
  meListeners.add(listener);
  return () => {
    meListeners.delete(listener);
  };
}

let rereading: Promise<void> | null = null;

/**
 * Re-reads GET /me and takes the current tenant's role and status from it. Concurrent callers (a
 * page whose requests are all refused) share one request; a failure keeps what the session had.
 */
export function rereadAccess(): Promise<void> {
  rereading ??= requestMe().finally(() => {
    rereading = null;
  });
  return rereading;
}

async function requestMe(): Promise<void> {
  let me: Me | undefined;
  try {
    me = (await apiClient.GET('/me')).data;
  } catch {
    return;
  }
  if (!me || state.status !== 'signed-in' || me.user.id !== state.user.id) return;
  applyMe(me);
  for (const listener of meListeners) listener(me);
}

/**
 * Takes the user's details and the current tenant's role and status from a GET /me answer, however
 * it was read (after a 403, or the page's /me read again when the user came back to the tab): the
 * badge in the header must not say "Member" while the page already shows a viewer's. The tenant
 * itself comes from the token; a /me of another user or tenant is ignored.
 */
export function applyMe(me: Me): void {
  if (state.status !== 'signed-in' || me.user.id !== state.user.id) return;
  const tenant = me.tenant ?? null;
  if ((tenant?.id ?? null) !== (state.tenant?.id ?? null)) return;
  if (JSON.stringify(me.user) === JSON.stringify(state.user) && JSON.stringify(tenant) === JSON.stringify(state.tenant)) return;
  setState({ status: 'signed-in', user: me.user, tenant });
}

/**
 * What a refresh came to: a new token, a session the server refused (401: it is over), or no
 * verdict (a 5xx, no answer, a timeout), with the error to show.
 */
type RefreshOutcome = { status: 'refreshed' } | { status: 'ended' } | { status: 'failed'; error: ApiError };

/**
 * How long a refresh may take before the tab gives up on it (and keeps the session). Shorter than
 * the server's 30 s grace for a retried refresh, so that a retry soon after the timeout is still
 * taken for the same client even if the server did rotate the token meanwhile.
 */
export const refreshTimeoutMs = 20_000;

let refreshing: Promise<RefreshOutcome> | null = null;

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers share one request.
 * The state is left to the caller, but for the grant a refresh applies.
 */
function refreshSession(): Promise<RefreshOutcome> {
  refreshing ??= withRefreshLock(requestRefresh).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function requestRefresh(): Promise<RefreshOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The refresh got no answer in time.', 'TimeoutError')),
    refreshTimeoutMs,
  );
  try {
    const { data } = await apiClient.POST('/auth/refresh', { signal: controller.signal });
    // A 2xx without a grant is a broken answer (a proxy's), not a verdict on the session.
    if (!data) return { status: 'failed', error: ApiError.fromProblem(undefined, { status: 502, statusText: 'Unexpected empty response' }) };
    applyGrant(data);
    return { status: 'refreshed' };
  } catch (error) {
    // Only a 401 (no cookie, expired, revoked) says there is no session, now and on the next page
    // load. A 5xx or no answer says nothing about it: the server kept the cookie.
    if (isApiError(error) && error.status === 401) {
      writeSessionHint('signed-out');
      return { status: 'ended' };
    }
    return { status: 'failed', error: isApiError(error) ? error : ApiError.network(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The error a request fails with when its refresh got no verdict: the session goes on. */
function refreshFailedError(cause: ApiError): ApiError {
  return new ApiError({
    status: cause.status,
    code: cause.code,
    title: cause.title,
    detail:
      cause.status === 0
        ? 'The server could not be reached to renew your session. You are still signed in: check your connection and try again.'
        : 'The server could not renew your session just now. You are still signed in: try again in a moment.',
    requestId: cause.requestId,
    type: cause.type,
    retryAfter: cause.retryAfter,
    cause,
  });
}

const refreshLockName = 'contacts-auth-refresh';

async function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return fn();
  return await locks.request(refreshLockName, fn);
}

/** Requests whose 401 means "wrong credentials" or "no session", never "token expired". */
const noRefreshPaths = new Set([
  '/auth/login',
  '/auth/signup',
  '/auth/refresh',
  '/auth/logout',
  '/invitations/lookup',
  '/invitations/accept',
]);

/** The answer to a request whose credentials acted for another user or organization than now. */
function sessionChangedResponse(): Response {
  const now =
    state.status === 'signed-in' ? `${state.user.email}${state.tenant ? ` in ${state.tenant.name}` : ''}` : 'someone else';
  const problem = {
    type: 'session-changed',
    title: 'Conflict',
    status: 409,
    code: 'conflict',
    detail: `Your session is now ${now} (changed in another tab, or your access changed), not what this page was loaded for, so this was not sent again. Check the page and try again.`,
  };
  return new Response(JSON.stringify(problem), { status: 409, headers: { 'Content-Type': 'application/problem+json' } });
}

function apiPath(url: string): string {
  const { pathname } = new URL(url);
  return pathname.startsWith(apiBasePath) ? pathname.slice(apiBasePath.length) : pathname;
}

let uninstall: (() => void) | null = null;

/** Wires the session into the API client: the bearer token and the 401 → refresh → retry path. */
export function installAuth(): void {
  if (uninstall) return;
  setAccessTokenProvider(() => accessToken);
  const off = onUnauthorized(async ({ request, fetch, replay }) => {
    if (noRefreshPaths.has(apiPath(request.url))) return;
    // Signed out (a refresh was refused, or the user signed out): there is nothing to refresh. Pages
    // left open under the sign-in dialog keep polling; each poll must not ask the server again.
    if (state.status === 'signed-out') return;
    const sent = request.headers.get('Authorization');
    const sentFor = sent?.startsWith('Bearer ') ? tokenOwners.get(sent.slice('Bearer '.length)) : undefined;
    // Another request may have refreshed while this one was in flight: then just retry.
    const alreadyFresh = accessToken !== null && sent !== `Bearer ${accessToken}`;
    if (!alreadyFresh) {
      const outcome = await refreshSession();
      if (outcome.status === 'ended') {
        endSession('expired');
        return;
      }
      // No verdict: this request fails, retryably; the token is kept, so the next 401 refreshes again.
      if (outcome.status === 'failed') throw refreshFailedError(outcome.error);
    }
    if (sentFor !== undefined && tokenOwners.get(accessToken ?? '') !== sentFor) return sessionChangedResponse();
    const retry = replay();
    retry.headers.set('Authorization', `Bearer ${accessToken}`);
    try {
      return await fetch(retry);
    } catch (error) {
      throw ApiError.network(error);
    }
  });
  const offForbidden = onForbidden(({ request }) => {
    if (state.status !== 'signed-in' || apiPath(request.url) === '/me') return;
    void rereadAccess();
  });
  uninstall = () => {
    off();
    offForbidden();
    setAccessTokenProvider(null);
  };
}

let bootstrapping: Promise<void> | null = null;

/**
 * Once per page load: installs the client hooks and tries the refresh cookie, so a reload keeps
 * the user signed in, unless this browser is known to be signed out. Safe to call from every
 * render (StrictMode mounts twice). A refresh without a verdict leaves the tab `unreachable`.
 */
export function bootstrapSession(): Promise<void> {
  installAuth();
  // Signed out here last time: there is no cookie to refresh (signing in sets the hint again).
  bootstrapping ??=
    readSessionHint() === 'signed-out' ? Promise.resolve().then(() => settleBootstrap({ status: 'ended' })) : restoreSession();
  return bootstrapping;
}

async function restoreSession(): Promise<void> {
  settleBootstrap(await refreshSession());
}

/** The state a page-load refresh leaves, unless something else (a sign-in) settled it meanwhile. */
function settleBootstrap(outcome: RefreshOutcome): void {
  const current = getSession().status;
  if (outcome.status === 'refreshed' || (current !== 'loading' && current !== 'unreachable')) return;
  if (outcome.status === 'ended') endSession();
  else setState({ status: 'unreachable', error: outcome.error });
}

/** Tries the page-load refresh again after it could not reach the server (the guard's "Try again"). */
export async function retrySession(): Promise<void> {
  if (getSession().status !== 'unreachable') return;
  setState({ status: 'loading' });
  await restoreSession();
}

/** Tests only: back to a fresh page load. */
export function resetSessionForTests(): void {
  uninstall?.();
  uninstall = null;
  bootstrapping = null;
  refreshing = null;
  rereading = null;
  accessToken = null;
  tokenOwners.clear();
  state = { status: 'loading' };
}

/** Tests only: the token the client sends. */
export function currentAccessTokenForTests(): string | null {
  return accessToken;
}
