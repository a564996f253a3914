import { Button, TextInput, Title } from '@mantine/core';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect, useRef } from 'react';
import { Link, useNavigate, useSearchParams, type RouteObject } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { useDocumentTitle } from '@/lib/use-document-title';
import { jsonResponse, renderRoutes, stubApi } from '@/testing/test-utils';

import { appRoutes } from '../routes';
import { AppLayout } from './app-layout';
import { announceDelay, headingWait } from './route-focus';

const status = {
  name: '1CloudAI Business Contacts',
  version: 'dev',
  environment: 'test',
  database: 'ok',
  time: '2026-11-28T20:00:00Z',
};

function FirstPage() {
  useDocumentTitle('First');
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  return (
    <>
      <Title order={1}>First page</Title>
      <p>Filter: {params.get('q') ?? 'none'}</p>
      <Button onClick={() => setParams({ q: 'sales' })}>Filter</Button>
      <Button onClick={() => void navigate('/second')}>Start</Button>
      <Link to="/second#details">Details</Link>
      <Link to="/quiet">Quiet</Link>
      <Link to="/field">Field</Link>
    </>
  );
}

function SecondPage() {
  useDocumentTitle('Second');
  return (
    <>
      <Title order={1}>Second page</Title>
      <p id="details">Details</p>
      <Link to="/">Back to first</Link>
    </>
  );
}

/** A page that never shows an h1 (say, its data never comes). */
function QuietPage() {
  useDocumentTitle('Quiet');
  return <p>Loading…</p>;
}

/** A page that puts focus on its own field when it opens. */
function FieldPage() {
  useDocumentTitle('Field');
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <>
      <Title order={1}>Field page</Title>
      <TextInput ref={ref} label="Query" />
    </>
  );
}

const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <FirstPage /> },
      { path: 'second', element: <SecondPage /> },
      { path: 'quiet', element: <QuietPage /> },
      { path: 'field', element: <FieldPage /> },
    ],
  },
];

function announcer() {
  return screen.getByTestId('route-announcer');
}

describe('focus and announcement on route changes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('leaves focus alone on the first page load', async () => {
    stubApi({});
    renderRoutes(routes, { route: '/' });

    await screen.findByRole('heading', { level: 1, name: 'First page' });
    expect(document.body).toHaveFocus();
    expect(announcer()).toHaveAttribute('aria-live', 'polite');
    expect(announcer()).toBeEmptyDOMElement();
  });

  it('moves focus to the new h1 and announces the title when a button that navigates goes away', async () => {
    stubApi({});
    renderRoutes(routes, { route: '/' });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Start' }));

    const heading = await screen.findByRole('heading', { level: 1, name: 'Second page' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(heading).toHaveAttribute('tabindex', '-1');
    await waitFor(() => expect(announcer()).toHaveTextContent('Second · 1CloudAI Business Contacts'));
  });

  it('moves focus from a sidebar link (which stays) to the new page, and on browser back', async () => {
    stubApi({});
    const { router } = renderRoutes(routes, { route: '/second' });
    const user = userEvent.setup();

    await screen.findByRole('heading', { level: 1, name: 'Second page' });
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    await user.click(within(nav).getByRole('link', { name: 'Overview' }));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'First page' })).toHaveFocus());
    await waitFor(() => expect(announcer()).toHaveTextContent('First · 1CloudAI Business Contacts'));

    await act(() => router.navigate(-1));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Second page' })).toHaveFocus());
    await waitFor(() => expect(announcer()).toHaveTextContent('Second · 1CloudAI Business Contacts'));
  });

  it('keeps focus where it is when only the query changes', async () => {
    stubApi({});
    renderRoutes(routes, { route: '/' });
    const user = userEvent.setup();

    const filter = await screen.findByRole('button', { name: 'Filter' });
    await user.click(filter);

    await screen.findByText('Filter: sales');
    expect(filter).toHaveFocus();
    expect(announcer()).toBeEmptyDOMElement();
  });

  it('leaves focus to the browser for a link to an anchor, but still announces the page', async () => {
    stubApi({});
    renderRoutes(routes, { route: '/' });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('link', { name: 'Details' }));

    await screen.findByRole('heading', { level: 1, name: 'Second page' });
    await waitFor(() => expect(announcer()).toHaveTextContent('Second · 1CloudAI Business Contacts'));
    expect(screen.getByRole('heading', { level: 1, name: 'Second page' })).not.toHaveFocus();
  });

  it('keeps the focus a new page gave its own field', async () => {
    stubApi({});
    renderRoutes(routes, { route: '/' });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('link', { name: 'Field' }));

    const field = await screen.findByRole('textbox', { name: 'Query' });
    await waitFor(() => expect(announcer()).toHaveTextContent('Field · 1CloudAI Business Contacts'));
    expect(field).toHaveFocus();
  });

  it('focuses <main> when the new page shows no h1 in time', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    stubApi({});
    renderRoutes(routes, { route: '/' });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime.bind(vi) });

    await user.click(await screen.findByRole('link', { name: 'Quiet' }));
    await screen.findByText('Loading…');
    expect(screen.getByRole('main')).not.toHaveFocus();

    await act(() => vi.advanceTimersByTimeAsync(headingWait));
    expect(screen.getByRole('main')).toHaveFocus();
    await act(() => vi.advanceTimersByTimeAsync(announceDelay));
    expect(announcer()).toHaveTextContent('Quiet · 1CloudAI Business Contacts');
  });

  it('lands on the sign-in page heading when a signed-out visitor follows a sidebar link to Team', async () => {
    stubApi({ 'GET /status': () => jsonResponse(status) });
    renderRoutes(appRoutes, { route: '/' });
    const user = userEvent.setup();

    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    await user.click(within(nav).getByRole('link', { name: 'Team' }));

    const heading = await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    await waitFor(() => expect(heading).toHaveFocus());
    await waitFor(() => expect(announcer()).toHaveTextContent('Sign in · 1CloudAI Business Contacts'));
  });
});
