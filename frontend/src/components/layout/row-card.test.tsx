import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { RowCard } from './row-card';

describe('RowCard', () => {
  it('is an article named by its label, holding its children', () => {
    renderWithProviders(
      <RowCard label="Ada Lovelace">
        <p>Analyst</p>
      </RowCard>,
    );

    const card = screen.getByRole('article', { name: 'Ada Lovelace' });
    expect(card).toHaveTextContent('Analyst');
    expect(card).not.toHaveAttribute('aria-current');
  });

  it('passes data attributes, aria-current and style through to the element', () => {
    renderWithProviders(
      <RowCard label="Pro" data-testid="package-card-pro" data-code="pro" aria-current="true" style={{ borderWidth: 2 }}>
        <p>Pro</p>
      </RowCard>,
    );

    const card = screen.getByTestId('package-card-pro');
    expect(card.tagName).toBe('ARTICLE');
    expect(card).toHaveAttribute('data-code', 'pro');
    expect(card).toHaveAttribute('aria-current', 'true');
    expect(card).toHaveStyle({ borderWidth: '2px' });
  });

  it('pads small unless told otherwise', () => {
    renderWithProviders(
      <>
        <RowCard label="default">
          <p>a</p>
        </RowCard>
        <RowCard label="tight" padding="xs">
          <p>b</p>
        </RowCard>
      </>,
    );

    const padding = (name: string) => screen.getByRole('article', { name }).style.getPropertyValue('--card-padding');
    expect(padding('default')).toBe('var(--mantine-spacing-sm)');
    expect(padding('tight')).toBe('var(--mantine-spacing-xs)');
  });
});
