import type { InfiniteData, QueryClient } from '@tanstack/react-query';

import type { Company } from './api/get-company';
import type { Contact } from './api/search-contacts';

/** Query keys of the feature: search results, the saved view, company pages and single contacts. */
export const searchQueryKeyPrefix = ['contacts', 'search'] as const;
export const savedQueryKeyPrefix = ['contacts', 'saved'] as const;
/** The organization's corrections (the Corrections page, and a contact's pending ones in the drawer). */
export const correctionsQueryKeyPrefix = ['contacts', 'corrections'] as const;
const companyQueryKeyPrefix = ['contacts', 'company'] as const;
const detailQueryKeyPrefix = ['contacts', 'detail'] as const;

type Page = { items: Contact[] };

/**
 * Applies `patch` to every cached copy of a contact (search pages, saved pages, company pages,
 * details). Saving, approving or correcting changes what rows show, and refetching a search would
 * spend a unit of the monthly quota: the rows on screen are updated in place instead.
 */
export function patchCachedContacts(queryClient: QueryClient, patch: (contact: Contact) => Contact): void {
  const pages = (data: InfiniteData<Page> | undefined) =>
    data && { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map(patch) })) };
  queryClient.setQueriesData<InfiniteData<Page>>({ queryKey: searchQueryKeyPrefix }, pages);
  queryClient.setQueriesData<InfiniteData<Page>>({ queryKey: savedQueryKeyPrefix }, pages);
  queryClient.setQueriesData<InfiniteData<Company>>({ queryKey: companyQueryKeyPrefix }, (data) =>
    data && { ...data, pages: data.pages.map((page) => ({ ...page, contacts: page.contacts.map(patch) })) },
  );
  queryClient.setQueriesData<Contact>({ queryKey: detailQueryKeyPrefix }, (contact) => contact && patch(contact));
}

/** Patches only the contacts whose id is in `ids`. */
export function patchCachedContactsById(
  queryClient: QueryClient,
  ids: readonly string[],
  patch: (contact: Contact) => Contact,
): void {
  const wanted = new Set(ids);
  patchCachedContacts(queryClient, (contact) => (wanted.has(contact.id) ? patch(contact) : contact));
}
