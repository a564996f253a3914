import { createContext, useContext } from 'react';

import type { components } from '@/api/schema';
import type { Permission } from '@/lib/auth/permissions';

/**
 * Which import pipeline a screen works on: `tenant` (/imports…, the organization's own contacts)
 * or `platform` (/admin/imports…, the shared contact database, for platform staff). Both answer
 * the same shapes, so one wizard, progress view, results and history serve both; the API fetchers
 * take the scope and pick the path.
 */
export type ImportScope = components['schemas']['Import']['scope'];

type ImportScopeSettings = {
  /** Where the SPA shows this scope's imports (history; `/new`; `/:id`). */
  basePath: string;
  /** The permission that uploads, maps, starts and cancels. */
  writePermission: Permission;
  /** The mapping may name one of the tenant's lists for every row (`list_id`). */
  targetList: boolean;
  /** The mapping names the source that ranks the file's values (`source`). */
  source: boolean;
};

export const importScopes: Record<ImportScope, ImportScopeSettings> = {
  tenant: { basePath: '/imports', writePermission: 'imports:write', targetList: true, source: false },
  // The server refuses list_id on platform imports: their contacts belong to no tenant.
  platform: { basePath: '/admin/imports', writePermission: 'platform:write', targetList: false, source: true },
};

/**
 * The scope of the import screens below it, set by the route (`<ImportScopeContext value=…>`).
 * Without one it is `tenant`, the feature's original and most common use.
 */
export const ImportScopeContext = createContext<ImportScope>('tenant');

export function useImportScope(): ImportScope {
  return useContext(ImportScopeContext);
}
