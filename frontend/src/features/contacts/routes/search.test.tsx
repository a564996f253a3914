import { screen, waitFor, within } from '@testing-library/react';
import { onlineManager } from '@tanstack/react-query';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { useUsage } from '@/lib/usage/get-usage';
import { mediaQueryList } from '@/testing/media';
import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import type { SearchFilters } from '../api/search-contacts';
import {
  adminPermissions,
  contact,
  FakeIntersectionObserver,
  me,
  quotaHeaders,
  searchPage,
  signIn,
  usage,
  viewerPermissions,
} from '../testing/fixtures';
import { SearchRoute } from './search';

type SearchBody = { query?: string; filters?: SearchFilters; cursor?: string; page_size?: number; facets?: boolean };

beforeEach(() => {
  FakeIntersectionObserver.instances = [];
  vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
});

/** Stubs the API around the workspace; `search` answers POST /contacts/search. */
function stubWorkspace(
  search: (body: SearchBody) => Response | Promise<Response>,
  { permissions = adminPermissions, extra = {} }: { permissions?: string[]; extra?: Parameters<typeof stubApi>[0] } = {},
) {
  const searches: SearchBody[] = [];
  const fetchMock = stubApi({
    'GET /me': () => jsonResponse(me(permissions)),
    'GET /tenant/usage': () => jsonResponse(usage()),
    'GET /lists': () => jsonResponse({ items: [], next_cursor: '' }),
    'POST /contacts/search': async (request) => {
      const body = (await request.json()) as SearchBody;
      searches.push(body);
      return search(body);
    },
    ...extra,
  });
  return { searches, fetchMock };
}

const firstPage = [contact({ first_name: 'Ada', last_name: 'Lovelace' }), contact({ first_name: 'Alan', last_name: 'Turing' })];
const secondPage = [contact({ first_name: 'Grace', last_name: 'Hopper' }), contact({ first_name: 'Edsger', last_name: 'Dijkstra' })];

function pagedSearch(body: SearchBody) {
  if (body.cursor === 'cursor-2') return jsonResponse(searchPage(secondPage, { withFacets: false }), { headers: quotaHeaders(96) });
  return jsonResponse(searchPage(firstPage, { next: 'cursor-2' }), { headers: quotaHeaders(96) });
}

const rowNames = () => screen.getAllByTestId('result-name').map((el) => el.textContent);

/** The first answer renders the whole page (lazy Mantine parts included): slow on a busy machine. */
const slow = { timeout: 5000 };

