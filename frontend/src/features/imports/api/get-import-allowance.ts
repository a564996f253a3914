import { useQuery } from '@tanstack/react-query';

import { getUsageQueryOptions, type Quota } from '@/lib/usage/get-usage';

/** What the tenant's package allows an import, from GET /tenant/usage. */
export type ImportAllowance = {
  packageName: string;
  /** The largest file an upload may be (the server answers 413 above it). */
  maxFileBytes: number;
  /** This month's import_rows quota; a start needs the file's rows to fit in what remains. */
  rows?: Quota;
};

/**
 * The tenant's import allowance; null while it loads, when not enabled (platform imports are not
 * metered) and when usage cannot be read: the pages then speak in general terms, and the server
 * decides either way.
 */
export function useImportAllowance(enabled: boolean): ImportAllowance | null {
  const usage = useQuery({ ...getUsageQueryOptions(), enabled });
  if (!enabled || !usage.data) return null;
  return {
    packageName: usage.data.package.name,
    maxFileBytes: usage.data.package.max_import_file_bytes,
    rows: usage.data.quotas.find((q) => q.metric === 'import_rows'),
  };
}
