import { Anchor, Stack, Text } from '@mantine/core';
import { Link, useNavigate } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useCreateImport } from '../api/create-import';
import { UploadDropArea } from '../components/upload-drop-area';
import { importScopes, type ImportScope } from '../scope';

/**
 * /imports/new (tenant) and /admin/imports/new (platform): drop a file; the preflight opens as
 * soon as the upload is read.
 */
export function NewImportRoute({ scope = 'tenant' }: { scope?: ImportScope }) {
  const { basePath, titles, headingOrder, documentSuffix, limitsNote } = importScopes[scope];
  useDocumentTitle(titles.create + documentSuffix);
  const navigate = useNavigate();
  const upload = useCreateImport(scope);
  return (
    <Stack gap="lg" maw={900}>
      <PageHeader
        title={titles.create}
        order={headingOrder}
        description={
          <Anchor component={Link} to={basePath} size="sm">
            ← All {titles.list.toLowerCase()}
          </Anchor>
        }
      />
      {scope === 'platform' && (
        <Text size="sm" data-testid="platform-import-explanation">
          Rows are added to or update the shared contact database that every tenant searches.
        </Text>
      )}
      <UploadDropArea
        loading={upload.isPending}
        onFile={(file) => upload.mutate(file, { onSuccess: (imp) => void navigate(`${basePath}/${imp.id}`) })}
      />
      {upload.isPending && (
        <Text size="sm" c="dimmed" data-testid="upload-pending">
          Uploading and reading the file…
        </Text>
      )}
      {upload.isError && <ApiErrorAlert error={upload.error} />}
      <Text size="xs" c="dimmed">
        A row is usable with an email, a LinkedIn URL, or first name, last name and company.{' '}
        {limitsNote}
      </Text>
    </Stack>
  );
}
