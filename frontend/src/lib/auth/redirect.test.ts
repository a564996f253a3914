import { describe, expect, it } from 'vitest';

import { loginPath, safeNextPath } from './redirect';

describe('safeNextPath', () => {
  it.each([
    { name: 'a page', value: '/team?tab=x', want: '/team?tab=x' },
    { name: 'nothing', value: null, want: '/' },
    { name: 'another site', value: 'https://evil.test/', want: '/' },
    { name: 'a protocol-relative URL', value: '//evil.test/x', want: '/' },
    { name: 'a backslash trick', value: '/\\evil.test', want: '/' },
    // Browsers drop tabs and newlines from URLs: these are //evil.test, which the router refuses
    // with an error page instead of a page of ours.
    { name: 'a tab trick', value: '/\t/evil.test', want: '/' },
    { name: 'a newline trick', value: '/\n/evil.test', want: '/' },
    { name: 'a tab and backslash trick', value: '/\t\\evil.test', want: '/' },
    { name: 'the login page itself', value: '/login?next=/x', want: '/' },
  ])('$name', ({ value, want }) => {
    expect(safeNextPath(value)).toBe(want);
  });
});

describe('loginPath', () => {
  it('remembers where the user was going', () => {
    expect(loginPath('/admin/tenants?q=acme')).toBe('/login?next=%2Fadmin%2Ftenants%3Fq%3Dacme');
    expect(loginPath('/')).toBe('/login');
  });
});
