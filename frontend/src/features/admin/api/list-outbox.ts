import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

export type OutboxMessage = components['schemas']['OutboxMessage'];
export type OutboxList = components['schemas']['OutboxList'];

/** GET /api/v1/admin/outbox: the newest 100 outgoing mails (where mail goes without SMTP_URL). */
export function listOutbox({ signal }: { signal?: AbortSignal } = {}): Promise<OutboxList> {
  return unwrap(apiClient.GET('/admin/outbox', { signal }));
}

export function listOutboxQueryOptions() {
  return queryOptions({
    queryKey: ['admin', 'outbox'],
    queryFn: ({ signal }) => listOutbox({ signal }),
  });
}

export function useOutbox() {
  return useQuery(listOutboxQueryOptions());
}
