/**
 * Leaves the SPA for a Stripe page (Checkout or the customer portal). A full navigation, not a
 * router push: Stripe is another origin. Tests replace `window.location` to catch it.
 */
export function redirectTo(url: string): void {
  window.location.assign(url);
}
