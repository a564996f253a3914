import { Badge, Table, Text, Tooltip } from '@mantine/core';

import type { Import } from '../api/get-import';
import { fieldLabel } from '../labels';


/** The first rows of the file as the current mapping reads them (the server's preview). */
export function MappingPreview({ imp }: { imp: Import }) {
  const fields = imp.mapping.columns.filter((field) => field !== '');
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
    <Table.ScrollContainer minWidth={640}>
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
          {imp.preview.map((row) => (
            <Table.Tr key={row.row}>
              <Table.Td>{row.row}</Table.Td>
              {fields.map((field) => (
                <Table.Td key={field} style={{ overflowWrap: 'anywhere' }}>
                  {row.values[field] ?? ''}
                </Table.Td>
              ))}
              <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="preview-check">
                {row.usable && row.errors.length === 0 ? (
                  <Badge color="teal" variant="light">
                    OK
                  </Badge>
                ) : (
                  <Tooltip label={row.errors.map((e) => e.message).join(' ') || 'Not usable'} multiline w={300}>
                    <Badge color={row.usable ? 'yellow' : 'red'} variant="light">
                      {row.usable ? 'Warning' : 'Invalid'}
                    </Badge>
                  </Tooltip>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
