import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../../../../lib/contract';
import { buildBatch, type BuildProgress } from '../../../src/batches/build/build-batch';
import type { Database } from '../../../src/db/database';
import { OPTS, twoArmTicket as ticket } from '../../helpers/batches';
import { testDatabases } from '../../helpers/databases';
import { Flywheel } from '../../helpers/flywheel';

/** Every phase a build reported, with its total and how far it advanced. */
function recorder(): { progress: BuildProgress; phases: { name: string; total: number; advanced: number }[] } {
  const phases: { name: string; total: number; advanced: number }[] = [];
  return {
    phases,
    progress: {
      phase: (name, total) => void phases.push({ name, total, advanced: 0 }),
      advance: (n) => void (phases.at(-1)!.advanced += n),
      done: () => {},
    },
  };
}

describe.each(testDatabases())('batch build progress on $name', (testDb) => {
  let db: Database;
  beforeAll(async () => {
    db = await testDb.open();
  });
  afterAll(async () => {
    await db?.close();
    await testDb.cleanup();
  });

  it('reports each phase with the number of annotations it reads, counted up to the watermark', async () => {
    const fw = await Flywheel.create(db);
    const art = await fw.article('Refunds', 'Refunds within 14 days.');
    const other = await fw.article('Shipping', 'Parcels ship within two days.');
    const first: Annotation[] = [];
    for (let n = 1; n <= 4; n++) {
      const imp = await ticket(fw, n, [art, other]);
      first.push(fw.adoption(imp, n % 2 ? 'as_is' : 'discarded', `I refunded ticket ${n} myself.`));
      first.push(fw.preference(imp, 'A'), fw.relevance(imp, art, 'relevant'), fw.relevance(imp, other, 'irrelevant'));
    }
    first.push(fw.missing(await ticket(fw, 9, [art]), 'How to refund a gift card'));
    await fw.sync(...first);

    const one = recorder();
    await buildBatch(db, fw.tenantId, {}, { ...OPTS, progress: one.progress });
    expect(one.phases.map((p) => [p.name, p.total])).toEqual([
      ['replies and preferences', 8],
      ['replies kept for SFT', 4],
      ['relevance labels', 8],
      ['knowledge gaps', 1],
    ]);
    for (const p of one.phases) expect(p.advanced, p.name).toBe(p.total);

    // Annotations after the watermark are not counted; under latest-only the gaps phase reads only the new reports.
    const imp = await ticket(fw, 10, [art]);
    await fw.sync(fw.missing(imp, 'Shipping to PO boxes'), fw.adoption(imp, 'not_used', null));
    const watermark = (await db.query<{ seq: string }>('SELECT max(seq)::text AS seq FROM annotations WHERE tenant_id = $1', [fw.tenantId])).rows[0]!.seq;
    await fw.sync(fw.missing(imp, 'Changing the account owner email'));
    const two = recorder();
    await buildBatch(db, fw.tenantId, { policy: 'latest-only', watermark: Number(watermark) }, { ...OPTS, progress: two.progress });
    expect(two.phases.map((p) => [p.name, p.total])).toEqual([
      ['replies and preferences', 9],
      ['replies kept for SFT', 0],
      ['relevance labels', 8],
      ['knowledge gaps', 1],
    ]);
  });
});
