import type { ReplyLengths } from '../../../../lib/contract';
import { hashRank, rankThreshold } from '../examples/sampling';
import { RankSample, windowedDistinct2 } from '../drift';
import { LengthStats } from '../length-gap';
import { ticketKey } from '../examples/ticket';
import { streamAnnotations } from '../source';
import { AdmissionGate, GateDecisions } from './admission-gate';
import { bandOf, bandQuotas, counterLeanShares, lengthBands, syntheticTargets } from './length-matching';
import type { BuildContext } from './build-context';
import { heldOut, inWindow } from './scope';
import { sftCandidate } from './sft-candidate';

/** How the SFT file is composed: decided by the census, applied by the generation pass. */
export interface SftPlan {
  candidates: { human: number; synthetic: number };
  /** Upper edges of the reply-length bands the synthetic cap samples within (length-matching.ts). */
  lengthBands: number[];
  /** Per length band: synthetic targets in the window with a rank at or below this are kept (the synthetic cap). */
  syntheticThresholds: number[];
  /** Human-written targets before the window with a rank at or below this are kept as anchors. */
  anchorThreshold: number;
  /** The census gate's decisions, which the generation pass's SFT gate replays. */
  decisions: GateDecisions;
  /** Lengths of the synthetic candidates the synthetic cap leaned against: the model's newest adopted replies (all synthetic candidates when none arrived since the last batch). */
  modelLengths: ReplyLengths;
  /** Distinct-2 of the model's newest adopted replies (a hash sample, windowed like the drift report's); null when there are none. */
  modelDiversity: { distinct2: number; distinct2Windows: number; distinct2StdErr: number } | null;
}

/** Whether the synthetic cap keeps a synthetic target of this rank and length. */
export const keepsSynthetic = (plan: SftPlan, rank: number, length: number): boolean => rank <= plan.syntheticThresholds[bandOf(plan.lengthBands, length)]!;

/**
 * Phase 1: how many SFT targets of each kind survive, so that the caps can be met by sampling.
 * A dry run of the generation pass's SFT gate: same rows, same order, same decisions.
 */
export async function sftCensus(ctx: BuildContext): Promise<SftPlan> {
  const { db, tenantId, spec, current, checkpoint } = ctx;
  const decisions = new GateDecisions();
  const gate = new AdmissionGate('sft', null, spec.maxPerTicket, spec.nearDuplicate, { record: decisions });
  const syntheticRanks: number[] = [];
  const syntheticLengths: number[] = [];
  // The synthetic candidates since the previous batch: what the model that serves now writes.
  const newestSyntheticLengths: number[] = [];
  const newestSample = new RankSample();
  const humanLengths: number[] = [];
  const anchorRanks: number[] = [];
  let human = 0;
  checkpoint.phase('census of replies', ctx.totals.adoptions);
  for await (const page of streamAnnotations(db, tenantId, { types: ['adoption'], fromSeq: 0, toSeq: spec.watermark, withContext: false })) {
    for (const row of page) {
      const c = sftCandidate(row, current);
      const key = ticketKey(row.annotation.ticket);
      if (typeof c === 'string' || heldOut(spec, key)) continue;
      if (!gate.admit(key, c.text)) continue;
      if (inWindow(spec, row.seq)) {
        if (c.synthetic) {
          const rank = hashRank(spec.seed, 'synthetic', row.annotation.id);
          syntheticRanks.push(rank);
          syntheticLengths.push(c.text.length);
          if (row.seq > spec.fromSeq) {
            newestSyntheticLengths.push(c.text.length);
            newestSample.add(rank, c.text);
          }
        } else {
          human++;
          humanLengths.push(c.text.length);
        }
      } else if (!c.synthetic) {
        anchorRanks.push(hashRank(spec.seed, 'anchor', row.annotation.id));
      }
    }
    await checkpoint.passed(page.length);
  }
  const synthetic = syntheticRanks.length;
  const { anchorShare, syntheticCap } = spec;
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
  for (const n of newestSyntheticLengths.length ? newestSyntheticLengths : syntheticLengths) {
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
    decisions,
    modelLengths: modelLengths.summary(),
    modelDiversity: newestSample.size > 0 ? windowedDistinct2(newestSample.texts()) : null,
  };
}
