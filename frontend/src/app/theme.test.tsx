import { Anchor, Badge, DEFAULT_THEME, Drawer, mergeMantineTheme, Modal, Notification, Table } from '@mantine/core';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ListBadges } from '@/features/contacts/components/saved-badges';
import { renderWithProviders } from '@/testing/test-utils';

import { cssVariablesResolver, dimmedTextColor, theme } from './theme';

/** WCAG relative luminance of a #rrggbb color. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two #rrggbb colors. */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

const white = '#ffffff';

describe('theme', () => {
  it('keeps a badge whole in a table cell: its label never clips to "COMPLET…"', () => {
    renderWithProviders(
      <Table>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td>
              <Badge variant="light">Completed</Badge>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>,
    );

    const label = screen.getByText('Completed');
    // A table sizes a cell by its content's narrowest width; a label that hides its overflow has
    // none, so the cell squeezed the badge to an ellipsis in every status column.
    expect(label).toHaveStyle({ overflow: 'visible' });
    expect(label.closest('.mantine-Badge-root')).toHaveStyle({ overflow: 'visible', flexShrink: '0' });
  });

  it('still shortens list names, which are capped on purpose', () => {
    renderWithProviders(<ListBadges lists={[{ id: 'l1', name: 'Designers in Berlin and Hamburg, Q3 outreach' }]} />);

    const label = screen.getByText('Designers in Berlin and Hamburg, Q3 outreach');
    expect(label).toHaveStyle({ overflow: 'hidden' });
    expect(label.closest('.mantine-Badge-root')).toHaveStyle({ overflow: 'hidden' });
  });

  it.each([
    ['modal', Modal],
    ['drawer', Drawer],
  ])('names the close button of a %s', (_, Dialog) => {
    renderWithProviders(
      <Dialog opened onClose={() => {}} title="Rotate API key">
        Body
      </Dialog>,
    );

    expect(screen.getByRole('button', { name: 'Close' })).toBeInTheDocument();
  });

  it('names the close button of a notification', () => {
    renderWithProviders(<Notification onClose={() => {}}>Saved 3 contacts.</Notification>);

    expect(screen.getByRole('button', { name: 'Close' })).toBeInTheDocument();
  });

  describe('color contrast (WCAG AA, 4.5:1 for text)', () => {
    const colors = theme.colors ?? {};
    const shade = (color: string, index: number) => {
      const palette = colors[color];
      if (!palette) throw new Error(`the theme has no ${color}`);
      return palette[index] as string;
    };

    it('paints filled and outline colors and `c` text with shade 8', () => {
      expect(theme.primaryShade).toEqual({ light: 8, dark: 8 });
    });

    it.each(['blue', 'red', 'green', 'teal', 'orange', 'yellow'])(
      'gives %s text on white, white on %s, and its light variant (also hovered) enough contrast',
      (color) => {
        expect(contrast(shade(color, 8), white)).toBeGreaterThanOrEqual(4.5);
        expect(contrast(shade(color, 9), shade(color, 1))).toBeGreaterThanOrEqual(4.5);
        expect(contrast(shade(color, 9), shade(color, 2))).toBeGreaterThanOrEqual(4.5);
      },
    );

    it('makes dimmed text readable on white and on the light tints it sits on', () => {
      const light = cssVariablesResolver(mergeMantineTheme(DEFAULT_THEME, theme)).light;
      expect(light['--mantine-color-dimmed']).toBe(dimmedTextColor);
      for (const background of [white, '#f8f9fa', '#f1f3f5', '#e9ecef', shade('blue', 1), shade('red', 1), shade('yellow', 1)]) {
        expect(contrast(dimmedTextColor, background)).toBeGreaterThanOrEqual(4.5);
      }
    });

    it('colors links, errors and success text darker than Mantine does', () => {
      const light = cssVariablesResolver(mergeMantineTheme(DEFAULT_THEME, theme)).light;
      expect(light['--mantine-color-anchor']).toBe('var(--mantine-color-blue-9)');
      expect(light['--mantine-color-error']).toBe('var(--mantine-color-red-8)');
    });
  });

  it('underlines links, so they do not rely on color alone inside a sentence', () => {
    renderWithProviders(
      <p>
        Read the <Anchor href="/docs">API docs</Anchor> first.
      </p>,
    );

    expect(screen.getByRole('link', { name: 'API docs' })).toHaveAttribute('data-underline', 'always');
  });

  it('lets keyboard users focus a table that scrolls sideways', () => {
    renderWithProviders(
      <Table.ScrollContainer minWidth={800}>
        <Table>
          <Table.Tbody>
            <Table.Tr>
              <Table.Td>Wide</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>,
    );

    expect(screen.getByRole('table').closest('[tabindex="0"]')).not.toBeNull();
  });
});
