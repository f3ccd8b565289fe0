import { ChartFigure } from './chart-figure';

export interface Bar {
  label: string;
  value: number;
  /** Shown on hover and in the table: the value with what it counts or shares. */
  detail: string;
}

const WIDTH = 600;
const ROW = 26;
const LABEL_W = 230;
const PAD = { top: 6, right: 70, bottom: 6 };

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Horizontal bars of counts (or shares, with `max` 1), drawn as plain SVG with each bar's detail
 * as its <title>; long labels are clipped in the drawing and whole in the table.
 */
export function BarChart({ title, bars, max, valueText = String, columns = ['Item', 'Value'], emptyText }: { title: string; bars: Bar[]; max?: number; valueText?: (v: number) => string; columns?: [string, string]; emptyText?: string }) {
  const top = max ?? Math.max(1, ...bars.map((b) => b.value));
  const height = PAD.top + PAD.bottom + bars.length * ROW;
  const plotW = WIDTH - LABEL_W - PAD.right;
  return (
    <ChartFigure
      title={title}
      empty={bars.length === 0}
      {...(emptyText !== undefined && { emptyText })}
      table={() => (
        <table>
          <thead>
            <tr>
              <th scope="col">{columns[0]}</th>
              <th scope="col">{columns[1]}</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((b, i) => (
              <tr key={`${i}-${b.label}`}>
                <th scope="row">{b.label}</th>
                <td>{b.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      chart={(titleId) => (
        <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={titleId} className="chart-svg">
          {bars.map((b, i) => {
            const y = PAD.top + i * ROW;
            const w = Math.max(1, (b.value / top) * plotW);
            return (
              <g key={`${i}-${b.label}`} className="bar">
                <text x={LABEL_W - 8} y={y + ROW / 2 + 4} textAnchor="end" className="tick">
                  {clip(b.label, 34)}
                </text>
                <rect x={LABEL_W} y={y + 4} width={w} height={ROW - 8} fill="#0072B2" data-label={b.label}>
                  <title>{`${b.label}: ${b.detail}`}</title>
                </rect>
                <text x={LABEL_W + w + 6} y={y + ROW / 2 + 4} className="tick">
                  {valueText(b.value)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    />
  );
}
