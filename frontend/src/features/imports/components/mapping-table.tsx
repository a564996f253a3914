import { Badge, Select, Table, Text } from '@mantine/core';

import type { Import } from '../api/get-import';
import type { ImportField } from '../api/set-import-mapping';
import { fieldLabel, ignoreField, targetFields } from '../labels';

// Mantine's Select cannot hold "" as an option value: "Do not import" is this sentinel in the UI.
const ignoreValue = '__ignore__';
const options = [{ value: ignoreValue, label: ignoreField.label }, ...targetFields];

type MappingTableProps = {
  columns: Import['columns'];
  /** One field per column, "" to ignore it. */
  mapping: ImportField[];
  onChange: (index: number, field: ImportField) => void;
  disabled?: boolean;
  /** The server's message about a column (`columns[i]`), shown under its field. */
  errorOf?: (index: number) => string | undefined;
};

/** Each column of the file and the contact field it becomes. */
export function MappingTable({ columns, mapping, onChange, disabled = false, errorOf = () => undefined }: MappingTableProps) {
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table verticalSpacing={6} aria-label="Column mapping">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Column in file</Table.Th>
            <Table.Th>Contact field</Table.Th>
            <Table.Th>Suggested</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {columns.map((column) => {
            const name = column.name || `Column ${column.index + 1}`;
            const field = mapping[column.index] ?? '';
            return (
              <Table.Tr key={column.index}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Field for ${name}`}
                    size="xs"
                    data={options}
                    value={field || ignoreValue}
                    allowDeselect={false}
                    disabled={disabled}
                    error={errorOf(column.index)}
                    onChange={(value) => onChange(column.index, targetFields.find((f) => f.value === value)?.value ?? '')}
                    maw={240}
                  />
                </Table.Td>
                <Table.Td>
                  {column.suggested_field ? (
                    <Badge variant="light" color={column.suggested_field === field ? 'teal' : 'gray'} tt="none">
                      {fieldLabel(column.suggested_field)}
                    </Badge>
                  ) : (
                    <Text size="xs" c="dimmed">
                      —
                    </Text>
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
