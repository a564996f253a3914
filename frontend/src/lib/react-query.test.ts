import { QueryObserver, type Query } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ApiError } from './api-error';
import { createQueryClient, refetchOnReturn, refetchOnReturnAfterMs, shouldRetry } from './react-query';

const apiError = (status: number) => new ApiError({ status, code: 'x', title: 'x', detail: '' });

describe('shouldRetry', () => {
  it.each([
    { name: 'network failure', error: apiError(0), failures: 0, want: true },
    { name: 'server error', error: apiError(503), failures: 1, want: true },
    { name: 'rate limited', error: apiError(429), failures: 0, want: true },
    { name: 'gives up after two retries', error: apiError(503), failures: 2, want: false },
    { name: 'validation error', error: apiError(422), failures: 0, want: false },
    { name: 'not found', error: apiError(404), failures: 0, want: false },
    { name: 'unauthorized', error: apiError(401), failures: 0, want: false },
    { name: 'a bug in our code', error: new TypeError('x is undefined'), failures: 0, want: false },
  ])('$name', ({ error, failures, want }) => {
    expect(shouldRetry(failures, error)).toBe(want);
  });
});

describe('refetch when the user comes back to the tab', () => {
  const unmounts: (() => void)[] = [];
  afterEach(() => {
    unmounts.splice(0).forEach((unmount) => unmount());
  });

  /** A query on screen (an observer), in the app's own client, whose answer counts its calls. */
  async function observed(options: { refetchOnWindowFocus?: false } = {}) {
    const client = createQueryClient();
    // What QueryClientProvider does: the client listens for focus.
    client.mount();
    unmounts.push(() => client.unmount());
    let calls = 0;
    const observer = new QueryObserver(client, {
      queryKey: ['members'],
      queryFn: () => Promise.resolve(++calls),
      ...options,
    });
    const seen: unknown[] = [];
    const unsubscribe = observer.subscribe((result) => seen.push(result.data));
    await vi.waitFor(() => expect(seen).toContain(1));
    return { calls: () => calls, seen, unsubscribe, client };
  }

  function later(ms: number) {
    const now = Date.now() + ms;
    vi.spyOn(Date, 'now').mockReturnValue(now);
  }

  it.each([
    { name: 'the tab becomes visible again', fire: () => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })) },
    { name: 'the window gets focus', fire: () => window.dispatchEvent(new Event('focus')) },
  ])('reads data older than a few seconds again when $name', async ({ fire }) => {
    const query = await observed();
    later(refetchOnReturnAfterMs + 1_000);
    fire();
    await vi.waitFor(() => expect(query.seen).toContain(2));
    expect(query.calls()).toBe(2);
    query.unsubscribe();
  });

  it('reads it again even when its staleTime has not run out', () => {
    const fresh = { state: { dataUpdatedAt: 1_000, errorUpdatedAt: 0 } } as Query;
    expect(refetchOnReturn(fresh, 1_000 + refetchOnReturnAfterMs)).toBe('always');
    expect(refetchOnReturn(fresh, 1_000 + refetchOnReturnAfterMs - 1)).toBe(false);
    // A query that failed a while ago (a 403 before a role change) is asked again too.
    expect(refetchOnReturn({ state: { dataUpdatedAt: 0, errorUpdatedAt: 1_000 } } as Query, 60_000)).toBe('always');
    // One that never answered yet is left to its own fetch.
    expect(refetchOnReturn({ state: { dataUpdatedAt: 0, errorUpdatedAt: 0 } } as Query, 60_000)).toBe(false);
  });

  it('does not ask again for a glance at another tab', async () => {
    const query = await observed();
    later(1_000);
    window.dispatchEvent(new Event('focus'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(query.calls()).toBe(1);
    query.unsubscribe();
  });

  it('leaves a query that opted out alone', async () => {
    const query = await observed({ refetchOnWindowFocus: false });
    later(refetchOnReturnAfterMs + 1_000);
    window.dispatchEvent(new Event('focus'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(query.calls()).toBe(1);
    query.unsubscribe();
  });
});
