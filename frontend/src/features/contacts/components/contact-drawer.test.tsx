import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import type { Company } from '../api/get-company';
import { contact, signIn } from '../testing/fixtures';
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
