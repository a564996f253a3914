import { describe, expect, it } from 'vitest';

import { formatCount } from './format';

describe('formatCount', () => {
  it.each([
    [0, 'member', undefined, '0 members'],
    [1, 'member', undefined, '1 member'],
    [2, 'pending invitation', undefined, '2 pending invitations'],
    [20000, 'contact', undefined, '20,000 contacts'],
    [1, 'company', 'companies', '1 company'],
    [3, 'company', 'companies', '3 companies'],
  ])('%d %s', (value, noun, plural, want) => {
    expect(formatCount(value, noun, plural)).toBe(want);
  });
});
