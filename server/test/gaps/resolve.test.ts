import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { listGaps } from '../../src/gaps/list';
import { GapResolveError, resolveGap } from '../../src/gaps/resolve';
import { importKnowledgeBase } from '../../src/knowledge/import';
import type { SourceArticle } from '../../src/knowledge/sources/source-article';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';
import { Flywheel } from '../helpers/flywheel';

const article = (externalId: string, title: string): SourceArticle => ({
  externalId,
  title,
  body: `${title}: what to do, step by step.`,
  url: null,
  sourceUpdatedAt: null,
  at: `${externalId}.md:1`,
});

const importArticles = (db: Database, tenantId: string, source: string, ...articles: SourceArticle[]) =>
  importKnowledgeBase(db, { tenantId, source, origin: 'test', parsed: { format: 'markdown', articles, skipped: [] } });

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GapResolveError) return `${error.reason}: ${error.message}`;
    throw error;
  }
  return 'resolved';
}

describe.each(testDatabases())('the knowledge-gap queue on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  it('lists what was missing, the ticket, the reporter, what was shown and what closed it', async () => {
    const fw = await Flywheel.create(suite.db, undefined, 'ana@acme.example');
    const shown = [await fw.article('Refund policy', 'Refunds take five days.'), await fw.article('Cancel a plan', 'Open billing, choose cancel.')];
    const impression = await fw.impression({ ticketId: 'T-9', customer: 'Can I move my plan to another workspace?', arms: { A: 'Maybe.' }, articles: shown });
    await fw.sync(fw.missing(impression, 'How to move a subscription between workspaces', 'how_to'));
    await importArticles(suite.db, fw.tenantId, 'markdown', article('KB-7', 'Move a subscription to another workspace'));

    const [gap] = await listGaps(suite.db, fw.tenantId);
    expect(gap).toMatchObject({
      number: 1,
      description: 'How to move a subscription between workspaces',
      category: 'how_to',
      suggestedTitle: 'How to move a subscription between workspaces',
      ticket: { platform: 'zendesk', ticketId: 'T-9' },
      reportedBy: 'ana@acme.example',
      shownArticles: ['Refund policy', 'Cancel a plan'],
      resolved: null,
    });
    expect(Date.parse(gap!.createdAt)).not.toBeNaN();

    expect(await resolveGap(suite.db, fw.tenantId, 1, 'KB-7', 'ops@acme.example')).toEqual({ number: 1, externalId: 'KB-7', title: 'Move a subscription to another workspace', changed: true });
    const [closed] = await listGaps(suite.db, fw.tenantId);
    expect(closed!.resolved).toMatchObject({ externalId: 'KB-7', title: 'Move a subscription to another workspace', by: 'ops@acme.example' });
    expect(await listGaps(suite.db, fw.tenantId, { open: true })).toEqual([]);
  });

  it('refuses unknown gaps, unknown or retired articles and a second article, and repeats quietly', async () => {
    const fw = await Flywheel.create(suite.db);
    const impression = await fw.impression({ ticketId: 'T-1', customer: 'Do you ship to Norway?', arms: { A: 'Yes.' }, articles: [] });
    await fw.sync(fw.missing(impression, 'Shipping to Norway'), fw.missing(impression, 'Customs fees'));
    await importArticles(suite.db, fw.tenantId, 'markdown', article('ship-no', 'Shipping to Norway'), article('old', 'Old shipping table'));
    await importArticles(suite.db, fw.tenantId, 'markdown', article('ship-no', 'Shipping to Norway'), article('customs', 'Customs and duties'));
    const t = fw.tenantId;

    expect(await reason(resolveGap(suite.db, t, 3, 'ship-no', 'cli'))).toMatch(/^unknown_gap: no knowledge gap 3/);
    expect(await reason(resolveGap(suite.db, t, 0, 'ship-no', 'cli'))).toMatch(/^unknown_gap: gap numbers are whole numbers from 1/);
    expect(await reason(resolveGap(suite.db, t, 1, 'nope', 'cli'))).toMatch(/^unknown_article: no article with id "nope"/);
    expect(await reason(resolveGap(suite.db, t, 1, 'old', 'cli'))).toMatch(/^retired_article: article "old" is retired/);

    expect(await resolveGap(suite.db, t, 1, 'ship-no', 'cli')).toMatchObject({ changed: true });
    expect(await resolveGap(suite.db, t, 1, 'ship-no', 'someone-else')).toMatchObject({ changed: false });
    expect(await reason(resolveGap(suite.db, t, 1, 'customs', 'cli'))).toMatch(/^closed_by_other: gap 1 is already closed by article "ship-no"/);
    // The repeat changed nothing: still closed by the first actor.
    expect((await listGaps(suite.db, t))[0]!.resolved).toMatchObject({ externalId: 'ship-no', by: 'cli' });
    expect((await listGaps(suite.db, t, { open: true })).map((g) => g.number)).toEqual([2]);
  });

  it('asks for the source when two sources use one article id', async () => {
    const fw = await Flywheel.create(suite.db);
    const impression = await fw.impression({ ticketId: 'T-2', customer: 'How do refunds work?', arms: { A: 'Hm.' }, articles: [] });
    await fw.sync(fw.missing(impression, 'Refunds for gift cards'));
    await importArticles(suite.db, fw.tenantId, 'help-centre', article('42', 'Gift card refunds'));
    await importArticles(suite.db, fw.tenantId, 'internal', article('42', 'Gift card refunds (internal)'));
    expect(await reason(resolveGap(suite.db, fw.tenantId, 1, '42', 'cli'))).toMatch(/^ambiguous_article: article id "42" exists in sources help-centre, internal/);
    expect(await resolveGap(suite.db, fw.tenantId, 1, '42', 'cli', { source: 'internal' })).toMatchObject({ title: 'Gift card refunds (internal)' });
  });

  it('keeps tenants apart: a gap of another tenant is unknown', async () => {
    const a = await Flywheel.create(suite.db);
    const b = await Flywheel.create(suite.db);
    const impression = await a.impression({ ticketId: 'T-3', customer: 'Where is my order?', arms: { A: 'On its way.' }, articles: [] });
    await a.sync(a.missing(impression, 'Order tracking'));
    await importArticles(suite.db, b.tenantId, 'markdown', article('track', 'Track an order'));
    expect(await reason(resolveGap(suite.db, b.tenantId, 1, 'track', 'cli'))).toMatch(/^unknown_gap/);
    expect(await listGaps(suite.db, b.tenantId)).toEqual([]);
  });
});
