import { hashRank, rankThreshold } from '../examples/sampling';
import { ticketKey } from '../examples/ticket';
import { countAnnotations, streamAnnotations } from '../source';
import { AdmissionGate, GateDecisions } from './admission-gate';
import type { BuildContext } from './build-context';
import { heldOut, inWindow } from './scope';
import { sftCandidate } from './sft-candidate';

/** How the SFT file is composed: decided by the census, applied by the generation pass. */
export interface SftPlan {
  candidates: { human: number; synthetic: number };
  /** Synthetic targets in the window with a rank at or below this are kept (the synthetic cap). */
  syntheticThreshold: number;
  /** Human-written targets before the window with a rank at or below this are kept as anchors. */
  anchorThreshold: number;
  /** The census gate's decisions, which the generation pass's SFT gate replays. */
  decisions: GateDecisions;
}

/**
 * Phase 1: how many SFT targets of each kind survive, so that the caps can be met by sampling.
 * A dry run of the generation pass's SFT gate: same rows, same order, same decisions.
 */
export async function sftCensus(ctx: BuildContext): Promise<SftPlan> {
  const { db, tenantId, spec, current, checkpoint } = ctx;
  const decisions = new GateDecisions();
  const gate = new AdmissionGate('sft', null, spec.maxPerTicket, spec.nearDuplicate, { record: decisions });
  const syntheticRanks: number[] = [];
  const anchorRanks: number[] = [];
  let human = 0;
  checkpoint.phase('census of replies', await countAnnotations(db, tenantId, ['adoption'], 0, spec.watermark));
  for await (const page of streamAnnotations(db, tenantId, { types: ['adoption'], fromSeq: 0, toSeq: spec.watermark, withContext: false })) {
    for (const row of page) {
      const c = sftCandidate(row, current);
      const key = ticketKey(row.annotation.ticket);
      if (typeof c === 'string' || heldOut(spec, key)) continue;
      if (!gate.admit(key, c.text)) continue;
      if (inWindow(spec, row.seq)) {
        if (c.synthetic) syntheticRanks.push(hashRank(spec.seed, 'synthetic', row.annotation.id));
        else human++;
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
  return {
    candidates: { human, synthetic },
    syntheticThreshold: rankThreshold(syntheticRanks, allowed),
    anchorThreshold: rankThreshold(anchorRanks, anchors),
    decisions,
  };
}
