import { useMediaQuery } from '@mantine/hooks';

/** Below Mantine's `sm` breakpoint (48em), as the app's layout counts a phone (375 px). */
export const phoneQuery = '(max-width: 47.99em)';

/** Whether the screen is a phone's: pages show a card per row there instead of a wide table. */
export function usePhone(): boolean {
  return useMediaQuery(phoneQuery, false, { getInitialValueInEffect: false });
}
