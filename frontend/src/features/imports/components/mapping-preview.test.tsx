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

describe('MappingPreview reasons', () => {
  it('shows why a row is not usable in the row itself, not only on hover (touch screens and keyboards have none)', () => {
    const imp = importFixture({
      mapping: { ...importFixture().mapping, columns: ['email', 'first_name', 'last_name', ''] },
      preview: [
        {
          row: 5,
          // The preview holds values as the import would store them: the bad email is dropped.
          values: { first_name: 'Bad', last_name: 'Mail' },
          errors: [{ field: 'email', code: 'invalid_email', message: '"not-an-email" is not a valid email address.' }],
          usable: false,
        },
        {
          row: 6,
          values: { first_name: 'Nobody' },
          errors: [
            { field: '', code: 'not_usable', message: 'The row needs an email, a LinkedIn URL, or first name, last name and company.' },
          ],
          usable: false,
        },
      ],
    });
    renderWithProviders(<MappingPreview imp={imp} />);

    const [, badEmail, nobody] = screen.getAllByRole('row');
    // The email cell of row 5 says what was wrong with the value that is not there.
    const emailCell = within(badEmail!).getAllByRole('cell')[1]!;
    expect(emailCell).toHaveTextContent('"not-an-email" is not a valid email address.');
    expect(within(nobody!).getByText(/The row needs an email, a LinkedIn URL/)).toBeVisible();
  });
});
