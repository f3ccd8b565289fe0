import { describe, expect, it } from 'vitest';
import { buildBatch } from '../../src/batches/build/build-batch';
import { tokenFor } from '../helpers/app';
import { OPTS, batchFiles, twoArmTicket as ticket } from '../helpers/batches';
import { testDatabases } from '../helpers/databases';
import { Flywheel } from '../helpers/flywheel';
import { suiteApp } from '../helpers/suite-database';

/** A reply of one of three lengths (about 50, 170 and 400 characters), its own words for ticket `n` (no near-duplicates). */
const reply = (size: 0 | 1 | 2, who: string, n: number) =>
  [`${who} ${String(n).padStart(3, '0')}: your refund for order ${String(n).padStart(3, '0')} is on its way.`, ...Array.from({ length: [0, 5, 14][size]! }, (_, i) => `Note ${i} on case ${String(n).padStart(3, '0')}x${i}.`)].join(' ');

describe.each(testDatabases())('the synthetic cap leans against the model\'s own length mix, on $name', (testDb) => {
  const suite = suiteApp(testDb);

  /** 60 human replies evenly over three lengths and 240 adopted model replies, `longShare` of them long. */
  async function history(longShare: number) {
    const fw = await Flywheel.create(suite.db);
    const art = await fw.article('Refunds', 'Refunds reach the card in five to ten days.');
    const longModel = Math.round(240 * longShare);
    for (let n = 0; n < 300; n++) {
      const imp = await ticket(fw, n, [art]);
      const human = n < 60;
      const size = human ? ((n % 3) as 0 | 1 | 2) : n - 60 < longModel ? 2 : (((n - 60) % 2) as 0 | 1);
      await fw.sync(fw.adoption(imp, human ? 'discarded' : 'as_is', reply(size, human ? 'Agent' : 'Model', n)));
    }
    const op = await tokenFor(suite.db, 'operator', { tenant: fw.tenantId, name: 'ml-team' });
    const { manifest } = await buildBatch(suite.db, fw.tenantId, { syntheticCap: 0.5, evalShare: 0 }, OPTS);
    const { files } = await batchFiles(suite.app, op.headers, manifest.batch);
    const sources = files['sources.jsonl']!.filter((s) => s.file === 'sft.jsonl');
    const sft = files['sft.jsonl']!.map((row) => ((row as { messages: { content: string }[] }).messages.at(-1)!.content));
    const synthetic = sft.filter((_, i) => sources[i]!.provenance === 'model_unedited');
    return { fw, manifest, synthetic, long: synthetic.filter((t) => t.length > 300).length / synthetic.length };
  }

  it('keeps fewer long model replies than agents write when the model over-writes them, and the agents\' mix when it does not', async () => {
    const leaning = await history(0.6);
    expect(leaning.manifest.sft.kept).toEqual({ human: 60, synthetic: 60, anchors: 0 });
    // Agents write a third of their replies long, the model 60%: its kept replies are fewer than a third long.
    expect(leaning.long).toBeLessThan(1 / 3 - 0.05);
    // The batch as a whole leans against the model too: long replies under a third of SFT targets.
    expect((20 + leaning.long * 60) / 120).toBeLessThan(1 / 3);
    // The manifest records what the cap leaned against: the model's replies before it, longer than the agents'.
    const { replyChars, modelDistinct2Windows } = leaning.manifest.drift.current;
    expect(replyChars!.model!.n).toBe(240);
    expect(replyChars!.model!.mean).toBeGreaterThan(replyChars!.human.mean);
    expect(replyChars!.synthetic.mean).toBeLessThan(replyChars!.human.mean);
    expect(modelDistinct2Windows).toBe(2);
    // That gap is the counter-lean, not model text entering in its own proportions: no warning.
    expect(leaning.manifest.drift.warnings).toEqual([]);

    const even = await history(1 / 3);
    expect(even.manifest.sft.kept.synthetic).toBe(60);
    // A model that writes like the agents is sampled in their mix.
    expect(even.long).toBeGreaterThan(1 / 3 - 0.05);
    expect(even.long).toBeLessThan(1 / 3 + 0.05);
    // Nothing new since that batch: no newest model replies, so no diversity of theirs is recorded (not a 0).
    const { manifest: again } = await buildBatch(suite.db, even.fw.tenantId, { syntheticCap: 0.5, evalShare: 0 }, OPTS);
    expect(again.drift.current.modelDistinct2).toBeUndefined();
    expect(again.drift.current.replyChars!.model!.n).toBe(240);
  }, 120_000);
});
