import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { jsonResponse, renderRoutes, stubFetch } from '@/testing/test-utils';

import { navItems, unavailableHint } from './navigation';
import { appRoutes } from './routes';

function stubStatus() {
  stubFetch(() =>
    jsonResponse({
      name: '1CloudAI Business Contacts',
      version: 'dev',
      environment: 'test',
      database: 'ok',
      time: '2026-11-28T20:00:00Z',
    }),
  );
}

describe('app shell', () => {
  it('shows the product name, the overview and the footer on /', async () => {
    stubStatus();
    renderRoutes(appRoutes, { route: '/' });

    expect(screen.getByTestId('product-name')).toHaveTextContent('1CloudAI Business Contacts');
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeInTheDocument();
    expect(await screen.findByTestId('status-database')).toHaveTextContent('ok');
    expect(screen.getByRole('contentinfo')).toBeInTheDocument();
  });

  it('renders features that have not shipped as disabled entries with a hint', async () => {
    stubStatus();
    renderRoutes(appRoutes, { route: '/' });

    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).getByRole('link', { name: 'Overview' })).toHaveAttribute('href', '/');
    const unshipped = navItems.filter((item) => !item.to).map((item) => item.label);
    expect(unshipped).toEqual(['Search', 'Saved', 'Imports', 'Team', 'API keys', 'Integrations', 'Billing', 'Admin']);
    for (const label of unshipped) {
      const entry = within(nav).getByRole('button', { name: label });
      expect(entry).toHaveAttribute('aria-disabled', 'true');
      expect(entry).not.toHaveAttribute('href');
      expect(entry).toHaveAccessibleDescription(unavailableHint(label));
    }

    await userEvent.hover(within(nav).getByRole('button', { name: 'API keys' }).parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent('Arrives with API keys — not available yet');
  });

  it('shows the SPA 404 for an unknown client route, with a way home', async () => {
    renderRoutes(appRoutes, { route: '/no/such/page' });

    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByText('/no/such/page')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the overview' })).toHaveAttribute('href', '/');
    expect(screen.getByRole('contentinfo')).toBeInTheDocument();
  });

  it('serves the terms and privacy pages without signing in', async () => {
    const { router } = renderRoutes(appRoutes, { route: '/terms' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Terms of Service' })).toBeInTheDocument();

    await userEvent.click(within(screen.getByRole('contentinfo')).getByRole('link', { name: 'Privacy' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Privacy Policy' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/privacy');
  });
});
