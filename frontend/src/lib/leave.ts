/**
 * Leaves the SPA for another origin's page (Stripe Checkout or its customer portal, the CRM's
 * consent page): a full navigation, not a router push. Tests mock this module, or replace
 * `window.location`, to catch it.
 */
export function leaveFor(url: string): void {
  window.location.assign(url);
}
