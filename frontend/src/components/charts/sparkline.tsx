type SparklineProps = {
  /** The values, oldest first (e.g. requests per day). Negative values count as 0. */
  data: readonly number[];
  /** What the chart shows, for screen readers and as the hover title. */
  label: string;
  width?: number;
  height?: number;
  /** Any CSS color; defaults to the theme's blue. */
  color?: string;
  'data-testid'?: string;
};

/** Room around the line so the stroke and the end dot are not clipped. */
const pad = 2;

/**
 * A tiny inline SVG line chart without axes, for a trend at a glance (a key's requests per day).
 * The lowest point is always 0, so a flat line at the bottom means "nothing", not "steady".
 */
export function Sparkline({
  data,
  label,
  width = 120,
  height = 28,
  color = 'var(--mantine-color-blue-6)',
  'data-testid': testId = 'sparkline',
}: SparklineProps) {
  const values = data.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const max = Math.max(0, ...values);
  const innerWidth = width - 2 * pad;
  const innerHeight = height - 2 * pad;
  const points = values.map((value, i) => {
    const x = values.length === 1 ? width / 2 : pad + (i * innerWidth) / (values.length - 1);
    const y = max === 0 ? height - pad : pad + innerHeight - (value / max) * innerHeight;
    return [round(x), round(y)] as const;
  });
  const line = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x} ${y}`).join(' ');
  const first = points[0];
  const last = points[points.length - 1];
  const area = first && last ? `${line} L${last[0]} ${height - pad} L${first[0]} ${height - pad} Z` : '';

  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      data-testid={testId}
      data-points={values.length}
      data-max={max}
      style={{ display: 'block', overflow: 'visible', flexShrink: 0 }}
    >
      <title>{label}</title>
      {points.length === 0 ? (
        <line
          x1={pad}
          x2={width - pad}
          y1={height - pad}
          y2={height - pad}
          stroke="var(--mantine-color-dimmed)"
          strokeDasharray="2 3"
          data-testid={`${testId}-empty`}
        />
      ) : (
        <>
          <path d={area} fill={color} fillOpacity={0.12} stroke="none" />
          <path
            d={line}
            fill="none"
            stroke={color}
            strokeWidth={1.5}
            strokeLinejoin="round"
            strokeLinecap="round"
            data-testid={`${testId}-line`}
          />
          {last && <circle cx={last[0]} cy={last[1]} r={2} fill={color} />}
        </>
      )}
    </svg>
  );
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
