import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Impression, type TicketContext } from '../../../lib/contract';
import { buildApp } from '../../src/app';
import { operations } from '../../src/cli/operations';
import { loadConfig, type Config } from '../../src/config';
import type { Database } from '../../src/db/database';
import { TEST_CONFIG, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { json, startFakeServer } from '../helpers/fake-http';

/**
 * A stand-in embeddings model: one dimension per concept, so "reimbursed" and "refund" land
 * together although full-text search cannot match them.
 */
const CONCEPTS = [/refund|reimburs|money back/g, /doorbell|chime|ring/g, /password|sign[ -]?in|log ?in/g, /battery|charge/g];
const fakeVector = (text: string) => CONCEPTS.map((re) => (text.toLowerCase().match(re)?.length ?? 0) + 0.01);

const ARTICLES = [
  ['refunds', 'Refunds for subscriptions', 'Yearly plans are refunded in full within 14 days of a renewal.'],
  ['chime', 'Doorbell does not ring the chime', 'Check the chime type in the doorbell settings.'],
  ['password', 'Reset your password', 'Use the forgot password link on the sign in page.'],
  ['battery', 'Charge the camera battery', 'A full charge takes five hours.'],
];

// Not one of its words is in the knowledge base: full-text search finds nothing.
const ticket: TicketContext = {
  platform: 'zendesk',
  ticketId: '9001',
  subject: 'Reimbursement',
  messages: [{ role: 'customer', text: 'Please reimburse me.' }],
};

describe.each(testDatabases())('vector search on $name', (testDb) => {
  let db: Database;
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let config: Config;
  let app: FastifyInstance;
  let agent: Awaited<ReturnType<typeof tokenFor>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-embed-'));

  beforeAll(async () => {
    db = await testDb.open();
    fake = await startFakeServer((req, res) => {
      const input = (req.body as { input: string[] }).input;
      json(res, 200, { object: 'list', data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeVector(text) })), model: 'fake-embed' });
    });
    config = loadConfig({ AITL_DATA_DIR: 'memory://', AITL_EMBEDDINGS_URL: `${fake.url}/v1`, AITL_EMBEDDINGS_MODEL: 'fake-embed', AITL_EMBEDDINGS_API_KEY: 'emb-key' });
    agent = await tokenFor(db, 'agent');
    for (const [id, title, body] of ARTICLES) fs.writeFileSync(path.join(dir, `${id}.md`), `---\nid: ${id}\ntitle: ${title}\n---\n${body}\n`);
    app = await buildApp({ config: { ...TEST_CONFIG, logLevel: 'silent', suggestions: config.suggestions }, db });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await db?.close();
    await testDb.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const suggest = async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/suggestions', headers: agent.headers, payload: { context: ticket, pairwise: false } });
    expect(res.statusCode, res.body).toBe(200);
    return Impression.parse(res.json());
  };

  it('embeds articles on import, then finds what full-text search cannot', async () => {
    fake.answer((_req, res) => json(res, 500, { error: 'model loading' }));
    const failed = await operations['kb.import']({ db, config }, { path: dir, tenant: agent.tenantId, source: 'help' });
    expect(failed).toContain('4 added');
    expect(failed).toMatch(/embedding failed \(.*HTTP 500.*\); the articles are imported and found by full-text search; run aitl kb embed to retry/);

    // Imported but without vectors: full text only, and the impression says why.
    const textOnly = await suggest();
    expect(textOnly.versions.retriever).toBe('bm25f-1');
    expect(textOnly.articles).toEqual([]);
    expect(textOnly.degraded.map((d) => d.reason)).toContain('no article has an embedding yet (run aitl kb embed); searched with full text only');

    fake.answer((req, res) => {
      const input = (req.body as { input: string[] }).input;
      json(res, 200, { data: input.map((text, index) => ({ index, embedding: fakeVector(text) })) });
    });
    expect(await operations['kb.embed']({ db, config }, { tenant: agent.tenantId })).toBe(`embedded 4 article version(s) of tenant ${agent.tenantId} with fake-embed\n`);
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer emb-key');
    expect(fake.requests.at(-1)!.body).toMatchObject({ model: 'fake-embed', input: expect.arrayContaining([expect.stringContaining('Refunds for subscriptions')]) });

    const hybrid = await suggest();
    expect(hybrid.versions.retriever).toBe('bm25f-1+rrf-fake-embed');
    expect(hybrid.articles[0]!.externalId).toBe('refunds');
    expect(hybrid.degraded).toEqual([]);
    expect(hybrid.arms[0]!.citedArticleIds).toEqual([hybrid.articles[0]!.id]);
  });

  it('falls back to full-text search when the embeddings endpoint fails at query time', async () => {
    fake.answer((_req, res) => json(res, 503, 'busy'));
    const impression = await suggest();
    expect(impression.versions.retriever).toBe('bm25f-1');
    // Full text finds nothing for this ticket, so the agent is told both why and what.
    expect(impression.degraded.map((d) => d.reason)).toEqual(
      expect.arrayContaining(['no article matched this ticket', expect.stringMatching(/^embeddings unavailable \(.*HTTP 503.*\); searched with full text only$/)]),
    );
  });

  it('embeds a re-imported article version and searches it at once', async () => {
    fake.answer((req, res) => {
      const input = (req.body as { input: string[] }).input;
      json(res, 200, { data: input.map((text, index) => ({ index, embedding: fakeVector(text) })) });
    });
    fs.writeFileSync(path.join(dir, 'battery.md'), '---\nid: battery\ntitle: Charge the camera battery\n---\nA full charge takes five hours. Batteries bought last year can be reimbursed under warranty.\n');
    const out = await operations['kb.import']({ db, config }, { path: dir, tenant: agent.tenantId, source: 'help' });
    expect(out).toContain('1 updated');
    expect(out).toContain('embedded 1 article version(s) for vector search');
    const impression = await suggest();
    expect(impression.versions).toMatchObject({ retriever: 'bm25f-1+rrf-fake-embed', kb: 'kb-2' });
    expect(impression.articles.find((a) => a.externalId === 'battery')).toMatchObject({ version: 2 });
  });
});
