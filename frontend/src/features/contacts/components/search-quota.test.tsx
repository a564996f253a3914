import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders, stubApi } from '@/testing/test-utils';

import { QuotaExceededAlert } from './search-quota';

describe('QuotaExceededAlert', () => {
  it('says when the quota comes back, also without a reset time from the server', async () => {
    stubApi({});
    renderWithProviders(<QuotaExceededAlert error={new Error('quota')} />);

    // Quotas follow the calendar month in UTC, not the billing period.
    expect(await screen.findByTestId('quota-exceeded')).toHaveTextContent('They reset at 00:00 UTC on the 1st of next month.');
  });
});
