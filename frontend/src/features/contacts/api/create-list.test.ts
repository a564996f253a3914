import { describe, expect, it } from 'vitest';

import { byListName } from './create-list';

describe('byListName', () => {
  it('orders lists as the server does: numbers by value, case and accents aside', () => {
    // In text order "List 10" came before "List 2", and "école" after "zebra", until a refetch
    // moved the new list elsewhere.
    const names = ['List 10', 'zebra', 'List 2', 'école', 'list 1', 'Ecole 3', 'List 100'];
    const sorted = names.map((name, i) => ({ id: `id-${i}`, name })).sort(byListName);
    expect(sorted.map((l) => l.name)).toEqual(['école', 'Ecole 3', 'list 1', 'List 2', 'List 10', 'List 100', 'zebra']);
  });

  it('breaks a tie by id, as the server does', () => {
    const sorted = [
      { id: 'b', name: 'Leads' },
      { id: 'a', name: 'leads' },
    ].sort(byListName);
    expect(sorted.map((l) => l.id)).toEqual(['a', 'b']);
  });
});
