import { Badge, Group, SimpleGrid, Stack, Text } from '@mantine/core';

import { formatBytes, formatNumber } from '@/lib/format';

import type { Import } from '../api/get-import';
import { delimiterLabel, encodingLabel, lineEndingLabel } from '../labels';

function Fact({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}

/** What the server found in the file: format, encoding, delimiter, line endings, rows, columns, rows above the table. */
export function PreflightSummary({ imp }: { imp: Import }) {
  return (
    <Stack gap="sm" data-testid="preflight-summary">
      <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }}>
        <Fact label="File" value={`${imp.file_name} (${formatBytes(imp.file_bytes)})`} testId="preflight-file" />
        <Fact label="Encoding" value={encodingLabel(imp.encoding)} testId="preflight-encoding" />
        <Fact
          label="Delimiter"
          value={imp.format === 'xlsx' ? 'XLSX' : delimiterLabel(imp)}
          testId="preflight-delimiter"
        />
        <Fact label="Line endings" value={lineEndingLabel(imp.line_ending)} testId="preflight-line-endings" />
        <Fact label="Rows" value={formatNumber(imp.row_count)} testId="preflight-rows" />
        <Fact label="Columns" value={formatNumber(imp.columns.length)} testId="preflight-columns" />
      </SimpleGrid>
      {imp.skipped_rows > 0 && (
        <Text size="sm" c="dimmed" data-testid="preflight-skipped-rows">
          {imp.skipped_rows === 1
            ? 'Row 1 is above the table (a title, notes or Excel’s “sep=” line) and is not imported.'
            : `Rows 1–${formatNumber(imp.skipped_rows)} are above the table (a title, notes or Excel’s “sep=” line) and are not imported.`}
        </Text>
      )}
      <Group gap={6}>
        {imp.columns.map((column) => (
          <Badge key={column.index} variant="light" color="gray" tt="none">
            {column.name || `Column ${column.index + 1}`}
          </Badge>
        ))}
      </Group>
    </Stack>
  );
}
