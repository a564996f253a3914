import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { Sparkline } from './sparkline';

/** The [x, y] points of the line's path ("M2 26 L6 14 …"). */
function points(): [number, number][] {
  const d = screen.getByTestId('sparkline-line').getAttribute('d') ?? '';
  return [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('Sparkline', () => {
  it('draws one point per value, scaled so the largest value touches the top and 0 the bottom', () => {
    const data = Array.from({ length: 30 }, (_, i) => (i === 29 ? 40 : i === 10 ? 20 : 0));
    renderWithProviders(<Sparkline data={data} label="Requests per day" width={120} height={28} />);

    const chart = screen.getByRole('img', { name: 'Requests per day' });
    expect(chart).toHaveAttribute('viewBox', '0 0 120 28');
    expect(chart).toHaveAttribute('data-points', '30');
    expect(chart).toHaveAttribute('data-max', '40');
    const line = points();
    expect(line).toHaveLength(30);
    // Left to right, evenly spaced, inside the 2px padding.
    expect(line[0]).toEqual([2, 26]);
    expect(line[29]).toEqual([118, 2]);
    expect(line[10]?.[1]).toBe(14);
    expect(line[1]?.[0]).toBeCloseTo(2 + 116 / 29, 1);
  });

  it('keeps a line of zeros flat at the bottom and treats negative values as 0', () => {
    renderWithProviders(<Sparkline data={[0, 0, -5, 0]} label="Nothing yet" height={20} />);

    expect(points().map(([, y]) => y)).toEqual([18, 18, 18, 18]);
    expect(screen.getByRole('img', { name: 'Nothing yet' })).toHaveAttribute('data-max', '0');
  });

  it('draws a dashed baseline when there is no data', () => {
    renderWithProviders(<Sparkline data={[]} label="No data" />);

    expect(screen.getByTestId('sparkline-empty')).toBeInTheDocument();
    expect(screen.queryByTestId('sparkline-line')).not.toBeInTheDocument();
  });
});
