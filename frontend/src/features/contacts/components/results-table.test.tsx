import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { contact } from '../testing/fixtures';
import { ResultsTable } from './results-table';

function renderTable() {
  const long = contact({
    first_name: 'Maximiliana-Theodora',
    last_name: 'Wolfeschlegelsteinhausenbergerdorff',
    company_domain: 'a-very-long-company-domain-that-does-not-break.example',
  });
  renderWithProviders(
    <ResultsTable
      label="Search results"
      contacts={[long]}
      selected={new Set()}
      onToggle={vi.fn()}
      onToggleAll={vi.fn()}
      activeIndex={-1}
      onActiveChange={vi.fn()}
      onOpen={vi.fn()}
      selectable
    />,
  );
}

describe('ResultsTable', () => {
  it('scrolls sideways inside its own container, not the page', () => {
    renderTable();

    const container = screen.getByTestId('results-scroll');
    expect(container).toContainElement(screen.getByTestId('results-table'));
    // Mantine's native scroll container: overflow-x: var(--table-overflow).
    expect(container.style.getPropertyValue('--table-overflow')).toBe('auto');
  });

  it('lets long names and domains wrap instead of widening the table', () => {
    renderTable();

    const name = screen.getByTestId('result-name');
    expect(name.style.whiteSpace).not.toBe('nowrap');
    expect(name).toHaveStyle({ overflowWrap: 'anywhere' });
    expect(screen.getByText('a-very-long-company-domain-that-does-not-break.example')).toHaveStyle({ overflowWrap: 'anywhere' });
  });

  it('shows a cut company, domain and location whole on hover', () => {
    // Cut to one line ("Sunrise…", "Phoenix,…"): without a title the rest could not be read.
    const company = 'Sunrise International Logistics and Freight Forwarding Holdings';
    renderWithProviders(
      <ResultsTable
        label="Search results"
        contacts={[contact({ company_name: company, company_domain: 'sunriseinternational-logistics.example', city: 'Phoenix', region: 'Arizona', country: 'US' })]}
        selected={new Set()}
        onToggle={vi.fn()}
        onToggleAll={vi.fn()}
        activeIndex={-1}
        onActiveChange={vi.fn()}
        onOpen={vi.fn()}
        selectable
      />,
    );

    expect(screen.getByText(company)).toHaveAttribute('title', company);
    expect(screen.getByText(company)).toHaveAttribute('dir', 'auto');
    expect(screen.getByText('sunriseinternational-logistics.example')).toHaveAttribute('title', 'sunriseinternational-logistics.example');
    const location = screen.getByText(/^Phoenix/);
    expect(location).toHaveAttribute('title', location.textContent);
  });
});
