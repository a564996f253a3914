import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';

import { jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { contact, me, memberPermissions, signIn, viewerPermissions } from '../testing/fixtures';
import type { Contact } from '../api/search-contacts';
import { SavedNotes } from './saved-notes';

/** The contact as the drawer gets it over time: the row first, then each fresher record. */
function NoteVersions({ versions }: { versions: Contact[] }) {
  const [index, setIndex] = useState(0);
  return (
    <>
      <button type="button" onClick={() => setIndex((i) => Math.min(i + 1, versions.length - 1))}>
        Next version
      </button>
      <SavedNotes contact={versions[index]!} canEdit />
    </>
  );
}

describe('SavedNotes', () => {
  it('saves the edited note of a saved contact', async () => {
    signIn('member');
    const person = contact({ saved: true, saved_status: 'saved', saved_notes: 'Met at SaaStr.' });
    const bodies: unknown[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me(memberPermissions, 'member')),
      'PATCH /saved-contacts/:id': async (request) => {
        const body = (await request.json()) as { notes: string };
        bodies.push(body);
        return jsonResponse({ ...person, saved_notes: body.notes.trim() });
      },
    });
    renderWithProviders(<SavedNotes contact={person} canEdit />);

    const note = screen.getByRole('textbox', { name: 'Note for your team' });
    expect(note).toHaveValue('Met at SaaStr.');
    expect(screen.getByRole('button', { name: 'Save note' })).toBeDisabled();
    await userEvent.type(note, ' Prefers email.');
    await userEvent.click(screen.getByRole('button', { name: 'Save note' }));

    expect(await screen.findByText('Note saved.')).toBeInTheDocument();
    expect(bodies).toEqual([{ notes: 'Met at SaaStr. Prefers email.' }]);
    expect(screen.getByRole('button', { name: 'Save note' })).toBeDisabled();
  });

  it('follows the note the full record brings while it is not being edited', async () => {
    signIn('member');
    stubApi({ 'GET /me': () => jsonResponse(me(memberPermissions, 'member')) });
    // The drawer opens on the row the user clicked, then the full record arrives: a row from an
    // earlier search holds the note as it was then (a teammate changed it, or unsaving dropped it).
    const row = contact({ saved: true, saved_status: 'saved', saved_notes: 'Old note.' });
    renderWithProviders(
      <NoteVersions
        versions={[
          row,
          { ...row, saved_notes: 'Call on Monday.' },
          { ...row, saved_notes: undefined },
          { ...row, saved_notes: 'Someone else’s note.' },
        ]}
      />,
    );
    const note = screen.getByRole('textbox', { name: 'Note for your team' });
    const next = screen.getByRole('button', { name: 'Next version' });
    expect(note).toHaveValue('Old note.');

    await userEvent.click(next);
    expect(note).toHaveValue('Call on Monday.');
    expect(screen.getByRole('button', { name: 'Save note' })).toBeDisabled();

    await userEvent.click(next);
    expect(note).toHaveValue('');
    expect(screen.getByRole('button', { name: 'Save note' })).toBeDisabled();

    // What the user is typing stays theirs.
    await userEvent.type(note, 'Draft');
    await userEvent.click(next);
    expect(note).toHaveValue('Draft');
    expect(screen.getByRole('button', { name: 'Save note' })).toBeEnabled();
  });

  it('shows the server’s 422 message next to the note', async () => {
    signIn('member');
    const person = contact({ saved: true, saved_status: 'saved' });
    stubApi({
      'GET /me': () => jsonResponse(me(memberPermissions, 'member')),
      'PATCH /saved-contacts/:id': () =>
        problemResponse({
          status: 422,
          title: 'Unprocessable Entity',
          type: 'validation-error',
          code: 'invalid',
          detail: 'The note has characters that are not text.',
          errors: [{ field: 'notes', message: 'must be text (line breaks and tabs allowed)' }],
        }),
    });
    renderWithProviders(<SavedNotes contact={person} canEdit />);

    await userEvent.type(screen.getByRole('textbox', { name: 'Note for your team' }), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Save note' }));

    expect(await screen.findByText('must be text (line breaks and tabs allowed)')).toBeInTheDocument();
    // The message sits next to the note, not repeated in an alert above the form.
    expect(screen.queryByText('The note has characters that are not text.')).not.toBeInTheDocument();
  });

  it('shows a viewer the note without a form', () => {
    signIn('viewer');
    stubApi({ 'GET /me': () => jsonResponse(me(viewerPermissions, 'viewer')) });
    renderWithProviders(<SavedNotes contact={contact({ saved: true, saved_notes: 'Warm lead.' })} canEdit={false} />);

    expect(screen.getByTestId('saved-notes')).toHaveTextContent('Warm lead.');
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
  });

  it('counts characters as the server does: an emoji is one, not two', async () => {
    signIn('member');
    const bodies: { notes: string }[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me(memberPermissions, 'member')),
      'PATCH /saved-contacts/:id': async (request) => {
        const body = (await request.json()) as { notes: string };
        bodies.push(body);
        return jsonResponse({ ...person, saved_notes: body.notes });
      },
    });
    // 1,200 emoji are 2,400 UTF-16 units but 1,200 of the server's 2,000 characters.
    const person = contact({ saved: true, saved_status: 'saved', saved_notes: '👍'.repeat(1200) });
    renderWithProviders(<SavedNotes contact={person} canEdit />);

    expect(screen.getByText('1200 / 2000')).toBeInTheDocument();
    const note = screen.getByRole('textbox', { name: 'Note for your team' });
    await userEvent.type(note, ' ok');
    expect(screen.getByText('1203 / 2000')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save note' }));
    expect(await screen.findByText('Note saved.')).toBeInTheDocument();
    expect(bodies).toEqual([{ notes: `${'👍'.repeat(1200)} ok` }]);
  });

  it('does not count the line break after a full note, as the server trims it', async () => {
    signIn('member');
    stubApi({ 'GET /me': () => jsonResponse(me(memberPermissions, 'member')) });
    const person = contact({ saved: true, saved_status: 'saved', saved_notes: '👍'.repeat(2000) });
    renderWithProviders(<SavedNotes contact={person} canEdit />);

    const note = screen.getByRole('textbox', { name: 'Note for your team' });
    await userEvent.type(note, '{Enter}');
    expect(note).toHaveValue(`${'👍'.repeat(2000)}\n`);
    expect(screen.getByText('2000 / 2000')).toBeInTheDocument();
    // A character more is cut: the note keeps its 2,000.
    await userEvent.type(note, 'x');
    expect(note).toHaveValue('👍'.repeat(2000));
  });
});
