import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { mediaQueryList } from '@/testing/media';
import { renderWithProviders } from '@/testing/test-utils';

import { packages } from '../testing/fixtures';
import { PackageComparison } from './package-comparison';

/** Makes the screen a phone (below Mantine's `sm`, as at 375 px) or wider. */
function screenWidth(phone: boolean) {
  vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, phone && query.includes('max-width')));
}

const actions = {
  label: 'Change package',
  render: (pkg: (typeof packages)[number]) => <button type="button">{`Pick ${pkg.name}`}</button>,
};

/** Each package's values in the table's order, read from a column or a card. */
const expected = {
  free: ['Free', '3', '100', '25', 'No', '—', '1,000', '100', '1', '5 MiB'],
  starter: ['$49.00', '10', '2,000', '25', 'Yes', '120', '1,000', '100', '1', '5 MiB'],
  pro: ['$149.00', '50', '20,000', '500', 'Yes', '600', '1,000', '100', '1', '5 MiB'],
};
const labels = [
  'Price per month',
  'Users',
  'Searches per month',
  'Contacts per query',
  'API access',
  'API requests per minute',
  'Imported rows per month',
  'CRM pushes per month',
  'Concurrent background jobs',
  'Import file size',
];

describe('PackageComparison', () => {
  it('puts the packages side by side in a table on a wide screen', () => {
    screenWidth(false);
    renderWithProviders(
      <PackageComparison packages={packages} currentCode="starter" subscribedCode="pro" actions={actions} />,
    );

    expect(screen.queryByTestId('package-cards')).not.toBeInTheDocument();
    const table = screen.getByTestId('package-comparison');
    const body = within(table).getAllByRole('row').slice(1);
    expect(body.map((row) => within(row).getByRole('rowheader').textContent)).toEqual([...labels, 'Change package']);
    packages.forEach((pkg, column) => {
      const cells = body.slice(0, labels.length).map((row) => within(row).getAllByRole('cell').at(column)?.textContent);
      expect(cells).toEqual(expected[pkg.code as keyof typeof expected]);
    });
    expect(screen.getByTestId('package-column-starter')).toHaveAttribute('aria-current', 'true');
    expect(screen.getByTestId('package-column-starter')).toHaveTextContent('Current');
    expect(screen.getByTestId('package-column-pro')).toHaveTextContent('Subscribed, not in force');
    expect(within(screen.getByTestId('package-actions')).getByRole('button', { name: 'Pick Pro' })).toBeInTheDocument();
  });

  it('gives each package a card with its price and labelled limits on a phone', () => {
    screenWidth(true);
    renderWithProviders(
      <PackageComparison packages={packages} currentCode="starter" subscribedCode="pro" actions={actions} />,
    );

    expect(screen.queryByTestId('package-comparison')).not.toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    const cards = within(screen.getByTestId('package-cards')).getAllByRole('article');
    expect(cards.map((card) => card.getAttribute('aria-label'))).toEqual(['Free', 'Starter', 'Pro']);
    for (const pkg of packages) {
      const card = screen.getByRole('article', { name: pkg.name });
      const terms = within(card).getAllByRole('term').map((term) => term.textContent);
      const values = within(card).getAllByRole('definition').map((value) => value.textContent);
      expect(terms).toEqual(labels);
      expect(values).toEqual(expected[pkg.code as keyof typeof expected]);
      expect(within(card).getByRole('group', { name: 'Change package' })).toHaveTextContent(`Pick ${pkg.name}`);
    }
    const starter = screen.getByRole('article', { name: 'Starter' });
    expect(starter).toHaveAttribute('aria-current', 'true');
    expect(starter).toHaveTextContent('Current');
    expect(screen.getByRole('article', { name: 'Free' })).not.toHaveAttribute('aria-current');
    expect(screen.getByRole('article', { name: 'Free' })).not.toHaveTextContent('Current');
    expect(screen.getByRole('article', { name: 'Pro' })).toHaveTextContent('Subscribed, not in force');
  });

  it('leaves the cards without buttons when nothing can be done', () => {
    screenWidth(true);
    renderWithProviders(<PackageComparison packages={packages} currentCode="free" />);

    expect(screen.getByRole('article', { name: 'Free' })).toHaveAttribute('aria-current', 'true');
    expect(screen.queryByRole('group', { name: 'Change package' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
