import type { Helpfulness, JudgeAgreement } from '../../lib/contract/helpfulness';
import { percent } from './format';

const VERDICT: Record<JudgeAgreement['verdict'], string> = {
  agrees: 'agrees with the agents',
  weak: 'agrees with the agents only weakly',
  disagrees: 'disagrees with the agents: its scores are not a trustworthy measure of helpfulness',
  'too few pairs': 'has too few pairs to tell whether it agrees with the agents (fewer than 10)',
};

function AgreementLine({ agreement: g }: { agreement: JudgeAgreement }) {
  if (g.pairs === 0) {
    return <p className="empty">No impression has both an agent preference (A or B) and judge scores of both replies yet, so the judge's agreement with agents is unknown.</p>;
  }
  const kappa = g.kappa.kappa === null ? '– (one label throughout)' : g.kappa.kappa.toFixed(2);
  const text = `Agreement with agents: the judge scored the reply the agent preferred higher on ${g.same} of ${g.pairs} pairs (${percent(g.share)}; ${g.judgeTies} judge ties), Cohen's kappa ${kappa}. This judge ${VERDICT[g.verdict]}.`;
  return (
    <p className={g.verdict === 'disagrees' ? 'error' : undefined} role={g.verdict === 'disagrees' ? 'alert' : undefined} title={`${g.same} / ${g.pairs} pairs ordered as the agent did`}>
      {text}
    </p>
  );
}

/** Helpfulness from the judge model on the frozen eval slice, per arm and model version, with the judge's agreement with agents. */
export function HelpfulnessPanel({ helpfulness: h }: { helpfulness: Helpfulness }) {
  return (
    <section aria-labelledby="helpfulness-heading">
      <h3 id="helpfulness-heading">Helpfulness (judge model)</h3>
      {h.status === 'no judge configured' ? (
        <p className="empty">No judge configured: helpfulness is scored by a judge model (AITL_JUDGE_URL, AITL_JUDGE_MODEL), and this server has none, so there is no number to show.</p>
      ) : (
        <>
          <p className="summary">
            {`Judge ${h.judge.model} on rubric ${h.judge.rubricVersion}, scoring replies 1–5 on the frozen eval slice; ${h.lastRunAt ? `last pass ${h.lastRunAt.slice(0, 16).replace('T', ' ')} UTC` : 'no pass has finished yet (run aitl judge)'}; ${h.failures} ${h.failures === 1 ? 'reply' : 'replies'} without a usable score.`}
          </p>
          {h.arms.length === 0 ? (
            <p className="empty">The judge has scored no reply shown in this window yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Arm</th>
                  <th scope="col">Model</th>
                  <th scope="col">Prompt version</th>
                  <th scope="col">Replies scored</th>
                  <th scope="col">Mean score (1–5)</th>
                  <th scope="col">95% interval</th>
                  <th scope="col">Scores 1 / 2 / 3 / 4 / 5</th>
                </tr>
              </thead>
              <tbody>
                {h.arms.map((a) => (
                  <tr key={`${a.armId}|${a.model}|${a.promptVersion}`}>
                    <td>{a.armId}</td>
                    <td>{a.model}</td>
                    <td>{a.promptVersion}</td>
                    <td>{a.n}</td>
                    <td title={`mean of ${a.n} scores`}>{a.mean.toFixed(2)}</td>
                    <td>{a.interval ? `${a.interval.low.toFixed(2)}–${a.interval.high.toFixed(2)}` : '– (one score)'}</td>
                    <td>{a.scores.join(' / ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <AgreementLine agreement={h.agreement} />
        </>
      )}
    </section>
  );
}
