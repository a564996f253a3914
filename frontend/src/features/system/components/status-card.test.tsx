import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { jsonResponse, problemResponse, renderWithProviders, stubFetch } from '@/testing/test-utils';

import { StatusCard } from './status-card';

describe('StatusCard', () => {
  it('shows the service status from GET /api/v1/status', async () => {
    const fetchMock = stubFetch(() =>
      jsonResponse({
        name: '1CloudAI Business Contacts',
        version: 'v1.2.3',
        environment: 'development',
        database: 'ok',
        time: '2026-11-28T20:00:00Z',
      }),
    );

    renderWithProviders(<StatusCard />);

    expect(screen.getByLabelText('Loading status')).toBeInTheDocument();
    expect(await screen.findByTestId('status-name')).toHaveTextContent('1CloudAI Business Contacts');
    expect(screen.getByTestId('status-version')).toHaveTextContent('v1.2.3');
    expect(screen.getByTestId('status-environment')).toHaveTextContent('development');
    expect(screen.getByTestId('status-database')).toHaveTextContent('ok');
    expect(screen.getByTestId('status-time')).toHaveAttribute('datetime', '2026-11-28T20:00:00Z');
    expect(screen.getByText('2026-11-28T20:00:00Z')).toBeInTheDocument();
    expect(new URL(fetchMock.mock.calls[0]![0].url).pathname).toBe('/api/v1/status');
  });

  it('marks an unavailable database in red', async () => {
    stubFetch(() =>
      jsonResponse({
        name: '1CloudAI Business Contacts',
        version: 'dev',
        environment: 'development',
        database: 'unavailable',
        time: '2026-11-28T20:00:00Z',
      }),
    );

    renderWithProviders(<StatusCard />);

    const badge = await screen.findByTestId('status-database');
    expect(badge).toHaveTextContent('unavailable');
    expect(badge.style.getPropertyValue('--badge-color')).toContain('red');
  });

  it('shows the problem title, detail and request id when the API fails', async () => {
    stubFetch(() =>
      problemResponse({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: 'Something went wrong on our side.',
        instance: '/api/v1/status',
        code: 'internal',
        request_id: '01JD9Z0M3K7Q',
      }),
    );

    renderWithProviders(<StatusCard />);

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Internal Server Error')).toBeInTheDocument();
    expect(within(alert).getByText('Something went wrong on our side.')).toBeInTheDocument();
    expect(within(alert).getByText('01JD9Z0M3K7Q')).toBeInTheDocument();
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    expect(screen.queryByTestId('status-name')).not.toBeInTheDocument();
  });
});
