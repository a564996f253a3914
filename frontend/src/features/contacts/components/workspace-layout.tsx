import { Box, Button, Flex } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconAdjustmentsHorizontal } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';

type WorkspaceLayoutProps = {
  sidebar: ReactNode;
  /** What the sidebar holds ("Filters", "Lists"): on narrow screens it folds behind a button. */
  sidebarLabel: string;
  /** Shown on the fold button ("Show filters (2)"): how much the hidden sidebar narrows things. */
  activeCount?: number;
  children: ReactNode;
};

/**
 * A sidebar (filters, lists) beside the main column on wide screens, where it stays in view while
 * the results scroll; on narrow screens (below Mantine's `md`) it folds away above the results.
 */
export function WorkspaceLayout({ sidebar, sidebarLabel, activeCount = 0, children }: WorkspaceLayoutProps) {
  const narrow = useMediaQuery('(max-width: 61.99em)', false, { getInitialValueInEffect: false });
  const [open, setOpen] = useState(false);
  return (
    <Flex
      direction={{ base: 'column', md: 'row' }}
      gap={{ base: 'sm', md: 'lg' }}
      align={{ base: 'stretch', md: 'flex-start' }}
    >
      {narrow && (
        <Button
          variant="default"
          leftSection={<IconAdjustmentsHorizontal size={16} aria-hidden />}
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
        >
          {open ? 'Hide' : 'Show'} {sidebarLabel.toLowerCase()}
          {activeCount > 0 ? ` (${activeCount})` : ''}
        </Button>
      )}
      {(!narrow || open) && (
        <Box
          w={{ base: '100%', md: 260 }}
          style={{ flexShrink: 0, overflowY: 'auto' }}
          pos={{ base: 'static', md: 'sticky' }}
          top={68}
          // A sidebar taller than the window scrolls by itself, so its end stays reachable.
          mah={{ md: 'calc(100vh - 84px)' }}
        >
          {sidebar}
        </Box>
      )}
      <Box style={{ flex: 1, minWidth: 0 }}>{children}</Box>
    </Flex>
  );
}
