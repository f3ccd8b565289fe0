import os from 'node:os';
import type { LabelledTicket } from '../../../lib/contract';
import { Reranker } from '../knowledge/reranker';
import { ModelServing } from '../models/serving';
import { listModelVersions, NothingToRollBackError, promote, promotionHistory, rollback, servingVersions, UnknownModelVersionError } from '../models/store';
import { startTurn, type TurnResult } from '../models/turn';
import { listTurns, TurnBusyError } from '../models/turn-lease';
import { EvalInputError, readLabelledTickets } from '../knowledge/evaluation';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { OperationError } from './operation-error';
import { table } from './table';

/** What these operations need; they run in the CLI process or inside `aitl serve` (admin socket). */
interface OperationContext {
  db: Database;
  config: Config;
}

const actor = () => `cli:${os.userInfo().username}`;

function formatSide(name: string, s: TurnResult['current']): string {
  if (!s) return `  ${name}: not evaluated`;
  return `  ${name.padEnd(9)} recall@75 ${s['recall@75'].toFixed(4)}  precision@8 ${s['precision@8'].toFixed(4)}  hit@8 ${s['hit@8'].toFixed(4)}  MRR@8 ${s['mrr@8'].toFixed(4)}  (${s.tickets} tickets; ${s.versions.retriever}, ${s.versions.reranker})`;
}

function formatExamples(e: NonNullable<TurnResult['generation']>['examples']): string {
  return e.version === null ? e.reason : `${e.version}, ${e.count} replies${e.promoted ? ' (new)' : ''}`;
}

function formatTurn(r: TurnResult): string {
  const s = r.signals;
  return [
    `turn ${r.turn}: ${r.promoted ? 'PROMOTED' : 'not promoted'}: ${r.reason}`,
    `  feedback up to annotation ${r.watermark}: ${s.relevant} relevant, ${s.partial} partial, ${s.irrelevant + s.outdated} irrelevant/outdated labels, ${s.link} links in sent replies, ${s.cited} citations, ${s.gap} closed gaps`,
    `  trained on ${s.trainingTickets} ticket(s); eval slice ${s.evalTickets} ticket(s)`,
    formatSide('current', r.current),
    formatSide('candidate', r.candidate),
    ...(r.tickets ? ['  on --tickets:', formatSide('current', r.tickets.current), formatSide('candidate', r.tickets.candidate)] : []),
    ...(r.generation
      ? [
          `  champion arm: ${r.generation.champion.champion} (${r.generation.champion.promoted ? 'new' : 'unchanged'}: ${r.generation.champion.reason})`,
          `  example replies: ${formatExamples(r.generation.examples)}`,
        ]
      : []),
  ].join('\n');
}

export const modelOperations = {
  /** One turn of the flywheel, waited for. */
  async 'models.retrain'(
    { db, config }: OperationContext,
    args: { tenant: string; tickets?: string; json?: boolean; minEval?: number; minGain?: number; maxLoss?: number },
  ): Promise<string> {
    let tickets: LabelledTicket[] | undefined;
    try {
      tickets = args.tickets ? readLabelledTickets(args.tickets) : undefined;
    } catch (error) {
      if (error instanceof EvalInputError) throw new OperationError(error.message);
      throw error;
    }
    const gate = {
      ...(args.minEval !== undefined && { minEvalTickets: args.minEval }),
      ...(args.minGain !== undefined && { minGain: args.minGain }),
      ...(args.maxLoss !== undefined && { maxLoss: args.maxLoss }),
    };
    const serving = new ModelServing(new Reranker(config.suggestions.reranker));
    let result: TurnResult;
    try {
      const turn = await startTurn(db, args.tenant, serving, { requestedBy: actor(), tickets, gate, arms: config.suggestions.arms });
      result = await turn.finished;
    } catch (error) {
      if (error instanceof TurnBusyError) throw new OperationError(error.message);
      throw error;
    }
    return `${formatTurn(result)}\n${args.json ? `${JSON.stringify(result)}\n` : ''}`;
  },

  async 'models.list'({ db }: OperationContext, args: { tenant: string; json?: boolean }): Promise<string> {
    const [versions, history, serving, turns] = await Promise.all([
      listModelVersions(db, args.tenant),
      promotionHistory(db, args.tenant),
      servingVersions(db, args.tenant),
      listTurns(db, args.tenant),
    ]);
    const shown = versions.filter((v) => !(v.trainedOn as { crossFit?: boolean }).crossFit);
    const evalOf = (turn: number | null) => (turn ? (turns.find((t) => t.number === turn)?.result as TurnResult | null) : null);
    if (args.json) return JSON.stringify({ serving, versions: shown.map((v) => ({ ...v, turnResult: evalOf(v.turn) })), promotions: history, turns }) + '\n';
    if (shown.length === 0) return `tenant ${args.tenant} serves the shipped defaults; no model has been trained (aitl models retrain --tenant ${args.tenant})\n`;
    const rows = shown.map((v) => {
      const r = evalOf(v.turn);
      const last = [...history].reverse().find((p) => p.version === v.version);
      return [
        v.version,
        v.kind,
        serving[v.kind] === v.version ? 'serving' : '',
        r?.candidate ? r.candidate['recall@75'].toFixed(4) : '-',
        r?.candidate ? r.candidate['precision@8'].toFixed(4) : '-',
        last ? `${last.action} by ${last.actor} ${last.createdAt.slice(0, 16)}` : 'never promoted',
      ];
    });
    return table(['version', 'kind', 'now', 'R@75', 'P@8', 'promotion'], rows) + '\n';
  },

  async 'models.promote'({ db }: OperationContext, args: { tenant: string; version: string; reason?: string }): Promise<string> {
    try {
      const row = await promote(db, args.tenant, args.version, { actor: actor(), reason: args.reason ?? 'promoted by hand' });
      return `${row.kind} ${row.version} serves tenant ${args.tenant} now (every replica within a second)\n`;
    } catch (error) {
      if (error instanceof UnknownModelVersionError) throw new OperationError(error.message);
      throw error;
    }
  },

  async 'models.rollback'({ db, config }: OperationContext, args: { tenant: string; reason?: string }): Promise<string> {
    const defaults = new ModelServing(new Reranker(config.suggestions.reranker)).defaults;
    try {
      const rows = await rollback(db, args.tenant, { actor: actor(), reason: args.reason ?? 'rolled back by hand' }, defaults, ['retriever', 'reranker']);
      return rows.map((r) => `${r.kind} back to ${r.version}`).join('\n') + '\n';
    } catch (error) {
      if (error instanceof NothingToRollBackError) throw new OperationError(error.message);
      throw error;
    }
  },
};
