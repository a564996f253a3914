import { Anchor, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import type { UploadProgress } from '@/lib/upload';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useCreateImport } from '../api/create-import';
import { useImportAllowance } from '../api/get-import-allowance';
import { FileTooLargeAlert, ImportAllowanceNote, ImportRowsUsedUpAlert } from '../components/import-allowance';
import { UploadDropArea } from '../components/upload-drop-area';
import { UploadStatus } from '../components/upload-status';
import { importScopes, type ImportScope } from '../scope';

/**
 * /imports/new (tenant) and /admin/imports/new (platform): drop a file; the preflight opens as
 * soon as the upload is read. A tenant sees what the package allows, and a file over its size cap
 * is refused here rather than after its upload (the server refuses it too: 413).
 */
export function NewImportRoute({ scope = 'tenant' }: { scope?: ImportScope }) {
  const { basePath, titles, documentSuffix, limitsNote } = importScopes[scope];
  useDocumentTitle(titles.create + documentSuffix);
  const navigate = useNavigate();
  const [sent, setSent] = useState<UploadProgress | null>(null);
  const upload = useCreateImport(scope, { onProgress: setSent });
  const allowance = useImportAllowance(scope === 'tenant');
  const [tooLarge, setTooLarge] = useState<File | null>(null);

  const onFile = (file: File) => {
    if (allowance && file.size > allowance.maxFileBytes) {
      upload.reset();
      setTooLarge(file);
      return;
    }
    setTooLarge(null);
    setSent(null);
    upload.mutate(file, { onSuccess: (imp) => void navigate(`${basePath}/${imp.id}`) });
  };
  return (
    <Stack gap="lg" maw={900}>
      <PageHeader
        title={titles.create}
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
      {allowance && <ImportRowsUsedUpAlert allowance={allowance} />}
      <UploadDropArea loading={upload.isPending} onFile={onFile} />
      {upload.isPending && <UploadStatus file={upload.variables} sent={sent} />}
      {tooLarge && allowance && <FileTooLargeAlert file={tooLarge} allowance={allowance} />}
      {upload.isError && <ApiErrorAlert error={upload.error} />}
      <Text size="xs" c="dimmed">
        A row is usable with an email, a LinkedIn URL, or first name, last name and company.
        {allowance ? '' : ` ${limitsNote}`}
      </Text>
      {allowance && <ImportAllowanceNote allowance={allowance} />}
    </Stack>
  );
}
