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
});
