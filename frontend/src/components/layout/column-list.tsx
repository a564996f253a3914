import { DataList, type MantineSpacing, Table, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A labelled value of an item: a table's column, and a line of the item's card on a phone. In the
 * table a number is right-aligned (`numeric`) and a short value kept on one line (`nowrap`).
 */
export type Column<T> = { label: string; value: (item: T) => ReactNode; numeric?: boolean; nowrap?: boolean };

type ColumnListProps<T> = {
  columns: Column<T>[];
  item: T;
  /** The labels' share of the width. */
  labelWidth?: string;
  mt?: MantineSpacing;
};

/** One item's columns as a list of labels and values: what a phone shows instead of a table row. */
export function ColumnList<T>({ columns, item, labelWidth = '40%', mt }: ColumnListProps<T>) {
  return (
    <DataList size="sm" gap="xs" labelWidth={labelWidth} withDivider mt={mt}>
      {columns.map((column) => (
        <DataList.Item key={column.label}>
          <DataList.ItemLabel>{column.label}</DataList.ItemLabel>
          <DataList.ItemValue>{column.value(item)}</DataList.ItemValue>
        </DataList.Item>
      ))}
    </DataList>
  );
}

/** The columns' headers in a table's header row. */
export function ColumnHeaders<T>({ columns }: { columns: Column<T>[] }) {
  return columns.map((column) => (
    <Table.Th key={column.label} ta={column.numeric ? 'right' : undefined}>
      {column.label}
    </Table.Th>
  ));
}

/** One item's columns as the cells of its table row. */
export function ColumnCells<T>({ columns, item }: { columns: Column<T>[]; item: T }) {
  return columns.map((column) => (
    <Table.Td key={column.label} ta={column.numeric ? 'right' : undefined} style={column.nowrap ? { whiteSpace: 'nowrap' } : undefined}>
      {column.value(item)}
    </Table.Td>
  ));
}

/** The header of a row's actions column: named for screen readers, blank on screen. */
export function ActionsHeader() {
  return (
    <Table.Th>
      <VisuallyHidden>Actions</VisuallyHidden>
    </Table.Th>
  );
}
