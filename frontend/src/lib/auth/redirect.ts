/**
 * Where to go after signing in. Only same-origin paths are accepted ("/team?x=1"), so a crafted
 * link cannot send the user to another site after login.
 */
export function safeNextPath(value: string | null | undefined, fallback = '/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  // As the browser reads it: it drops tabs and newlines and takes a backslash for a slash, so
  // "/<tab>/evil.test" is //evil.test.
  const base = 'http://app.invalid';
  if (new URL(value, base).origin !== base) return fallback;
  if (value === '/login' || value.startsWith('/login?') || value === '/signup') return fallback;
  return value;
}

/** "/login?next=%2Fteam" */
export function loginPath(next?: string): string {
  const target = safeNextPath(next, '');
  return target && target !== '/' ? `/login?next=${encodeURIComponent(target)}` : '/login';
}
