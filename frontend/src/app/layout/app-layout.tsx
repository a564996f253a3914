import { Anchor, AppShell, Box, Burger, Group, NavLink, Stack, Text, Tooltip } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconAddressBook, IconExternalLink } from '@tabler/icons-react';
import { Suspense, useId, useRef, type KeyboardEvent } from 'react';
import { Link, NavLink as RouterNavLink, Outlet } from 'react-router-dom';

import { Footer } from '@/components/layout/footer';
import { PageLoader } from '@/components/layout/page-loader';
import { productName } from '@/config/product';
import { TenantSwitcher } from '@/features/auth/components/tenant-switcher';
import { UserMenu } from '@/features/auth/components/user-menu';
import { usePermissions } from '@/lib/auth/permissions';
import { useSession } from '@/lib/auth/session';

import { isNavItemVisible, navItems, unavailableHint, type NavItem } from '../navigation';
import { useSessionSync } from '../session-sync';
import { RouteFocus } from './route-focus';
import { ScrollMemory } from './scroll-memory';

// Line the footer up with the main column: past the navbar on wide screens, full width on phones.
const footerInsets = {
  paddingInlineStart: 'calc(var(--app-shell-navbar-offset, 0rem) + var(--app-shell-padding))',
  paddingInlineEnd: 'var(--app-shell-padding)',
  borderTop: '1px solid var(--mantine-color-default-border)',
};

const navTenantStyle = { borderBottom: '1px solid var(--mantine-color-default-border)' };

export function AppLayout() {
  const [navOpened, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  // Below the `sm` breakpoint the header has no room for the organization: the navigation (behind
  // the burger) shows it instead. Rendered in one place at a time, so it is one control, not two.
  const phone = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const navId = useId();
  const burgerRef = useRef<HTMLButtonElement>(null);
  const mainRef = useRef<HTMLElement>(null);
  // On a phone the closed navigation is only moved off screen: `inert` keeps its links out of the
  // Tab order and away from screen readers, so focus never lands on something nobody can see.
  const navHidden = phone && !navOpened;
  // Escape closes the open navigation (from the burger or from inside it) and puts focus back on
  // the burger, as for any other disclosure.
  const closeNavOnEscape = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !phone || !navOpened) return;
    event.stopPropagation();
    closeNav();
    burgerRef.current?.focus();
  };
  useSessionSync();
  const session = useSession();
  const permissions = usePermissions();
  const visibleItems = navItems.filter((item) =>
    isNavItemVisible(item, session, permissions.loaded ? permissions.has : null),
  );

  return (
    <AppShell
      header={{ height: 52 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              ref={burgerRef}
              opened={navOpened}
              onClick={toggleNav}
              onKeyDown={closeNavOnEscape}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpened ? 'Close navigation' : 'Open navigation'}
              aria-expanded={navOpened}
              aria-controls={navId}
            />
            <Anchor component={Link} to="/" underline="never" c="inherit" onClick={closeNav}>
              <Group gap={8} wrap="nowrap">
                <IconAddressBook size={22} stroke={1.75} aria-hidden />
                <Text component="span" fw={700} size="md" data-testid="product-name">
                  {productName}
                </Text>
              </Group>
            </Anchor>
          </Group>
          <Group gap="md" wrap="nowrap">
            {!phone && (
              <Box visibleFrom="sm">
                <TenantSwitcher />
              </Box>
            )}
            {/* Swagger UI is served by the Go binary, outside the SPA: a plain link, not a route. On a
                phone the header has no room for it: the navigation holds it instead. */}
            {!phone && (
              <Anchor href="/docs" size="sm">
                <Group gap={4} wrap="nowrap">
                  API docs
                  <IconExternalLink size={14} aria-hidden />
                </Group>
              </Anchor>
            )}
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Main navigation" id={navId} inert={navHidden} onKeyDown={closeNavOnEscape}>
        {phone && session.status === 'signed-in' && (
          <Box hiddenFrom="sm" px="xs" pb="xs" mb="xs" style={navTenantStyle}>
            <TenantSwitcher />
          </Box>
        )}
        <Stack gap={2}>
          {visibleItems.map((item) => (
            <NavEntry key={item.label} item={item} onNavigate={closeNav} />
          ))}
          {phone && (
            <NavLink
              component="a"
              href="/docs"
              label="API docs"
              leftSection={<IconExternalLink size={18} stroke={1.6} aria-hidden />}
            />
          )}
        </Stack>
      </AppShell.Navbar>

      {/* The footer sits beside <main>, not in it, so it stays the page's contentinfo landmark. */}
      <Box mih="100dvh" style={{ display: 'flex', flexDirection: 'column' }}>
        <AppShell.Main ref={mainRef} style={{ flex: 1, minHeight: 0 }}>
          <Suspense fallback={<PageLoader />}>
            <Outlet />
          </Suspense>
        </AppShell.Main>
        <Box style={footerInsets}>
          <Footer />
        </Box>
      </Box>
      <RouteFocus mainRef={mainRef} />
      <ScrollMemory />
    </AppShell>
  );
}

function NavEntry({ item, onNavigate }: { item: NavItem; onNavigate: () => void }) {
  const icon = <item.icon size={18} stroke={1.6} aria-hidden />;
  if (item.to) {
    return (
      <NavLink
        component={RouterNavLink}
        to={item.to}
        end={item.to === '/'}
        label={item.label}
        leftSection={icon}
        onClick={onNavigate}
      />
    );
  }
  const hint = unavailableHint(item.label);
  // Not a link and does nothing when pressed. It stays focusable (aria-disabled rather than the
  // disabled attribute) so keyboard users get the tooltip too; Mantine's disabled styling turns
  // pointer events off, so the tooltip listens on a wrapper.
  return (
    <Tooltip label={hint} position="right" events={{ hover: true, focus: true, touch: true }}>
      <div>
        <NavLink
          component="button"
          type="button"
          disabled
          aria-disabled="true"
          aria-description={hint}
          label={item.label}
          leftSection={icon}
        />
      </div>
    </Tooltip>
  );
}
