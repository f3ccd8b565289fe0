import type { ReactNode } from 'react';

/** Okabe–Ito colours (distinguishable with colour-blindness), each with its own dash pattern too. */
export const SERIES_STYLES = [
  { color: '#0072B2', dash: '' },
  { color: '#D55E00', dash: '6 3' },
  { color: '#009E73', dash: '2 3' },
  { color: '#CC79A7', dash: '8 3 2 3' },
  { color: '#E69F00', dash: '1 2' },
  { color: '#56B4E9', dash: '10 4' },
];

/** The style of the i-th series of a chart. */
export const seriesStyle = (index: number) => SERIES_STYLES[index % SERIES_STYLES.length]!;

/** The legend under a line chart: one swatch per series, then any chart-specific entries. */
export function SeriesLegend({ names, children }: { names: readonly string[]; children?: ReactNode }) {
  return (
    <ul className="legend">
      {names.map((name, i) => {
        const style = seriesStyle(i);
        return (
          <li key={name}>
            <svg width="28" height="10" aria-hidden="true">
              <line x1="0" x2="28" y1="5" y2="5" stroke={style.color} strokeWidth={2} strokeDasharray={style.dash || undefined} />
            </svg>
            {name}
          </li>
        );
      })}
      {children}
    </ul>
  );
}
