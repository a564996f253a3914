import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { ImportOptions } from './import-options';

describe('import options', () => {
  it('keeps each match key on one line: a long "map a column first" hint wraps under its label, not the arrows', () => {
    renderWithProviders(
      <ImportOptions
        mapping={{ has_header: true, columns: ['email', 'first_name', ''], match_keys: [], mode: 'create_and_update', overwrite: false }}
        lists={[]}
        onChange={vi.fn()}
      />,
    );

    const option = screen.getByTestId('match-key-linkedin_url');
    expect(within(option).getByText('Map a column to LinkedIn URL first.')).toBeInTheDocument();
    expect(within(option).getByRole('button', { name: 'Move LinkedIn URL down' })).toBeInTheDocument();
    // jsdom lays nothing out: the browser test (e2e/route-focus.test.mjs) measures it at 375px.
    // Here: the row may not wrap, and the checkbox (label and hint) may shrink below its text's width.
    for (const key of ['email', 'linkedin_url', 'name_company']) {
      expect(screen.getByTestId(`match-key-${key}`).style.getPropertyValue('--group-wrap')).toBe('nowrap');
    }
    expect(within(option).getByRole('checkbox').closest('.mantine-Checkbox-root')).toHaveStyle({ minWidth: '0rem' });
  });
});
