import { describe, expect, it } from 'vitest';
import { storeAnnotations } from '../../src/annotations/store';
import { listGaps } from '../../src/gaps/list';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';
import { Flywheel } from '../helpers/flywheel';

describe.each(testDatabases())('numbering knowledge gaps on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  async function numbersBySeq(tenantId: string) {
    const { rows } = await suite.db.query<{ number: number; seq: string }>(
      `SELECT g.number, a.seq::text AS seq FROM knowledge_gaps g JOIN annotations a ON a.tenant_id = g.tenant_id AND a.id = g.annotation_id
        WHERE g.tenant_id = $1 ORDER BY a.seq`,
      [tenantId],
    );
    return rows.map((r) => r.number);
  }

  it('numbers every report 1, 2, 3, ... in arrival order when many agents sync at once and the queue is read meanwhile', async () => {
    const first = await Flywheel.create(suite.db);
    // Eight agents of one tenant, each syncing its own mix of reports and other annotations, all in flight together.
    const agents = [first, ...(await Promise.all(Array.from({ length: 7 }, (_, i) => Flywheel.create(suite.db, first.tenantId, `agent-${i + 2}`))))];
    const article = await first.article('Refunds', 'Refunds take five days.');
    const syncs = await Promise.all(
      agents.map(async (agent, a) => {
        const impression = await agent.impression({ ticketId: `T-${a}`, customer: 'Can I move my plan to another workspace?', arms: { A: 'Sure.' }, articles: [article] });
        const annotations = Array.from({ length: 5 }, (_, i) =>
          i % 2 === 0 ? agent.missing(impression, `agent ${a} report ${i}`) : agent.relevance(impression, article, 'irrelevant'),
        );
        return { agent, annotations };
      }),
    );
    // Readers number what has arrived while the syncs are in flight; a report stored after a
    // reader numbered must still get a higher number than every report before it in seq.
    let synced = false;
    let reads = 0;
    const reader = (async () => {
      for (; !synced; reads++) await listGaps(suite.db, first.tenantId);
    })();
    await Promise.all(syncs.map(({ agent, annotations }) => agent.sync(...annotations)));
    synced = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
    await listGaps(suite.db, first.tenantId);

    const numbers = await numbersBySeq(first.tenantId);
    expect(numbers).toHaveLength(8 * 3);
    // In seq order the numbers run 1..24 without gaps or repeats: numbering follows arrival.
    expect(numbers).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it('gives a retried report its old number, and another tenant starts at 1', async () => {
    const a = await Flywheel.create(suite.db);
    const b = await Flywheel.create(suite.db);
    const impressionA = await a.impression({ ticketId: 'A-1', customer: 'Where is my invoice?', arms: { A: 'Here.' }, articles: [] });
    const impressionB = await b.impression({ ticketId: 'B-1', customer: 'Where is my invoice?', arms: { A: 'Here.' }, articles: [] });
    const report = a.missing(impressionA, 'No article on invoices');
    await a.sync(report, a.missing(impressionA, 'No article on credit notes'));
    await b.sync(b.missing(impressionB, 'Nothing about VAT'));
    // The extension retries a sync it never saw acknowledged: a duplicate, never a new gap.
    const retried = await storeAnnotations(suite.db, { tokenId: '00000000-0000-4000-8000-000000000000', tenantId: a.tenantId, role: 'agent', name: 'agent-1' }, a.clientId, [report]);
    expect(retried[0]!.status).toBe('duplicate');

    expect((await listGaps(suite.db, a.tenantId)).map((g) => [g.number, g.description])).toEqual([
      [1, 'No article on invoices'],
      [2, 'No article on credit notes'],
    ]);
    expect((await listGaps(suite.db, b.tenantId)).map((g) => g.number)).toEqual([1]);
  });

  it('numbers reports that arrived before gaps were numbered, in seq order, when the queue is first read', async () => {
    const fw = await Flywheel.create(suite.db);
    const impression = await fw.impression({ ticketId: 'OLD-1', customer: 'How do I export data?', arms: { A: 'Like this.' }, articles: [] });
    await fw.sync(fw.missing(impression, 'older report'), fw.missing(impression, 'newer report'));
    // As an upgraded database has them: stored reports, no numbers yet.
    await suite.db.query('DELETE FROM knowledge_gaps WHERE tenant_id = $1', [fw.tenantId]);
    expect((await listGaps(suite.db, fw.tenantId)).map((g) => [g.number, g.description])).toEqual([
      [1, 'older report'],
      [2, 'newer report'],
    ]);
    await fw.sync(fw.missing(impression, 'a new one'));
    // Stored, and numbered when the queue is next read.
    expect(await numbersBySeq(fw.tenantId)).toEqual([1, 2]);
    expect((await listGaps(suite.db, fw.tenantId)).map((g) => g.description)).toEqual(['older report', 'newer report', 'a new one']);
    expect(await numbersBySeq(fw.tenantId)).toEqual([1, 2, 3]);
  });
});
