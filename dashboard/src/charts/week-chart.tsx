import { useId, useState } from 'react';
import { isoWeek } from '../format';
import { SeriesLegend, seriesStyle } from './series-style';

export interface ChartPoint {
  value: number | null;
  /** Shown on hover and in the table: the value with what it was computed from. */
  detail: string;
  /** A 95% interval around the value, drawn as a whisker. */
  interval?: { low: number; high: number } | null | undefined;
}

export interface ChartSeries {
  name: string;
  /** One point per week, in the order of `weeks`. */
  points: ChartPoint[];
}

export interface ChartMarker {
  at: string;
  label: string;
}

// About the width a chart gets on screen (dashboard.css: columns of at least 600 px), so text stays legible.
const WIDTH = 600;
const HEIGHT = 230;
const PAD = { left: 48, right: 16, top: 18, bottom: 34 };
const WEEK_MS = 7 * 86_400_000;

/**
 * A line chart over ISO weeks of values in [0, 1], drawn as plain SVG: every point carries its
 * numerator/denominator as an SVG <title> (the browser shows it on hover), model changes are
 * vertical lines at their time, and a toggle shows the same numbers as a table for keyboards and
 * screen readers.
 */
export function WeekChart({ title, weeks, series, markers = [] }: { title: string; weeks: string[]; series: ChartSeries[]; markers?: ChartMarker[] }) {
  const [asTable, setAsTable] = useState(false);
  const titleId = useId();
  const start = weeks.length > 0 ? Date.parse(weeks[0]!) : 0;
  const end = weeks.length > 0 ? Date.parse(weeks[weeks.length - 1]!) + WEEK_MS : 1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  // A week's point sits in the middle of its week, so a promotion on a Wednesday falls inside it.
  const xAt = (ms: number) => PAD.left + ((ms - start) / (end - start)) * plotW;
  const xOfWeek = (i: number) => xAt(Date.parse(weeks[i]!) + WEEK_MS / 2);
  const yOf = (v: number) => PAD.top + (1 - v) * plotH;
  const labelEvery = Math.max(1, Math.ceil(weeks.length / 8));
  const inRange = markers.filter((m) => Date.parse(m.at) >= start && Date.parse(m.at) <= end);
  const hasData = series.some((s) => s.points.some((p) => p.value !== null));
  const withIntervals = series.map((s, si) => (s.points.some((p) => p.interval) ? si : -1)).filter((si) => si >= 0);
  const whisker = (si: number) => (withIntervals.indexOf(si) - (withIntervals.length - 1) / 2) * 7;

  return (
    <figure className="chart">
      <figcaption id={titleId}>
        <span className="chart-title">{title}</span>
        <button type="button" className="link" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
          {asTable ? 'Show chart' : 'Show table'}
        </button>
      </figcaption>
      {!hasData && <p className="empty">No data in this window.</p>}
      {hasData && asTable && <ChartTable weeks={weeks} series={series} />}
      {hasData && !asTable && (
        <>
          <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} className="chart-svg">
            {[0, 0.25, 0.5, 0.75, 1].map((v) => (
              <g key={v}>
                <line x1={PAD.left} x2={WIDTH - PAD.right} y1={yOf(v)} y2={yOf(v)} className="grid" />
                <text x={PAD.left - 6} y={yOf(v) + 4} textAnchor="end" className="tick">{`${v * 100}%`}</text>
              </g>
            ))}
            {weeks.map((w, i) =>
              i % labelEvery === 0 ? (
                <text key={w} x={xOfWeek(i)} y={HEIGHT - PAD.bottom + 18} textAnchor="middle" className="tick">
                  {isoWeek(w)}
                </text>
              ) : null,
            )}
            {inRange.map((m) => (
              <g key={`${m.at}-${m.label}`} className="marker">
                <line x1={xAt(Date.parse(m.at))} x2={xAt(Date.parse(m.at))} y1={PAD.top} y2={HEIGHT - PAD.bottom} />
                <text x={xAt(Date.parse(m.at)) + 3} y={PAD.top + 10} className="marker-label">▲</text>
                <title>{m.label}</title>
              </g>
            ))}
            {series.map((s, si) => {
              const style = seriesStyle(si);
              const segments: string[] = [];
              let current = '';
              s.points.forEach((p, i) => {
                if (p.value === null) {
                  if (current) segments.push(current);
                  current = '';
                } else current += `${current ? 'L' : 'M'}${xOfWeek(i).toFixed(1)},${yOf(p.value).toFixed(1)}`;
              });
              if (current) segments.push(current);
              return (
                <g key={s.name}>
                  {segments.map((d) => (
                    <path key={d} d={d} fill="none" stroke={style.color} strokeWidth={2} strokeDasharray={style.dash || undefined} />
                  ))}
                  {s.points.map((p, i) =>
                    p.value === null || !p.interval ? null : (
                      <path
                        key={`ci-${weeks[i]}`}
                        className="interval"
                        // Side by side around the point's week, so two arms' intervals do not hide each other.
                        d={`M${xOfWeek(i) + whisker(si) - 3},${yOf(p.interval.low)}h6M${xOfWeek(i) + whisker(si)},${yOf(p.interval.low)}V${yOf(p.interval.high)}M${xOfWeek(i) + whisker(si) - 3},${yOf(p.interval.high)}h6`}
                        stroke={style.color}
                        strokeWidth={1.5}
                        fill="none"
                        aria-hidden="true"
                      />
                    ),
                  )}
                  {s.points.map((p, i) =>
                    p.value === null ? null : (
                      <circle key={weeks[i]} cx={xOfWeek(i)} cy={yOf(p.value)} r={4} fill={style.color} data-series={s.name}>
                        <title>{`${s.name}, ${isoWeek(weeks[i]!)}: ${p.detail}`}</title>
                      </circle>
                    ),
                  )}
                </g>
              );
            })}
          </svg>
          <SeriesLegend names={series.map((s) => s.name)}>
            {series.some((s) => s.points.some((p) => p.interval)) && <li>I 95% interval</li>}
            {inRange.length > 0 && <li>▲ model promotion or rollback (hover for which)</li>}
          </SeriesLegend>
        </>
      )}
    </figure>
  );
}

function ChartTable({ weeks, series }: { weeks: string[]; series: ChartSeries[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Week</th>
          {series.map((s) => (
            <th key={s.name} scope="col">{s.name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((w, i) => (
          <tr key={w}>
            <th scope="row">{isoWeek(w)}</th>
            {series.map((s) => (
              <td key={s.name}>{s.points[i]?.detail ?? '–'}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