describe('SearchRoute', () => {
  it.each([
    { width: 'wide', narrow: false },
    { width: 'narrow', narrow: true },
  ])('points to the filters without a direction that is wrong at some width ($width)', async ({ narrow }) => {
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, narrow && query.includes('max-width')));
    signIn();
    stubWorkspace(pagedSearch);
    renderWithProviders(<SearchRoute />, { route: '/search' });

    const hint = await screen.findByTestId('search-start');
    // The filters sit beside the results on wide screens and fold away above them on narrow ones.
    expect(hint).toHaveTextContent('or pick filters');
    // A quoted phrase matches its words in order (the server's phrase search); the hint says so and shows one.
    expect(hint).toHaveTextContent('quotes keep words together and in order');
    expect(within(hint).getByRole('button', { name: '"head of sales"' })).toBeInTheDocument();
    expect(hint.textContent).not.toMatch(/\b(left|right|above|below)\b/i);
    if (narrow) expect(screen.getByRole('button', { name: 'Show filters' })).toBeInTheDocument();
    else expect(screen.queryByRole('button', { name: 'Show filters' })).not.toBeInTheDocument();
  });

  it.each([
    { device: 'a computer', matching: [], shown: true },
    { device: 'a phone (375 px)', matching: ['max-width'], shown: false },
    { device: 'a touch tablet', matching: ['hover: none'], shown: false },
  ])('shows the keyboard shortcuts only where there is a keyboard: $device', async ({ matching, shown }) => {
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, matching.some((feature) => query.includes(feature))));
    signIn();
    stubWorkspace(pagedSearch);
    renderWithProviders(<SearchRoute />, { route: '/search?q=engineer' });
    await screen.findByText('Ada Lovelace', {}, slow);

    if (shown) expect(screen.getByTestId('keyboard-hint')).toBeInTheDocument();
    else expect(screen.queryByTestId('keyboard-hint')).not.toBeInTheDocument();
    // The shortcut itself still works (a tablet with a keyboard attached).
    await userEvent.click(screen.getByTestId('search-total'));
    await userEvent.keyboard('/');
    expect(screen.getByRole('textbox', { name: 'Search contacts' })).toHaveFocus();

    // An empty query box shows "/" at its end, where the clear button was.
    await userEvent.click(screen.getByRole('button', { name: 'Clear the query' }));
    if (shown) expect(screen.getByTestId('search-shortcut-hint')).toHaveTextContent('/');
    else expect(screen.queryByTestId('search-shortcut-hint')).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Search contacts' })).toHaveFocus();
  });

  it('searches once when typing pauses, and shows the searches left', async () => {
    signIn();
    const { searches } = stubWorkspace(pagedSearch);
    renderWithProviders(<SearchRoute />, { route: '/search' });

    expect(await screen.findByTestId('search-start')).toBeInTheDocument();
    // Before any search the quota comes from GET /tenant/usage.
    expect(await screen.findByTestId('searches-remaining')).toHaveTextContent('97');

    const user = userEvent.setup({ delay: null });
    await user.type(screen.getByRole('textbox', { name: 'Search contacts' }), 'engineer');

    expect(await screen.findByText('Ada Lovelace', {}, slow)).toBeInTheDocument();
    // Give a second debounce period the chance to fire: it must not.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(searches).toHaveLength(1);
    expect(searches[0]).toMatchObject({ query: 'engineer', page_size: 25, facets: true, filters: {} });
    expect(searches[0]?.cursor).toBeUndefined();
    expect(screen.getByTestId('search-total')).toHaveTextContent('52 contacts');
    // After the search, X-Quota-Searches-Remaining is what shows.
    expect(screen.getByTestId('searches-remaining')).toHaveTextContent('96');
  });

  it('counts a search in the plan usage the Billing page shows, not only in its own badge', async () => {
    signIn();
    let remaining = 97;
    stubWorkspace(
      () => {
        remaining -= 1;
        return jsonResponse(searchPage(firstPage), { headers: quotaHeaders(remaining) });
      },
      { extra: { 'GET /tenant/usage': () => jsonResponse(usage({ remaining })) } },
    );
    // Another reader of GET /tenant/usage in the same session: the Billing page's meters.
    function SearchesLeftElsewhere() {
      const quota = useUsage().data?.quotas.find((q) => q.metric === 'searches');
      return <span data-testid="usage-searches-remaining">{quota?.remaining}</span>;
    }
    renderWithProviders(
      <>
        <SearchRoute />
        <SearchesLeftElsewhere />
      </>,
      { route: '/search' },
    );
    await waitFor(() => expect(screen.getByTestId('usage-searches-remaining')).toHaveTextContent('97'));

    const user = userEvent.setup({ delay: null });
    await user.type(screen.getByRole('textbox', { name: 'Search contacts' }), 'engineer');
    expect(await screen.findByText('Ada Lovelace', {}, slow)).toBeInTheDocument();
    expect(screen.getByTestId('searches-remaining')).toHaveTextContent('96');

    // Billing showed the month's searches from before this one until its cache expired.
    await waitFor(() => expect(screen.getByTestId('usage-searches-remaining')).toHaveTextContent('96'));
  });

  it('waits for the connection instead of showing the previous results for a new query', async () => {
    signIn();
    const { searches } = stubWorkspace((body) =>
      body.query === 'sales' ? jsonResponse(searchPage(secondPage)) : pagedSearch(body),
    );
    renderWithProviders(<SearchRoute />, { route: '/search?q=engineer' });
    await screen.findByText('Ada Lovelace', {}, slow);

    onlineManager.setOnline(false);
    try {
      const input = screen.getByRole('textbox', { name: 'Search contacts' });
      const user = userEvent.setup({ delay: null });
      await user.clear(input);
      await user.type(input, 'sales{Enter}');

      expect(await screen.findByTestId('offline')).toHaveTextContent('Waiting for the connection');
      expect(screen.queryByText('Ada Lovelace')).not.toBeInTheDocument();
      expect(screen.queryByTestId('search-total')).not.toBeInTheDocument();
      expect(searches.map((s) => s.query)).toEqual(['engineer']);
    } finally {
      onlineManager.setOnline(true);
    }

    expect(await screen.findByText('Grace Hopper', {}, slow)).toBeInTheDocument();
    expect(screen.queryByTestId('offline')).not.toBeInTheDocument();
    expect(searches.map((s) => s.query)).toEqual(['engineer', 'sales']);
  });

  it('clears the query from the keyboard', async () => {
    signIn();
    stubWorkspace(pagedSearch);
    renderWithProviders(<SearchRoute />, { route: '/search?q=engineer' });
    await screen.findByText('Ada Lovelace', {}, slow);

    const input = screen.getByRole('textbox', { name: 'Search contacts' });
    expect(input).toHaveValue('engineer');
    const user = userEvent.setup({ delay: null });
    input.focus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Clear the query' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(input).toHaveValue('');
    expect(input).toHaveFocus();
  });

  it('appends the next page when the end of the list scrolls into view', async () => {
    signIn();
    const { searches } = stubWorkspace(pagedSearch);
    renderWithProviders(<SearchRoute />, { route: '/search?q=engineer' });

    await screen.findByText('Ada Lovelace', {}, slow);
    expect(rowNames()).toEqual(['Ada Lovelace', 'Alan Turing']);

    FakeIntersectionObserver.showAll();

    expect(await screen.findByText('Grace Hopper', {}, slow)).toBeInTheDocument();
    expect(rowNames()).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra']);
    expect(searches).toHaveLength(2);
    expect(searches[1]).toMatchObject({ query: 'engineer', cursor: 'cursor-2' });
    expect(searches[1]?.facets).toBeUndefined();
    expect(await screen.findByText('End of results')).toBeInTheDocument();
  });

  it('says that the pages end at the first 10,000 of a larger match set', async () => {
    signIn();
    stubWorkspace(() => jsonResponse({ ...searchPage(firstPage, { total: 10_000 }), total_is_capped: true }));
    renderWithProviders(<SearchRoute />, { route: '/search?q=engineer' });

    await screen.findByText('Ada Lovelace', {}, slow);
    expect(screen.getByTestId('results-end')).toHaveTextContent(
      'The first 10,000 results are shown: narrow the search to see the others.',
    );
    expect(screen.queryByText('End of results')).not.toBeInTheDocument();
  });

  it('adds a facet filter and starts the search over without the cursor', async () => {
    signIn();
    const { searches } = stubWorkspace((body) =>
      body.filters?.seniorities ? jsonResponse(searchPage([secondPage[0]!], { total: 12 })) : pagedSearch(body),
    );
    renderWithProviders(<SearchRoute />, { route: '/search?q=engineer' });

    await screen.findByText('Ada Lovelace', {}, slow);
    FakeIntersectionObserver.showAll();
    await screen.findByText('Grace Hopper', {}, slow);
    expect(searches.at(-1)?.cursor).toBe('cursor-2');

    const seniority = screen.getByRole('group', { name: 'Seniority' });
    const vp = within(seniority).getByRole('checkbox', { name: 'VP' });
    // Facet counts sit next to their values.
    expect(vp.closest('div[class*="Group"]') ?? seniority).toHaveTextContent('12');
    await userEvent.click(vp);

    await waitFor(() => expect(searches).toHaveLength(3));
    expect(searches[2]).toMatchObject({ query: 'engineer', filters: { seniorities: ['vp'] }, facets: true });
    expect(searches[2]?.cursor).toBeUndefined();
    expect(vp).toBeChecked();
    await waitFor(() => expect(rowNames()).toEqual(['Grace Hopper']));
    expect(screen.getByTestId('search-total')).toHaveTextContent('12 contacts');
  });

  it('saves the picked contacts to a list created on the spot', async () => {
    signIn();
    const posts: { path: string; body: unknown }[] = [];
    stubWorkspace(pagedSearch, {
      extra: {
        'POST /lists': async (request) => {
          const body = (await request.json()) as { name: string };
          posts.push({ path: '/lists', body });
          return jsonResponse(
            { id: 'list-1', name: body.name, member_count: 0, created_at: '2026-11-28T10:00:00Z', updated_at: '2026-11-28T10:00:00Z' },
            { status: 201 },
          );
        },
        'POST /saved-contacts': async (request) => {
          const body = (await request.json()) as { contact_ids: string[] };
          posts.push({ path: '/saved-contacts', body });
          return jsonResponse({ saved: body.contact_ids.length, already_saved: 0, added_to_list: body.contact_ids.length });
        },
      },
    });
    renderWithProviders(<SearchRoute />, { route: '/search?q=engineer' });

    await screen.findByText('Ada Lovelace', {}, slow);
    expect(screen.queryByRole('button', { name: 'Save to list…' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Ada Lovelace' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Alan Turing' }));
    expect(screen.getByTestId('selection-count')).toHaveTextContent('2 selected');

    await userEvent.click(screen.getByRole('button', { name: 'Save to list…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save 2 contacts' });
    // Without lists yet, a new one is what the form offers.
    await waitFor(() => expect(within(dialog).getByRole('combobox', { name: 'List' })).toHaveValue('+ New list…'));
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'New list name' }), 'Berlin engineers');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Saved 2 contacts to “\u2068Berlin engineers\u2069”.')).toBeInTheDocument();
    expect(posts).toEqual([
      { path: '/lists', body: { name: 'Berlin engineers' } },
      { path: '/saved-contacts', body: { contact_ids: [firstPage[0]!.id, firstPage[1]!.id], list_id: 'list-1' } },
    ]);
    // The rows show it at once, without another search.
    const rows = screen.getAllByTestId('result-row');
    for (const row of rows) {
      expect(within(row).getByTestId('saved-status')).toHaveTextContent('Saved');
      expect(within(row).getByTestId('list-names')).toHaveTextContent('Berlin engineers');
    }
    expect(screen.queryByTestId('selection-count')).not.toBeInTheDocument();
    // Save to list… left with the selection: keyboard focus stays at the table, not the top of the page.
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getByRole('checkbox', { name: 'Select all loaded contacts' })).toHaveFocus();
  });

  it('moves, picks and opens rows from the keyboard', async () => {
    signIn();
    stubWorkspace(pagedSearch, {
      extra: { 'GET /contacts/:id': (_, { path }) => jsonResponse(firstPage.find((c) => path.endsWith(c.id))) },
    });
    renderWithProviders(<SearchRoute />, { route: '/search?q=engineer' });
    await screen.findByText('Ada Lovelace', {}, slow);

    await userEvent.click(screen.getByTestId('search-total'));
    await userEvent.keyboard('/');
    expect(screen.getByRole('textbox', { name: 'Search contacts' })).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    const rows = screen.getAllByTestId('result-row');
    expect(rows[0]).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    expect(rows[1]).toHaveFocus();
    await userEvent.keyboard(' ');
    expect(screen.getByRole('checkbox', { name: 'Select Alan Turing' })).toBeChecked();
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByTestId('contact-name')).toHaveTextContent('Alan Turing');
  });

  it('hides saving and corrections from viewers', async () => {
    signIn('viewer');
    stubWorkspace(pagedSearch, {
      permissions: viewerPermissions,
      extra: { 'GET /contacts/:id': () => jsonResponse(firstPage[0]) },
    });
    renderWithProviders(<SearchRoute />, { route: '/search?q=engineer' });

    await screen.findByText('Ada Lovelace', {}, slow);
    expect(screen.queryByRole('checkbox', { name: 'Select Ada Lovelace' })).not.toBeInTheDocument();
    // The keyboard hint offers only what the viewer can do.
    expect(screen.getByTestId('keyboard-hint')).toHaveTextContent('Enter open');
    expect(screen.getByTestId('keyboard-hint')).not.toHaveTextContent('select');
    await userEvent.click(screen.getByText('Ada Lovelace'));
    expect(await screen.findByTestId('contact-details')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Save to list/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Suggest a correction' })).not.toBeInTheDocument();
  });

  it('says when the monthly searches are used up and when they come back', async () => {
    signIn();
    const { searches } = stubWorkspace(
      () =>
        new Response(
          JSON.stringify({
            type: 'quota-exceeded',
            title: 'Too Many Requests',
            status: 429,
            code: 'rate_limited',
            detail: 'The monthly searches quota is used up: 100 of 100 used, 1 requested; it resets at 2026-12-01T00:00:00Z.',
            metric: 'searches',
            limit: 100,
            used: 100,
            remaining: 0,
            reset: '2026-12-01T00:00:00Z',
          }),
          { status: 429, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '97200' } },
        ),
    );
    renderWithProviders(<SearchRoute />, { route: '/search?q=engineer' });

    const alert = await screen.findByTestId('quota-exceeded');
    expect(alert).toHaveTextContent("You have used this month's searches");
    expect(alert).toHaveTextContent('The Free package includes 100 searches a month.');
    expect(within(alert).getByTestId('quota-reset')).toHaveTextContent('Dec 1, 2026');
    expect(within(alert).getByRole('link', { name: 'Compare packages' })).toHaveAttribute('href', '/billing');
    // Used up stays used up: no retries.
    expect(searches).toHaveLength(1);
    expect(screen.getByTestId('searches-remaining')).toHaveTextContent('0');
  });
});
