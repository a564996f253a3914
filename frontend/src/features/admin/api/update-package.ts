import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';
import { getUsageQueryOptions } from '@/lib/usage/get-usage';

import { listAdminPackagesQueryOptions, type Package } from './list-packages';

/** A package edit: only the fields sent change. */
export type PackageBody = components['schemas']['PackageRequest'];

/**
 * PATCH /api/v1/admin/packages/{id}: only the fields sent change. `active: false` hides the package
 * from new customers; tenants on it keep it. Its name and limits also show on the tenant pages and
 * in the signed-in user's own usage, which are read again.
 */
export function updatePackage({ id, body }: { id: string; body: PackageBody }): Promise<Package> {
  return unwrap(apiClient.PATCH('/admin/packages/{id}', { params: { path: { id } }, body }));
}

export function useUpdatePackage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updatePackage,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: listAdminPackagesQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: ['packages'] }),
        queryClient.invalidateQueries({ queryKey: ['admin', 'tenants'] }),
        queryClient.invalidateQueries({ queryKey: getUsageQueryOptions().queryKey }),
      ]),
  });
}
