import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importKnowledgeBase } from '../../src/knowledge/import';
import { retrieveCandidates } from '../../src/knowledge/retrieval';
import { readSource } from '../../src/knowledge/sources/read-source';
import { type ParsedSource, type SourceArticle } from '../../src/knowledge/sources/source-article';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';

const FIXTURES = fileURLToPath(new URL('../fixtures/kb/', import.meta.url));
const fixture = (p: string) => `${FIXTURES}${p}`;



const article = (externalId: string, title: string, body: string): SourceArticle => ({
  externalId,
  title,
  body,
  url: `https://help.acme.example/${externalId}`,
  sourceUpdatedAt: null,
  at: `${externalId}.md:1`,
});
const source = (...articles: SourceArticle[]): ParsedSource => ({ format: 'markdown', articles, skipped: [] });

describe.each(testDatabases())('importing into $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  async function articles(tenantId: string) {
    const { rows } = await suite.db.query<{ external_id: string; version: number; title: string; retired: boolean; versions: number }>(
      `SELECT a.external_id, a.version, a.title, a.retired_at IS NOT NULL AS retired,
              (SELECT count(*)::int FROM knowledge_article_versions v WHERE v.tenant_id = a.tenant_id AND v.article_id = a.id) AS versions
         FROM knowledge_articles a WHERE a.tenant_id = $1 ORDER BY a.external_id`,
      [tenantId],
    );
    return rows;
  }
  const search = async (tenantId: string, text: string) =>
    (await retrieveCandidates(suite.db, tenantId, { subject: '', body: text })).candidates.map((c) => `${c.externalId}@${c.version}`);

  it('imports each format and is searchable at once', async () => {
    for (const [name, path] of [['zendesk', 'zendesk'], ['markdown', 'markdown'], ['csv', 'csv/articles.csv']] as const) {
      const summary = await importKnowledgeBase(suite.db, { tenantId: `fmt-${name}`, source: name, origin: path, parsed: readSource(fixture(path)) });
      expect(summary).toMatchObject({ added: name === 'markdown' ? 2 : name === 'csv' ? 2 : 3, updated: 0, retired: 0, revision: 1, format: name });
    }
    expect(await search('fmt-zendesk', 'how do I reset the router')).toEqual(['360001234501@1']);
    expect(await search('fmt-markdown', 'forgot my password')).toEqual(['KB-100@1']);
    expect(await search('fmt-csv', 'gift card expiry')).toEqual(['c-2@1']);
  });

  it('bumps the version of changed articles only, keeps every version, retires removed ones and restores them', async () => {
    const tenantId = 'versions';
    const a = article('a', 'Pairing a speaker', 'Hold the pairing button for five seconds.');
    const b = article('b', 'Speaker warranty', 'Speakers carry a two year warranty.');
    const c = article('c', 'Cleaning the speaker grille', 'Use a dry cloth on the grille.');
    const first = await importKnowledgeBase(suite.db, { tenantId, source: 'md', origin: 'x', parsed: source(a, b, c) });
    expect(first).toMatchObject({ added: 3, revision: 1 });

    const same = await importKnowledgeBase(suite.db, { tenantId, source: 'md', origin: 'x', parsed: source(c, b, a) });
    expect(same).toMatchObject({ added: 0, updated: 0, unchanged: 3, retired: 0, revision: 1 });

    const b2 = { ...b, body: 'Speakers carry a three year warranty from the date of purchase.' };
    const second = await importKnowledgeBase(suite.db, { tenantId, source: 'md', origin: 'x', parsed: source(a, b2) });
    expect(second).toMatchObject({ added: 0, updated: 1, unchanged: 1, retired: 1, revision: 2 });
    expect(await articles(tenantId)).toEqual([
      { external_id: 'a', version: 1, title: a.title, retired: false, versions: 1 },
      { external_id: 'b', version: 2, title: b.title, retired: false, versions: 2 },
      { external_id: 'c', version: 1, title: c.title, retired: true, versions: 1 },
    ]);
    // Retired articles are never suggested; old versions stay readable for batches.
    expect(await search(tenantId, 'clean the grille')).toEqual([]);
    const { rows } = await suite.db.query<{ version: number; body: string }>(
      `SELECT v.version, v.body FROM knowledge_article_versions v JOIN knowledge_articles k ON k.tenant_id = v.tenant_id AND k.id = v.article_id
        WHERE v.tenant_id = $1 AND k.external_id = 'b' ORDER BY v.version`,
      [tenantId],
    );
    expect(rows).toEqual([{ version: 1, body: b.body }, { version: 2, body: b2.body }]);

    const third = await importKnowledgeBase(suite.db, { tenantId, source: 'md', origin: 'x', parsed: source(a, b2, c) });
    expect(third).toMatchObject({ restored: 1, added: 0, updated: 0, revision: 3 });
    expect(await search(tenantId, 'clean the grille')).toEqual(['c@1']);
  });

  it('keeps sources of one tenant apart and tenants apart', async () => {
    await importKnowledgeBase(suite.db, { tenantId: 'sources', source: 'help', origin: 'x', parsed: source(article('1', 'Returns', 'Return within thirty days.')) });
    await importKnowledgeBase(suite.db, { tenantId: 'sources', source: 'internal', origin: 'x', parsed: source(article('1', 'Returns for staff', 'Staff return within ninety days.')) });
    await importKnowledgeBase(suite.db, { tenantId: 'sources-other', source: 'help', origin: 'x', parsed: source(article('9', 'Returns elsewhere', 'Other tenant return rules.')) });
    // Re-importing one source retires nothing of the other.
    await importKnowledgeBase(suite.db, { tenantId: 'sources', source: 'help', origin: 'x', parsed: source(article('2', 'Shipping', 'Ships in two days.')) });
    expect((await articles('sources')).map((r) => [r.external_id, r.title, r.retired])).toEqual([
      ['1', 'Returns', true],
      ['1', 'Returns for staff', false],
      ['2', 'Shipping', false],
    ]);
    expect(await search('sources', 'return')).toEqual(['1@1']);
  });

  it('imports nothing when the database rejects any row: one transaction', async () => {
    const tenantId = 'atomic';
    await importKnowledgeBase(suite.db, { tenantId, source: 'md', origin: 'x', parsed: source(article('keep', 'Kept article', 'Stays as it is.')) });
    // 600 new articles (more than one insert chunk), the last with a date Postgres rejects.
    const many = Array.from({ length: 600 }, (_, i) => article(`n${i}`, `New ${i}`, `Body ${i}`));
    many[599] = { ...many[599]!, sourceUpdatedAt: 'not a date' };
    await expect(importKnowledgeBase(suite.db, { tenantId, source: 'md', origin: 'x', parsed: source(...many) })).rejects.toThrow();
    expect((await articles(tenantId)).map((r) => [r.external_id, r.retired])).toEqual([['keep', false]]);
    const { rows } = await suite.db.query<{ revision: number }>('SELECT revision FROM knowledge_bases WHERE tenant_id = $1', [tenantId]);
    expect(rows).toEqual([{ revision: 1 }]);
  });

  it('refuses bad tenant and source names before touching the database', async () => {
    await expect(importKnowledgeBase(suite.db, { tenantId: 'Bad Tenant', source: 'md', origin: 'x', parsed: source() })).rejects.toThrow(/invalid tenant "Bad Tenant"/);
    await expect(importKnowledgeBase(suite.db, { tenantId: 'ok', source: 'No Spaces', origin: 'x', parsed: source() })).rejects.toThrow(/invalid source "No Spaces"/);
  });
});
