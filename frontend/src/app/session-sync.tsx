import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { getMeQueryOptions, type Me } from '@/lib/auth/get-me';
import { applyMe, bootstrapSession, subscribeMe, useSession, type SessionState } from '@/lib/auth/session';
import { keepOnSessionChange } from '@/lib/react-query';

function sessionKey(session: SessionState): string | null {
  if (session.status !== 'signed-in') return null;
  return `${session.user.id}/${session.tenant?.id ?? '-'}`;
}

/**
 * Starts the session check once per page load, and keeps the query cache honest: when the user or
 * the tenant changes (switch, invitation accepted, a refresh that landed in another tenant) every
 * cached query is reset and refetched (but those marked keepOnSessionChange); on sign-out the
 * cache is cleared. A /me the session re-read after a 403 replaces the cached one, and a /me the
 * page read (again) updates the session's role.
 */
export function useSessionSync(): void {
  const session = useSession();
  const queryClient = useQueryClient();
  const previous = useRef<string | null>(null);
  const key = sessionKey(session);
  const ended = session.status === 'signed-out' && session.reason === 'expired';
  const wasEnded = useRef(false);

  useEffect(() => {
    void bootstrapSession();
  }, []);

  // A 403 makes the session re-read GET /me (the role may have changed): the permissions follow.
  useEffect(() => subscribeMe((me) => queryClient.setQueryData(getMeQueryOptions().queryKey, me)), [queryClient]);
  // And the other way: a /me the page read again (the user came back to the tab) carries the role an
  // admin may have changed meanwhile; the session (the header's badge) takes it too.
  useEffect(() => {
    const meKey = JSON.stringify(getMeQueryOptions().queryKey);
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'success') return;
      if (JSON.stringify(event.query.queryKey) !== meKey) return;
      applyMe(event.query.state.data as Me);
    });
  }, [queryClient]);

  useEffect(() => {
    const before = previous.current;
    if (key === null) {
      // A session that ended by itself keeps the cache: the page stays under the sign-in dialog
      // (RequireAuth), and its owner may sign back in. Whoever signs in next is compared with it.
      if (ended) return;
      previous.current = null;
      if (before !== null) queryClient.clear();
      return;
    }
    previous.current = key;
    if (before === null) return;
    if (before === key) {
      // The same user and organization again after the session ended: what failed meanwhile is read again.
      if (wasEnded.current) void queryClient.invalidateQueries();
    } else {
      void queryClient.resetQueries({ predicate: (query) => query.meta?.[keepOnSessionChange] !== true });
    }
  }, [key, ended, queryClient]);
  useEffect(() => {
    if (key !== null) wasEnded.current = false;
    else if (ended) wasEnded.current = true;
  }, [key, ended]);
}
