import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

import { listPendingCorrectionsQueryOptions, type CorrectionList, type PendingCorrection } from './list-pending-corrections';

/** POST /api/v1/admin/corrections/{id}/accept (platform:write): the shared record takes the corrected value; every tenant sees it. 409 once reviewed. */
export function acceptCorrection(id: string): Promise<PendingCorrection> {
  return unwrap(apiClient.POST('/admin/corrections/{id}/accept', { params: { path: { id } } }));
}

export function useAcceptCorrection() {
  const queryClient = useQueryClient();
  const { queryKey } = listPendingCorrectionsQueryOptions();
  return useMutation({
    mutationFn: acceptCorrection,
    onSuccess: (reviewed) => {
      // Reviewed corrections leave the queue at once; the refetch confirms.
      queryClient.setQueryData<InfiniteData<CorrectionList>>(queryKey, (data) =>
        data && { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter((c) => c.id !== reviewed.id) })) },
      );
      return queryClient.invalidateQueries({ queryKey });
    },
    // Someone else reviewed it meanwhile (409): show the queue as it is now.
    onError: () => queryClient.invalidateQueries({ queryKey }),
  });
}
