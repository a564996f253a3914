import { describe, expect, it } from 'vitest';

import { formatCount, formatResetTime } from './format';

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

describe('formatResetTime', () => {
  // A quota resets at 00:00 UTC on the 1st: the evening before west of UTC, the morning of the 1st east of it.
  it.each([
    ['UTC', 'Dec 1, 2026'],
    ['America/New_York', 'Nov 30, 2026, 7:00 PM EST'],
    ['America/Los_Angeles', 'Nov 30, 2026, 4:00 PM PST'],
    ['Asia/Tokyo', 'Dec 1, 2026, 9:00 AM GMT+9'],
  ])('in %s', (timeZone, want) => {
    expect(formatResetTime('2026-12-01T00:00:00Z', timeZone)).toBe(want);
  });

  it('leaves a missing or unreadable value readable', () => {
    expect(formatResetTime(undefined)).toBe('—');
    expect(formatResetTime('soon')).toBe('soon');
  });
});
