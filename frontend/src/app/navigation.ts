import {
  IconBookmark,
  IconCreditCard,
  IconFileImport,
  IconGauge,
  IconKey,
  IconPlugConnected,
  IconSearch,
  IconShieldLock,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';

export type NavItem = {
  label: string;
  icon: Icon;
  /** The route it opens; a missing `to` means the feature has not shipped yet. */
  to?: string;
};

/**
 * The sidebar, in product order. Features that have not shipped stay visible but disabled, so the
 * layout does not jump as they arrive: give an entry its `to` when its feature lands.
 */
export const navItems: NavItem[] = [
  { label: 'Overview', icon: IconGauge, to: '/' },
  { label: 'Search', icon: IconSearch },
  { label: 'Saved', icon: IconBookmark },
  { label: 'Imports', icon: IconFileImport },
  { label: 'Team', icon: IconUsers },
  { label: 'API keys', icon: IconKey },
  { label: 'Integrations', icon: IconPlugConnected },
  { label: 'Billing', icon: IconCreditCard },
  { label: 'Admin', icon: IconShieldLock },
];

export function unavailableHint(label: string): string {
  return `Arrives with ${label} — not available yet`;
}
