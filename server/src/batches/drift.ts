import type { DriftMetrics } from '../../../lib/contract';
import { words } from './near-duplicates';

/** Replies sampled for distinct-2: a fixed size, so generations of different sizes compare fairly. */
export const DIVERSITY_SAMPLE = 2000;

/**
 * Collects one generation's drift metrics while the batch is written. Everything is a counter
 * except the diversity sample, which keeps the DIVERSITY_SAMPLE replies of lowest hash rank.
 */
export class DriftCollector {
  private sftRows = 0;
  private replyChars = 0;
  private synthetic = 0;
  private readonly outcomes = new Map<string, number>();
  private readonly arms = new Map<string, number>();
  private adoptions = 0;
  private inserted = 0;
  // A max-heap on rank: the root is the sampled reply to drop when a lower rank comes along.
  private readonly heap: { rank: number; text: string }[] = [];

  adoption(outcome: string, armId: string | null): void {
    this.adoptions++;
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    if (armId !== null) {
      this.inserted++;
      this.arms.set(armId, (this.arms.get(armId) ?? 0) + 1);
    }
  }

  sftReply(text: string, synthetic: boolean, rank: number): void {
    this.sftRows++;
    this.replyChars += text.length;
    if (synthetic) this.synthetic++;
    const h = this.heap;
    if (h.length < DIVERSITY_SAMPLE) {
      h.push({ rank, text });
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (h[p]!.rank >= h[i]!.rank) break;
        [h[p], h[i]] = [h[i]!, h[p]!];
        i = p;
      }
    } else if (rank < h[0]!.rank) {
      h[0] = { rank, text };
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.rank > h[m]!.rank) m = l;
        if (r < h.length && h[r]!.rank > h[m]!.rank) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
  }

  metrics(): DriftMetrics {
    const shares = (m: Map<string, number>, total: number) =>
      Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, round(v / total)]));
    const bigrams = new Set<string>();
    let total = 0;
    for (const { text } of this.heap) {
      const w = words(text);
      for (let i = 0; i + 1 < w.length; i++) {
        bigrams.add(w[i] + ' ' + w[i + 1]);
        total++;
      }
    }
    return {
      sftRows: this.sftRows,
      meanReplyChars: this.sftRows ? round(this.replyChars / this.sftRows) : 0,
      outcomeShares: this.adoptions ? shares(this.outcomes, this.adoptions) : {},
      armShares: this.inserted ? shares(this.arms, this.inserted) : {},
      distinct2: total ? round(bigrams.size / total) : 0,
      syntheticShare: this.sftRows ? round(this.synthetic / this.sftRows) : 0,
    };
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Generations over which a trend must hold before it is reported. */
export const DRIFT_GENERATIONS = 3;

/**
 * Warnings when, over the last three generations (this one included), a share rose every time or
 * diversity fell every time. The bias-amplification paper saw majority shares grow while quality
 * looked flat, so shares are watched on their own.
 */
export function driftWarnings(history: DriftMetrics[], current: DriftMetrics): string[] {
  const series = [...history.slice(-(DRIFT_GENERATIONS - 1)), current];
  if (series.length < DRIFT_GENERATIONS) return [];
  const warnings: string[] = [];
  const rising = (label: string, values: number[]) => {
    if (values.every((v, i) => i === 0 || v > values[i - 1]!)) warnings.push(`${label} grew for ${DRIFT_GENERATIONS} generations: ${values.join(' -> ')}`);
  };
  rising('synthetic share of SFT replies', series.map((m) => m.syntheticShare));
  for (const key of Object.keys(current.outcomeShares)) rising(`share of adoption outcome ${key}`, series.map((m) => m.outcomeShares[key] ?? 0));
  for (const key of Object.keys(current.armShares)) rising(`share of inserted replies from arm ${key}`, series.map((m) => m.armShares[key] ?? 0));
  const d = series.map((m) => m.distinct2);
  if (d.every((v, i) => i === 0 || v < d[i - 1]!)) warnings.push(`distinct-2 diversity of SFT replies fell for ${DRIFT_GENERATIONS} generations: ${d.join(' -> ')}`);
  return warnings;
}
