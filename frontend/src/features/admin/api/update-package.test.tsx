import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';

import { getUsageQueryOptions } from '@/lib/usage/get-usage';
import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { getTenantQueryOptions } from './get-tenant';
import { listTenantsQueryOptions } from './list-tenants';
import { useUpdatePackage } from './update-package';

let queryClient: QueryClient | undefined;

function RaiseUsers() {
  const client = useQueryClient();
  useEffect(() => {
    queryClient = client;
  }, [client]);
  const update = useUpdatePackage();
  return (
    <button type="button" onClick={() => update.mutate({ id: 'pkg-pro', body: { max_users: 60 } })}>
      Save
    </button>
  );
}

describe('useUpdatePackage', () => {
  it('marks every cached copy of the package stale: tenant pages and the own usage show its limits', async () => {
    stubApi({ 'PATCH /admin/packages/pkg-pro': () => jsonResponse({ id: 'pkg-pro', code: 'pro', max_users: 60 }) });
    renderWithProviders(<RaiseUsers />);
    const keys = [
      getTenantQueryOptions('tenant-1').queryKey,
      listTenantsQueryOptions({ q: '', status: '' }).queryKey,
      getUsageQueryOptions().queryKey,
    ];
    // What they hold does not matter here: only whether they are read again.
    for (const key of keys) queryClient!.setQueryData<unknown>(key, { cached: true });

    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    for (const key of keys) {
      await waitFor(() => expect(queryClient!.getQueryState(key)?.isInvalidated, JSON.stringify(key)).toBe(true));
    }
  });
});
