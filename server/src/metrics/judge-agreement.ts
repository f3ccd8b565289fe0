import type { JudgeAgreement } from '../../../lib/contract';
import { cohensKappa } from './cohens-kappa';

/** One impression both sides judged: the agent's A/B verdict and the judge's scores of A and B. */
export interface JudgedPair {
  agent: 'A' | 'B';
  scoreA: number;
  scoreB: number;
}

/** Fewer pairs than this and kappa's interval spans everything from chance to perfect. */
export const MIN_AGREEMENT_PAIRS = 10;

/**
 * How well the judge's scores order replies the way agents chose between them. The judge's label
 * is the reply it scored higher, or `tie`; the agent's is the reply they preferred. Cohen's kappa
 * corrects the raw share for the agreement the two label frequencies would give by chance (an
 * agent who always picks A and a judge who always scores A higher agree fully, and tell nothing).
 */
export function judgeAgreement(pairs: readonly JudgedPair[]): JudgeAgreement {
  const labelled = pairs.map((p) => [p.agent, p.scoreA > p.scoreB ? 'A' : p.scoreB > p.scoreA ? 'B' : 'tie'] as const);
  const same = labelled.filter(([a, j]) => a === j).length;
  const judgeTies = labelled.filter(([, j]) => j === 'tie').length;
  const kappa = cohensKappa(labelled);
  return { pairs: pairs.length, same, judgeTies, share: pairs.length > 0 ? same / pairs.length : null, kappa, verdict: verdictOf(pairs.length, kappa.kappa, kappa.observed) };
}

function verdictOf(n: number, kappa: number | null, observed: number | null): JudgeAgreement['verdict'] {
  if (n < MIN_AGREEMENT_PAIRS) return 'too few pairs';
  // Kappa is undefined only when both sides used one and the same label throughout.
  // The bounds with a hair of slack, so 0.4 computed as 0.39999999999999997 is still 0.4.
  const k = (kappa ?? (observed === 1 ? 1 : 0)) + 1e-9;
  if (k >= 0.4) return 'agrees';
  if (k >= 0.2) return 'weak';
  return 'disagrees';
}
