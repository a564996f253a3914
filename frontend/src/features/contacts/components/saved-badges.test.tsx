import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { ListBadges } from './saved-badges';

describe('ListBadges', () => {
  it('shows a cut list name whole on hover, set in its own direction', () => {
    const long = `Enterprise accounts in the DACH region for the spring campaign, second wave`;
    renderWithProviders(
      <ListBadges
        lists={[
          { id: 'list-1', name: long },
          { id: 'list-2', name: 'قائمة العملاء' },
        ]}
      />,
    );

    const badges = within(screen.getByTestId('list-names')).getAllByText(/./);
    const long1 = badges.find((b) => b.textContent === long)?.closest('.mantine-Badge-root');
    expect(long1).toHaveAttribute('title', long);
    expect(long1).toHaveAttribute('dir', 'auto');
    const arabic = screen.getByText('قائمة العملاء').closest('.mantine-Badge-root');
    expect(arabic).toHaveAttribute('title', 'قائمة العملاء');
    expect(arabic).toHaveAttribute('dir', 'auto');
  });
});
