import { Button, Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';

import { useInfiniteSentinel } from '../use-infinite-sentinel';

/** What the footer needs of a TanStack infinite query. */
type InfiniteQuery = {
  hasNextPage: boolean;
  isPlaceholderData: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => Promise<unknown>;
};

type InfiniteFooterProps = {
  query: InfiniteQuery;
  /** The loader's accessible name while the next page loads. */
  loadingLabel: string;
  /** Shown when there is nothing more to load. */
  end?: ReactNode;
  'data-testid'?: string;
};

/**
 * The end of an infinitely scrolled list: it loads the next page as it nears the viewport, and
 * shows the loader, the error with a retry, a "Load more" button (no IntersectionObserver, or a
 * fast scroller) or `end`.
 */
export function InfiniteFooter({ query, loadingLabel, end = null, 'data-testid': testId }: InfiniteFooterProps) {
  // Never while the previous results stand in for a changed query: their cursor is not its cursor.
  const more = query.hasNextPage && !query.isPlaceholderData;
  const sentinel = useInfiniteSentinel<HTMLDivElement>({
    enabled: more && !query.isFetchingNextPage && !query.isFetchNextPageError,
    onVisible: () => void query.fetchNextPage(),
  });
  return (
    <Center py="sm" ref={sentinel} data-testid={testId}>
      {query.isFetchingNextPage ? (
        <Loader size="sm" aria-label={loadingLabel} />
      ) : query.isFetchNextPageError ? (
        <ApiErrorAlert error={query.error} onRetry={() => void query.fetchNextPage()} />
      ) : more ? (
        <Button size="xs" variant="default" onClick={() => void query.fetchNextPage()}>
          Load more
        </Button>
      ) : (
        end
      )}
    </Center>
  );
}
