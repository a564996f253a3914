import { createTheme } from '@mantine/core';

/** Dense admin UI: small radius, compact defaults; pages pass size="sm"/"xs" where lists get long. */
export const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'sm',
  fontFamily:
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '600' },
  components: {
    Tooltip: { defaultProps: { withArrow: true, openDelay: 150 } },
  },
});
