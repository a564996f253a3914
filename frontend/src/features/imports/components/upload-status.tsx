import { Progress, Stack, Text } from '@mantine/core';

import { formatBytes } from '@/lib/format';
import type { UploadProgress } from '@/lib/upload';

/** The upload's progress bar, then (once every byte is sent) that the server reads the file. */
export function UploadStatus({ file, sent }: { file: File; sent: UploadProgress | null }) {
  const done = sent !== null && sent.loaded >= sent.total;
  const percent = sent && sent.total > 0 ? Math.min(100, (sent.loaded / sent.total) * 100) : 0;
  return (
    <Stack gap={6} data-testid="upload-pending">
      <Progress value={done ? 100 : percent} animated={done} aria-label="Upload progress" />
      <Text size="sm" c="dimmed" data-testid="upload-status">
        {done
          ? `${file.name} is uploaded; reading it (encoding, delimiter, columns, rows)…`
          : `Uploading ${file.name}: ${formatBytes(Math.round((percent / 100) * file.size))} of ${formatBytes(file.size)} (${Math.floor(percent)}%)`}
      </Text>
    </Stack>
  );
}
