import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import approved from '../terms-of-service.txt?raw';
import { TermsRoute } from './terms';

/**
 * Writes the rendered page back in the approved file's plain-text layout: the product line, the
 * date and the title, then each block after a blank line, a list as one "  • item" line per item.
 */
function asApprovedText(article: HTMLElement): string {
  // The page prints the title between the product line and the date; the file puts it after both.
  const header = article.querySelector('header')!;
  const [product, title, date] = Array.from(header.children, (el) => el.textContent ?? '');
  const lines = [product, date, '', title];
  const block = (el: Element) => {
    lines.push('');
    if (el.tagName === 'UL') {
      for (const li of el.querySelectorAll('li')) lines.push(`  • ${li.textContent ?? ''}`);
    } else {
      lines.push(el.textContent ?? '');
    }
  };
  for (const el of Array.from(article.children).slice(1)) {
    if (el.tagName === 'SECTION') {
      const [heading, ...blocks] = Array.from(el.children);
      lines.push('', heading!.textContent ?? '');
      blocks.forEach(block);
    } else {
      block(el);
    }
  }
  return lines.join('\n');
}

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

  it('renders the approved text word for word, every section and bullet in order', () => {
    const { container } = renderWithProviders(<TermsRoute />, { route: '/terms' });

    expect(asApprovedText(container.querySelector('article')!)).toBe(approved.trimEnd());
  });

  it('links the Privacy Policy page', () => {
    renderWithProviders(<TermsRoute />, { route: '/terms' });

    expect(screen.getByRole('link', { name: 'Privacy Policy' })).toHaveAttribute('href', '/privacy');
  });
});
