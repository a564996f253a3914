import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { apiClient, unwrap } from '@/lib/api-client';

import { listAdminPackagesQueryOptions, type Package } from './list-packages';

/** A new package: code, name and every limit are required. */
export type CreatePackageBody = components['schemas']['CreatePackageRequest'];

/** POST /api/v1/admin/packages: a new package with every limit. */
export function createPackage(body: CreatePackageBody): Promise<Package> {
  return unwrap(apiClient.POST('/admin/packages', { body }));
}

export function useCreatePackage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createPackage,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: listAdminPackagesQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: ['packages'] }),
      ]),
  });
}
