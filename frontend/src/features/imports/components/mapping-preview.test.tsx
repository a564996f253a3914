import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { importFixture } from '../testing/fixtures';
import { MappingPreview } from './mapping-preview';

describe('MappingPreview', () => {
  it('keeps the check badge whole beside long values', () => {
    const imp = importFixture({
      preview: [
        {
          row: 2,
          values: { email: 'a-really-long-address-without-any-break@an-even-longer-company-domain.example', first_name: 'José' },
          errors: [{ field: 'email', code: 'invalid_email', message: 'not an email address' }],
          usable: false,
        },
      ],
    });
    renderWithProviders(<MappingPreview imp={imp} />);

    const check = screen.getByTestId('preview-check');
    expect(check).toHaveStyle({ whiteSpace: 'nowrap' });
    const badge = within(check).getByText('Invalid');
    // The label must not clip to an ellipsis ("INV…").
    expect(badge).toHaveStyle({ overflow: 'visible' });
    expect(badge.closest('.mantine-Badge-root')).toHaveStyle({ overflow: 'visible', flexShrink: '0' });
    expect(screen.getByText(/a-really-long-address/)).toHaveStyle({ overflowWrap: 'anywhere' });
  });
});
