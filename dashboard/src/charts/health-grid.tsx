import { useId, useState } from 'react';
import type { HealthGroup } from '../adapter-health-series';
import { outcomeLabel } from '../adapter-health-series';
import { percent, rateText } from '../format';

const LABEL_W = 230;
const COL_MIN = 22;
const COL_MAX = 60;
const ROW_H = 28;
const HEAD_H = 48;
const PAD_RIGHT = 8;
/** Okabe–Ito vermilion (failed) and orange (fallback), the palette of the other charts. */
const FILL = { failed: '#D55E00', fallback: '#E69F00' } as const;

/**
 * Days × selector outcomes of one site and extension version, as plain SVG: each cell's shade is
 * the share of that day's tickets (its title, shown on hover, says "7 / 15 tickets"), a failed
 * selector's row is marked in the label as well as by colour, and a toggle shows the same numbers
 * as a table for keyboards and screen readers.
 */
export function HealthGrid({ title, group }: { title: string; group: HealthGroup }) {
  const [asTable, setAsTable] = useState(false);
  const titleId = useId();
  const col = Math.max(COL_MIN, Math.min(COL_MAX, Math.floor(1100 / Math.max(1, group.days.length))));
  const width = LABEL_W + group.days.length * col + PAD_RIGHT;
  const height = HEAD_H + (group.rows.length + 1) * ROW_H + 4;
  const labelEvery = col >= 40 ? 1 : Math.ceil(40 / col);
  const failing = group.rows.filter((r) => r.outcome === 'failed').length;

  return (
    <figure className="chart health-grid" data-site={group.site} data-version={group.extensionVersion}>
      <figcaption id={titleId}>
        <span className="chart-title">{title}</span>
        <button type="button" className="link" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
          {asTable ? 'Show chart' : 'Show table'}
        </button>
      </figcaption>
      {group.rows.length === 0 && <p className="empty">Every selector matched with its primary candidate on every ticket.</p>}
      {group.rows.length > 0 && asTable && <HealthTable group={group} />}
      {group.rows.length > 0 && !asTable && (
        <>
          <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={titleId} className="chart-svg" style={{ maxWidth: `${width}px` }}>
            {group.days.map((d, i) =>
              i % labelEvery === 0 || i === group.days.length - 1 ? (
                <text key={d} x={LABEL_W + i * col + col / 2} y={HEAD_H - 28} textAnchor="middle" className="tick">
                  {d.slice(5)}
                </text>
              ) : null,
            )}
            <text x={LABEL_W - 8} y={HEAD_H - 6} textAnchor="end" className="tick">
              tickets looked at
            </text>
            {group.tickets.map((n, i) => (
              <text key={group.days[i]} x={LABEL_W + i * col + col / 2} y={HEAD_H - 6} textAnchor="middle" className="tick">
                {col >= 30 || i % labelEvery === 0 ? n : ''}
                <title>{`${group.days[i]}: ${n} tickets looked at`}</title>
              </text>
            ))}
            {group.rows.map((row, r) => {
              const y = HEAD_H + r * ROW_H;
              const failed = row.outcome === 'failed';
              return (
                <g key={row.key} data-outcome={row.outcome} data-selector={row.selector}>
                  {failed && <rect x={0} y={y + 3} width={4} height={ROW_H - 6} fill={FILL.failed} />}
                  <text x={LABEL_W - 8} y={y + ROW_H / 2 + 4} textAnchor="end" className={failed ? 'row-label failed' : 'row-label'}>
                    {`${failed ? '✕ ' : ''}${row.selector} · ${outcomeLabel(row)}`}
                  </text>
                  {row.cells.map((cell, i) => {
                    const x = LABEL_W + i * col;
                    if (!cell) return <rect key={group.days[i]} x={x + 1} y={y + 1} width={col - 2} height={ROW_H - 2} className="cell-none" />;
                    const share = cell.rate ?? 0;
                    return (
                      <g key={group.days[i]} className="cell">
                        {/* A failure is never paler than a fallback: stronger floor, and an outline. */}
                        <rect
                          x={x + 1.5}
                          y={y + 1.5}
                          width={col - 3}
                          height={ROW_H - 3}
                          fill={FILL[row.outcome]}
                          fillOpacity={row.outcome === 'failed' ? 0.4 + 0.6 * share : 0.15 + 0.55 * share}
                          className={row.outcome === 'failed' ? 'cell-failed' : undefined}
                        />
                        {col >= 40 && (
                          <text x={x + col / 2} y={y + ROW_H / 2 + 4} textAnchor="middle" className="cell-text">
                            {cell.numerator}
                          </text>
                        )}
                        <title>{`${row.selector} ${outcomeLabel(row)}, ${group.days[i]}: ${rateText(cell)} tickets`}</title>
                      </g>
                    );
                  })}
                </g>
              );
            })}
          </svg>
          <ul className="legend">
            <li>
              <svg width="14" height="14" aria-hidden="true">
                <rect width="14" height="14" fill={FILL.failed} />
              </svg>
              ✕ failed: no candidate matched
            </li>
            <li>
              <svg width="14" height="14" aria-hidden="true">
                <rect width="14" height="14" fill={FILL.fallback} />
              </svg>
              matched only by a fallback candidate
            </li>
            <li>darker: a larger share of the day's tickets; the number is tickets (hover for the share)</li>
            {failing > 0 && <li className="error">{`${failing} selector${failing === 1 ? '' : 's'} failed in this window`}</li>}
          </ul>
        </>
      )}
    </figure>
  );
}

function HealthTable({ group }: { group: HealthGroup }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Day</th>
          <th scope="col">Tickets looked at</th>
          <th scope="col">Selector</th>
          <th scope="col">Outcome</th>
          <th scope="col">Tickets (share)</th>
        </tr>
      </thead>
      <tbody>
        {group.days.flatMap((d, i) =>
          group.rows
            .filter((row) => row.cells[i])
            .map((row) => (
              <tr key={`${d}|${row.key}`} className={row.outcome === 'failed' ? 'failed' : undefined}>
                <th scope="row">{d}</th>
                <td>{group.tickets[i]}</td>
                <td>{row.selector}</td>
                <td>{outcomeLabel(row)}</td>
                <td>{`${row.cells[i]!.numerator} of ${row.cells[i]!.denominator} (${percent(row.cells[i]!.rate)})`}</td>
              </tr>
            )),
        )}
      </tbody>
    </table>
  );
}
