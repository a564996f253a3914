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
  /** Page titles: the history, one import, the upload page. */
  titles: { list: string; one: string; create: string };
  /** What the browser tab adds to a title. */
  documentSuffix: string;
  /** The history page's description. */
  description: string;
  /** The upload page's note on limits. */
  limitsNote: string;
};

export const importScopes: Record<ImportScope, ImportScopeSettings> = {
  tenant: {
    basePath: '/imports',
    writePermission: 'imports:write',
    targetList: true,
    source: false,
    titles: { list: 'Imports', one: 'Import', create: 'New import' },
    documentSuffix: '',
    description: 'Upload CSV or XLSX files of contacts: check the mapping, dry-run it, and see what happened to every row.',
    limitsNote: 'Your package sets the largest file and the rows you can import each month.',
  },
  platform: {
    basePath: '/admin/imports',
    writePermission: 'platform:write',
    // The server refuses list_id on platform imports: their contacts belong to no tenant.
    targetList: false,
    source: true,
    titles: { list: 'Platform imports', one: 'Platform import', create: 'New platform import' },
    documentSuffix: ' · Admin',
    description: 'Files imported into the shared contact database that every tenant searches.',
    limitsNote: 'Platform imports are not metered; they run one at a time.',
  },
};

/**
 * The scope of the import screens below it, set by the route (`<ImportScopeContext value=…>`).
 * Without one it is `tenant`, the feature's original and most common use.
 */
export const ImportScopeContext = createContext<ImportScope>('tenant');

export function useImportScope(): ImportScope {
  return useContext(ImportScopeContext);
}
