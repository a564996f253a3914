import { Anchor, Stack } from '@mantine/core';
import { Link, useParams } from 'react-router-dom';

import { PageHeader } from '@/components/layout/page-header';
import { usePermissions } from '@/lib/auth/permissions';
import { useDocumentTitle } from '@/lib/use-document-title';

import { ImportView } from '../components/import-view';
import { ImportScopeContext, importScopes, type ImportScope } from '../scope';

/**
 * /imports/:importId (tenant) and /admin/imports/:importId (platform): the wizard, the live
 * progress or the results of one import.
 */
export function ImportRoute({ scope = 'tenant' }: { scope?: ImportScope }) {
  const { basePath, writePermission, titles, documentSuffix } = importScopes[scope];
  useDocumentTitle(titles.one + documentSuffix);
  const { importId = '' } = useParams();
  const { has } = usePermissions();
  return (
    <Stack gap="lg" maw={1400}>
      <PageHeader
        title={titles.one}
        description={
          <Anchor component={Link} to={basePath} size="sm">
            ← All {titles.list.toLowerCase()}
          </Anchor>
        }
      />
      <ImportScopeContext value={scope}>
        <ImportView key={importId} id={importId} canWrite={has(writePermission)} />
      </ImportScopeContext>
    </Stack>
  );
}
