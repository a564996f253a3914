import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { pendingCorrectionsKey, type CorrectionQueue, type PendingCorrection } from './list-pending-corrections';

/** POST /api/v1/admin/corrections/{id}/accept (platform:write): the shared record takes the corrected value; every tenant sees it. 409 once reviewed. */
export function acceptCorrection(id: string): Promise<PendingCorrection> {
  return unwrap(apiClient.POST('/admin/corrections/{id}/accept', { params: { path: { id } } }));
}

export function useAcceptCorrection() {
  const queryClient = useQueryClient();
  // Every filter's queue (all, a tenant's, a field's).
  const queryKey = pendingCorrectionsKey;
  return useMutation({
    mutationFn: acceptCorrection,
    onSuccess: (reviewed) => {
      // Reviewed corrections leave the queue at once; the refetch confirms.
      queryClient.setQueriesData<InfiniteData<CorrectionQueue>>({ queryKey }, (data) =>
        data && { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter((c) => c.id !== reviewed.id) })) },
      );
      return queryClient.invalidateQueries({ queryKey });
    },
    // Someone else reviewed it meanwhile (409): show the queue as it is now.
    onError: () => queryClient.invalidateQueries({ queryKey }),
  });
}
