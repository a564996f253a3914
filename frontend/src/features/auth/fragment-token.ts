/** A mailed link's token (invitations, password resets) travels in the URL fragment (#token=...), which browsers never send to a server. */
export function tokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim() ?? '';
}
