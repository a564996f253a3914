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
          warnings: [],
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

describe('MappingPreview on a narrow screen', () => {
  it('gives every column room to read and scrolls sideways instead of breaking names a letter a line', () => {
    const imp = importFixture({
      mapping: { ...importFixture().mapping, columns: ['email', 'first_name', 'last_name', 'company_name'] },
      preview: [
        {
          row: 2,
          values: {
            email: 'alexandra.konstantinopoulou@very-long-company-domain-name.example',
            first_name: 'Alexandra',
            last_name: 'Konstantinopoulou',
            company_name: 'Very Long Company Name International Holdings',
          },
          errors: [],
          warnings: [],
          usable: true,
        },
      ],
    });
    renderWithProviders(<MappingPreview imp={imp} />);

    const [, row] = screen.getAllByRole('row');
    const [, email, first, last, company] = within(row!).getAllByRole('cell');
    expect(email).toHaveStyle({ minWidth: '200px' });
    for (const cell of [first, last, company]) expect(cell).toHaveStyle({ minWidth: '112px' });
    // The table as a whole is at least as wide as its columns: the container scrolls, the page does not.
    const scroller = screen.getByTestId('mapping-preview').closest('.mantine-TableScrollContainer-scrollContainer');
    expect((scroller as HTMLElement).style.getPropertyValue('--table-min-width')).toBe(
      `calc(${(56 + 96 + 200 + 3 * 112) / 16}rem * var(--mantine-scale))`,
    );
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
          warnings: [],
          usable: false,
        },
        {
          row: 6,
          values: { first_name: 'Nobody' },
          errors: [
            { field: '', code: 'not_usable', message: 'The row needs an email, a LinkedIn URL, or first name, last name and company.' },
          ],
          warnings: [],
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

describe('MappingPreview warnings', () => {
  it('shows a value a usable row would be imported without as dropped, with a Warning check', () => {
    const imp = importFixture({
      mapping: { ...importFixture().mapping, columns: ['email', 'first_name', 'phone'] },
      preview: [
        {
          row: 2,
          // The bad phone is not in the values: the contact is imported without it.
          values: { email: 'ann@acme.example', first_name: 'Ann' },
          errors: [],
          warnings: [{ field: 'phone', code: 'invalid_phone', message: '"ext. 12" is not a valid phone number (read in region US).' }],
          usable: true,
        },
        { row: 3, values: { email: 'bo@acme.example', first_name: 'Bo', phone: '+14155550100' }, errors: [], warnings: [], usable: true },
      ],
    });
    renderWithProviders(<MappingPreview imp={imp} />);

    const [, ann, bo] = screen.getAllByRole('row');
    const phoneCell = within(ann!).getAllByRole('cell')[3]!;
    expect(phoneCell).toHaveTextContent('Dropped: "ext. 12" is not a valid phone number (read in region US).');
    expect(within(ann!).getByTestId('preview-check')).toHaveTextContent('Warning');
    expect(within(ann!).getByTestId('preview-check')).not.toHaveTextContent('Invalid');
    expect(within(bo!).getByTestId('preview-check')).toHaveTextContent('OK');
  });
});

describe('MappingPreview of a full name column', () => {
  it('shows the first and last name the import splits the column into (the server has no full_name value)', () => {
    const imp = importFixture({
      mapping: { ...importFixture().mapping, columns: ['full_name', 'company_name'] },
      preview: [
        {
          row: 2,
          // "Müller, Hans" in the file: the preview holds the names as the import stores them.
          values: { first_name: 'Hans', last_name: 'Müller', company_name: 'ACME GmbH' },
          errors: [],
          warnings: [],
          usable: true,
        },
      ],
    });
    renderWithProviders(<MappingPreview imp={imp} />);

    const [, row] = screen.getAllByRole('row');
    const [, fullName, company] = within(row!).getAllByRole('cell');
    expect(fullName).toHaveTextContent(/^Hans Müller$/);
    expect(company).toHaveTextContent('ACME GmbH');
  });

  it('leaves to their own columns the names mapped separately', () => {
    const imp = importFixture({
      mapping: { ...importFixture().mapping, columns: ['first_name', 'full_name'] },
      preview: [
        {
          row: 2,
          values: { first_name: 'Hansi', last_name: 'Müller' },
          errors: [],
          warnings: [],
          usable: false,
        },
      ],
    });
    renderWithProviders(<MappingPreview imp={imp} />);

    const [, row] = screen.getAllByRole('row');
    const [, first, fullName] = within(row!).getAllByRole('cell');
    expect(first).toHaveTextContent(/^Hansi$/);
    expect(fullName).toHaveTextContent(/^Müller$/);
  });
});

describe('MappingPreview warnings', () => {
  it('says a dropped value was dropped, and a value imported in part or to check says so instead', () => {
    const imp = importFixture({
      mapping: { ...importFixture().mapping, columns: ['email', 'phone', 'country'] },
      preview: [
        {
          row: 2,
          values: { email: 'ann@acme.example', phone: '+14155552671' },
          errors: [],
          warnings: [
            { field: 'email', code: 'extra_emails', message: 'The cell holds more than one address: ann@acme.example was imported, bo@acme.example not.' },
            { field: 'phone', code: 'phone_extension', message: 'The extension 12 was left out.' },
            { field: 'country', code: 'invalid_country', message: '"Narnia" is not a country.' },
          ],
          usable: true,
        },
        {
          row: 3,
          values: { email: 'bo@acme.example', phone: '+494917012345678' },
          errors: [],
          warnings: [{ field: 'phone', code: 'ambiguous_phone', message: 'Check the number.' }],
          usable: true,
        },
      ],
    });
    renderWithProviders(<MappingPreview imp={imp} />);

    expect(screen.getByText(/^Imported in part: The cell holds more than one address/)).toBeInTheDocument();
    expect(screen.getByText('Imported in part: The extension 12 was left out.')).toBeInTheDocument();
    expect(screen.getByText('Dropped: "Narnia" is not a country.')).toBeInTheDocument();
    expect(screen.getByText('To check: Check the number.')).toBeInTheDocument();
    expect(screen.queryByText(/^Dropped: The extension/)).not.toBeInTheDocument();
  });
});
