import { ChartFigure } from './chart-figure';
import { SeriesLegend, seriesStyle } from './series-style';
import type { ChartSeries } from './week-chart';

const WIDTH = 600;
const HEIGHT = 220;
const PAD = { left: 48, right: 16, top: 14, bottom: 34 };
/** Room inside the plot so the first and last batch labels are not cut. */
const INSET = 36;

/**
 * Values in [0, 1] across batch generations (one point per batch, in order), for the drift
 * report: does each generation drift from the last? Hover and table carry each point's counts.
 */
export function GenerationChart({ title, generations, series }: { title: string; generations: string[]; series: ChartSeries[] }) {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const xOf = (i: number) => PAD.left + (generations.length === 1 ? plotW / 2 : INSET + (i / (generations.length - 1)) * (plotW - 2 * INSET));
  const yOf = (v: number) => PAD.top + (1 - v) * plotH;
  const empty = !series.some((s) => s.points.some((p) => p.value !== null));
  return (
    <ChartFigure
      title={title}
      empty={empty}
      table={() => (
        <table>
          <thead>
            <tr>
              <th scope="col">Batch</th>
              {series.map((s) => (
                <th key={s.name} scope="col">{s.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {generations.map((g, i) => (
              <tr key={g}>
                <th scope="row">{g}</th>
                {series.map((s) => (
                  <td key={s.name}>{s.points[i]?.detail ?? '–'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      chart={(titleId) => (
        <>
          <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} className="chart-svg">
            {[0, 0.25, 0.5, 0.75, 1].map((v) => (
              <g key={v}>
                <line x1={PAD.left} x2={WIDTH - PAD.right} y1={yOf(v)} y2={yOf(v)} className="grid" />
                <text x={PAD.left - 6} y={yOf(v) + 4} textAnchor="end" className="tick">{`${v * 100}%`}</text>
              </g>
            ))}
            {generations.map((g, i) => (
              <text key={g} x={xOf(i)} y={HEIGHT - PAD.bottom + 18} textAnchor="middle" className="tick">
                {g}
              </text>
            ))}
            {series.map((s, si) => {
              const style = seriesStyle(si);
              const d = s.points
                .map((p, i) => (p.value === null ? null : `${xOf(i).toFixed(1)},${yOf(p.value).toFixed(1)}`))
                .reduce<string[]>((segs, xy, i, all) => {
                  if (xy === null) return segs;
                  if (i === 0 || all[i - 1] === null) segs.push(`M${xy}`);
                  else segs[segs.length - 1] += `L${xy}`;
                  return segs;
                }, []);
              return (
                <g key={s.name}>
                  {d.map((path) => (
                    <path key={path} d={path} fill="none" stroke={style.color} strokeWidth={2} strokeDasharray={style.dash || undefined} />
                  ))}
                  {s.points.map((p, i) =>
                    p.value === null ? null : (
                      <circle key={generations[i]} cx={xOf(i)} cy={yOf(p.value)} r={4} fill={style.color} data-series={s.name}>
                        <title>{`${s.name}, ${generations[i]}: ${p.detail}`}</title>
                      </circle>
                    ),
                  )}
                </g>
              );
            })}
          </svg>
          <SeriesLegend names={series.map((s) => s.name)} />
        </>
      )}
    />
  );
}
