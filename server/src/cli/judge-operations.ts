import os from 'node:os';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { JudgeBusyError } from '../judge/judge-lease';
import { runJudgePass, type JudgeRunSummary } from '../judge/run-judge';
import { OperationError } from './operation-error';
import { table } from './table';

const fixed = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));

export function formatJudgeSummary(s: JudgeRunSummary): string {
  const lines = [
    `judge pass ${s.run} of tenant ${s.tenant}: ${s.judge.model} on rubric ${s.judge.rubricVersion} (${s.judge.baseUrl})`,
    `  asked about ${s.asked} ${s.asked === 1 ? 'reply' : 'replies'} on the frozen eval slice: scored ${s.scored}, failed ${s.failed}; ${s.alreadyScored} scored by earlier passes, ${s.left} left for a later pass`,
  ];
  if (s.failures.length > 0) lines.push('  failures (recorded, no score):', ...s.failures.slice(0, 5).map((f) => `    ${f.count}× ${f.reason}`));
  const h = s.helpfulness;
  if (h.status === 'scored') {
    lines.push('', `helpfulness: every score of ${h.judge.model} on rubric ${h.judge.rubricVersion} in this tenant`);
    if (h.arms.length === 0) lines.push('  no reply scored yet');
    else {
      const rows = h.arms.map((a) => [a.armId, a.model, a.promptVersion, String(a.n), a.mean.toFixed(2), a.interval ? `${a.interval.low.toFixed(2)}–${a.interval.high.toFixed(2)}` : '-']);
      lines.push(table(['ARM', 'MODEL', 'PROMPT', 'N', 'MEAN', '95% INTERVAL'], rows).trimEnd());
    }
    const g = h.agreement;
    lines.push(
      g.pairs === 0
        ? 'agreement with agents: no impression has both an agent preference (A or B) and judge scores of both replies yet'
        : `agreement with agents: the judge ordered ${g.same} of ${g.pairs} preferred pairs as the agent did (${fixed(g.share === null ? null : g.share * 100, 0)}%), ${g.judgeTies} judge ties; Cohen's kappa ${fixed(g.kappa.kappa)}: ${g.verdict === 'disagrees' ? 'DISAGREES with the agents: do not trust these scores' : g.verdict}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** `aitl judge`: a helpfulness pass by the judge model; runs in the CLI process or inside `aitl serve`. */
export const judgeOperations = {
  async 'judge.run'({ db, config }: { db: Database; config: Config }, args: { tenant: string; sample?: number; json?: boolean }): Promise<string> {
    if (!config.judge) {
      throw new OperationError('no judge configured: set AITL_JUDGE_URL (an OpenAI-compatible API root) and AITL_JUDGE_MODEL, and AITL_JUDGE_API_KEY_ENV to the name of the variable holding its key if it needs one');
    }
    if (args.sample !== undefined && (!Number.isInteger(args.sample) || args.sample < 1)) throw new OperationError('--sample must be a whole number of replies, at least 1');
    const known = await db.query('SELECT 1 FROM tenants WHERE id = $1', [args.tenant]);
    if (known.rows.length === 0) throw new OperationError(`no tenant "${args.tenant}"; tenants are created with their first token (see aitl tokens list)`);
    let summary: JudgeRunSummary | null;
    try {
      summary = await runJudgePass(db, args.tenant, config.judge, { sample: args.sample, requestedBy: `cli:${os.userInfo().username}@${os.hostname()}` });
    } catch (error) {
      if (error instanceof JudgeBusyError) throw new OperationError(error.message);
      throw error;
    }
    if (!summary) throw new OperationError('the judge pass did not start'); // only scheduled passes skip
    return args.json ? JSON.stringify(summary, null, 2) + '\n' : formatJudgeSummary(summary);
  },
};
