import { describe, expect, it } from 'vitest';
import { resolvedGapPositives } from '../../src/gaps/positives';
import { resolveGap } from '../../src/gaps/resolve';
import { importKnowledgeBase } from '../../src/knowledge/import';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';
import { Flywheel } from '../helpers/flywheel';

describe.each(testDatabases())('resolved gaps as training positives on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  it('pairs each closed gap up to the watermark with its ticket, query and closing article', async () => {
    const fw = await Flywheel.create(suite.db);
    const t = fw.tenantId;
    const first = await fw.impression({ ticketId: 'T-1', customer: 'Can I pay by invoice?', arms: { A: 'Maybe.' }, articles: [] });
    const second = await fw.impression({ ticketId: 'T-2', customer: 'Is VAT on my invoice?', arms: { A: 'Maybe.' }, articles: [] });
    const reports = [fw.missing(first, 'Paying by invoice'), fw.missing(second, 'VAT on invoices'), fw.missing(second, 'Still open')];
    await fw.sync(...reports);
    await importKnowledgeBase(suite.db, {
      tenantId: t,
      source: 'markdown',
      origin: 'test',
      parsed: {
        format: 'markdown',
        skipped: [],
        articles: [
          { externalId: 'pay-invoice', title: 'Pay by invoice', body: 'Choose invoice at checkout.', url: null, sourceUpdatedAt: null, at: 'a.md:1' },
          { externalId: 'vat', title: 'VAT', body: 'VAT is on every invoice.', url: null, sourceUpdatedAt: null, at: 'b.md:1' },
        ],
      },
    });
    await resolveGap(suite.db, t, 1, 'pay-invoice', 'cli');
    await resolveGap(suite.db, t, 2, 'vat', 'cli');
    const { rows } = await suite.db.query<{ id: string; seq: string }>(
      `SELECT a.id::text AS id, a.seq::text AS seq FROM annotations a WHERE a.tenant_id = $1 ORDER BY a.seq`,
      [t],
    );
    const seqs = rows.map((r) => Number(r.seq));
    const { rows: articles } = await suite.db.query<{ id: string; external_id: string }>('SELECT id::text AS id, external_id FROM knowledge_articles WHERE tenant_id = $1', [t]);
    const articleId = Object.fromEntries(articles.map((a) => [a.external_id, a.id]));

    const all = await resolvedGapPositives(suite.db, t, { watermark: seqs[2]! });
    expect(all).toEqual([
      { gap: 1, annotationId: reports[0]!.id, ticket: { platform: 'zendesk', ticketId: 'T-1' }, impressionId: first.id, query: 'Can I pay by invoice?', articleId: articleId['pay-invoice'], externalId: 'pay-invoice' },
      { gap: 2, annotationId: reports[1]!.id, ticket: { platform: 'zendesk', ticketId: 'T-2' }, impressionId: second.id, query: 'Is VAT on my invoice?', articleId: articleId.vat, externalId: 'vat' },
    ]);
    // A report that arrived after the watermark is not trained on yet, though its gap is closed.
    expect((await resolvedGapPositives(suite.db, t, { watermark: seqs[0]! })).map((p) => p.gap)).toEqual([1]);
    expect(await resolvedGapPositives(suite.db, t, { watermark: seqs[0]! - 1 })).toEqual([]);
    const other = await Flywheel.create(suite.db);
    expect(await resolvedGapPositives(suite.db, other.tenantId, { watermark: seqs[2]! })).toEqual([]);
  });
});
