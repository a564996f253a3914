import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import { crmQueryKey } from './query-keys';

export type CrmPushRequest = components['schemas']['CRMPushRequest'];
export type CrmPushResult = components['schemas']['CRMPushResult'];
export type CrmPlanItem = components['schemas']['CRMPlanItem'];

/** Which contacts a push takes: the given ids, or every approved contact the CRM does not hold yet. */
export type CrmPushSelection = { contactIds: string[] } | { allApprovedNotPushed: true };

export function pushRequestBody(selection: CrmPushSelection): CrmPushRequest {
  return 'contactIds' in selection
    ? { contact_ids: selection.contactIds }
    : { all_approved_not_pushed: true };
}

/**
 * POST /api/v1/crm/pushes (crm:push). With `dryRun` nothing is queued: the answer (200) previews
 * how many contacts will be created, updated, skipped (same content as last pushed) or rejected,
 * with the reasons. Otherwise the push is queued (202) and its id is in the answer. 409
 * crm-not-connected / crm-needs-reauth, 429 quota-exceeded.
 */
export function createCrmPush(
  selection: CrmPushSelection,
  { dryRun = false, signal }: { dryRun?: boolean; signal?: AbortSignal } = {},
): Promise<CrmPushResult> {
  return unwrap(
    apiClient.POST('/crm/pushes', {
      params: { query: dryRun ? { dry_run: true } : {} },
      body: pushRequestBody(selection),
      signal,
    }),
  );
}

/** The preview is a POST that changes nothing; it is read like a query, never cached. */
export function previewCrmPushQueryOptions(selection: CrmPushSelection) {
  return {
    queryKey: [...crmQueryKey, 'push-preview', selection] as const,
    queryFn: ({ signal }: { signal?: AbortSignal }) => createCrmPush(selection, { dryRun: true, signal }),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  };
}

export function useCreateCrmPush() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (selection: CrmPushSelection) => createCrmPush(selection),
    // The connection's waiting counts and the history changed; the preview is over.
    onSuccess: () => {
      void queryClient.invalidateQueries({
        queryKey: crmQueryKey,
        predicate: (query) => query.queryKey[1] !== 'push-preview',
      });
    },
  });
}
