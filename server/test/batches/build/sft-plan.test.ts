import { describe, expect, it } from 'vitest';
import { BatchBuildRequest, type BatchSpec } from '../../../../lib/contract';
import { SftTally } from '../../../src/batches/build/sft-plan';

const spec = (over: Partial<BatchSpec>): BatchSpec => ({ ...BatchBuildRequest.parse({}), watermark: 100, fromSeq: 50, redaction: 'test', ...over });
const reply = (n: number) => `Reply number ${n} with a few words in it.`;

/** What the plan decides for each tallied target, in order. */
function decide(tally: SftTally) {
  const plan = tally.plan();
  return Array.from({ length: tally.size }, (_, i) => tally.decision(plan, i));
}

describe('SFT tally and plan', () => {
  it('keeps every human reply in the window and caps the synthetic ones to their share', () => {
    // One human reply and three synthetic ones, at most half synthetic and no anchors: one synthetic reply is allowed.
    const tally = new SftTally(spec({ policy: 'accumulate', fromSeq: 0, syntheticCap: 0.5, anchorShare: 0 }));
    tally.add({ seq: 1, annotationId: 'h1', text: reply(1), synthetic: false, inWindow: true });
    for (const n of [2, 3, 4]) tally.add({ seq: n, annotationId: `s${n}`, text: reply(n), synthetic: true, inWindow: true });
    const d = decide(tally);
    expect(d.map((x) => x.seq)).toEqual([1, 2, 3, 4]);
    expect(d[0]).toMatchObject({ keep: true, anchor: false, capped: false });
    // Which one is the hash ranks' choice; the other two are capped.
    expect(d.slice(1).filter((x) => x.keep)).toHaveLength(1);
    expect(d.slice(1).filter((x) => x.capped)).toHaveLength(2);
    expect(tally.plan().candidates).toEqual({ human: 1, synthetic: 3 });
  });

  it('re-samples human replies from before the window as anchors, as many as the share needs, and never tallies a synthetic one from before it', () => {
    const tally = new SftTally(spec({ policy: 'latest-only', fromSeq: 50, syntheticCap: 0.5, anchorShare: 0.5 }));
    for (const n of [1, 2, 3, 4]) expect(tally.add({ seq: n, annotationId: `old${n}`, text: reply(n), synthetic: false, inWindow: false })).toBe(true);
    expect(tally.add({ seq: 5, annotationId: 'oldsynthetic', text: reply(5), synthetic: true, inWindow: false })).toBe(false);
    for (const n of [60, 61]) tally.add({ seq: n, annotationId: `new${n}`, text: reply(n), synthetic: true, inWindow: true });
    const d = decide(tally);
    expect(d.map((x) => x.seq)).toEqual([1, 2, 3, 4, 60, 61]);
    // Half human: two synthetic need two anchors; the anchors are kept and never counted as capped.
    const anchors = d.slice(0, 4);
    expect(anchors.filter((x) => x.keep && x.anchor)).toHaveLength(2);
    expect(anchors.filter((x) => x.capped)).toHaveLength(0);
    expect(d.slice(4).every((x) => x.keep)).toBe(true);
  });
});
