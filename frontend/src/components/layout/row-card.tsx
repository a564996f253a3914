import { Card, type CardProps } from '@mantine/core';
import type { ReactNode } from 'react';

type RowCardProps = Omit<CardProps, 'component' | 'withBorder' | 'children'> & {
  /** The item's name for assistive technology: what a screen reader says for the card. */
  label: string;
  /** Marks the card of the current item (the package in force, say). */
  'aria-current'?: 'true';
  children: ReactNode;
};

/**
 * One item of a list as a phone shows it, where a wider screen shows a table row: a bordered
 * `article` named by `label`. `data-*` attributes pass through to the element, so tests and
 * scripts find the card as they found the row.
 */
export function RowCard({ label, padding = 'sm', children, ...rest }: RowCardProps) {
  return (
    <Card component="article" withBorder padding={padding} aria-label={label} {...rest}>
      {children}
    </Card>
  );
}
