import { InfiniteQueryObserver } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';

import { createQueryClient, refetchOnReturnAfterMs } from '@/lib/react-query';
import { jsonResponse, stubApi } from '@/testing/test-utils';

import { searchContactsQueryOptions } from './search-contacts';

describe('searchContactsQueryOptions', () => {
  it('does not search again when the user comes back to the tab (a search spends quota)', async () => {
    const searches: unknown[] = [];
    stubApi({
      'POST /contacts/search': async (request) => {
        searches.push(await request.json());
        return jsonResponse({ items: [], next_cursor: '', total: 0, total_is_estimate: false, took_ms: 1 });
      },
    });
    const client = createQueryClient();
    client.mount();
    const observer = new InfiniteQueryObserver(
      client,
      searchContactsQueryOptions({ query: 'engineer', filters: {}, sort: 'relevance' }),
    );
    const unsubscribe = observer.subscribe(() => {});
    await vi.waitFor(() => expect(observer.getCurrentResult().isSuccess).toBe(true));

    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + refetchOnReturnAfterMs + 60_000);
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    window.dispatchEvent(new Event('focus'));
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(searches).toHaveLength(1);
    unsubscribe();
    client.unmount();
  });
});
