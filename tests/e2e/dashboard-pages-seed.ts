import { randomUUID } from 'node:crypto';
import type { Annotation } from '../../lib/contract';
import { storeAnnotations } from '../../server/src/annotations/store';
import { startBatchBuild } from '../../server/src/batches/build/build-batch';
import { createToken } from '../../server/src/auth/tokens';
import type { Database } from '../../server/src/db/database';
import { importKnowledgeBase } from '../../server/src/knowledge/import';
import { makeAnnotation } from '../../server/test/helpers/annotations';
import { insertImpression } from '../../server/test/helpers/impressions';

/** A gap report whose text is markup: the gaps page must show it as the text it is. */
export const SCRIPT_GAP = 'Refund <script>document.title="pwned"</script><img src=x onerror="document.title=3"> for EU orders';
/** The article that answers the shipping gap, imported so the page can close the gap with it. */
export const SHIPPING_ARTICLE = { externalId: 'ship-no', title: 'Shipping to Norway' };

/**
 * Missing-knowledge reports of the tenant `seedFlywheel` filled: three agents' reports of the same
 * shipping question (one cluster), one with markup; then an importable article, and two batch
 * generations built from everything stored, so the drift report has a history.
 */
export async function seedGapsAndBatches(db: Database, tenantId: string): Promise<void> {
  const reporter = await createToken(db, { tenantId, role: 'agent', name: 'ida' });
  const clientId = randomUUID();
  const reports: [string, string][] = [
    ['G-1', 'Shipping to Norway'],
    ['G-2', 'shipping to Norway costs'],
    ['G-3', SCRIPT_GAP],
    ['G-4', 'Shipping to Norway'],
  ];
  const annotations: Annotation[] = [];
  for (const [i, [ticketId, description]] of reports.entries()) {
    const createdAt = new Date(Date.now() - (reports.length - i) * 3_600_000).toISOString();
    const imp = await insertImpression(db, tenantId, { createdAt, ticketId, agent: 'ida' });
    annotations.push({
      ...makeAnnotation('missing_knowledge', clientId),
      ticket: imp.ticket,
      impressionId: imp.id,
      createdAt: new Date(Date.parse(createdAt) + 60_000).toISOString(),
      payload: { description, category: 'how_to' },
    } as Annotation);
  }
  const stored = await storeAnnotations(db, { tokenId: reporter.id, tenantId, role: 'agent', name: 'ida' }, clientId, annotations);
  const refused = stored.filter((r) => r.status !== 'stored');
  if (refused.length > 0) throw new Error(`seeding refused gap reports: ${JSON.stringify(refused)}`);
  await importKnowledgeBase(db, {
    tenantId,
    source: 'markdown',
    origin: 'e2e',
    parsed: { format: 'markdown', skipped: [], articles: [{ ...SHIPPING_ARTICLE, body: 'We ship to Norway in 3 days; customs are prepaid.', url: null, sourceUpdatedAt: null, at: 'ship.md:1' }] },
  });

  const { rows } = await db.query<{ max: string }>('SELECT max(seq)::text AS max FROM annotations WHERE tenant_id = $1', [tenantId]);
  const last = Number(rows[0]!.max);
  // Generation 1 sees the first half of the annotations, generation 2 all of them.
  for (const watermark of [Math.floor(last / 2), last]) {
    const build = await startBatchBuild(db, tenantId, { watermark }, { holder: 'e2e-seed', leaseSeconds: 60 });
    await build.finished;
  }
}
