import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders, stubApi } from '@/testing/test-utils';

import { facets } from '../testing/fixtures';
import { SearchFilters } from './search-filters';

function facetRow(group: string, label: string) {
  const checkbox = within(screen.getByRole('group', { name: group })).getByRole('checkbox', { name: label });
  return checkbox.closest('.mantine-Group-root') as HTMLElement;
}

describe('SearchFilters', () => {
  it('shows an exact count of 0 as 0', () => {
    stubApi({});
    renderWithProviders(<SearchFilters filters={{}} facets={facets} onChange={() => {}} canExcludeSaved />);

    expect(within(facetRow('Seniority', 'Senior')).getByTestId('facet-count')).toHaveTextContent('40');
    expect(within(facetRow('Seniority', 'Owner')).getByTestId('facet-count')).toHaveTextContent(/^0$/);
  });

  it('does not claim 0 for a value a sample missed', () => {
    stubApi({});
    // A broad search counts facets over a sample of 300 matches and scales them up: a value the
    // sample did not meet may still match tens of contacts (the same search could show 111 or 0).
    renderWithProviders(
      <SearchFilters filters={{}} facets={{ ...facets, is_capped: true }} onChange={() => {}} canExcludeSaved />,
    );

    expect(within(facetRow('Seniority', 'Senior')).getByTestId('facet-count')).toHaveTextContent('40');
    const missed = within(facetRow('Seniority', 'Owner')).getByTestId('facet-count');
    expect(missed).not.toHaveTextContent(/\b0\b/);
    expect(missed).toHaveTextContent('too few to estimate');
    expect(screen.getByText(/values too rare in it to estimate/)).toBeInTheDocument();
  });
});
