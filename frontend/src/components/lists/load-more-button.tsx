import { Button, Center } from '@mantine/core';
import type { ReactNode } from 'react';

/** What the button needs of a TanStack infinite query. */
type Pages = {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
};

type LoadMoreButtonProps = {
  query: Pages;
  children?: ReactNode;
};

/** "Load more" under a cursor-paged list, while the server has another page; busy while it loads. */
export function LoadMoreButton({ query, children = 'Load more' }: LoadMoreButtonProps) {
  if (!query.hasNextPage) return null;
  return (
    <Center>
      <Button variant="default" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
        {children}
      </Button>
    </Center>
  );
}
