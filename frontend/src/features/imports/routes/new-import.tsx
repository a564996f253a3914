import { Anchor, Stack, Text } from '@mantine/core';
import { Link, useNavigate } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useCreateImport } from '../api/create-import';
import { UploadDropArea } from '../components/upload-drop-area';

/** /imports/new: drop a file; the preflight opens as soon as the upload is read. */
export function NewImportRoute() {
  useDocumentTitle('New import');
  const navigate = useNavigate();
  const upload = useCreateImport();
  return (
    <Stack gap="lg" maw={900}>
      <PageHeader
        title="New import"
        description={
          <Anchor component={Link} to="/imports" size="sm">
            ← All imports
          </Anchor>
        }
      />
      <UploadDropArea
        loading={upload.isPending}
        onFile={(file) => upload.mutate(file, { onSuccess: (imp) => void navigate(`/imports/${imp.id}`) })}
      />
      {upload.isPending && (
        <Text size="sm" c="dimmed" data-testid="upload-pending">
          Uploading and reading the file…
        </Text>
      )}
      {upload.isError && <ApiErrorAlert error={upload.error} />}
      <Text size="xs" c="dimmed">
        A row is usable with an email, a LinkedIn URL, or first name, last name and company. Your package sets the
        largest file and the rows you can import each month.
      </Text>
    </Stack>
  );
}
