import { Anchor, Stack } from '@mantine/core';
import { Link, useParams } from 'react-router-dom';

import { PageHeader } from '@/components/layout/page-header';
import { usePermissions } from '@/lib/auth/permissions';
import { useDocumentTitle } from '@/lib/use-document-title';

import { ImportView } from '../components/import-view';

/** /imports/:importId: the wizard, the live progress or the results of one import. */
export function ImportRoute() {
  useDocumentTitle('Import');
  const { importId = '' } = useParams();
  const { has } = usePermissions();
  return (
    <Stack gap="lg" maw={1400}>
      <PageHeader
        title="Import"
        description={
          <Anchor component={Link} to="/imports" size="sm">
            ← All imports
          </Anchor>
        }
      />
      <ImportView key={importId} id={importId} canWrite={has('imports:write')} />
    </Stack>
  );
}
