/**
 * Leaves the SPA for the CRM's consent page: a full navigation to another origin, not a router
 * push. Tests mock this module to catch it.
 */
export function redirectTo(url: string): void {
  window.location.assign(url);
}
