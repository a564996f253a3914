import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import type { Company } from '../api/get-company';
import { contact, correction, signIn } from '../testing/fixtures';
import { ContactDrawer } from './contact-drawer';

const noop = () => {};

function company(overrides: Partial<Company>): Company {
  return {
    id: 'company-1',
    name: 'Acme',
    domain: 'acme.example',
    industry: '',
    employee_range: '',
    revenue_range: '',
    founded_year: null,
    city: '',
    region: '',
    country: '',
    linkedin_url: '',
    contact_count: 2,
    contact_count_is_capped: false,
    contacts: [contact({ first_name: 'Ada', last_name: 'Lovelace' }), contact({ first_name: 'Alan', last_name: 'Turing' })],
    next_contacts_cursor: '',
    ...overrides,
  };
}

function renderCompany(answer: Company) {
  signIn();
  stubApi({ 'GET /companies/:id': () => jsonResponse(answer) });
  renderWithProviders(
    <ContactDrawer
      view={{ kind: 'company', id: 'company-1', name: 'Acme' }}
      onNavigate={noop}
      onClose={noop}
      canSave={false}
      canCorrect={false}
      onSave={noop}
    />,
  );
}

describe('ContactDrawer, a company', () => {
  it('says the pages of a company with 10,000+ people end where the server stopped them', async () => {
    renderCompany(company({ contact_count: 10_000, contact_count_is_capped: true }));

    expect(await screen.findByText('Ada Lovelace')).toBeInTheDocument();
    expect(screen.getByTestId('company-contacts-end')).toHaveTextContent(
      'The first 2 contacts are shown: search for the company with more filters to see the others.',
    );
    expect(screen.queryByRole('button', { name: /Load more/ })).not.toBeInTheDocument();
  });

  it('says nothing more when every person of the company is shown', async () => {
    renderCompany(company({}));

    expect(await screen.findByText('Ada Lovelace')).toBeInTheDocument();
    expect(screen.getByTestId('company-contact-count')).toHaveTextContent('2 contacts you can see');
    expect(screen.queryByTestId('company-contacts-end')).not.toBeInTheDocument();
  });
});

describe('ContactDrawer, a corrected contact', () => {
  const corrected = contact({
    id: 'contact-1',
    first_name: 'Zoë',
    last_name: 'Müller',
    title: 'VP Engineering',
    corrections: [{ id: 'corr-1', field: 'title', value: 'VP Engineering', canonical: 'CTO', status: 'pending' }],
  });
  const pending = correction({ current_value: 'CTO', stale: true, submitted_by_name: 'Ada' });

  it('says a pending correction’s shared value changed since, and offers to undo it', async () => {
    signIn('member');
    const asked: string[] = [];
    stubApi({
      'GET /contacts/:id': () => jsonResponse(corrected),
      'GET /corrections': (request) => {
        asked.push(new URL(request.url).search);
        return jsonResponse({ items: [pending], next_cursor: '' });
      },
    });
    renderWithProviders(
      <ContactDrawer view={{ kind: 'contact', id: 'contact-1' }} onNavigate={noop} onClose={noop} canSave={false} canCorrect />,
    );

    const note = await screen.findByTestId('changed-since-title');
    expect(note).toHaveTextContent('it is now “CTO”');
    expect(screen.getByRole('button', { name: 'Undo the title correction of Zoë Müller' })).toBeEnabled();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('status=pending');
    expect(asked[0]).toContain('contact_id=contact-1');
  });

  it('asks nothing when no correction of the contact is pending', async () => {
    signIn('member');
    const asked: string[] = [];
    stubApi({
      'GET /contacts/:id': () =>
        jsonResponse({ ...corrected, corrections: [{ ...corrected.corrections[0]!, status: 'rejected' }] }),
      'GET /corrections': (request) => {
        asked.push(request.url);
        return jsonResponse({ items: [], next_cursor: '' });
      },
    });
    renderWithProviders(
      <ContactDrawer view={{ kind: 'contact', id: 'contact-1' }} onNavigate={noop} onClose={noop} canSave={false} canCorrect />,
    );

    expect(await screen.findByTestId('corrected-title')).toHaveTextContent('rejected');
    expect(screen.queryByTestId('drawer-changed-since')).not.toBeInTheDocument();
    expect(asked).toEqual([]);
  });
});

describe('ContactDrawer, text in right-to-left scripts', () => {
  it('sets the title and the company apart, each in its own direction', async () => {
    // As one run, "مدير المبيعات · 3M" showed as "3 · مدير المبيعات M": the company's digit
    // joined the Arabic title.
    signIn();
    stubApi({
      'GET /contacts/:id': () => jsonResponse(contact({ id: 'contact-ar', first_name: 'محمد', last_name: 'العبدالله', title: 'مدير المبيعات', company_name: '3M' })),
    });
    renderWithProviders(
      <ContactDrawer view={{ kind: 'contact', id: 'contact-ar' }} onNavigate={noop} onClose={noop} canSave={false} canCorrect={false} />,
    );

    const headline = await screen.findByTestId('contact-headline');
    expect(headline).toHaveTextContent('مدير المبيعات · 3M');
    expect([...headline.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual(['مدير المبيعات', '3M']);
  });
});
