import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';

import { keepFocusOnLoadingButtons } from '@/lib/keep-focus-on-loading-buttons';
import { createQueryClient } from '@/lib/react-query';

import { cssVariablesResolver, theme } from './theme';

type AppProviderProps = {
  children: ReactNode;
  /** Tests pass their own client; the app makes one for its lifetime. */
  queryClient?: QueryClient;
  /** "test" turns Mantine's transitions and portals off, so dropdowns open at once in jsdom. */
  mantineEnv?: 'default' | 'test';
};

export function AppProvider({ children, queryClient, mantineEnv = 'default' }: AppProviderProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  // Every button with a loading state is disabled while it loads, which drops focus to the page;
  // it gets focus back when it is done.
  useEffect(() => keepFocusOnLoadingButtons(), []);
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      defaultColorScheme="light"
      env={mantineEnv}
    >
      <Notifications position="top-right" />
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </MantineProvider>
  );
}
