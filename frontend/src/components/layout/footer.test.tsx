import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { Footer } from './footer';

describe('Footer', () => {
  it('links the legal pages and both support channels', () => {
    renderWithProviders(<Footer />);

    const footer = screen.getByRole('contentinfo');
    expect(within(footer).getByRole('link', { name: 'Terms of Service' })).toHaveAttribute('href', '/terms');
    expect(within(footer).getByRole('link', { name: 'Privacy' })).toHaveAttribute('href', '/privacy');
    expect(within(footer).getByRole('link', { name: 'support@1cloudcrm.com' })).toHaveAttribute(
      'href',
      'mailto:support@1cloudcrm.com',
    );
    expect(within(footer).getByRole('link', { name: 'Contact form' })).toHaveAttribute(
      'href',
      'https://1cloudaicrm.com/contact',
    );
  });
});
