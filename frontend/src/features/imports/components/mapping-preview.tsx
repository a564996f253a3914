import { Badge, Stack, Table, Text } from '@mantine/core';

import type { Import } from '../api/get-import';
import { fieldLabel, warningVerb } from '../labels';

/**
 * The narrowest a preview column gets, in pixels: enough for a name or a title to read in whole
 * words, a phone number on one line, and for an address or a URL to break in two or three pieces rather than a letter a line.
 * On a narrow screen the table scrolls sideways instead of squeezing them.
 */
function previewColumnWidth(field: string): number {
  if (field === 'email' || field === 'linkedin_url') return 200;
  return field === 'phone' ? 144 : 112; // a whole E.164 number: up to 16 characters
}

/**
 * What a preview cell shows for `field`. The server splits a full name column into first and last
 * name (there is no full_name value): its cell shows those of the two parts no other column maps.
 */
function cellValue(values: Record<string, string>, field: string, shown: ReadonlySet<string>): string {
  if (field !== 'full_name') return values[field] ?? '';
  return (['first_name', 'last_name'] as const)
    .filter((part) => !shown.has(part))
    .map((part) => values[part] ?? '')
    .filter((part) => part !== '')
    .join(' ');
}

/** A reason a row is refused (red) or a value dropped from it (warning, orange), as text beside what it concerns. */
function Reason({ children, warning }: { children: string; warning?: string }) {
  const verb = warning === undefined ? '' : warningVerb(warning);
  return (
    <Text size="xs" c={warning !== undefined ? 'orange.8' : 'red'} style={{ whiteSpace: 'normal', overflowWrap: 'anywhere' }}>
      {warning !== undefined ? `${verb.charAt(0).toUpperCase()}${verb.slice(1)}: ${children}` : children}
    </Text>
  );
}

/**
 * The first rows of the file as the current mapping reads them (the server's preview). A value the
 * import would refuse is not in the preview: its cell says why instead, and reasons about the row
 * as a whole stand under its check. A usable row imports without such a value (a warning: the
 * cell says it is dropped, the check says Warning); a row the value was needed for is invalid.
 * They are text, not a tooltip, so touch screens and keyboards read them too.
 */
export function MappingPreview({ imp }: { imp: Import }) {
  const fields = imp.mapping.columns.filter((field) => field !== '');
  const shown = new Set<string>(fields);
  if (imp.preview.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        The file has no data rows to preview.
      </Text>
    );
  }
  if (fields.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Map at least one column to see the preview.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={fields.reduce((sum, field) => sum + previewColumnWidth(field), 56 + 96)}>
      <Table striped verticalSpacing={4} fz="sm" aria-label="Mapped preview" data-testid="mapping-preview">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Row</Table.Th>
            {fields.map((field) => (
              <Table.Th key={field}>{fieldLabel(field)}</Table.Th>
            ))}
            <Table.Th>Check</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {imp.preview.map((row) => {
            const rowErrors = row.errors.filter((e) => !shown.has(e.field));
            const rowWarnings = row.warnings.filter((e) => !shown.has(e.field));
            return (
              <Table.Tr key={row.row}>
                <Table.Td>{row.row}</Table.Td>
                {fields.map((field) => (
                  <Table.Td key={field} style={{ overflowWrap: 'anywhere', minWidth: previewColumnWidth(field) }}>
                    {cellValue(row.values, field, shown)}
                    {row.errors
                      .filter((e) => e.field === field)
                      .map((e, i) => (
                        <Reason key={i}>{e.message}</Reason>
                      ))}
                    {row.warnings
                      .filter((e) => e.field === field)
                      .map((e, i) => (
                        <Reason key={`w${i}`} warning={e.code}>
                          {e.message}
                        </Reason>
                      ))}
                  </Table.Td>
                ))}
                <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="preview-check">
                  {row.usable && row.errors.length === 0 && row.warnings.length === 0 ? (
                    <Badge color="teal" variant="light">
                      OK
                    </Badge>
                  ) : (
                    <Stack gap={2} miw={rowErrors.length + rowWarnings.length > 0 ? 180 : undefined}>
                      <Badge color={row.usable ? 'yellow' : 'red'} variant="light">
                        {row.usable ? 'Warning' : 'Invalid'}
                      </Badge>
                      {rowErrors.map((e, i) => (
                        <Reason key={i}>{e.message}</Reason>
                      ))}
                      {rowWarnings.map((e, i) => (
                        <Reason key={`w${i}`} warning={e.code}>
                          {e.message}
                        </Reason>
                      ))}
                    </Stack>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
