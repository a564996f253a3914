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
    // Mantine's badge hides its label's overflow, so it has no narrowest width of its own: a table
    // column squeezed every status to "COMPLET…", "AC…" or "Y". Badges are short words; they keep
    // their whole label, and a badge capped on purpose (list names) hides its overflow itself.
    Badge: { styles: { root: { flexShrink: 0, overflow: 'visible' }, label: { overflow: 'visible' } } },
    // The close (×) of dialogs, drawers and notifications is an icon; screen readers announce it by
    // this name.
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    Drawer: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
  },
});
