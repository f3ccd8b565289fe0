import type { Helpfulness } from '../../../lib/contract';
import type { Sql } from '../db/database';
import { helpfulness } from '../metrics/helpfulness';
import { askJudge, DEFAULT_RETRY, type RetryPolicy } from './ask-judge';
import { selectRepliesToJudge, type ReplyToJudge } from './eval-replies';
import type { JudgeConfig } from './judge-config';
import { finishJudgeRun, renewJudgeRun, startJudgeRun } from './judge-lease';
import { judgePrompt } from './judge-prompt';

export interface JudgeRunSummary {
  run: number;
  tenant: string;
  judge: { model: string; rubricVersion: string; baseUrl: string };
  /** Replies put to the judge in this pass (one call each, plus retries). */
  asked: number;
  scored: number;
  failed: number;
  /** Why replies got no score, most frequent first. */
  failures: { reason: string; count: number }[];
  /** Eval-slice replies this judge had already scored: not asked again. */
  alreadyScored: number;
  /** Eval-slice replies left unscored by the sample cut: a later pass asks about them. */
  left: number;
  /** Everything this judge has scored for the tenant, this pass included: per arm, and agreement with agents. */
  helpfulness: Helpfulness;
}

export interface JudgeRunOptions {
  /** Replies to ask about at most; default the judge's configured sample. */
  sample?: number;
  requestedBy: string;
  retry?: RetryPolicy;
  /** Scheduled passes: skip (return null) when a pass started this recently. */
  notWithinMs?: number;
  /** Stops asking (a server shutting down): replies under way finish, the rest wait for the next pass. */
  signal?: AbortSignal;
}

/** The summary covers every impression ever shown, not a window. */
const ALL_TIME = { from: new Date(0), to: new Date('9999-01-01T00:00:00Z') };

/**
 * One judge pass over a tenant's frozen eval slice: picks the replies not yet scored by this judge
 * and rubric, asks the judge about each (a few at a time), and stores each verdict as it comes:
 * a score with the judge's reason, or a failure with its reason. A pass that dies half-way keeps
 * what it stored; the next one asks only about what is left.
 */
export async function runJudgePass(db: Sql, tenantId: string, judge: JudgeConfig, opts: JudgeRunOptions): Promise<JudgeRunSummary | null> {
  const sample = opts.sample ?? judge.sample;
  const run = await startJudgeRun(db, tenantId, opts.requestedBy, judge, sample, opts.notWithinMs);
  if (run === null) return null;
  try {
    const selection = await selectRepliesToJudge(db, tenantId, judge, sample);
    const failures = new Map<string, number>();
    let scored = 0;
    let next = 0;
    const judgeOne = async (reply: ReplyToJudge) => {
      const { verdict, attempts } = await askJudge(judge, judgePrompt(judge.rubricVersion, reply), opts.retry ?? DEFAULT_RETRY);
      await db.query(
        `INSERT INTO judge_scores (tenant_id, run, impression_id, slot, arm_id, model, prompt_version, judge_model, rubric_version, score, reason, failure, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [tenantId, run, reply.impressionId, reply.slot, reply.armId, reply.model, reply.promptVersion, judge.model, judge.rubricVersion,
          verdict.ok ? verdict.score : null, verdict.ok ? verdict.reason : null, verdict.ok ? null : verdict.failure, attempts],
      );
      if (verdict.ok) scored++;
      else failures.set(verdict.failure, (failures.get(verdict.failure) ?? 0) + 1);
      await renewJudgeRun(db, tenantId, run);
    };
    const worker = async () => {
      while (next < selection.replies.length && !opts.signal?.aborted) await judgeOne(selection.replies[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(judge.concurrency, selection.replies.length) }, worker));
    const asked = next;
    const summary: JudgeRunSummary = {
      run,
      tenant: tenantId,
      judge: { model: judge.model, rubricVersion: judge.rubricVersion, baseUrl: judge.baseUrl },
      asked,
      scored,
      failed: asked - scored,
      failures: [...failures].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
      alreadyScored: selection.alreadyScored,
      left: selection.unscored - asked,
      helpfulness: await helpfulness(db, tenantId, judge, ALL_TIME),
    };
    await finishJudgeRun(db, tenantId, run, { summary });
    return summary;
  } catch (error) {
    await finishJudgeRun(db, tenantId, run, { error: (error as Error).message }).catch(() => {});
    throw error;
  }
}
