import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { contact, me, memberPermissions, signIn } from '../testing/fixtures';
import { CorrectionForm } from './correction-form';

describe('CorrectionForm', () => {
  it('shows the server’s 422 message next to the value', async () => {
    signIn('member');
    const person = contact({ first_name: 'Ada', last_name: 'Lovelace' });
    const bodies: unknown[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me(memberPermissions, 'member')),
      'POST /contacts/:id/corrections': async (request) => {
        bodies.push(await request.json());
        return problemResponse({
          status: 422,
          title: 'Unprocessable Entity',
          type: 'validation-error',
          code: 'invalid',
          detail: 'Invalid correction.',
          errors: [{ field: 'value', message: 'must be an email address' }],
        });
      },
    });
    renderWithProviders(<CorrectionForm contact={person} />);

    await userEvent.click(screen.getByRole('combobox', { name: 'Field' }));
    await userEvent.click(screen.getByRole('option', { name: 'Email' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Correct value' }), 'not-an-email');
    await userEvent.click(screen.getByRole('button', { name: 'Submit correction' }));

    expect(await screen.findByText('must be an email address')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Correct value' })).toHaveAttribute('aria-invalid', 'true');
    // Every problem sits next to its field: no general alert on top.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(bodies).toEqual([{ field: 'email', value: 'not-an-email' }]);
  });

  it('does not show the current value in the empty box as if it were typed', async () => {
    signIn('member');
    const person = contact({ first_name: 'Ada', last_name: 'Lovelace', title: 'Senior Sales Engineer' });
    stubApi({ 'GET /me': () => jsonResponse(me(memberPermissions, 'member')) });
    renderWithProviders(<CorrectionForm contact={person} />);

    const value = screen.getByRole('textbox', { name: 'Correct value' });
    expect(value).toHaveValue('');
    expect(value).toHaveAttribute('placeholder', 'The right value');
    expect(screen.getByText('Now: Senior Sales Engineer')).toBeInTheDocument();
  });

  it.each([
    ['pending', 'Title corrected to “\u2068CTO\u2069”. Your team sees it now; we review it for everyone.'],
    // A private contact's correction, or one back to the shared value, applies at once: no review.
    ['accepted', 'Title is now “\u2068CTO\u2069”.'],
  ])('says what happens to a %s correction', async (status, message) => {
    signIn('member');
    const person = contact({ first_name: 'Ada', last_name: 'Lovelace' });
    stubApi({
      'GET /me': () => jsonResponse(me(memberPermissions, 'member')),
      'POST /contacts/:id/corrections': () =>
        jsonResponse(
          {
            id: 'c1',
            tenant_id: 't1',
            contact_id: person.id,
            field: 'title',
            old_value: person.title,
            new_value: 'CTO',
            status,
            reviewed_at: null,
            created_at: '2026-11-01T10:00:00Z',
          },
          { status: 201 },
        ),
      'GET /contacts/:id': () => jsonResponse({ ...person, title: 'CTO' }),
    });
    renderWithProviders(<CorrectionForm contact={person} />);

    await userEvent.type(screen.getByRole('textbox', { name: 'Correct value' }), 'CTO');
    await userEvent.click(screen.getByRole('button', { name: 'Submit correction' }));

    expect(await screen.findByText(message)).toBeInTheDocument();
  });

  it('counts characters as the server does: a title takes 200, emoji count one each', async () => {
    signIn('member');
    const person = contact({ first_name: 'Ada', last_name: 'Lovelace' });
    const bodies: { field: string; value: string }[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me(memberPermissions, 'member')),
      'POST /contacts/:id/corrections': async (request) => {
        const body = (await request.json()) as { field: string; value: string };
        bodies.push(body);
        return problemResponse({
          status: 422,
          title: 'Unprocessable Entity',
          type: 'validation-error',
          code: 'invalid',
          detail: 'Invalid correction.',
          errors: [{ field: 'value', message: 'must be 1 to 200 characters of text' }],
        });
      },
    });
    renderWithProviders(<CorrectionForm contact={person} />);

    // The server takes a title of 1 to 200 characters (code points, counted without the spaces
    // around it): 150 emoji fit though they are 300 UTF-16 units, the 201st character is cut.
    const input = screen.getByRole('textbox', { name: 'Correct value' });
    await userEvent.click(input);
    await userEvent.paste(`${'👍'.repeat(150)} `);
    expect(input).toHaveValue(`${'👍'.repeat(150)} `);
    await userEvent.paste('x'.repeat(60));
    expect(input).toHaveValue(`${'👍'.repeat(150)} ${'x'.repeat(49)}`);
    await userEvent.click(screen.getByRole('button', { name: 'Submit correction' }));

    expect(await screen.findByText('must be 1 to 200 characters of text')).toBeInTheDocument();
    expect(bodies).toEqual([{ field: 'title', value: `${'👍'.repeat(150)} ${'x'.repeat(49)}` }]);
  });

  it.each([
    ['Company name', 300],
    ['City', 100],
  ])('takes as many characters of a %s as the server (and an import): %i', async (label, max) => {
    signIn('member');
    const person = contact({ first_name: 'Ada', last_name: 'Lovelace' });
    stubApi({ 'GET /me': () => jsonResponse(me(memberPermissions, 'member')) });
    renderWithProviders(<CorrectionForm contact={person} />);

    await userEvent.click(screen.getByRole('combobox', { name: 'Field' }));
    await userEvent.click(screen.getByRole('option', { name: label }));
    const input = screen.getByRole('textbox', { name: 'Correct value' });
    await userEvent.click(input);
    await userEvent.paste('ü'.repeat(max + 20));
    expect(input).toHaveValue('ü'.repeat(max));
  });
});
