import { Badge, Select, Stack, Table, Text } from '@mantine/core';

import { type Column, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { usePhone } from '@/lib/use-phone';

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

/** A column of the file as the table's row and the phone's card show it. */
type ColumnRow = { index: number; name: string; field: ImportField; suggested: string };

/** Each column of the file and the contact field it becomes. */
export function MappingTable({ columns, mapping, onChange, disabled = false, errorOf = () => undefined }: MappingTableProps) {
  const phone = usePhone();
  const rows: ColumnRow[] = columns.map((column) => ({
    index: column.index,
    name: column.name || `Column ${column.index + 1}`,
    field: mapping[column.index] ?? '',
    suggested: column.suggested_field,
  }));
  // The columns after the file's column: the table's cells and each phone card's list.
  const fields: Column<ColumnRow>[] = [
    {
      label: 'Contact field',
      value: (row) => (
        <Select
          aria-label={`Field for ${row.name}`}
          size="xs"
          data={options}
          value={row.field || ignoreValue}
          allowDeselect={false}
          disabled={disabled}
          error={errorOf(row.index)}
          onChange={(value) => onChange(row.index, targetFields.find((f) => f.value === value)?.value ?? '')}
          maw={240}
        />
      ),
    },
    {
      label: 'Suggested',
      value: (row) =>
        row.suggested ? (
          <Badge variant="light" color={row.suggested === row.field ? 'teal' : 'gray'} tt="none">
            {fieldLabel(row.suggested)}
          </Badge>
        ) : (
          <Text size="xs" c="dimmed">
            —
          </Text>
        ),
    },
  ];
  if (phone) {
    // The 480px table put the field's select and the suggestion past the edge of 375 px.
    return (
      <Stack gap="sm" data-testid="column-mapping-cards">
        {rows.map((row) => (
          <RowCard key={row.index} label={row.name}>
            <Text size="sm" fw={500}>
              {row.name}
            </Text>
            <ColumnList columns={fields} item={row} labelWidth="35%" mt="xs" />
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table verticalSpacing={6} aria-label="Column mapping">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Column in file</Table.Th>
            {fields.map((column) => (
              <Table.Th key={column.label}>{column.label}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.index}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {row.name}
                </Text>
              </Table.Td>
              {fields.map((column) => (
                <Table.Td key={column.label}>{column.value(row)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
