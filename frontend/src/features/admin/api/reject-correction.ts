import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { pendingCorrectionsKey, type CorrectionQueue, type PendingCorrection } from './list-pending-corrections';

/** POST /api/v1/admin/corrections/{id}/reject (platform:write): the shared record stays; the submitting tenant keeps its value, marked rejected. 409 once reviewed. */
export function rejectCorrection(id: string): Promise<PendingCorrection> {
  return unwrap(apiClient.POST('/admin/corrections/{id}/reject', { params: { path: { id } } }));
}

export function useRejectCorrection() {
  const queryClient = useQueryClient();
  // Every filter's queue (all, a tenant's, a field's).
  const queryKey = pendingCorrectionsKey;
  return useMutation({
    mutationFn: rejectCorrection,
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
