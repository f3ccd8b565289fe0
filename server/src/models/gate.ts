/** A side of the comparison: one model pair's offline metrics on one ticket set. */
export interface SideMetrics {
  'recall@75': number;
  'precision@8': number;
  'hit@8': number;
  'mrr@8': number;
  tickets: number;
  versions: { retriever: string; reranker: string };
}

export interface GateOptions {
  /** Fewest eval tickets a decision may rest on. */
  minEvalTickets: number;
  /** How much better a metric must be to count as better. */
  minGain: number;
  /** How much worse a metric may be and still count as no worse. */
  maxLoss: number;
}

/** Small enough that a team with ~200 labelled tickets (a 10% slice: ~20) can promote. */
export const DEFAULT_GATE: GateOptions = { minEvalTickets: 15, minGain: 0, maxLoss: 0 };

export interface GateDecision {
  promote: boolean;
  reason: string;
}

const GATED = ['recall@75', 'precision@8'] as const;

/**
 * Promote only if, on every evaluated set, the candidate is no worse than the current models on
 * recall@75 and precision@8, and on at least one set better on at least one of them. Sets with
 * too few tickets refuse the decision rather than let noise promote.
 */
export function decide(sets: { name: string; current: SideMetrics; candidate: SideMetrics }[], options: GateOptions = DEFAULT_GATE): GateDecision {
  const total = sets.reduce((n, s) => n + s.current.tickets, 0);
  if (sets.length === 0 || total < options.minEvalTickets) {
    return {
      promote: false,
      reason: `too few eval tickets to decide: ${total} labelled, at least ${options.minEvalTickets} needed (label more tickets, pass --tickets FILE, or lower --min-eval)`,
    };
  }
  const better: string[] = [];
  for (const { name, current, candidate } of sets) {
    for (const metric of GATED) {
      const delta = candidate[metric] - current[metric];
      if (delta < -options.maxLoss) {
        return { promote: false, reason: `candidate is worse on ${metric} on ${name}: ${candidate[metric].toFixed(4)} vs ${current[metric].toFixed(4)}` };
      }
      if (delta > options.minGain) better.push(`${metric} ${current[metric].toFixed(4)} → ${candidate[metric].toFixed(4)} on ${name}`);
    }
  }
  if (better.length === 0) return { promote: false, reason: `candidate is no better than the current models on recall@75 or precision@8 (${sets.map((s) => s.name).join(', ')})` };
  return { promote: true, reason: `no worse anywhere and better on ${better.join('; ')}` };
}
