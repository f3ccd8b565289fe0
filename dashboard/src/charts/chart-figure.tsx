import { useId, useState, type ReactNode } from 'react';

/**
 * A chart's frame: its title, and a toggle between the drawing and a table of the same numbers
 * (the text alternative for keyboards and screen readers). `chart` gets the title's id for its
 * aria-labelledby.
 */
export function ChartFigure({ title, empty, emptyText = 'No data to show.', chart, table }: { title: string; empty: boolean; emptyText?: string; chart: (titleId: string) => ReactNode; table: () => ReactNode }) {
  const [asTable, setAsTable] = useState(false);
  const titleId = useId();
  return (
    <figure className="chart">
      <figcaption id={titleId}>
        <span className="chart-title">{title}</span>
        <button type="button" className="link" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
          {asTable ? 'Show chart' : 'Show table'}
        </button>
      </figcaption>
      {empty && <p className="empty">{emptyText}</p>}
      {!empty && (asTable ? table() : chart(titleId))}
    </figure>
  );
}
