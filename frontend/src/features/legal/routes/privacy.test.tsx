import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { PrivacyRoute } from './privacy';

function section(heading: string): HTMLElement {
  return screen.getByRole('heading', { level: 2, name: heading }).closest('section')!;
}

describe('PrivacyRoute', () => {
  // The policy says what the service stores: a session keeps the address and browser it was
  // started from (sessions.ip, user_agent), a reset link the address that asked for it
  // (password_resets.request_ip), and sign-in throttling counts failures per email address and
  // per IP address (auth_throttle), each kept for a stated time (identity.Prune).
  it('says which addresses and browsers sign-in stores, and for how long', () => {
    renderWithProviders(<PrivacyRoute />, { route: '/privacy' });

    const sessions = section('Sessions');
    expect(sessions).toHaveTextContent('the IP address and the browser (user agent) it was started from');
    expect(sessions).toHaveTextContent('deleted 30 days after it ends');

    const account = section('Your account');
    expect(account).toHaveTextContent(
      'When you ask for a password reset, a SHA-256 hash of the link, its expiry and the IP address that asked for it',
    );
    expect(account).toHaveTextContent(
      'Failed sign-ins, counted per email address and per IP address to slow down password guessing',
    );
  });

  // Mail goes through outbox_emails (internal/mail): the recipient, subject and send time are kept
  // for mail.OutboxRetention (30 days, mail.Prune); the body is cleared once the message is sent.
  it('says what the outbox keeps of the messages it sends, and for how long', () => {
    renderWithProviders(<PrivacyRoute />, { route: '/privacy' });

    expect(section('Your account')).toHaveTextContent(
      'We keep the address a message went to, its subject and when it was sent for 30 days; its text, with its links, is deleted as soon as it has been sent.',
    );
  });
});
