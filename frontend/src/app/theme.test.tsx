import { Badge, Drawer, Modal, Notification, Table } from '@mantine/core';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ListBadges } from '@/features/contacts/components/saved-badges';
import { renderWithProviders } from '@/testing/test-utils';

describe('theme', () => {
  it('keeps a badge whole in a table cell: its label never clips to "COMPLET…"', () => {
    renderWithProviders(
      <Table>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td>
              <Badge variant="light">Completed</Badge>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>,
    );

    const label = screen.getByText('Completed');
    // A table sizes a cell by its content's narrowest width; a label that hides its overflow has
    // none, so the cell squeezed the badge to an ellipsis in every status column.
    expect(label).toHaveStyle({ overflow: 'visible' });
    expect(label.closest('.mantine-Badge-root')).toHaveStyle({ overflow: 'visible', flexShrink: '0' });
  });

  it('still shortens list names, which are capped on purpose', () => {
    renderWithProviders(<ListBadges lists={[{ id: 'l1', name: 'Designers in Berlin and Hamburg, Q3 outreach' }]} />);

    const label = screen.getByText('Designers in Berlin and Hamburg, Q3 outreach');
    expect(label).toHaveStyle({ overflow: 'hidden' });
    expect(label.closest('.mantine-Badge-root')).toHaveStyle({ overflow: 'hidden' });
  });

  it.each([
    ['modal', Modal],
    ['drawer', Drawer],
  ])('names the close button of a %s', (_, Dialog) => {
    renderWithProviders(
      <Dialog opened onClose={() => {}} title="Rotate API key">
        Body
      </Dialog>,
    );

    expect(screen.getByRole('button', { name: 'Close' })).toBeInTheDocument();
  });

  it('names the close button of a notification', () => {
    renderWithProviders(<Notification onClose={() => {}}>Saved 3 contacts.</Notification>);

    expect(screen.getByRole('button', { name: 'Close' })).toBeInTheDocument();
  });
});
