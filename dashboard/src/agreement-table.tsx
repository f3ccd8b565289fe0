import type { AgreementStatistic } from '../../lib/contract/agreement';
import { percent } from './format';

const ROWS = [
  { key: 'relevance', what: 'Relevance of the same article on the same ticket', none: 'No article on a ticket was labelled by two agents in this window.' },
  { key: 'preference', what: 'Preference between the same pair of replies', none: 'No pair of replies was judged by two agents in this window.' },
] as const;

const kappaText = (s: AgreementStatistic) => (s.kappa === null ? '– (undefined: one label throughout)' : s.kappa.toFixed(2));

/** Cohen's kappa on the items two agents judged: relevance labels and pairwise preferences side by side. */
export function AgreementTable({ relevance, preference }: { relevance: AgreementStatistic; preference: AgreementStatistic }) {
  const stats = { relevance, preference };
  return (
    <table className="agreement">
      <caption className="hint">Each agent's latest label counts; kappa 1 is perfect agreement, 0 what chance gives, below 0 worse than chance.</caption>
      <thead>
        <tr>
          <th scope="col">Judged by two agents</th>
          <th scope="col">Items</th>
          <th scope="col">Agreed (items agreed / items)</th>
          <th scope="col">By chance</th>
          <th scope="col">{"Cohen's kappa"}</th>
        </tr>
      </thead>
      <tbody>
        {ROWS.map((row) => {
          const s = stats[row.key];
          return (
            <tr key={row.key} data-agreement={row.key}>
              <th scope="row">{row.what}</th>
              {s.items === 0 ? (
                <td colSpan={4} className="empty">
                  {row.none}
                </td>
              ) : (
                <>
                  <td className="number">{s.items}</td>
                  <td>{`${percent(s.observed)} (${Math.round((s.observed ?? 0) * s.items)} / ${s.items})`}</td>
                  <td>{percent(s.expected)}</td>
                  <td>{`Cohen's kappa ${kappaText(s)}`}</td>
                </>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
