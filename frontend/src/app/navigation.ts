import {
  IconBookmark,
  IconCreditCard,
  IconFileImport,
  IconGauge,
  IconKey,
  IconListDetails,
  IconPencilCheck,
  IconPlugConnected,
  IconSearch,
  IconShieldLock,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';

import type { Permission } from '@/lib/auth/permissions';
import type { SessionState } from '@/lib/auth/session';

export type NavItem = {
  label: string;
  icon: Icon;
  /** The route it opens; a missing `to` means the feature has not shipped yet. */
  to?: string;
  /** Signed in, the entry shows only with this permission from GET /me. */
  permission?: Permission;
  /**
   * Signed out, whether the entry shows (it leads to the sign-in page). Entries for org admins or
   * platform staff stay hidden until GET /me says the user may see them.
   */
  showSignedOut?: boolean;
};

/**
 * The sidebar, in product order. Features that have not shipped stay visible but disabled, so the
 * layout does not jump as they arrive: give an entry its `to` when its feature lands.
 */
export const navItems: NavItem[] = [
  { label: 'Overview', icon: IconGauge, to: '/' },
  { label: 'Search', icon: IconSearch, to: '/search', permission: 'contacts:read', showSignedOut: true },
  { label: 'Saved', icon: IconBookmark, to: '/saved', permission: 'saved:read', showSignedOut: true },
  { label: 'Corrections', icon: IconPencilCheck, to: '/corrections', permission: 'contacts:read', showSignedOut: true },
  { label: 'Imports', icon: IconFileImport, to: '/imports', permission: 'imports:read', showSignedOut: true },
  { label: 'Team', icon: IconUsers, to: '/team', permission: 'members:read', showSignedOut: true },
  { label: 'API keys', icon: IconKey, to: '/api-keys', permission: 'api_keys:manage' },
  { label: 'Integrations', icon: IconPlugConnected, to: '/integrations', permission: 'crm:read', showSignedOut: true },
  { label: 'Billing', icon: IconCreditCard, to: '/billing', permission: 'usage:read', showSignedOut: true },
  { label: 'Audit log', icon: IconListDetails, to: '/audit', permission: 'audit:read' },
  { label: 'Admin', icon: IconShieldLock, to: '/admin', permission: 'platform:read' },
];

/** Whether the entry shows for this session, given the permissions (null until GET /me answered). */
export function isNavItemVisible(
  item: NavItem,
  session: SessionState,
  has: ((permission: Permission) => boolean) | null,
): boolean {
  if (!item.permission) return true;
  if (session.status !== 'signed-in' || has === null) return item.showSignedOut ?? false;
  return has(item.permission);
}

export function unavailableHint(label: string): string {
  return `Arrives with ${label} — not available yet`;
}
