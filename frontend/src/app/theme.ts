import {
  DEFAULT_THEME,
  createTheme,
  type CSSVariablesResolver,
  type MantineColorsTuple,
} from '@mantine/core';

/**
 * A Mantine palette with its two darkest shades replaced. Shade 8 is what `color="…"` paints
 * (filled buttons and badges with white text, outline badges, `c="…"` text), shade 9 the text of
 * light variants (badges, alerts, the active navigation link) on shade 1, and on shade 2 when
 * hovered. Mantine's own green, teal, orange and yellow are too light for either (2.2:1 to 4.4:1),
 * its blue 9 reads 4.0:1 on a hovered light blue; these reach the 4.5:1 WCAG AA asks of text.
 */
function withDarkShades(color: string, shade8: string, shade9: string): MantineColorsTuple {
  const palette = DEFAULT_THEME.colors[color];
  if (!palette) throw new Error(`Mantine has no color ${color}`);
  const [s0, s1, s2, s3, s4, s5, s6, s7] = palette;
  return [s0, s1, s2, s3, s4, s5, s6, s7, shade8, shade9];
}

/**
 * Dimmed text (hints, descriptions, secondary table lines). Mantine's gray 6 is 3.3:1 on white;
 * this gray is 4.9:1 or more on white and on every light tint we put text on (gray 0–2, blue 1, red
 * 1, yellow 1), and still reads lighter than body text.
 */
export const dimmedTextColor = '#5c636a';

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': dimmedTextColor,
    // Field errors and error text: red 6 is 3.3:1 on white.
    '--mantine-color-error': 'var(--mantine-color-red-8)',
    // Links: blue 9 keeps 4.5:1 on the light tints too (a selected table row, a light alert), where
    // the filled blue 8 drops to 4.1:1.
    '--mantine-color-anchor': 'var(--mantine-color-blue-9)',
  },
  dark: {},
});

/** Dense admin UI: small radius, compact defaults; pages pass size="sm"/"xs" where lists get long. */
export const theme = createTheme({
  primaryColor: 'blue',
  // Every color's filled shade (buttons, filled badges, links, `c="red"` text) is 8 in the light
  // scheme: Mantine's default 6 puts white on blue at 3.6:1 and links at the same, below WCAG AA.
  primaryShade: { light: 8, dark: 8 },
  colors: {
    blue: withDarkShades('blue', '#1971c2', '#155a99'),
    red: withDarkShades('red', '#c92a2a', '#a51d1d'),
    green: withDarkShades('green', '#1a7f37', '#166534'),
    teal: withDarkShades('teal', '#0f766e', '#115e59'),
    orange: withDarkShades('orange', '#c2410c', '#9a3412'),
    yellow: withDarkShades('yellow', '#a16207', '#854d0e'),
  },
  defaultRadius: 'sm',
  fontFamily:
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '600' },
  components: {
    // Links are underlined: inside a sentence, color alone does not tell a link from its text
    // (WCAG 1.4.1), least of all in dimmed text. A link that is plainly one by its place (the
    // product name in the header) opts out.
    Anchor: { defaultProps: { underline: 'always' } },
    Tooltip: { defaultProps: { withArrow: true, openDelay: 150 } },
    // Mantine's badge hides its label's overflow, so it has no narrowest width of its own: a table
    // column squeezed every status to "COMPLET…", "AC…" or "Y". Badges are short words; they keep
    // their whole label, and a badge capped on purpose (list names) hides its overflow itself.
    Badge: { styles: { root: { flexShrink: 0, overflow: 'visible' }, label: { overflow: 'visible' } } },
    // A value (an email address, an id, a domain) is often one long word: it wraps anywhere, or it
    // ran past the card's edge on a phone (an invited address on the accept-invitation page).
    DataList: { styles: { itemValue: { overflowWrap: 'anywhere', minWidth: 0 } } },
    // The close (×) of dialogs, drawers and notifications is an icon; screen readers announce it by
    // this name.
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    Drawer: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    // A table wider than its column scrolls sideways inside this container; keyboard users must
    // be able to focus it to scroll (WCAG 2.1.1). Its scrollbar shows whenever the table overflows
    // (`auto`), not only under a mouse (`hover`, Mantine's default): on a phone the columns past
    // the edge (a member's role, a package's price) were cut off with nothing saying they scroll.
    TableScrollContainer: {
      defaultProps: { scrollAreaProps: { type: 'auto', offsetScrollbars: 'present', viewportProps: { tabIndex: 0 } } },
    },
  },
});
