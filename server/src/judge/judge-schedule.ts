import type { Sql } from '../db/database';
import type { JudgeConfig } from './judge-config';
import { JudgeBusyError } from './judge-lease';
import { runJudgePass, type JudgeRunSummary } from './run-judge';

export interface JudgeScheduleLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * `AITL_JUDGE_EVERY` in `aitl serve`: every replica looks now and then whether a tenant is due
 * (no pass of it started within the period) and starts one. Across replicas the database decides:
 * the start refuses a tenant whose pass started within the period, and the partial unique index
 * lets one pass run per tenant, so N replicas run one pass per tenant and period, not N.
 */
export function startJudgeSchedule(
  db: Sql,
  judge: JudgeConfig & { everyMs: number },
  log: JudgeScheduleLog,
  options: { tickMs?: number; onPass?: (summary: JudgeRunSummary) => void } = {},
): { stop(): Promise<void> } {
  // Look ten times a period (at least every minute, at most every ten): a replica that restarts
  // picks up a due tenant soon, and a quiet server does not poll the database for nothing.
  const tickMs = options.tickMs ?? Math.min(600_000, Math.max(60_000, judge.everyMs / 10));
  let stopped = false;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();

  const tick = async () => {
    const { rows } = await db.query<{ id: string }>(`SELECT t.id FROM tenants t WHERE EXISTS (SELECT 1 FROM impressions i WHERE i.tenant_id = t.id) ORDER BY 1`);
    for (const { id } of rows) {
      if (stopped) return;
      try {
        const summary = await runJudgePass(db, id, judge, { requestedBy: 'schedule', notWithinMs: judge.everyMs, signal: stopping.signal });
        if (summary) {
          log.info({ tenant: id, run: summary.run, scored: summary.scored, failed: summary.failed, judge: judge.model }, 'scheduled judge pass finished');
          options.onPass?.(summary);
        }
      } catch (error) {
        if (error instanceof JudgeBusyError) continue; // another replica is on it
        log.error({ tenant: id, err: error }, 'scheduled judge pass failed');
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      ticking = tick()
        .catch((error) => log.error({ err: error }, 'judge schedule could not look for due tenants'))
        .finally(schedule);
    }, tickMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      stopping.abort();
      clearTimeout(timer);
      await ticking;
    },
  };
}
