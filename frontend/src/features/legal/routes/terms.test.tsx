import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { inlineText } from '../legal-document';
import { termsOfService } from '../terms-of-service';
import { TermsRoute } from './terms';

describe('TermsRoute', () => {
  it('shows the title and the date of the current terms', () => {
    renderWithProviders(<TermsRoute />, { route: '/terms' });

    expect(screen.getByRole('heading', { level: 1, name: 'Terms of Service' })).toBeInTheDocument();
    expect(screen.getByText('Last updated: May 30, 2026')).toBeInTheDocument();
    expect(screen.getByText('1CloudAI Business Contacts')).toBeInTheDocument();
  });

  it('links the support address and the contact form', () => {
    renderWithProviders(<TermsRoute />, { route: '/terms' });

    const support = screen.getByRole('heading', { name: 'Support' }).closest('section')!;
    expect(support).toHaveTextContent(
      'For support, email support@1cloudcrm.com or use the support form at https://1cloudaicrm.com/contact.',
    );
    expect(within(support).getByRole('link', { name: 'support@1cloudcrm.com' })).toHaveAttribute(
      'href',
      'mailto:support@1cloudcrm.com',
    );
    expect(within(support).getByRole('link', { name: 'https://1cloudaicrm.com/contact' })).toHaveAttribute(
      'href',
      'https://1cloudaicrm.com/contact',
    );
  });

  it('renders every section and every bullet in order', () => {
    renderWithProviders(<TermsRoute />, { route: '/terms' });

    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(headings).toEqual([
      'Use of the service',
      'Accounts and permissions',
      'Contact data and CRM sync',
      'Packages, billing, and limits',
      'Availability and changes',
      'Support',
      'Privacy',
    ]);
    expect(screen.getAllByRole('listitem')).toHaveLength(4);

    const article = screen.getByRole('article');
    for (const section of termsOfService.sections) {
      for (const block of section.blocks) {
        const runs = block.kind === 'list' ? block.items : [block.content];
        for (const run of runs) {
          expect(article).toHaveTextContent(run.map(inlineText).join(''));
        }
      }
    }
  });

  it('links the Privacy Policy page', () => {
    renderWithProviders(<TermsRoute />, { route: '/terms' });

    expect(screen.getByRole('link', { name: 'Privacy Policy' })).toHaveAttribute('href', '/privacy');
  });
});
