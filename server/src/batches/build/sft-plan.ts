import type { BatchSpec, ReplyLengths } from '../../../../lib/contract';
import { hashRank, rankThreshold } from '../examples/sampling';
import { RankSample, windowedDistinct2 } from '../drift';
import { LengthStats } from '../length-gap';
import { bandOf, bandQuotas, counterLeanShares, lengthBands, syntheticTargets } from './length-matching';

/** How the SFT file is composed: tallied over the replies pass, applied when the SFT rows are written after it. */
export interface SftPlan {
  candidates: { human: number; synthetic: number };
  /** Upper edges of the reply-length bands the synthetic cap samples within (length-matching.ts). */
  lengthBands: number[];
  /** Per length band: synthetic targets in the window with a rank at or below this are kept (the synthetic cap). */
  syntheticThresholds: number[];
  /** Human-written targets before the window with a rank at or below this are kept as anchors. */
  anchorThreshold: number;
  /** Lengths of the synthetic candidates the synthetic cap leaned against: the model's newest adopted replies (all synthetic candidates when none arrived since the last batch). */
  modelLengths: ReplyLengths;
  /** Distinct-2 of the model's newest adopted replies (a hash sample, windowedDistinct2 like the drift report's); null when there are none. */
  modelDiversity: { distinct2: number; distinct2Windows: number; distinct2StdErr: number } | null;
}

/** One SFT target the gate admitted, as the plan needs it to decide whether the file keeps it. */
export interface SftAdmitted {
  seq: number;
  annotationId: string;
  text: string;
  synthetic: boolean;
  inWindow: boolean;
}

/** Whether the synthetic cap keeps a synthetic target of this rank and length. */
export const keepsSynthetic = (plan: SftPlan, rank: number, length: number): boolean => rank <= plan.syntheticThresholds[bandOf(plan.lengthBands, length)]!;

const grown = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
  const bigger = make(a.length * 2);
  bigger.set(a);
  return bigger;
};

/**
 * The SFT targets the gate admits, tallied in arrival order as the replies pass meets them: how
 * many of each kind, their ranks and lengths (what the caps are sampled by), and each one's seq and
 * kind, so the rows the plan keeps are written afterwards (sft-rows.ts) without a pass of their
 * own over the adoptions. Typed arrays: a large build admits hundreds of thousands.
 */
export class SftTally {
  private seqs = new Float64Array(1024);
  private ranks = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  /** 0 synthetic in the window, 1 human in the window, 2 human before it (an anchor candidate). */
  private kinds = new Uint8Array(1024);
  private count = 0;
  private human = 0;
  private synthetic = 0;
  private readonly syntheticRanks: number[] = [];
  private readonly syntheticLengths: number[] = [];
  // The synthetic candidates since the previous batch: what the model that serves now writes.
  private readonly newestSyntheticLengths: number[] = [];
  private readonly newestSample = new RankSample();
  private readonly humanLengths: number[] = [];
  private readonly anchorRanks: number[] = [];

  constructor(private readonly spec: BatchSpec) {}

  get size(): number {
    return this.count;
  }

  /** False for a synthetic target before the window, which is never kept (and not tallied). */
  add(c: SftAdmitted): boolean {
    const { spec } = this;
    if (!c.inWindow && c.synthetic) return false;
    const kind = c.inWindow ? (c.synthetic ? 0 : 1) : 2;
    const rank = kind === 0 ? hashRank(spec.seed, 'synthetic', c.annotationId) : kind === 2 ? hashRank(spec.seed, 'anchor', c.annotationId) : 0;
    if (kind === 0) {
      this.synthetic++;
      this.syntheticRanks.push(rank);
      this.syntheticLengths.push(c.text.length);
      if (c.seq > spec.fromSeq) {
        this.newestSyntheticLengths.push(c.text.length);
        this.newestSample.add(rank, c.text);
      }
    } else if (kind === 1) {
      this.human++;
      this.humanLengths.push(c.text.length);
    } else {
      this.anchorRanks.push(rank);
    }
    if (this.count === this.seqs.length) {
      this.seqs = grown(this.seqs, (n) => new Float64Array(n));
      this.ranks = grown(this.ranks, (n) => new Float64Array(n));
      this.lengths = grown(this.lengths, (n) => new Uint32Array(n));
      this.kinds = grown(this.kinds, (n) => new Uint8Array(n));
    }
    this.seqs[this.count] = c.seq;
    this.ranks[this.count] = rank;
    this.lengths[this.count] = c.text.length;
    this.kinds[this.count++] = kind;
    return true;
  }

  /** The `i`th admitted target's seq, and whether the plan keeps it (as an anchor, or in the window). */
  decision(plan: SftPlan, i: number): { seq: number; keep: boolean; anchor: boolean; capped: boolean } {
    const kind = this.kinds[i]!;
    const anchor = kind === 2 && this.ranks[i]! <= plan.anchorThreshold;
    const keep = anchor || kind === 1 || (kind === 0 && keepsSynthetic(plan, this.ranks[i]!, this.lengths[i]!));
    return { seq: this.seqs[i]!, keep, anchor, capped: kind <= 1 && !keep };
  }

  /** The caps applied to what was admitted: how many anchors and synthetic targets the file keeps, and which. */
  plan(): SftPlan {
    const { human, synthetic, anchorRanks, humanLengths, syntheticLengths, syntheticRanks } = this;
    const { anchorShare, syntheticCap } = this.spec;
    // Anchors: re-sampled human-written replies from before the window, enough to reach the anchor share.
    const anchorsNeeded = anchorShare >= 1 ? anchorRanks.length : Math.ceil(Math.max(0, (anchorShare * (human + synthetic) - human) / (1 - anchorShare)));
    const anchors = Math.min(anchorRanks.length, anchorsNeeded);
    // Synthetic targets: at most syntheticCap of the file, and never so many that humans fall below the anchor share.
    const maxShare = Math.min(syntheticCap, 1 - anchorShare);
    const allowed = Math.min(synthetic, Math.floor((maxShare * (human + anchors)) / (1 - maxShare) + 1e-9));
    // Which ones: spread over reply lengths like the human-written targets in the window, leaning
    // against the lengths the model's own adopted replies over-represent (length-matching.ts).
    const bands = lengthBands(humanLengths);
    const humanPerBand = new Array<number>(bands.length + 1).fill(0);
    for (const n of humanLengths) humanPerBand[bandOf(bands, n)]!++;
    const ranksPerBand = humanPerBand.map((): number[] => []);
    syntheticLengths.forEach((n, i) => ranksPerBand[bandOf(bands, n)]!.push(syntheticRanks[i]!));
    const newestPerBand = humanPerBand.map(() => 0);
    const modelLengths = new LengthStats();
    for (const n of this.newestSyntheticLengths.length ? this.newestSyntheticLengths : syntheticLengths) {
      newestPerBand[bandOf(bands, n)]!++;
      modelLengths.add(n);
    }
    const available = ranksPerBand.map((r) => r.length);
    const shares = counterLeanShares(humanPerBand, newestPerBand);
    const quotas = bandQuotas(allowed, syntheticTargets(allowed, humanPerBand, available, shares), available);
    return {
      candidates: { human, synthetic },
      lengthBands: bands,
      syntheticThresholds: ranksPerBand.map((r, b) => rankThreshold(r, quotas[b]!)),
      anchorThreshold: rankThreshold(anchorRanks, anchors),
      modelLengths: modelLengths.summary(),
      modelDiversity: this.newestSample.size > 0 ? windowedDistinct2(this.newestSample.texts()) : null,
    };
  }
}
