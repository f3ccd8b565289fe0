import { describe, expect, it } from 'vitest';
import { annotationWatermark, readSignals, SIGNAL_WEIGHTS } from '../../src/models/signals';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';
import { Flywheel } from '../helpers/flywheel';

describe.each(testDatabases())('feedback signals for retrieval ($name)', (testDb) => {
  const suite = suiteDatabase(testDb);

  it('counts labels, citations of replies sent as is, links in sent text and closed gaps, netted per ticket and article', async () => {
    const fw = await Flywheel.create(suite.db);
    const refund = await fw.article('Refunds for annual plans', 'How to get a refund of a yearly plan.');
    const reset = await fw.article('Reset the hub', 'Hold the button for ten seconds.');
    const other = await fw.article('Pair a bulb', 'Open the app and add a device.');
    await suite.db.query(`UPDATE knowledge_articles SET url = 'https://help.example.com/articles/' || external_id WHERE id = $1`, [other.id]);

    const first = await fw.impression({ ticketId: '1001', customer: 'I want my money back', arms: { A: 'You can get a refund [1].' }, articles: [refund, reset], cites: [refund] });
    const second = await fw.impression({ ticketId: '1002', customer: 'the bulb will not connect', arms: { A: 'Try a reset.' }, articles: [reset], cites: [reset] });
    await fw.sync(
      fw.relevance(first, refund, 'relevant'),
      fw.relevance(first, reset, 'irrelevant'),
      fw.adoption(first, 'as_is', 'You can get a refund.'),
      // Lightly edited is cited too; heavy edits are not. The agent linked another article.
      fw.adoption(second, 'heavy_edit', `This guide helps: https://help.example.com/articles/${other.id.slice(0, 8)}?utm=x`),
    );

    const watermark = await annotationWatermark(suite.db, fw.tenantId);
    const gap = { ticket: { platform: 'zendesk' as const, ticketId: '1003' }, context: { subject: '', messages: [{ role: 'customer' as const, text: 'how do I export my data' }] }, articleId: other.id };
    const signals = await readSignals(suite.db, fw.tenantId, watermark, [gap]);
    expect(signals.counts).toMatchObject({ relevant: 1, irrelevant: 1, cited: 1, link: 1, gap: 1 });
    const byTicket = new Map(signals.tickets.map((t) => [t.ticket.ticketId, t]));
    expect(byTicket.get('1001')!.articles.get(refund.id)).toBe(SIGNAL_WEIGHTS.relevant + SIGNAL_WEIGHTS.cited);
    expect(byTicket.get('1001')!.articles.get(reset.id)).toBe(SIGNAL_WEIGHTS.irrelevant);
    // A heavily edited reply's citation does not count; the link in what was sent does.
    expect([...byTicket.get('1002')!.articles]).toEqual([[other.id, SIGNAL_WEIGHTS.link]]);
    expect(byTicket.get('1003')!.articles.get(other.id)).toBe(SIGNAL_WEIGHTS.gap);
    expect(byTicket.get('1001')!.context.messages[0]!.text).toBe('I want my money back');

    // Nothing after the watermark.
    await fw.sync(fw.relevance(second, reset, 'relevant'));
    expect((await readSignals(suite.db, fw.tenantId, watermark)).counts.relevant).toBe(1);
  });
});
