import { Alert } from '@mantine/core';

import { formatDateTime } from '@/lib/format';

import type { Import } from '../api/get-import';

/**
 * Says that an import which could otherwise start (or resume) no longer can: its uploaded file was
 * removed, IMPORT_FILE_RETENTION (7 days by default) after anyone last used it.
 */
export function FileRemovedAlert({ imp }: { imp: Import }) {
  if (!imp.file_removed_at) return null;
  return (
    <Alert color="gray" variant="light" data-testid="import-file-removed">
      The uploaded file was removed on {formatDateTime(imp.file_removed_at)}, as files of imports that nobody starts are
      after a week. Upload the file again to import it.
    </Alert>
  );
}
